"""The demo borough has open and invite-only groups, and re-running the demo changes nothing."""

from __future__ import annotations

import pytest
from django.test import override_settings

from grassroots.demo.borough import Borough
from grassroots.demo.seed import seed_demo
from grassroots.groups import selectors
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.notifications.models import Kind, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (
            g.pk,
            g.slug,
            g.name,
            g.joining,
            tuple(sorted(g.wards.values_list("pk", flat=True))),
            tuple(
                sorted(
                    GroupMembership.objects.filter(group=g).values_list("user_id", "role", "status")
                )
            ),
        )
        for g in Group.objects.all()
    )


@override_settings(DEBUG=True)
def test_the_demo_has_groups_of_both_kinds_and_is_the_same_on_a_second_run(
    seeded: Borough,
) -> None:
    borough = seeded
    groups = Group.objects.filter(council=borough.council)
    assert 3 <= groups.count() <= 4
    assert {g.joining for g in groups} == {Joining.OPEN, Joining.INVITE}
    for group in groups:
        assert selectors.organiser_ids(group), group.name
        assert len(selectors.member_ids(group)) > len(selectors.organiser_ids(group))
    resident = borough.accounts["resident"]
    assert any(selectors.is_organiser(resident, g) for g in groups)
    waiting = selectors.pending_invitations(resident)
    assert [m.group.joining for m in waiting] == [Joining.INVITE]
    assert Notification.objects.filter(recipient=resident, kind=Kind.INVITATION).exists()
    councillor = borough.accounts["councillor"]
    assert selectors.groups_for_user(councillor).exists()

    first = _content()
    notes = Notification.objects.filter(recipient=resident, kind=Kind.INVITATION).count()
    seed_demo()
    assert _content() == first
    assert Notification.objects.filter(recipient=resident, kind=Kind.INVITATION).count() == notes
