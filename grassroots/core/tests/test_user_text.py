"""`user_text`: what people write is escaped, keeps its line breaks, and its web addresses
become links that are safe to follow and that search engines know are user content."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from hypothesis import example, given
from hypothesis import strategies as st

from grassroots.core.templatetags.gr_text import _urlize, user_text


def render(text: object) -> str:
    return Template("{% load gr_text %}{{ text|user_text }}").render(Context({"text": text}))


def test_it_links_web_addresses_safely() -> None:
    html = render("See https://example.org/garden?a=1&b=2 for details")
    assert html == (
        'See <a href="https://example.org/garden?a=1&amp;b=2" class="govuk-link" '
        'rel="nofollow ugc">https://example.org/garden?a=1&amp;b=2</a> for details'
    )


def test_it_links_www_addresses_with_http() -> None:
    html = render("Go to www.example.org.")
    assert '<a href="http://www.example.org" class="govuk-link" rel="nofollow ugc">' in html
    assert html.endswith("</a>.")


def test_it_keeps_line_breaks() -> None:
    assert render("one\r\ntwo\nthree") == "one<br>two<br>three"


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "javascript:alert(1)",
        "javascript:alert(1)//example.com",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/<script>alert(1)</script>",
        "<a href='javascript:alert(1)'>click</a>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_it_never_lets_markup_or_script_links_through(attack: str) -> None:
    tags = Tags()
    tags.feed(render(attack))
    # Only our own links come out, each with http(s) and nothing but our attributes.
    for tag, attrs in tags.seen:
        assert tag == "a"
        assert set(attrs) == {"href", "class", "rel"}
        assert (attrs["href"] or "").startswith(("http://", "https://"))
        assert attrs["rel"] == "nofollow ugc"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))


def test_text_marked_safe_upstream_is_still_escaped() -> None:
    assert render(mark_safe("<b>hi</b>")) == "&lt;b&gt;hi&lt;/b&gt;"


def test_nothing_gives_nothing() -> None:
    assert render(None) == ""
    assert render("") == ""


# Words and pieces of addresses, so that drawn texts often hold a link and often come close.
_PIECES = st.sampled_from(
    [
        "garden",
        "Canal",
        "www",
        "http",
        "https",
        "://",
        "@",
        ".",
        ".com",
        ".ORG",
        ".uk",
        "/",
        "&",
        "<b>",
        '"',
        "'",
        " ",
        "\n",
        "(",
        ")",
        ",",
        "example",
        "mailto:",
        "x@y.org",
        ";",
        "www.",
    ]
)


@given(st.lists(_PIECES | st.text(max_size=6), max_size=25).map("".join))
@example("Write to jo@garden.uk, not to Jo.")
@example("Open http://localhost:8000/garden today")
@example("See WWW.Example.co.uk.")
@example("Visit garden-club.com today")
@example("Or the-council.GOV, for the forms")
@example("Plain words, a full stop. And (brackets); & <b>tags</b>.")
def test_text_without_an_address_is_escaped_as_urlize_would_escape_it(text: str) -> None:
    # The quick path (no link possible) must give exactly what Django's urlize gives.
    expected = _urlize(normalize_newlines(text), nofollow=False, autoescape=True)
    assert user_text(text) == expected.replace("\n", "<br>")
