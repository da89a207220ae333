"""The partnership hears of each new application: its current members who may see it, never the
person who sent it; emailed only once the application is committed; a safeguarded applicant's
title stays out of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from grassroots.core.services import ServiceError
from grassroots.funding.models import Application, MemberRole, Membership
from grassroots.funding.tests.factories import make_area
from grassroots.funding.tests.grants_factories import lead_of, make_application, make_initiative
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.people import make_councillor, make_resident

pytestmark = pytest.mark.django_db

NEW = "New application to"


def _told() -> set[int]:
    return set(
        Notification.objects.filter(kind=Kind.FUNDING, text__startswith=NEW).values_list(
            "recipient_id", flat=True
        )
    )


def test_the_current_members_hear_of_a_new_application_and_not_the_sender() -> None:
    area = make_area()
    other = make_area()
    initiative = make_initiative(area)
    lead = lead_of(initiative)
    # The lead also sits on the partnership; a member has left; a councillor sits on it
    # without two-factor sign-in set up, so has no member's powers and cannot open it.
    Membership.objects.create(
        partnership=area.partnership, user=lead, role=MemberRole.MEMBER, is_resident=True
    )
    former = area.members[7]
    Membership.objects.filter(pk=former.pk).update(left_on=former.joined_on)
    councillor = make_councillor(area.wards[0], totp=False)
    Membership.objects.create(
        partnership=area.partnership, user=councillor, role=MemberRole.MEMBER, is_resident=False
    )
    neighbour = make_resident(ward=area.wards[0])
    application = make_application(area, applicant=initiative, costs=(125_000,))
    told = _told()
    assert told == {m.user_id for m in area.members[:7]}
    assert lead.pk not in told
    assert not told & {former.user_id, councillor.pk, neighbour.pk, other.chair.pk}
    notice = Notification.objects.filter(text__startswith=NEW).first()
    assert notice is not None
    assert notice.url == application.get_absolute_url()
    assert notice.text == (
        f"New application to {area.fund.name}: “Planters for Mill Lane”, for £1,250. "
        "It waits for a decision."
    )
    assert notice.group_id == area.partnership.group_id


def test_a_safeguarded_applicant_title_stays_out_of_the_notice() -> None:
    area = make_area()
    make_application(area, safeguarded=True, title="Refuge garden")
    notices = Notification.objects.filter(text__startswith=NEW)
    # Every member is still told (the deliverer drops nobody: the initiative is not named).
    assert {n.recipient_id for n in notices} == {m.user_id for m in area.members}
    for notice in notices:
        assert "Refuge garden" not in notice.text
        assert notice.initiative_id is None


def test_the_email_goes_once_the_application_is_committed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    area = make_area()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_application(area)
    assert mail.outbox == []  # nothing is sent before the commit
    assert callbacks
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(area, title="Benches by the canal")
    assert application.initiative is not None
    sent_to = [address for message in mail.outbox for address in message.to]
    assert sorted(sent_to) == sorted(m.user.email for m in area.members)
    assert lead_of(application.initiative).email not in sent_to
    assert all("Benches by the canal" in message.subject for message in mail.outbox)


def test_a_refused_application_tells_nobody() -> None:
    area = make_area()
    with pytest.raises(ServiceError):
        make_application(area, costs=(200_000_000,))
    assert not Application.objects.exists()
    assert not _told()
