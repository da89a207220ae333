"""The list of groups: filters, search, pages, and a query count that does not grow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import invite_to_group, make_group_member

pytestmark = pytest.mark.django_db


def _names(client: Client, query: str = "") -> list[str]:
    body = client.get("/groups/" + query).content.decode()
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]*">([^<]*)</a>', body
    )


def test_groups_are_listed_by_name_with_their_member_count(client: Client) -> None:
    ward = WardFactory(name="Riverside")
    choir = GroupFactory(name="Brook choir", council=ward.council)
    choir.wards.set([ward])
    make_group_member(choir)
    GroupFactory(name="Allotment neighbours")
    body = client.get("/groups/").content.decode()
    assert _names(client) == ["Allotment neighbours", "Brook choir"]
    assert "2 groups" in body
    assert "2 members" in body
    assert "Riverside" in body


def test_filter_by_council_ward_and_words_of_the_name(client: Client) -> None:
    ward = WardFactory(name="Riverside")
    other_ward = WardFactory(name="Hilltop", council=ward.council)
    park = GroupFactory(name="Riverside park friends", council=ward.council)
    park.wards.set([ward])
    hill = GroupFactory(name="Hilltop walkers", council=ward.council)
    hill.wards.set([other_ward])
    elsewhere = GroupFactory(name="Park runners")
    assert _names(client, f"?council={ward.council.slug}") == [
        "Hilltop walkers",
        "Riverside park friends",
    ]
    assert _names(client, f"?ward={ward.pk}") == ["Riverside park friends"]
    assert _names(client, "?q=PARK") == ["Park runners", "Riverside park friends"]
    assert _names(client, "?q=park+riverside") == ["Riverside park friends"]
    assert _names(client, f"?council={elsewhere.council.slug}&q=park") == ["Park runners"]
    body = client.get("/groups/?q=nothing+like+this").content.decode()
    assert "No groups match these filters" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?council=no-such-council", "Choose a council from the list"),
        ("?ward=999999", "Choose a ward from the list"),
        ("?ward=abc", "Choose a ward from the list"),
        ("?q=" + "x" * 101, "Search must be 100 characters or fewer"),
    ],
)
def test_unusable_filters_are_explained_and_everything_is_listed(
    client: Client, query: str, message: str
) -> None:
    GroupFactory(name="Brook choir")
    response = client.get("/groups/" + query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Brook choir" in body


def test_the_list_has_pages(client: Client) -> None:
    for n in range(25):
        GroupFactory(name=f"Group {n:02d}")
    first = _names(client)
    second = _names(client, "?page=2")
    assert len(first) == 20
    assert len(second) == 5
    assert _names(client, "?page=99") == second  # past the end: the last page
    assert _names(client, "?page=nonsense") == first


def test_the_list_costs_the_same_queries_however_many_groups(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    ward = WardFactory()
    for n in range(20):
        group = GroupFactory(name=f"Group {n:02d}", council=ward.council)
        group.wards.set([ward, WardFactory(council=ward.council)])
        for _ in range(3):
            make_group_member(group)
    with django_assert_max_num_queries(8):
        response = client.get(f"/groups/?council={ward.council.slug}")
    assert response.status_code == 200
    # Signed in, with groups of their own: two queries more, still not one per group.
    member = make_group_member(group)
    client.force_login(member)
    with django_assert_max_num_queries(14):
        response = client.get(f"/groups/?council={ward.council.slug}")
    assert response.status_code == 200
    assert "4 members" in response.content.decode()


def test_a_signed_in_resident_sees_their_groups_and_waiting_invitations(client: Client) -> None:
    user = UserFactory()
    make_group_member(GroupFactory(name="Brook choir"), user)
    invite_to_group(GroupFactory(name="Carers", joining="invite"), user)
    GroupFactory(name="Not mine")
    client.force_login(user)
    body = client.get("/groups/").content.decode()
    mine = body[body.index("data-my-groups") : body.index("</ul>", body.index("data-my-groups"))]
    assert "Brook choir" in mine
    assert "Not mine" not in mine
    waiting = body[body.index("data-my-invitations") :]
    assert "Carers</a>" in waiting[: waiting.index("</ul>")]
