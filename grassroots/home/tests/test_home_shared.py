"""The signed-in home page with its sections kept in the shared cache (pagecache.shared): a
change shows at once, an event that has ended goes, and what an insider sees never reaches an
outsider in the same ward (nor the other way round)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.events.models import Event
from grassroots.events.tests.factories import EventFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncilFactory, WardFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def riverside() -> Ward:
    return WardFactory(council=CouncilFactory(name="Greenshire"), name="Riverside")


def home(user: User) -> str:
    browser = Client()
    browser.force_login(user)
    response = browser.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_initiative_event_and_conversation_show_at_once(riverside: Ward) -> None:
    resident = UserFactory(ward=riverside)
    InitiativeFactory(title="Canal clean-up", wards=[riverside])
    assert "Canal clean-up" in home(resident)
    assert "Towpath picnic" not in home(resident)

    initiative = InitiativeFactory(title="Towpath picnic", wards=[riverside])
    EventFactory(title="Picnic planning meeting", group=None, ward=riverside)
    ConversationFactory(question="Which Saturday suits?", ward=None, initiative=initiative)

    page = home(UserFactory(ward=riverside))
    assert "Towpath picnic" in page
    assert "Picnic planning meeting" in page
    assert "Which Saturday suits?" in page


def test_a_neighbour_gets_the_same_sections_and_another_ward_its_own(riverside: Ward) -> None:
    hilltop = WardFactory(council=riverside.council, name="Hilltop")
    InitiativeFactory(title="Canal clean-up", wards=[riverside])
    InitiativeFactory(title="Hill fort walk", wards=[hilltop])
    first = home(UserFactory(ward=riverside))
    second = home(UserFactory(ward=riverside))
    elsewhere = home(UserFactory(ward=hilltop))
    assert "Canal clean-up" in first
    assert "Canal clean-up" in second
    assert "Hill fort walk" in elsewhere
    assert "Canal clean-up" not in elsewhere


def test_an_event_that_has_ended_leaves_the_page_without_any_change(riverside: Ward) -> None:
    resident = UserFactory(ward=riverside)
    with freeze_time("2026-12-07 18:01"):
        starts = timezone.now() - datetime.timedelta(hours=1)
        EventFactory(
            title="Evening litter pick",
            group=None,
            ward=riverside,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=69),  # 18:10
        )
        EventFactory(title="Tree planting", group=None, ward=riverside)
        assert "Evening litter pick" in home(resident)
    with freeze_time("2026-12-07 18:12"):  # the same quarter hour's list, kept
        page = home(resident)
    assert "Evening litter pick" not in page
    assert "Tree planting" in page


def test_with_more_ended_than_spares_the_list_is_drawn_again(riverside: Ward) -> None:
    resident = UserFactory(ward=riverside)
    with freeze_time("2026-12-07 18:01"):
        now = timezone.now()
        for i in range(10):
            EventFactory(
                title=f"Short session {i}",
                group=None,
                ward=riverside,
                starts_at=now - datetime.timedelta(minutes=30 - i),
                ends_at=now + datetime.timedelta(minutes=5),
            )
        EventFactory(title="Tree planting", group=None, ward=riverside)
        assert "Tree planting" not in home(resident)  # ten sooner than it
    with freeze_time("2026-12-07 18:10"):
        page = home(resident)
    assert "Short session" not in page
    assert "Tree planting" in page


def make_refuge(ward: Ward) -> User:
    """A safeguarded initiative in `ward` with an event and a conversation; its member."""
    secret = InitiativeFactory(
        title="Refuge support circle", wards=[ward], visibility=Visibility.SAFEGUARDED
    )
    EventFactory(title="Refuge meeting", group=None, initiative=secret)
    ConversationFactory(question="Refuge rota?", ward=None, initiative=secret, is_safeguarded=True)
    InitiativeFactory(title="Canal clean-up", wards=[ward])
    member = UserFactory(ward=ward)
    MembershipFactory(initiative=secret, user=member)
    return member


def test_what_an_insider_sees_never_reaches_an_outsider_after_them(riverside: Ward) -> None:
    member = make_refuge(riverside)
    outsider = UserFactory(ward=riverside)
    inside = home(member)
    for text in ("Refuge support circle", "Refuge meeting", "Refuge rota?"):
        assert text in inside
    outside = home(outsider)
    assert "Canal clean-up" in outside
    assert "Refuge" not in outside


def test_an_insider_after_an_outsider_still_sees_their_initiative(riverside: Ward) -> None:
    member = make_refuge(riverside)
    outside = home(UserFactory(ward=riverside))
    assert "Refuge" not in outside
    inside = home(member)
    for text in ("Refuge support circle", "Refuge meeting", "Refuge rota?"):
        assert text in inside


def test_someone_let_in_sees_it_at_once(riverside: Ward) -> None:
    member = make_refuge(riverside)
    newcomer = UserFactory(ward=riverside)
    assert "Refuge" not in home(newcomer)
    MembershipFactory(initiative=member.memberships.get().initiative, user=newcomer)
    assert "Refuge support circle" in home(newcomer)


def test_a_cancelled_event_shows_as_cancelled_at_once(riverside: Ward) -> None:
    resident = UserFactory(ward=riverside)
    event = EventFactory(title="Tree planting", group=None, ward=riverside)
    assert "Cancelled" not in home(resident)
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    assert "Cancelled" in home(resident)


def fill(ward: Ward, n: int) -> None:
    for i in range(n):
        InitiativeFactory(title=f"Riverside initiative {i}", wards=[ward])
        EventFactory(title=f"Riverside event {i}", group=None, ward=ward)
        ConversationFactory(question=f"Riverside conversation {i}?", ward=ward)


def test_with_the_sections_kept_a_neighbour_s_page_costs_few_queries(
    riverside: Ward, django_assert_max_num_queries: Any
) -> None:
    fill(riverside, 12)
    first, neighbour = UserFactory(ward=riverside), UserFactory(ward=riverside)
    browser = Client()
    browser.force_login(neighbour)
    home(first)  # draws the sections
    # The session and the person, their roles, what they see beyond the public (initiatives
    # and conversations), and their notifications: none for the sections themselves.
    with django_assert_max_num_queries(7):
        response = browser.get("/")
    page = response.content.decode()
    assert page.count("Riverside initiative") == 5
    assert page.count("Riverside event") == 5
    assert page.count("Riverside conversation") == 5


def drawn_templates(browser: Client, path: str, data: dict[str, str] | None = None) -> list[str]:
    response = browser.get(path, data or {})
    return [t.name for t in response.templates if t.name]


def test_the_blank_forms_are_drawn_once_and_a_form_with_a_mistake_each_time(
    riverside: Ward,
) -> None:
    resident, neighbour = Client(), Client()
    resident.force_login(UserFactory(ward=riverside))
    neighbour.force_login(UserFactory(ward=riverside))
    assert "includes/field.html" in drawn_templates(resident, "/")
    assert "includes/field.html" not in drawn_templates(neighbour, "/")
    # The postcode search with a mistake shows it, and the home page stays as it was.
    response = neighbour.get("/find-your-area", {"postcode": "not a postcode"})
    assert "There is a problem" in response.content.decode()
    page = home(UserFactory(ward=riverside))
    assert "There is a problem" not in page
    assert 'name="postcode"' in page
    assert 'name="q"' in page
