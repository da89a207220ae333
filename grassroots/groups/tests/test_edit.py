"""Organisers edit their group: the slug stays, bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory, make_site_admin
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.groups import services
from grassroots.groups.models import Group, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import make_group_member

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
    group = GroupFactory()
    client.force_login(make_group_member(group))
    assert client.get(f"/groups/{group.slug}/edit/").status_code == 403


# --- Wards retired since the group chose them ------------------------------------------------


def _retire(ward: Ward) -> Ward:
    ward.retired_at = timezone.now()
    ward.save(update_fields=["retired_at"])
    return ward


def test_a_retired_ward_stays_ticked_and_saved_when_the_group_is_edited(client: Client) -> None:
    old = WardFactory(name="Old Brook")
    current = WardFactory(council=old.council, name="Riverside")
    group = GroupFactory(council=old.council, name="Park friends")
    group.wards.set([old, current])
    _retire(old)
    client.force_login(group.created_by)
    body = client.get(f"/groups/{group.slug}/edit/").content.decode()
    assert f'value="{old.pk}" checked' in body
    assert "Old Brook (no longer a ward)" in body
    response = client.post(
        f"/groups/{group.slug}/edit/",
        _data(group, description="New words.", wards=[old.pk, current.pk]),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.description == "New words."
    assert set(group.wards.all()) == {old, current}


def test_an_organiser_may_still_untick_a_retired_ward(client: Client) -> None:
    old = WardFactory()
    group = GroupFactory(council=old.council)
    group.wards.set([old])
    _retire(old)
    client.force_login(group.created_by)
    assert client.post(f"/groups/{group.slug}/edit/", _data(group)).status_code == 302
    assert list(group.wards.all()) == []


def test_a_retired_ward_the_group_never_had_cannot_be_chosen(client: Client) -> None:
    current = WardFactory(name="Riverside")
    other = _retire(WardFactory(council=current.council, name="Gone Ward"))
    group = GroupFactory(council=current.council)
    client.force_login(group.created_by)
    assert "Gone Ward" not in client.get(f"/groups/{group.slug}/edit/").content.decode()
    response = client.post(f"/groups/{group.slug}/edit/", _data(group, wards=[other.pk]))
    assert response.status_code == 200
    assert "Choose wards from the list" in _summary(response.content.decode())
    assert list(group.wards.all()) == []
    with pytest.raises(ServiceError, match="exist today"):
        services.group_update(
            group=group,
            actor=group.created_by,
            name=group.name,
            description=group.description,
            joining=group.joining,
            wards=[other],
        )


def test_a_new_group_can_only_choose_current_wards(client: Client) -> None:
    current = WardFactory(name="Riverside")
    old = _retire(WardFactory(council=current.council, name="Gone Ward"))
    user = UserFactory()
    client.force_login(user)
    url = f"/groups/create/?council={current.council.slug}"
    body = client.get(url).content.decode()
    assert "Riverside" in body
    assert "Gone Ward" not in body
    data = {"name": "Brook litter pickers", "description": "We tidy.", "joining": "open"}
    response = client.post(url, {**data, "wards": [old.pk]})
    assert response.status_code == 200
    assert "Choose wards from the list" in _summary(response.content.decode())
    assert not Group.objects.filter(name="Brook litter pickers").exists()
    with pytest.raises(ServiceError, match="exist today"):
        services.group_create(
            creator=user, council=current.council, name="Brook", description="x", wards=[old]
        )


def test_the_admin_keeps_a_retired_ward_on_saving(client: Client, mfa_totp: Any) -> None:
    old = WardFactory(name="Old Brook")
    group = GroupFactory(council=old.council, name="Park friends")
    group.wards.set([old])
    _retire(old)
    admin = make_site_admin()
    mfa_totp(admin)
    client.force_login(admin)
    body = client.get(f"/admin/groups/group/{group.pk}/change/").content.decode()
    assert f'<option value="{old.pk}" selected>' in body
    response = client.post(
        f"/admin/groups/group/{group.pk}/change/",
        {
            "name": "Park friends",
            "description": "Words.",
            "joining": "open",
            "wards": [old.pk],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(group.wards.all()) == [old]
