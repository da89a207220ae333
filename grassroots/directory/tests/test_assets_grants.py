"""A fund grant for a place that matters: who may say so, bad input, and both pages show it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from grassroots.directory.tests.assets_world import AssetFactory
from grassroots.funding.services.grant_asset import grant_set_asset
from grassroots.funding.tests.factories import make_area, make_grant
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.people import make_officer, make_resident, make_site_admin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("treasurer", True), ("site admin", True), ("chair", False), ("resident", False)],
)
def test_who_may_say_which_place_a_grant_is_for(role: str, allowed: bool) -> None:
    area = make_area()
    grant = make_grant(area)
    asset = AssetFactory(ward=area.wards[0])
    people = {
        "treasurer": area.treasurer,
        "chair": area.chair,
        "site admin": make_site_admin(),
        "resident": make_resident(ward=area.wards[0]),
    }
    try:
        grant_set_asset(actor=people[role], grant=grant, asset=asset)
    except PermissionDenied:
        assert not allowed
    else:
        assert allowed
    grant.refresh_from_db()
    assert (grant.asset_id == asset.pk) is allowed


def test_grant_page_and_place_page_show_the_link() -> None:
    area = make_area()
    grant = make_grant(area, title="New roof for the hall")
    asset = AssetFactory(ward=area.wards[0], name="Marsh Lane hall")
    client = Client()
    client.force_login(area.treasurer)
    response = client.post(reverse("funding:grant_asset", args=[grant.pk]), {"asset": asset.pk})
    assert response.status_code == 302
    assert "Marsh Lane hall" in Client().get(grant.get_absolute_url()).content.decode()
    assert "New roof for the hall" in Client().get(asset.get_absolute_url()).content.decode()


@pytest.mark.parametrize("value", ["999999", "not a number"])
def test_a_place_not_offered_is_refused(value: str) -> None:
    area = make_area()
    grant = make_grant(area)
    elsewhere = AssetFactory(ward=WardFactory())  # another council's place
    client = Client()
    client.force_login(area.treasurer)
    for choice in (value, str(elsewhere.pk)):
        response = client.post(reverse("funding:grant_asset", args=[grant.pk]), {"asset": choice})
        assert response.status_code == 200
        assert "Select a place from the list" in response.content.decode()
    grant.refresh_from_db()
    assert grant.asset_id is None
    officer = make_officer()
    client.force_login(officer)
    assert client.get(reverse("funding:grant_asset", args=[grant.pk])).status_code == 403
