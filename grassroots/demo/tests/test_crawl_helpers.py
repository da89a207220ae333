"""The demo crawl's helpers (demo/tests/crawl.py): which links it follows, and the HTML checker."""

from __future__ import annotations

import pytest

from grassroots.conftest import require
from grassroots.demo.tests.crawl import (
    html_checker_missing,
    internal_path,
    links_in,
    links_in_data,
    route_of,
    validate_html,
)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/initiatives/?theme=health#results", "/initiatives/?theme=health"),
        ("edit/", "/initiatives/orchard/edit/"),
        ("http://testserver/groups/", "/groups/"),
        ("https://example.org/", None),
        ("mailto:someone@example.org", None),
        ("#main-content", None),
        ("/accounts/logout/", None),
        ("/static/css/app.css", None),
    ],
)
def test_it_follows_only_the_site_own_pages(href: str, expected: str | None) -> None:
    assert internal_path(href, "/initiatives/orchard/") == expected


def test_it_finds_links_feeds_and_get_forms_but_not_post_forms() -> None:
    page = """
      <link rel="alternate" type="application/atom+xml" href="/initiatives/feed.atom">
      <link rel="stylesheet" href="/static/css/app.css">
      <a href="/groups/">Groups</a>
      <form method="get" action="/find">
        <input name="postcode"><input type="hidden" name="x" value="1">
      </form>
      <form method="post" action="/initiatives/orchard/join/"><button>Join</button></form>
    """
    assert links_in(page, "/") == ["/initiatives/feed.atom", "/groups/", "/find?x=1"]


def test_it_finds_the_addresses_in_sitemaps_feeds_and_api_answers() -> None:
    sitemap = "<urlset><url><loc>http://testserver/initiatives/a/?x=1&amp;y=2</loc></url></urlset>"
    assert links_in_data(sitemap, "application/xml") == ["http://testserver/initiatives/a/?x=1&y=2"]
    api = '{"items": [{"title": "A", "url": "/initiatives/a/"}]}'
    assert links_in_data(api, "application/json") == ["/initiatives/a/"]


def test_it_names_the_url_pattern_of_a_path() -> None:
    assert route_of("/initiatives/orchard/") == "initiatives:initiatives/<slug:slug>/"
    assert route_of("/") == ""
    assert route_of("/no/such/page") is None


def test_the_html_checker_reports_invalid_html_against_the_page() -> None:
    missing = html_checker_missing()
    require(missing is None, str(missing))
    valid = '<!DOCTYPE html><html lang="en"><head><title>Fine</title></head><body></body></html>'
    invalid = valid.replace(
        "<body>", '<body><time datetime="2026-11-27T01:42:10.053364+00:00">x</time>'
    )
    errors = validate_html({"valid page": valid, "invalid page": invalid})
    assert [error.path for error in errors] == ["invalid page"]
    assert "datetime" in errors[0].message
