"""Bad input for every form about places that matter: a clear message, nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.directory import services_assets as services
from grassroots.directory.models_assets import AcvStatus, Asset, BidderRequest, Nomination
from grassroots.directory.tests.assets_world import AssetFactory, asset_town, list_it, nominate
from grassroots.places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db

GOOD_ASSET = {"name": "Brook Street park", "kind": "green_space", "postcode": "", "description": ""}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter the name of the place"),
        ({"name": "x" * 151}, "Name must be 150 characters or fewer"),
        ({"kind": ""}, "Select what kind of place it is"),
        ({"kind": "castle"}, "Select what kind of place it is"),
        ({"postcode": ""}, "Enter the postcode of the place"),
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "We could not find the postcode ZZ9 9ZZ"),
        ({"description": "x" * 5001}, "Why it matters must be 5,000 characters or fewer"),
        ({"name": "Park\x07"}, "Remove the control characters"),
    ],
)
def test_mapping_a_place_refuses_bad_input(change: dict[str, str], message: str) -> None:
    town = asset_town()
    postcode = PostcodeFactory(ward_code=town.ward.gss_code)
    data = {**GOOD_ASSET, "postcode": postcode.postcode, **change}
    response = _client(town.person("resident")).post(reverse("assets:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Asset.objects.exists()


def test_mapping_a_place_works_with_good_input() -> None:
    town = asset_town()
    postcode = PostcodeFactory(ward_code=town.ward.gss_code)
    data = {**GOOD_ASSET, "postcode": postcode.postcode}
    response = _client(town.person("resident")).post(reverse("assets:create"), data)
    asset = Asset.objects.get()
    assert response.status_code == 302
    assert (asset.ward, asset.council, asset.latitude) == (town.ward, town.council, 52.005)


GOOD_NOMINATION = {
    "body_kind": "unincorporated",
    "local_electors": "25",
    "distributes_surplus": "no",
    "reasons": "Our only green space.",
    "declaration": "on",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": ""}, "Select the group that is nominating the place"),
        ({"body_kind": ""}, "Select what kind of body the group is"),
        ({"body_kind": "club"}, "Select what kind of body the group is"),
        ({"local_electors": ""}, "Enter how many members are on the local electoral register"),
        ({"local_electors": "lots"}, "Number of members must be a whole number, like 25"),
        ({"local_electors": "-1"}, "Number of members must be 0 or more"),
        ({"local_electors": "20"}, "at least 21 members on the local electoral register"),
        ({"distributes_surplus": "yes"}, "shares its surplus among its members cannot nominate"),
        ({"distributes_surplus": ""}, "Select whether the group shares any surplus"),
        ({"body_kind": "public_authority"}, "A council or other public body cannot nominate"),
        ({"body_kind": "other"}, "Only a community body can nominate land"),
        ({"reasons": ""}, "Say how the place furthers the community"),
        ({"reasons": "x" * 5001}, "Reasons must be 5,000 characters or fewer"),
        ({"declaration": ""}, "Confirm that what you have told the council is true"),
    ],
)
def test_nominating_refuses_bad_input(change: dict[str, str], message: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    data = {**GOOD_NOMINATION, "group": str(town.group.pk), **change}
    data = {k: v for k, v in data.items() if v != ""}
    response = _client(town.person("organiser")).post(
        reverse("assets:nominate", args=[asset.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Nomination.objects.exists()
    asset.refresh_from_db()
    assert asset.acv_status == AcvStatus.MAPPED


def test_a_group_the_organiser_does_not_run_is_refused() -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    data = {**GOOD_NOMINATION, "group": str(town.other_group.pk)}
    response = _client(town.person("organiser")).post(
        reverse("assets:nominate", args=[asset.pk]), data
    )
    assert "Select the group that is nominating the place" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_place_cannot_be_nominated_twice_while_waiting() -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    nominate(town, asset)
    data = {**GOOD_NOMINATION, "group": str(town.group.pk)}
    response = _client(town.person("organiser")).post(
        reverse("assets:nominate", args=[asset.pk]), data
    )
    assert "already waiting for the council" in response.content.decode()
    assert Nomination.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reasons": "Yes"}, "Select whether the council listed the place"),
        ({"decision": "maybe", "reasons": "Yes"}, "Select whether the council listed the place"),
        ({"decision": "listed"}, "Enter the reasons for the decision"),
        (
            {"decision": "listed", "reasons": "Yes", "decided_on_0": "31", "decided_on_1": "2"},
            "Date of the decision must include a year",
        ),
        (
            {
                "decision": "listed",
                "reasons": "Yes",
                "decided_on_0": "30",
                "decided_on_1": "2",
                "decided_on_2": "2026",
            },
            "Date of the decision must be a real date",
        ),
        (
            {
                "decision": "listed",
                "reasons": "Yes",
                "decided_on_0": "1",
                "decided_on_1": "1",
                "decided_on_2": "2020",
            },
            "The decision cannot be before the council received the nomination",
        ),
        (
            {
                "decision": "listed",
                "reasons": "Yes",
                "decided_on_0": "1",
                "decided_on_1": "1",
                "decided_on_2": "2099",
            },
            "The date of the decision must be today or in the past",
        ),
    ],
)
def test_deciding_refuses_bad_input(data: dict[str, str], message: str) -> None:
    town = asset_town()
    nomination = nominate(town, AssetFactory(ward=town.ward))
    response = _client(town.person("officer")).post(
        reverse("assets:decide", args=[nomination.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.decision == ""
    assert nomination.asset.acv_status == AcvStatus.NOMINATED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date the notice arrived"),
        (
            {"received_on_0": "12", "received_on_2": "2026"},
            "Date the notice arrived must include a month",
        ),
        (
            {"received_on_0": "1", "received_on_1": "1", "received_on_2": "2099"},
            "must be today or in the past",
        ),
        (
            {"received_on_0": "1", "received_on_1": "1", "received_on_2": "2020"},
            "must arrive while the place is listed",
        ),
    ],
)
def test_recording_a_notice_refuses_bad_input(data: dict[str, str], message: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    list_it(town, asset)
    response = _client(town.person("officer")).post(
        reverse("assets:sale_notice", args=[asset.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not asset.sale_notices.exists()


def test_a_second_notice_in_the_protected_period_is_refused() -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    list_it(town, asset)
    services.sale_notice_record(
        actor=town.person("officer"), asset=asset, received_on=timezone.localdate()
    )
    today = timezone.localdate()
    data = {"received_on_0": today.day, "received_on_1": today.month, "received_on_2": today.year}
    response = _client(town.person("officer")).post(
        reverse("assets:sale_notice", args=[asset.pk]), data
    )
    assert "protected period runs until" in response.content.decode()
    assert asset.sale_notices.count() == 1


@pytest.mark.parametrize(
    ("role", "data", "message"),
    [
        ("organiser", {}, "Select the group that is asking"),
        ("organiser", {"group": "999999"}, "Select the group that is asking"),
        ("officer", {}, "Enter the name of the group that asked"),
        ("officer", {"group_name": "x" * 151}, "Name must be 150 characters or fewer"),
        (
            "officer",
            {
                "group_name": "Save it",
                "received_on_0": "1",
                "received_on_1": "1",
                "received_on_2": "2020",
            },
            "The request cannot be before the notice of sale",
        ),
    ],
)
def test_asking_to_bid_refuses_bad_input(role: str, data: dict[str, str], message: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    list_it(town, asset)
    services.sale_notice_record(
        actor=town.person("officer"), asset=asset, received_on=timezone.localdate()
    )
    response = _client(town.person(role)).post(reverse("assets:bid_request", args=[asset.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BidderRequest.objects.exists()


@pytest.mark.parametrize("value", ["", "999999", "abc"])
def test_linking_an_initiative_refuses_bad_input(value: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    lead = town.initiative.created_by
    response = _client(lead).post(
        reverse("assets:link_initiative", args=[asset.pk]), {"initiative": value}, follow=True
    )
    assert response.status_code == 200
    assert "Select the initiative" in response.content.decode()
    assert not asset.initiatives.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"council": "nowhere"},
        {"kind": "castle"},
        {"status": "sold"},
        {"q": "x" * 101},
        {"page": "many"},
    ],
)
def test_the_list_answers_bad_filters(query: dict[str, str]) -> None:
    town = asset_town()
    AssetFactory(ward=town.ward)
    response = Client().get(reverse("assets:list"), query)
    assert response.status_code == 200
