"""Text search means the same on SQLite and PostgreSQL: every word, in any of the text fields."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from grassroots.initiatives.browse import ListFilters, initiative_list
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.search import search_initiatives, words
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return {i.title for i in search_initiatives(Initiative.objects.all(), text)}


@pytest.fixture
def library() -> None:
    InitiativeFactory(
        title="Save the library",
        problem="The council plans to cut opening hours.",
        change_wanted="Volunteers keep it open on Saturdays.",
        who_for="Families and older readers.",
    )
    InitiativeFactory(
        title="Riverside benches",
        problem="Nowhere to rest along the towpath.",
        change_wanted="Benches every few hundred metres.",
        who_for="Older walkers.",
    )


@pytest.mark.usefixtures("library")
def test_it_finds_words_in_the_title() -> None:
    assert found("library") == {"Save the library"}


@pytest.mark.usefixtures("library")
@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("opening", "Save the library"),  # the problem
        ("saturdays", "Save the library"),  # the change wanted
        ("families", "Save the library"),  # who it is for
        ("towpath", "Riverside benches"),
    ],
)
def test_it_finds_words_in_the_other_fields(text: str, title: str) -> None:
    assert found(text) == {title}


@pytest.mark.usefixtures("library")
def test_every_word_must_appear() -> None:
    assert found("older") == {"Save the library", "Riverside benches"}
    assert found("older towpath") == {"Riverside benches"}
    assert found("library towpath") == set()


@pytest.mark.usefixtures("library")
def test_it_ignores_case_and_punctuation() -> None:
    assert found("LIBRARY!") == {"Save the library"}
    assert found("  'library' & (opening) ") == {"Save the library"}


@pytest.mark.usefixtures("library")
def test_an_empty_query_changes_nothing() -> None:
    assert found("") == {"Save the library", "Riverside benches"}
    assert found(" ?! ") == {"Save the library", "Riverside benches"}


def test_words_are_limited() -> None:
    assert words("One, two; THREE") == ["one", "two", "three"]
    assert len(words("word " * 50)) == 12


@pytest.mark.usefixtures("library")
def test_search_never_finds_a_safeguarded_initiative_for_outsiders() -> None:
    hidden = InitiativeFactory(title="Library refuge group", visibility=Visibility.SAFEGUARDED)
    filters = ListFilters(text="library")
    assert {i.title for i in initiative_list(AnonymousUser(), filters)} == {"Save the library"}
    member = MembershipFactory(initiative=hidden).user
    assert {i.title for i in initiative_list(member, filters)} == {
        "Save the library",
        "Library refuge group",
    }


def test_a_title_match_ranks_above_a_match_in_the_description() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("ranking is PostgreSQL's; SQLite keeps the newest first")
    InitiativeFactory(title="Benches", problem="Near the allotment gates.")
    InitiativeFactory(title="Allotment open day", problem="Nobody knows it is there.")
    ranked = [i.title for i in initiative_list(AnonymousUser(), ListFilters(text="allotment"))]
    assert ranked == ["Allotment open day", "Benches"]
