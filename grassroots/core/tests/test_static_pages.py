"""The accessibility statement and the privacy notice, linked from every page."""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

pytestmark = pytest.mark.django_db


def headings(content: bytes) -> list[tuple[int, str]]:
    return [
        (int(level), re.sub(r"<[^>]+>", "", text).strip())
        for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", content.decode(), re.S)
    ]


def test_the_accessibility_statement_follows_the_model_statement(client: Client) -> None:
    response = client.get("/accessibility")
    assert response.status_code == 200
    titles = [text for _, text in headings(response.content)]
    assert titles[0] == "Accessibility statement for Grassroots"
    for section in (
        "How accessible this website is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert section in titles, f"missing section {section!r}"
    text = response.content.decode()
    assert "WCAG" in text
    assert "2.2" in text
    assert "JavaScript switched off" in text


def test_the_privacy_notice_says_what_we_collect_and_users_rights(client: Client) -> None:
    response = client.get("/privacy")
    assert response.status_code == 200
    titles = [text for _, text in headings(response.content)]
    assert titles[0] == "Privacy notice"
    for section in ("What we collect", "Why we use it", "Who can see it", "Your rights"):
        assert section in titles
    text = response.content.decode()
    assert "postcode" in text
    assert "we never show it to anyone" in text
    assert "Information Commissioner" in text


@pytest.mark.parametrize("url", ["/accessibility", "/privacy"])
def test_headings_do_not_skip_levels(client: Client, url: str) -> None:
    levels = [level for level, _ in headings(client.get(url).content)]
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


@pytest.mark.parametrize("url", ["/", "/councils/", "/accessibility", "/privacy", "/nowhere"])
def test_every_page_links_to_the_statement_and_the_notice(client: Client, url: str) -> None:
    content = client.get(url).content
    assert b'href="/accessibility">Accessibility statement</a>' in content
    assert b'href="/privacy">Privacy notice</a>' in content


# The home page is not among them: it shows a live example postcode and what is on nearby.
@pytest.mark.parametrize("url", ["/accessibility", "/privacy"])
def test_static_pages_need_no_database(
    client: Client, url: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200
