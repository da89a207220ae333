"""notify() and the digests apply the whole visibility rule: an initiative a moderator has hidden
reaches only its leads (and moderators who could otherwise see it), as do the conversations it
hosts; the bulk rule agrees with can_view(), in a fixed number of queries."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory, make_moderator, make_site_admin
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.initiatives.models import Initiative, MemberRole, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.initiatives.visibility import can_view, viewers, viewers_of
from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify, preferences_save
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory
from grassroots.support.models import Support

pytestmark = pytest.mark.django_db


def _hide(initiative: Initiative) -> Initiative:
    Initiative.objects.filter(pk=initiative.pk).update(hidden_at=timezone.now())
    initiative.refresh_from_db()
    return initiative


def _people(initiative: Initiative) -> dict[str, Any]:
    """One person of each kind around `initiative` (its creator leads it)."""
    ward = WardFactory()
    councillor = UserFactory()
    TOTP.activate(councillor, generate_totp_secret())
    term = CouncillorTermFactory(councillor__user=councillor, ward=ward)
    Support.objects.create(
        initiative=initiative,
        councillor=term.councillor,
        kind="facilitate",
        description="Host a meeting",
        status="offered",
    )
    admin = make_site_admin()
    TOTP.activate(admin, generate_totp_secret())
    return {
        "lead": initiative.created_by,
        "co-lead": MembershipFactory(initiative=initiative, role=MemberRole.LEAD).user,
        "member": MembershipFactory(initiative=initiative).user,
        "outsider": UserFactory(),
        "supporting councillor": councillor,
        "moderator": make_moderator(),
        "site admin with TOTP": admin,
        "site admin without TOTP": make_site_admin(),
    }


@pytest.mark.parametrize(
    ("visibility", "hidden"),
    list(itertools.product([Visibility.PUBLIC, Visibility.SAFEGUARDED], [False, True])),
)
def test_the_bulk_rule_agrees_with_can_view(visibility: str, hidden: bool) -> None:
    initiative = InitiativeFactory(visibility=visibility)
    people = _people(initiative)
    if hidden:
        _hide(initiative)
    expected = {p.pk for p in people.values() if can_view(p, initiative)}
    assert viewers(initiative, [p.pk for p in people.values()]) == expected
    # The rule itself, so the agreement is not vacuous.
    names = {name for name, p in people.items() if p.pk in expected}
    if hidden:
        leads = {"lead", "co-lead"}
        moderators = {"moderator", "site admin with TOTP"}
        if visibility == Visibility.PUBLIC:
            assert names == leads | moderators
        else:
            assert names == leads  # moderators are not inside it
    elif visibility == Visibility.SAFEGUARDED:
        assert names == {"lead", "co-lead", "member", "supporting councillor"}
    else:
        assert names == set(people)


def test_many_initiatives_at_once_agree_with_asking_one_by_one() -> None:
    public, safeguarded = InitiativeFactory(), InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    hidden = InitiativeFactory()
    people = [*_people(public).values(), *_people(safeguarded).values(), *_people(hidden).values()]
    _hide(hidden)
    ids = [p.pk for p in people]
    together = viewers_of([public, safeguarded, hidden], ids)
    for initiative in (public, safeguarded, hidden):
        assert together[initiative.pk] == {p.pk for p in people if can_view(p, initiative)}


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
def test_a_hidden_initiative_is_told_only_to_its_leads(
    visibility: str, django_capture_on_commit_callbacks: Any
) -> None:
    initiative = InitiativeFactory(visibility=visibility)
    people = _people(initiative)
    _hide(initiative)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            recipients=people.values(),
            kind=Kind.STAGE_CHANGE,
            text="Moved on",
            url="/",
            initiative=initiative,
        )
    told = {n.recipient.pk for n in created}
    assert told == {p.pk for p in people.values() if can_view(p, initiative)}
    assert people["lead"].pk in told
    for name in ("member", "outsider", "supporting councillor", "site admin without TOTP"):
        assert people[name].pk not in told
        assert not Notification.objects.filter(recipient=people[name]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        p.email for p in people.values() if p.pk in told
    )


def test_a_conversation_of_a_hidden_initiative_is_told_only_to_its_leads() -> None:
    initiative = InitiativeFactory()
    people = _people(initiative)
    conversation = ConversationFactory(ward=None, initiative=initiative)
    _hide(initiative)
    conversation.refresh_from_db()
    created = notify(
        recipients=people.values(),
        kind=Kind.CONVERSATION,
        text="A new reply",
        url="/",
        conversation=conversation,
    )
    told = {n.recipient.pk for n in created}
    assert people["lead"].pk in told
    assert people["member"].pk not in told
    assert people["outsider"].pk not in told
    # The notification names its initiative, so the inbox keeps it to those who may see it.
    assert all(n.initiative_id == initiative.pk for n in created)


def _queries_to_notify(count: int, visibility: str) -> int:
    initiative = InitiativeFactory(visibility=visibility)
    people = [MembershipFactory(initiative=initiative).user for _ in range(count)]
    people += [MembershipFactory(initiative=initiative, role=MemberRole.LEAD).user]
    people += [make_moderator() for _ in range(count // 3)]
    _hide(initiative)
    with CaptureQueriesContext(connection) as context:
        created = notify(
            recipients=people, kind=Kind.STAGE_CHANGE, text="x", url="/", initiative=initiative
        )
    assert created
    return len(context.captured_queries)


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
def test_the_hidden_rule_costs_the_same_queries_for_many_recipients(visibility: str) -> None:
    assert _queries_to_notify(3, visibility) == _queries_to_notify(15, visibility)


def daily(person: User) -> User:
    preferences_save(user=person, deliveries={"following": "daily"})
    return person


def test_a_digest_leaves_out_what_was_hidden_or_safeguarded_since(
    django_capture_on_commit_callbacks: Any,
) -> None:
    hidden_later = InitiativeFactory(title="Riverside garden")
    lead = daily(hidden_later.created_by)
    safeguarded_later = InitiativeFactory(title="Quiet circle")
    hosted = ConversationFactory(ward=None, initiative=hidden_later, question="Where to dig?")
    follower, member = daily(UserFactory()), daily(UserFactory())
    MembershipFactory(initiative=safeguarded_later, user=member)
    everyone = [lead, follower, member]
    for text, place in (
        ("The garden is in action", {"initiative": hidden_later}),
        ("A new reply about digging", {"conversation": hosted}),
        ("The circle meets on Tuesday", {"initiative": safeguarded_later}),
        ("Public news", {}),
    ):
        notify(recipients=everyone, kind=Kind.FOLLOWING, text=text, url="/x/", **place)
    _hide(hidden_later)
    Initiative.objects.filter(pk=safeguarded_later.pk).update(visibility=Visibility.SAFEGUARDED)
    with django_capture_on_commit_callbacks(execute=True):
        result = digests_send(frequency="daily")
    bodies = {m.to[0]: m.body for m in mail.outbox}
    # The lead still sees their hidden initiative and its conversation.
    assert "The garden is in action" in bodies[lead.email]
    assert "A new reply about digging" in bodies[lead.email]
    # A follower sees neither, nor the initiative that became safeguarded.
    for text in ("garden", "digging", "Riverside", "Where to dig", "circle", "Quiet"):
        assert text not in bodies[follower.email]
    assert "Public news" in bodies[follower.email]
    # The member is inside the now safeguarded one: listed, discreetly.
    assert "There is news in a private group you are part of" in bodies[member.email]
    assert "garden" not in bodies[member.email]
    assert result.skipped == 1 + 3 + 2  # lead: the circle; follower: 3; member: 2
    assert "circle" not in bodies[lead.email]
    assert not Notification.objects.filter(awaiting_digest=True).exists()
