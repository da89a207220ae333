"""`core.slugs`: every slug the site makes is one its own URL patterns accept."""

from __future__ import annotations

import re

import pytest
from django.urls.converters import SlugConverter
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.slugs import ascii_slug, is_slug, random_slug, unique_slug

CONVERTER = re.compile(rf"\A(?:{SlugConverter.regex})\Z")


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_it_only_ever_gives_what_the_url_converter_accepts(text: str, max_length: int) -> None:
    slug = ascii_slug(text, max_length=max_length, fallback="initiative")
    assert CONVERTER.match(slug), slug
    assert is_slug(slug)
    assert len(slug) <= max_length
    assert slug == slug.lower()
    assert not slug.startswith("-")
    assert not slug.endswith("-")


@given(st.text(), st.sets(st.text(alphabet="abc-2", min_size=1, max_size=8), max_size=30))
def test_a_unique_slug_is_a_slug_not_taken(text: str, taken: set[str]) -> None:
    slug = unique_slug(text, max_length=10, fallback="group", taken=taken)
    assert CONVERTER.match(slug), slug
    assert slug not in taken
    assert len(slug) <= 10


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Brookmere Alderwick repair café", "brookmere-alderwick-repair-cafe"),
        ("Crème brûlée à la carte", "creme-brulee-a-la-carte"),
        ("Bjørn's Ærø trip", "bjorns-aero-trip"),
        ("Łódź twinning", "lodz-twinning"),
        ("Straße fest", "strasse-fest"),
        ("Dunmere tenants’ repair watch", "dunmere-tenants-repair-watch"),
        ("St Aidan's Church Hall", "st-aidans-church-hall"),
        ("Cwmrhydyceirw Ŵyl ŷd", "cwmrhydyceirw-wyl-yd"),
        ("Creigiau/St. Fagans", "creigiau-st-fagans"),
        ("Arts & crafts", "arts-and-crafts"),
        ("snake_case and  spaces--here", "snake-case-and-spaces-here"),
        ("Þingvellir Œuvre đ ħ ı", "thingvellir-oeuvre-d-h-i"),
    ],
)
def test_it_spells_letters_in_ascii(text: str, slug: str) -> None:
    assert ascii_slug(text, max_length=170, fallback="initiative") == slug


def test_text_with_nothing_to_spell_gives_the_fallback() -> None:
    assert ascii_slug("北京 🎉", max_length=50, fallback="initiative") == "initiative"
    assert ascii_slug("", max_length=50, fallback="Some Group") == "some-group"
    with pytest.raises(ValueError, match="fallback"):
        ascii_slug("", max_length=50, fallback="🎉")


def test_it_cuts_at_the_length_without_a_trailing_hyphen() -> None:
    assert ascii_slug("abc def", max_length=4, fallback="x") == "abc"


def test_it_numbers_a_taken_slug_and_keeps_within_the_length() -> None:
    assert unique_slug("Park", max_length=20, fallback="g", taken={"park"}) == "park-2"
    assert unique_slug("Park", max_length=20, fallback="g", taken={"park", "park-2"}) == "park-3"
    assert unique_slug("abcdef", max_length=6, fallback="g", taken={"abcdef"}) == "abcd-2"
    assert unique_slug("Park", max_length=20, fallback="g", taken=lambda s: s == "park") == "park-2"


def test_a_reserved_slug_gets_the_fallback_added() -> None:
    assert (
        unique_slug("Map", max_length=50, fallback="initiative", taken=set(), reserved={"map"})
        == "map-initiative"
    )


def test_a_random_slug_says_nothing_and_differs_each_time() -> None:
    made = {random_slug(prefix="private", max_length=170) for _ in range(50)}
    assert len(made) == 50
    for slug in made:
        assert CONVERTER.match(slug)
        assert re.fullmatch(r"private-[a-z2-9]{12}", slug)
