"""The initiatives list, signed in, with its pages kept in the shared cache (pagecache.shared)
under what the reader sees: a change shows at once, and a page drawn for someone inside a
safeguarded initiative never reaches someone outside it, nor the other way round."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Backing, Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.tests.factories import WardFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]

LIST = "/initiatives/"


def browser_for(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def listed(browser: Client, query: dict[str, Any] | None = None) -> str:
    response = browser.get(LIST, query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_initiative_is_listed_at_once() -> None:
    reader = browser_for(UserFactory())
    InitiativeFactory(title="Canal clean-up")
    assert "Canal clean-up" in listed(reader)
    InitiativeFactory(title="Towpath picnic")
    page = listed(reader)
    assert "Towpath picnic" in page
    assert "2 initiatives" in page


def test_a_new_backer_is_counted_at_once() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    reader = browser_for(UserFactory())
    assert "0 backers" in listed(reader)
    Backing.objects.create(initiative=initiative, user=UserFactory())
    assert "1 backer " in listed(reader)


def test_a_search_and_a_ward_each_have_their_own_page() -> None:
    riverside, hilltop = WardFactory(name="Riverside"), WardFactory(name="Hilltop")
    InitiativeFactory(title="Canal clean-up", wards=[riverside])
    InitiativeFactory(title="Hill fort walk", wards=[hilltop])
    reader = browser_for(UserFactory())
    assert "Hill fort walk" in listed(reader)
    by_ward = listed(reader, {"ward": riverside.pk})
    assert "Canal clean-up" in by_ward
    assert "Hill fort walk" not in by_ward
    by_words = listed(reader, {"q": "fort"})
    assert "Hill fort walk" in by_words
    assert "Canal clean-up" not in by_words


def test_a_ward_with_its_first_initiative_is_offered_at_once() -> None:
    reader = browser_for(UserFactory())
    InitiativeFactory(wards=[WardFactory(name="Riverside")])
    hilltop = WardFactory(name="Hilltop")
    assert f'value="{hilltop.pk}"' not in listed(reader)
    InitiativeFactory(wards=[hilltop])
    assert f'value="{hilltop.pk}"' in listed(reader)


def refuge() -> tuple[Initiative, User]:
    secret = InitiativeFactory(title="Refuge support circle", visibility=Visibility.SAFEGUARDED)
    InitiativeFactory(title="Canal clean-up")
    member = MembershipFactory(initiative=secret).user
    return secret, member


@pytest.mark.parametrize("asked", ["everything", "words", "theme"])
def test_an_insider_s_page_never_reaches_an_outsider_after_them(asked: str) -> None:
    secret, member = refuge()
    query = {"everything": {}, "words": {"q": "refuge"}, "theme": {"theme": secret.theme}}[asked]
    outsider = browser_for(UserFactory())
    insider = browser_for(member)
    assert "Refuge support circle" in listed(insider, query)
    page = listed(outsider, query)
    assert "Refuge" not in page
    assert "Canal clean-up" in page or asked == "words"


def test_an_insider_after_an_outsider_still_sees_it() -> None:
    _secret, member = refuge()
    outsider, insider = browser_for(UserFactory()), browser_for(member)
    assert "Refuge" not in listed(outsider)
    assert "Refuge" not in listed(outsider, {"q": "refuge"})
    assert "Refuge support circle" in listed(insider)
    assert "Refuge support circle" in listed(insider, {"q": "refuge"})
    assert "2 initiatives" in listed(insider)


def test_someone_who_leaves_no_longer_sees_it() -> None:
    secret, member = refuge()
    insider = browser_for(member)
    assert "Refuge support circle" in listed(insider)
    secret.memberships.filter(user=member).delete()
    assert "Refuge" not in listed(insider)


def test_with_the_page_kept_another_reader_s_list_costs_few_queries(
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(25):
        InitiativeFactory(title=f"Initiative number {i}", wards=[WardFactory()])
    first, second = browser_for(UserFactory()), browser_for(UserFactory())
    listed(first)
    listed(first, {"q": "number"})
    # The session and the person, their roles, what they see beyond the public, and their
    # notifications: none for the list, its counts or the ward choices.
    for query in ({}, {"q": "number"}):
        with django_assert_max_num_queries(7):
            page = listed(second, query)
        assert page.count('class="gr-initiative-row"') == 20


def rows_drawn(browser: Client, query: dict[str, Any] | None = None, **extra: Any) -> bool:
    """Whether the page's rows were drawn for this request (else their kept HTML was used)."""
    response = browser.get(LIST, query or {}, **extra)
    assert response.status_code == 200
    return "initiatives/includes/initiative_row.html" in [t.name for t in response.templates]


def test_the_rows_are_drawn_once_and_a_renamed_initiative_shows_at_once() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    reader, other = browser_for(UserFactory()), browser_for(UserFactory())
    assert rows_drawn(reader)
    assert not rows_drawn(reader)
    assert not rows_drawn(other)  # the same rows for everyone who sees the same initiatives
    Initiative.objects.filter(pk=initiative.pk).update(title="Canal and towpath clean-up")
    assert "Canal and towpath clean-up" in listed(other)
    assert not rows_drawn(reader)


def test_each_language_and_each_page_has_its_own_rows() -> None:
    InitiativeFactory(title="Canal clean-up")
    InitiativeFactory(title="Hill fort walk")
    reader = browser_for(UserFactory())
    assert rows_drawn(reader)
    assert rows_drawn(reader, HTTP_ACCEPT_LANGUAGE="cy")
    assert not rows_drawn(reader, HTTP_ACCEPT_LANGUAGE="cy")
    assert rows_drawn(reader, {"q": "fort"})
    assert not rows_drawn(reader, {"q": "fort"})
    assert not rows_drawn(reader)


def test_an_insiders_rows_are_drawn_for_each_request() -> None:
    _, member = refuge()
    inside = browser_for(member)
    assert "Refuge support circle" in listed(inside)
    assert rows_drawn(inside)
    assert rows_drawn(inside)
    outsider = browser_for(UserFactory())
    assert "Refuge support circle" not in listed(outsider)
