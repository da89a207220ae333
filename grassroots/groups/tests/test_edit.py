"""Organisers edit their group: the slug stays, bad input changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.groups.models import Group, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def _summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


def _data(group: Group, **change: object) -> dict[str, object]:
    return {
        "name": group.name,
        "description": group.description,
        "joining": group.joining,
        **change,
    }


def test_the_form_shows_what_is_saved(client: Client) -> None:
    ward = WardFactory(name="Riverside")
    group = GroupFactory(council=ward.council, name="Park friends")
    group.wards.set([ward])
    client.force_login(group.created_by)
    body = client.get(f"/groups/{group.slug}/edit/").content.decode()
    assert 'value="Park friends"' in body
    assert f'value="{ward.pk}" checked' in body


def test_an_organiser_renames_the_group_and_its_address_stays(client: Client) -> None:
    ward = WardFactory()
    group = GroupFactory(council=ward.council, name="Park friends", slug="park-friends")
    client.force_login(group.created_by)
    response = client.post(
        "/groups/park-friends/edit/",
        _data(group, name="Friends of Brook Park", joining="invite", wards=[ward.pk]),
    )
    assert response["Location"] == "/groups/park-friends/"
    group.refresh_from_db()
    assert (group.name, group.slug, group.joining) == (
        "Friends of Brook Park",
        "park-friends",
        Joining.INVITE,
    )
    assert list(group.wards.all()) == [ward]
    entry = AuditEntry.objects.get(action="group.update")
    assert entry.data["before"]["name"] == "Park friends"
    assert entry.data["after"]["name"] == "Friends of Brook Park"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter a name for the group"),
        ({"name": "x" * 500}, "Name must be 120 characters or fewer"),
        ({"description": " "}, "Say what the group is for"),
        ({"description": "x" * 6000}, "What the group is for must be 5,000 characters or fewer"),
        ({"joining": "maybe"}, "Choose who can join the group"),
    ],
)
def test_bad_input_changes_nothing(client: Client, change: dict[str, object], message: str) -> None:
    group = GroupFactory(name="Park friends")
    client.force_login(group.created_by)
    response = client.post(f"/groups/{group.slug}/edit/", _data(group, **change))
    assert response.status_code == 200
    assert message in _summary(response.content.decode())
    group.refresh_from_db()
    assert group.name == "Park friends"
    assert not AuditEntry.objects.filter(action="group.update").exists()


def test_another_groups_name_in_the_same_council_is_refused(client: Client) -> None:
    group = GroupFactory(name="Park friends")
    GroupFactory(council=group.council, name="Choir")
    client.force_login(group.created_by)
    response = client.post(f"/groups/{group.slug}/edit/", _data(group, name="CHOIR"))
    assert "already has a group with this name" in _summary(response.content.decode())
    group.refresh_from_db()
    assert group.name == "Park friends"


def test_keeping_its_own_name_in_other_letters_is_fine(client: Client) -> None:
    group = GroupFactory(name="Park friends")
    client.force_login(group.created_by)
    client.post(f"/groups/{group.slug}/edit/", _data(group, name="Park Friends"))
    group.refresh_from_db()
    assert group.name == "Park Friends"


def test_wards_of_another_council_are_refused(client: Client) -> None:
    group = GroupFactory()
    client.force_login(group.created_by)
    response = client.post(f"/groups/{group.slug}/edit/", _data(group, wards=[WardFactory().pk]))
    assert "Choose wards from the list" in _summary(response.content.decode())
    assert not group.wards.exists()


def test_a_member_who_is_not_an_organiser_cannot_open_the_form(client: Client) -> None:
    from grassroots.groups.tests.people import make_member

    group = GroupFactory()
    client.force_login(make_member(group))
    assert client.get(f"/groups/{group.slug}/edit/").status_code == 403
