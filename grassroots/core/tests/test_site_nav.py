"""The header's menu leads to every public section, and marks the one the page is in: the
section's own page as the current page, any page within it as the current section."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

SECTIONS = ["Find your area", "Councils", "Initiatives", "Conversations", "Events", "Groups"]


def menu(client: Client, path: str) -> dict[str, str]:
    """Each menu link's label and its aria-current ("" when it has none)."""
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.content.decode()
    start = body.index('class="govuk-service-navigation__list"')
    items = body[start : body.index("</ul>", start)]
    found: dict[str, str] = {}
    link = r'<a class="govuk-service-navigation__link"([^>]*)>(.*?)</a>'
    for attrs, text in re.findall(link, items):
        label = re.sub(r"<[^>]+>", "", text).strip()
        current = re.search(r'aria-current="(\w+)"', attrs)
        found[label] = current.group(1) if current else ""
    return found


def test_every_section_is_in_the_menu_for_everybody(client: Client) -> None:
    links = menu(client, "/")
    assert [label for label in links if label in SECTIONS] == SECTIONS


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "Find your area"),
        ("/councils/", "Councils"),
        ("/initiatives/", "Initiatives"),
        ("/conversations/", "Conversations"),
        ("/events/", "Events"),
        ("/groups/", "Groups"),
    ],
)
def test_a_sections_own_page_is_the_current_page(client: Client, path: str, section: str) -> None:
    links = menu(client, path)
    assert links[section] == "page"
    assert [label for label, current in links.items() if current] == [section]


def test_a_page_within_a_section_marks_the_section(client: Client) -> None:
    ward = WardFactory()
    group = GroupFactory()
    for path, section in [
        (ward.council.get_absolute_url(), "Councils"),
        (ward.get_absolute_url(), "Councils"),
        ("/events/venues/", "Events"),
        (group.get_absolute_url(), "Groups"),
    ]:
        links = menu(client, path)
        assert links[section] == "true", path
        assert [label for label, current in links.items() if current] == [section], path


def test_pages_outside_the_sections_mark_none(client: Client) -> None:
    links = menu(client, "/accessibility")
    assert not any(links[label] for label in SECTIONS)
