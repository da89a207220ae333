"""`{% kept %}`: a block of a template kept as HTML beside the shared value it is drawn from."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from grassroots.core import pagecache
from grassroots.core.request_cache import scope

pytestmark = pytest.mark.usefixtures("page_cache_on")

BLOCK = Template(
    '{% load kept %}{% kept "test.block" source query %}<p>{{ title }}</p>{% endkept %}'
)


def kept_source(value: str = "rows") -> tuple[pagecache.Part, ...] | None:
    """As a view does: share a value, then ask how it was kept."""
    pagecache.shared("test.rows", ("all",), lambda: value)
    return pagecache.kept_as("test.rows", ("all",))


def render(title: str, query: str = "", *, source: bool = True) -> str:
    with scope():
        found = kept_source() if source else None
        return BLOCK.render(Context({"source": found, "title": title, "query": query}))


def test_the_block_is_drawn_once_for_the_value_it_is_kept_beside() -> None:
    assert render("Canal clean-up") == "<p>Canal clean-up</p>"
    assert render("anything else") == "<p>Canal clean-up</p>"


def test_a_public_write_draws_it_again() -> None:
    assert render("Canal clean-up") == "<p>Canal clean-up</p>"
    pagecache.bump()
    assert render("River clean-up") == "<p>River clean-up</p>"


def test_each_part_and_each_language_has_its_own_block() -> None:
    assert render("Canal", "q=canal") == "<p>Canal</p>"
    assert render("River", "q=river") == "<p>River</p>"
    with translation.override("cy"):
        assert render("Camlas", "q=canal") == "<p>Camlas</p>"
    assert render("not drawn", "q=canal") == "<p>Canal</p>"


def test_without_a_source_it_is_drawn_for_each_request() -> None:
    assert render("For an insider", source=False) == "<p>For an insider</p>"
    assert render("For another", source=False) == "<p>For another</p>"


def test_a_source_the_view_did_not_give_draws_it_for_each_request() -> None:
    # core/home.html is also the page of a postcode search with a mistake, which keeps nothing.
    template = Template('{% load kept %}{% kept "test.block" absent %}{{ title }}{% endkept %}')
    with scope():
        assert template.render(Context({"title": "Enter a full postcode"})) == (
            "Enter a full postcode"
        )
    with scope():
        assert template.render(Context({"title": "Enter a real postcode"})) == (
            "Enter a real postcode"
        )


def test_with_the_cache_off_it_is_drawn_each_time(settings: pytest.FixtureRequest) -> None:
    settings.PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    assert render("Canal clean-up") == "<p>Canal clean-up</p>"
    assert render("River clean-up") == "<p>River clean-up</p>"


@pytest.mark.parametrize(
    "text",
    [
        "{% load kept %}{% kept source %}x{% endkept %}",
        "{% load kept %}{% kept test.block source %}x{% endkept %}",
    ],
)
def test_a_block_without_a_quoted_name_and_a_source_is_refused(text: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        Template(text)


def test_a_part_that_cannot_be_a_key_is_refused() -> None:
    template = Template('{% load kept %}{% kept "test.block" source thing %}x{% endkept %}')
    with scope(), pytest.raises(TemplateSyntaxError):
        template.render(Context({"source": kept_source(), "thing": object()}))
