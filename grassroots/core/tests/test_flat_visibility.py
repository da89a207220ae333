"""The flat forms of the initiatives and conversations rules for signed-in people: public, or
one of the restricted ids they see (kept for the page generation), and the subquery instead
for someone who sees very many."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import visibility as conversations
from grassroots.conversations.models import Conversation
from grassroots.conversations.services import conversation_access_grant, conversation_access_revoke
from grassroots.core import visibility as core_visibility
from grassroots.core.request_cache import scope
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.models import MemberRole, Visibility
from grassroots.initiatives.services.people import membership_leave
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.selectors import inbox, unread_count
from grassroots.places.tests.factories import WardFactory


def _world() -> dict[str, Any]:
    """Initiatives and conversations of every kind, and people inside and outside them."""
    public = InitiativeFactory(title="Open")
    safe = InitiativeFactory(title="Refuge", visibility=Visibility.SAFEGUARDED)
    other_safe = InitiativeFactory(title="Helpline", visibility=Visibility.SAFEGUARDED)
    hidden = InitiativeFactory(title="Hidden", hidden_at=timezone.now())
    member = MembershipFactory(initiative=safe).user
    MembershipFactory(initiative=public, user=member)
    lead = MembershipFactory(initiative=hidden, role=MemberRole.LEAD).user
    group = GroupFactory()
    GroupMembershipFactory(group=group, user=member)
    circle = Conversation.objects.create(group=group, question="Circle", is_safeguarded=True)
    conversation_access_grant(actor=group.created_by, conversation=circle, user=member)
    for host in (public, safe, other_safe, hidden):
        Conversation.objects.create(initiative=host, question=f"About {host.title}")
        Conversation.objects.create(
            initiative=host, question=f"Inside {host.title}", is_safeguarded=True
        )
    Conversation.objects.create(ward=WardFactory(), question="Ward")
    people = [member, lead, group.created_by, UserFactory()]
    return {"people": people, "public": public, "safe": safe, "hidden": hidden}


def _seen(viewer: User) -> tuple[set[int], set[int], set[int], set[int]]:
    with scope():
        return (
            set(initiatives.visible_initiatives(viewer).values_list("pk", flat=True)),
            set(
                Conversation.objects.filter(initiatives.of_visible(viewer)).values_list(
                    "pk", flat=True
                )
            ),
            set(conversations.visible_conversations(viewer).values_list("pk", flat=True)),
            {c.pk for c in Conversation.objects.all() if conversations.can_view(viewer, c)},
        )


@pytest.mark.django_db
def test_someone_who_sees_very_many_gets_the_same_answer_from_the_subquery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = _world()
    by_ids = {person.pk: _seen(person) for person in world["people"]}
    monkeypatch.setattr(core_visibility, "MAX_LISTED_IDS", 0)
    by_subquery = {person.pk: _seen(person) for person in world["people"]}
    assert by_subquery == by_ids
    member, lead = world["people"][:2]
    initiatives_seen, _, conversations_seen, _ = by_ids[member.pk]
    assert world["safe"].pk in initiatives_seen
    assert world["hidden"].pk not in initiatives_seen
    assert world["hidden"].pk in by_ids[lead.pk][0]
    assert len(conversations_seen) == 6  # ward, circle, public's two, Refuge's two


@pytest.mark.django_db
def test_the_flat_forms_put_the_ids_in_the_query_not_the_rule() -> None:
    world = _world()
    member = world["people"][0]
    with scope():
        sql = str(initiatives.visible_initiatives(member).query)
    assert "EXISTS" not in sql.upper()
    assert str(world["safe"].pk) in sql


# --- The header's unread count, with the page cache on ----------------------------------------


def _tell(user: User, **about: Any) -> None:
    Notification.objects.create(
        recipient=user, kind=Kind.STAGE_CHANGE, text="News", url="/", **about
    )


def _count(user: User) -> int:
    with scope():  # one request
        return unread_count(User.objects.get(pk=user.pk))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("page_cache_on")
def test_someone_who_leaves_a_safeguarded_initiative_loses_its_notifications_at_once() -> None:
    safe = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=safe).user
    _tell(member, initiative=safe)
    _tell(member)
    assert _count(member) == 2
    assert _count(member) == 2  # again, from the ids kept for the generation
    membership_leave(initiative=safe, user=member)
    assert _count(member) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("page_cache_on")
def test_someone_whose_access_is_revoked_loses_the_conversations_notifications_at_once() -> None:
    group = GroupFactory()
    member = GroupMembershipFactory(group=group).user
    circle = Conversation.objects.create(group=group, question="Circle", is_safeguarded=True)
    conversation_access_grant(actor=group.created_by, conversation=circle, user=member)
    _tell(member, conversation=circle)
    everything = Notification.objects.filter(recipient=member)
    elsewhere = everything.exclude(conversation=circle)
    assert _count(member) == everything.count() > elsewhere.count()
    conversation_access_revoke(actor=group.created_by, conversation=circle, user=member)
    assert _count(member) == elsewhere.count()
    assert not inbox(member).filter(conversation=circle).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("page_cache_on")
def test_the_unread_count_is_one_query_once_the_ids_are_kept(
    django_assert_num_queries: Any,
) -> None:
    # Someone who sees only what is public: their (empty) answers are kept. An insider's are
    # drawn each request, since nothing restricted is kept (test_nothing_restricted_kept.py).
    initiative = InitiativeFactory()
    member = MembershipFactory(initiative=initiative).user
    _tell(member, initiative=initiative)
    member = User.objects.get(pk=member.pk)
    with scope():
        unread_count(member)  # the first request of the generation draws the ids
    with scope():
        user_roles(member)  # looked up once a request for every page
        with django_assert_num_queries(1):
            assert unread_count(member) == 1
