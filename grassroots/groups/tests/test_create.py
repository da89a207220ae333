"""Starting a group: the council first, then the form; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncilFactory, WardFactory

pytestmark = pytest.mark.django_db

GOOD = {"name": "Brook Street litter pickers", "description": "We tidy.", "joining": "open"}


def _summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


@pytest.fixture
def ward(db: Any) -> Ward:
    return WardFactory(name="Riverside")


@pytest.fixture
def signed_in(client: Client, ward: Ward) -> Client:
    client.force_login(UserFactory(ward=ward))
    return client


def test_the_form_starts_in_the_council_of_the_residents_ward(
    signed_in: Client, ward: Ward
) -> None:
    WardFactory(name="Elsewhere")  # another council's ward is not offered
    body = signed_in.get("/groups/create/").content.decode()
    assert ward.council.name in body
    assert "Riverside" in body
    assert "Elsewhere" not in body
    # The resident's own ward is ticked to start with.
    assert f'value="{ward.pk}" checked' in body


def test_without_a_ward_the_resident_chooses_the_council_first(client: Client) -> None:
    council = CouncilFactory(name="Brookmere Council")
    client.force_login(UserFactory())
    body = client.get("/groups/create/").content.decode()
    assert "Which council area is the group in?" in body
    assert "Brookmere Council" in body
    body = client.get(f"/groups/create/?council={council.slug}").content.decode()
    assert "Start the group" in body


@pytest.mark.parametrize("value", ["", "no-such-council"])
def test_choosing_no_council_or_an_unknown_one_says_so(client: Client, value: str) -> None:
    CouncilFactory()
    client.force_login(UserFactory())
    response = client.get(f"/groups/create/?council={value}")
    assert response.status_code == 200
    body = response.content.decode()
    expected = "Choose the council area the group is in" if not value else "Choose a council"
    assert expected in _summary(body)
    assert body.count("<title>Error:") == 1


def test_a_resident_starts_a_group_and_organises_it(signed_in: Client, ward: Ward) -> None:
    response = signed_in.post("/groups/create/", {**GOOD, "wards": [ward.pk], "joining": "invite"})
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/groups/brook-street-litter-pickers/"
    assert group.council == ward.council
    assert list(group.wards.all()) == [ward]
    assert group.joining == Joining.INVITE
    row = GroupMembership.objects.get(group=group)
    assert (row.user, row.role, row.status) == (group.created_by, "organiser", "active")
    entry = AuditEntry.objects.get(action="group.create")
    assert entry.object_id == str(group.pk)


def test_names_that_make_the_same_slug_get_their_own(signed_in: Client, ward: Ward) -> None:
    other = CouncilFactory()
    GroupFactory(
        council=other, name="Brook Street litter pickers", slug="brook-street-litter-pickers"
    )
    signed_in.post("/groups/create/", GOOD)
    assert Group.objects.filter(council=ward.council).get().slug == "brook-street-litter-pickers-2"


def test_a_name_that_is_a_page_of_the_site_gets_another_slug(signed_in: Client) -> None:
    signed_in.post("/groups/create/", {**GOOD, "name": "Create"})
    assert Group.objects.get().slug == "create-group"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter a name for the group"),
        ({"name": "   "}, "Enter a name for the group"),
        ({"name": "x" * 121}, "Name must be 120 characters or fewer"),
        ({"name": "Bad\x07name"}, "Name must not contain control characters"),
        ({"description": ""}, "Say what the group is for"),
        ({"description": "x" * 5001}, "What the group is for must be 5,000 characters or fewer"),
        ({"joining": ""}, "Choose who can join the group"),
        ({"joining": "everybody"}, "Choose who can join the group"),
        ({"wards": ["999999"]}, "Choose wards from the list"),
        ({"wards": ["not a number"]}, "Choose wards from the list"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    signed_in: Client, change: dict[str, Any], message: str
) -> None:
    response = signed_in.post("/groups/create/", {**GOOD, **change})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in _summary(body)
    assert "<title>Error:" in body
    assert not Group.objects.exists()
    assert not AuditEntry.objects.exists()


def test_wards_of_another_council_are_refused(signed_in: Client) -> None:
    elsewhere = WardFactory()
    response = signed_in.post("/groups/create/", {**GOOD, "wards": [elsewhere.pk]})
    assert "Choose wards from the list" in _summary(response.content.decode())
    assert not Group.objects.exists()


def test_the_same_name_twice_in_one_council_is_refused(signed_in: Client, ward: Ward) -> None:
    GroupFactory(council=ward.council, name="Brook Street Litter Pickers")
    response = signed_in.post("/groups/create/", {**GOOD, "name": "brook street  litter pickers"})
    body = response.content.decode()
    assert "already has a group with this name" in _summary(body)
    assert Group.objects.count() == 1


def test_html_in_what_is_typed_is_shown_as_text(signed_in: Client) -> None:
    script = '<script>alert("hi")</script>'
    signed_in.post("/groups/create/", {**GOOD, "name": f"Group {script}", "description": script})
    group = Group.objects.get()
    body = signed_in.get(group.get_absolute_url()).content.decode()
    assert script not in body
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in body
    listing = signed_in.get("/groups/").content.decode()
    assert script not in listing


def test_empty_post_is_explained(signed_in: Client) -> None:
    response = signed_in.post("/groups/create/", {})
    summary = _summary(response.content.decode())
    for message in ("Enter a name for the group", "Say what the group is for"):
        assert message in summary
    assert not Group.objects.exists()
