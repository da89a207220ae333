"""The home page: find your area, a search box, and what is happening near you."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.events.tests.factories import EventFactory
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncilFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wards() -> tuple[Ward, Ward]:
    council = CouncilFactory(name="Greenshire")
    return (
        WardFactory(council=council, name="Riverside"),
        WardFactory(council=council, name="Hilltop"),
    )


def fill_ward(ward: Ward, label: str, n: int = 1) -> None:
    group = GroupFactory(council=ward.council, name=f"{label} friends")
    group.wards.add(ward)
    for i in range(n):
        InitiativeFactory(title=f"{label} initiative {i}", wards=[ward])
        EventFactory(title=f"{label} event {i}", group=group, ward=None)
        ConversationFactory(question=f"{label} conversation {i}?", ward=ward)


def test_signed_out_it_shows_the_latest_across_the_area(
    client: Client, wards: tuple[Ward, Ward]
) -> None:
    riverside, hilltop = wards
    fill_ward(riverside, "Riverside")
    fill_ward(hilltop, "Hilltop")

    page = client.get("/").content.decode()

    assert "Happening in the area" in page
    for label in ("Riverside", "Hilltop"):
        assert f"{label} initiative 0" in page
        assert f"{label} event 0" in page
        assert f"{label} conversation 0?" in page


def test_signed_in_with_a_ward_it_shows_that_ward(client: Client, wards: tuple[Ward, Ward]) -> None:
    riverside, hilltop = wards
    fill_ward(riverside, "Riverside")
    fill_ward(hilltop, "Hilltop")
    client.force_login(UserFactory(ward=riverside, postcode="GR1 1AA"))

    page = client.get("/").content.decode()

    assert "Happening in Riverside" in page
    assert "Riverside initiative 0" in page
    assert "Riverside event 0" in page
    assert "Riverside conversation 0?" in page
    assert "Hilltop" not in page
    assert "GR1 1AA" not in page  # the private postcode itself is never shown


def test_signed_in_without_a_ward_it_shows_the_area_and_asks_for_a_postcode(
    client: Client, wards: tuple[Ward, Ward]
) -> None:
    fill_ward(wards[0], "Riverside")
    client.force_login(UserFactory())

    page = client.get("/").content.decode()

    assert "Happening in the area" in page
    assert "Riverside initiative 0" in page
    assert 'href="/account/edit">Add your postcode</a>' in page


def test_safeguarded_and_hidden_things_never_show_to_outsiders(
    client: Client, wards: tuple[Ward, Ward]
) -> None:
    riverside = wards[0]
    secret = InitiativeFactory(
        title="Refuge support circle", wards=[riverside], visibility=Visibility.SAFEGUARDED
    )
    ConversationFactory(question="Refuge rota?", ward=None, initiative=secret, is_safeguarded=True)
    EventFactory(title="Refuge meeting", group=None, initiative=secret)
    InitiativeFactory(title="Old hidden one", wards=[riverside], hidden_at="2026-01-01T00:00Z")

    for viewer in (None, UserFactory(ward=riverside)):
        visitor = Client()
        if viewer is not None:
            visitor.force_login(viewer)
        page = visitor.get("/").content.decode()
        assert "Refuge" not in page
        assert "Old hidden one" not in page

    member = UserFactory(ward=riverside)
    MembershipFactory(initiative=secret, user=member)
    visitor = Client()
    visitor.force_login(member)
    page = visitor.get("/").content.decode()
    assert "Refuge support circle" in page
    assert "Refuge meeting" in page
    assert "Refuge rota?" in page


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "with-ward"])
def test_it_costs_a_bounded_number_of_queries(
    client: Client,
    wards: tuple[Ward, Ward],
    signed_in: bool,
    django_assert_max_num_queries: Any,
) -> None:
    fill_ward(wards[0], "Riverside", n=12)
    if signed_in:
        client.force_login(UserFactory(ward=wards[0]))
    # Twelve of each, so a query per row would show: the session and roles, four for the
    # initiatives (browse.initiative_page), one each for events and conversations.
    with django_assert_max_num_queries(14):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count("Riverside initiative") == 5
