"""Editing an initiative: leads only, and two leads never silently overwrite each other."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory, make_councillor
from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.services import lifecycle
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import INITIATIVE_CAST, make_colead

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative() -> Initiative:
    return InitiativeFactory(title="Brook Street garden")


def _url(initiative: Initiative) -> str:
    return f"/initiatives/{initiative.slug}/edit/"


def _form(initiative: Initiative, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": initiative.title,
        "problem": initiative.problem,
        "change_wanted": initiative.change_wanted,
        "who_for": initiative.who_for,
        "theme": initiative.theme,
        "wards": [w.pk for w in initiative.wards.all()],
        "area_description": "",
        "place": "",
        "latitude": "",
        "longitude": "",
        "visibility": initiative.visibility,
        "version": initiative.version,
    }
    data.update(overrides)
    return data


def test_a_lead_sees_the_form_filled_in(client: Client, initiative: Initiative) -> None:
    client.force_login(initiative.created_by)
    body = client.get(_url(initiative)).content.decode()
    assert 'value="Brook Street garden"' in body
    assert 'name="version" value="1"' in body


def test_a_lead_saves_changes(client: Client, initiative: Initiative) -> None:
    client.force_login(initiative.created_by)
    response = client.post(_url(initiative), _form(initiative, title="Brook Street gardens"))
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Brook Street gardens"
    assert initiative.version == 2
    assert AuditEntry.objects.filter(action="initiative.update").count() == 1
    assert "Your changes have been saved" in client.get(response["Location"]).content.decode()


def test_a_lead_can_still_edit_after_a_boundary_change_retired_its_ward(
    client: Client, initiative: Initiative
) -> None:
    initiative.wards.update(retired_at=timezone.now())
    client.force_login(initiative.created_by)
    response = client.post(_url(initiative), _form(initiative, title="Brook Street gardens"))
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Brook Street gardens"
    assert initiative.wards.count() == 1


def test_two_leads_editing_from_the_same_version_never_overwrite_each_other(
    initiative: Initiative,
) -> None:
    colead = make_colead(initiative)
    first, second = Client(), Client()
    first.force_login(initiative.created_by)
    second.force_login(colead)
    # Both open the form at version 1.
    assert 'name="version" value="1"' in first.get(_url(initiative)).content.decode()
    assert 'name="version" value="1"' in second.get(_url(initiative)).content.decode()

    saved = first.post(_url(initiative), _form(initiative, problem="First lead's words."))
    assert saved.status_code == 302

    clash = second.post(_url(initiative), _form(initiative, problem="Second lead's words."))

    assert clash.status_code == 200
    body = clash.content.decode()
    assert "Somebody else changed this initiative while you were editing it" in body
    saved_now = body[body.index('data-conflict="saved"') : body.index("What you typed")]
    assert "First lead&#x27;s words." in saved_now
    typed = body[body.index("What you typed") :]
    assert "Second lead&#x27;s words." in typed
    # The resubmission is based on the version saved now.
    assert 'name="version" value="2"' in typed
    initiative.refresh_from_db()
    assert initiative.problem == "First lead's words."
    assert initiative.version == 2

    # Having seen both, the second lead saves on top of the current version.
    again = second.post(
        _url(initiative), _form(initiative, problem="Both leads' words.", version=2)
    )
    assert again.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.problem, initiative.version) == ("Both leads' words.", 3)


def test_the_service_refuses_a_stale_version(initiative: Initiative) -> None:
    wards = list(initiative.wards.all())
    lifecycle.initiative_update(
        initiative=initiative, actor=initiative.created_by, version=1, wards=wards, title="A"
    )
    with pytest.raises(lifecycle.EditConflict) as caught:
        lifecycle.initiative_update(
            initiative=initiative, actor=initiative.created_by, version=1, wards=wards, title="B"
        )
    assert caught.value.current.title == "A"
    initiative.refresh_from_db()
    assert (initiative.title, initiative.version) == ("A", 2)


ALLOWED = {"lead", "co-lead"}


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_only_leads_may_edit(role: str, initiative: Initiative) -> None:
    actor = INITIATIVE_CAST[role](initiative)
    client = Client()
    if actor.is_authenticated:
        client.force_login(actor)
    get = client.get(_url(initiative))
    post = client.post(_url(initiative), _form(initiative, title="Taken over"))
    initiative.refresh_from_db()
    if role in ALLOWED:
        assert (get.status_code, post.status_code) == (200, 302)
        assert initiative.title == "Taken over"
    else:
        expected = 302 if role == "anonymous" else 403
        assert (get.status_code, post.status_code) == (expected, expected)
        assert initiative.title == "Brook Street garden"


def test_a_lead_cannot_add_a_ward_they_represent_as_a_councillor(
    client: Client, initiative: Initiative, mfa_totp: Any
) -> None:
    lead = initiative.created_by
    lead.ward = initiative.wards.get()
    lead.save()
    elected_for = WardFactory(council=lead.ward.council)
    make_councillor(lead, ward=elected_for)
    mfa_totp(lead)
    client.force_login(lead)
    response = client.post(
        _url(initiative), _form(initiative, wards=[lead.ward.pk, elected_for.pk])
    )
    assert response.status_code == 200
    assert "A councillor cannot lead an initiative in a ward they represent" in (
        response.content.decode()
    )
    assert initiative.wards.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"version": "x"}, "Enter a whole number"),
        ({"wards": []}, "Choose at least one ward"),
    ],
)
def test_bad_input_changes_nothing(
    client: Client, initiative: Initiative, change: dict[str, Any], message: str
) -> None:
    lead = initiative.created_by
    lead.ward = initiative.wards.get()
    lead.save()
    client.force_login(lead)
    response = client.post(_url(initiative), _form(initiative, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    initiative.refresh_from_db()
    assert (initiative.title, initiative.version) == ("Brook Street garden", 1)


def test_a_safeguarded_initiative_is_404_for_outsiders(client: Client) -> None:
    initiative = InitiativeFactory(visibility="safeguarded")
    client.force_login(UserFactory())
    assert client.get(_url(initiative)).status_code == 404


def test_the_map_picker_opens_on_the_saved_point(
    client: Client, initiative: Initiative, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    initiative.latitude, initiative.longitude = 52.4862, -1.8904
    initiative.save(update_fields=["latitude", "longitude"])
    client.force_login(initiative.created_by)
    body = client.get(_url(initiative)).content.decode()
    match = re.search(r'<script id="map-picker-data" type="application/json">(.*?)</script>', body)
    assert match
    assert json.loads(match.group(1))["point"] == [52.4862, -1.8904]
