"""Values shared between requests and people for one generation (`pagecache.shared`), and the
visibility answers that say which people may share them."""

from __future__ import annotations

import pytest

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import visibility as conversations
from grassroots.conversations.models import Conversation
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.core import pagecache
from grassroots.core.request_cache import scope
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.models import Initiative, Membership, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]


def count_titles() -> tuple[int, list[str]]:
    """A shared value that counts how often it was drawn."""
    drawn: list[str] = []

    def draw() -> list[str]:
        drawn.append("drawn")
        return sorted(Initiative.objects.values_list("title", flat=True))

    with scope():
        titles = pagecache.shared("test.titles", ("all",), draw)
    return len(drawn), titles


def test_a_shared_value_is_drawn_once_until_a_public_table_changes() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    assert count_titles() == (1, ["Canal clean-up"])
    assert count_titles() == (0, ["Canal clean-up"])
    Initiative.objects.filter(pk=initiative.pk).update(title="River clean-up")
    assert count_titles() == (1, ["River clean-up"])


def test_a_write_to_a_private_table_keeps_shared_values() -> None:
    InitiativeFactory(title="Canal clean-up")
    someone = UserFactory()
    count_titles()
    Notification.objects.create(recipient=someone, kind="initiative_update")
    assert count_titles()[0] == 0


def test_with_the_cache_off_a_value_is_drawn_each_time(settings: pytest.FixtureRequest) -> None:
    settings.PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    InitiativeFactory(title="Canal clean-up")
    assert count_titles()[0] == 1
    assert count_titles()[0] == 1


def test_different_parts_are_different_values() -> None:
    with scope():
        first = pagecache.shared("test.echo", ("a",), lambda: "a")
        second = pagecache.shared("test.echo", ("b",), lambda: "b")
    assert (first, second) == ("a", "b")


def visible_by_rule(viewer: object) -> set[int]:
    return set(initiatives.visible_initiatives(viewer).values_list("pk", flat=True))  # type: ignore[arg-type]


def visible_by_ids(viewer: object) -> set[int]:
    public = set(Initiative.objects.filter(initiatives.public_q()).values_list("pk", flat=True))
    with scope():
        return public | set(initiatives.restricted_visible_ids(viewer))  # type: ignore[arg-type]


def test_public_initiatives_and_the_restricted_ids_are_what_the_rule_shows() -> None:
    InitiativeFactory(title="Open")
    safe = InitiativeFactory(title="Refuge", visibility=Visibility.SAFEGUARDED)
    other_safe = InitiativeFactory(title="Helpline", visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=safe).user
    outsider = UserFactory()
    with scope():
        assert initiatives.restricted_visible_ids(member) == (safe.pk,)
        assert initiatives.restricted_visible_ids(outsider) == ()
        assert initiatives.restricted_visible_ids(None) == ()
    for viewer in (member, outsider):
        assert visible_by_ids(viewer) == visible_by_rule(viewer)
    assert other_safe.pk not in visible_by_ids(member)


def test_someone_who_leaves_loses_the_initiative_at_once() -> None:
    safe = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=safe).user
    with scope():
        assert initiatives.restricted_visible_ids(member) == (safe.pk,)
    Membership.objects.filter(user=member).delete()
    with scope():
        assert initiatives.restricted_visible_ids(member) == ()


def test_restricted_conversations_seen_are_those_of_the_rule() -> None:
    public = InitiativeFactory()
    ConversationFactory(ward=None, initiative=public)
    closed = ConversationFactory(ward=None, initiative=public, is_safeguarded=True)
    member = MembershipFactory(initiative=public).user
    outsider = UserFactory()
    with scope():
        assert conversations.restricted_visible_ids(member) == (closed.pk,)
        assert conversations.restricted_visible_ids(outsider) == ()
    for viewer in (member, outsider):
        everyone = Conversation.objects.exclude(conversations.restricted_q())
        with scope():
            by_ids = set(everyone.values_list("pk", flat=True)) | set(
                conversations.restricted_visible_ids(viewer)
            )
        rule = conversations.visible_conversations(viewer).values_list("pk", flat=True)
        assert by_ids == set(rule)


def test_a_key_given_as_a_function_is_asked_only_with_the_cache_on(
    settings: pytest.FixtureRequest,
) -> None:
    asked: list[str] = []

    def parts() -> tuple[str]:
        asked.append("asked")
        return ("all",)

    drawn: list[str] = []

    def draw() -> str:
        drawn.append("drawn")
        return "value"

    with scope():
        assert pagecache.shared("test.lazy", parts, draw) == "value"
    with scope():
        assert pagecache.shared("test.lazy", parts, draw) == "value"
    assert (len(asked), len(drawn)) == (2, 1)

    settings.PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    asked.clear()
    with scope():
        assert pagecache.shared("test.lazy", parts, draw) == "value"
    assert (len(asked), len(drawn)) == (0, 2)
