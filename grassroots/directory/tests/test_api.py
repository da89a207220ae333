"""The directory's Open Referral UK read API: answers validate against the standard's own
schemas, only approved listings appear, paging and `modified_after` work, bad parameters are a
clear 4xx, and the queries stay fixed however many services there are."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator

from grassroots.directory.models import ListingStatus, Service
from grassroots.directory.tests.factories import OrganizationFactory, ServiceFactory, full_service
from grassroots.directory.tests.oruk_schemas import errors, folder, validators
from grassroots.directory.tests.pages import POSTCODE, centre_postcode, service_at

pytestmark = pytest.mark.django_db

API = "/api/directory"


@pytest.fixture
def oruk(shared_data: Path) -> dict[str, Draft202012Validator]:
    return validators(shared_data)


def get(client: Client, path: str, **params: Any) -> tuple[int, Any]:
    response = client.get(API + path, params)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.status_code, response.json()


def test_the_validators_are_strict_enough(
    oruk: dict[str, Draft202012Validator], shared_data: Path
) -> None:
    """The standard's own example passes; the same without a status, or with a bad date or
    nested id, does not (so a pass below means something)."""
    example = json.loads((folder(shared_data) / "examples" / "service_full.json").read_text())
    assert errors(oruk["service"], example) == []
    assert errors(oruk["service"], {k: v for k, v in example.items() if k != "status"})
    assert errors(oruk["service"], {**example, "last_modified": "yesterday"})
    broken = json.loads(json.dumps(example))
    del broken["service_at_locations"][0]["location"]["location_type"]
    assert errors(oruk["service"], broken)
    assert errors(oruk["service_list"], {"contents": [{"id": "x"}]})


def test_api_details(client: Client, oruk: dict[str, Draft202012Validator]) -> None:
    status, body = get(client, "/")
    assert status == 200
    assert errors(oruk["api_details"], body) == []
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/api/openapi.json")


def test_a_service_fully_nested(client: Client, oruk: dict[str, Draft202012Validator]) -> None:
    service = full_service(name="Marsh food bank")
    status, body = get(client, f"/services/{service.pk}")
    assert status == 200
    assert errors(oruk["service"], body) == []
    assert body["id"] == str(service.pk)
    assert body["name"] == "Marsh food bank"
    assert body["status"] == "active"
    assert body["organization"]["id"] == str(service.organization_id)
    assert body["assured_date"] == "2026-03-01"
    assert body["eligibility_description"] == service.eligibility
    assert body["application_process"] == service.how_to_access
    assert body["cost_options"][0]["amount"] == 0
    (sal,) = body["service_at_locations"]
    assert sal["location"]["addresses"][0]["postal_code"] == "GR3 1BN"
    assert sal["location"]["accessibility"][0]["description"].startswith("Step-free")
    assert [lang["code"] for lang in body["languages"]] == ["en", "pl"]
    assert body["contacts"][0]["phones"][0]["number"] == "01632 960123"
    hours = [s for s in body["schedules"] if "byday" in s]
    assert hours == [
        {
            "id": hours[0]["id"],
            "service_id": str(service.pk),
            "freq": "WEEKLY",
            "interval": 1,
            "byday": "TU",
            "opens_at": "10:00:00",
            "closes_at": "13:30:00",
        }
    ]
    # Stable: the same answer twice (derived ids included).
    assert get(client, f"/services/{service.pk}")[1] == body


def test_a_bare_service_validates_too(
    client: Client, oruk: dict[str, Draft202012Validator]
) -> None:
    service = ServiceFactory(
        url="", email="", cost="", is_free=False, last_checked=None, who_for="", eligibility=""
    )
    status, body = get(client, f"/services/{service.pk}")
    assert status == 200
    assert errors(oruk["service"], body) == []
    assert "url" not in body
    assert body["cost_options"] == []


@pytest.mark.parametrize(
    ("service_status", "organization_status"),
    [
        (ListingStatus.DRAFT, ListingStatus.APPROVED),
        (ListingStatus.SUGGESTED, ListingStatus.APPROVED),
        (ListingStatus.ARCHIVED, ListingStatus.APPROVED),
        (ListingStatus.APPROVED, ListingStatus.SUGGESTED),
        (ListingStatus.APPROVED, ListingStatus.ARCHIVED),
    ],
)
def test_only_approved_listings_are_public(
    client: Client,
    django_user_model: Any,
    service_status: str,
    organization_status: str,
) -> None:
    hidden = full_service(
        listing_status=service_status,
        organization=OrganizationFactory(listing_status=organization_status),
    )
    shown = full_service()
    resident = Client()
    resident.force_login(django_user_model.objects.create_user("resident@example.com", "x"))
    for someone in (client, resident):
        assert get(someone, f"/services/{hidden.pk}") == (
            404,
            {"detail": "There is no public service with that id"},
        )
        _, listed = get(someone, "/services")
        assert [s["id"] for s in listed["contents"]] == [str(shown.pk)]
        _, orgs = get(someone, "/organizations")
        ids = {o["id"] for o in orgs["contents"]}
        assert str(shown.organization_id) in ids
        assert (str(hidden.organization_id) in ids) == (
            organization_status == ListingStatus.APPROVED
        )
        if organization_status == ListingStatus.APPROVED:
            _, org = get(someone, f"/organizations/{hidden.organization_id}")
            assert org["services"] == []
        else:
            assert get(someone, f"/organizations/{hidden.organization_id}")[0] == 404


def test_paging(client: Client, oruk: dict[str, Draft202012Validator]) -> None:
    services = [ServiceFactory() for _ in range(5)]
    names = sorted(s.name for s in services)
    status, first = get(client, "/services", per_page=2)
    assert status == 200
    assert errors(oruk["service_list"], first) == []
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    _, last = get(client, "/services", per_page=2, page=3)
    assert [s["name"] for s in first["contents"] + last["contents"]] == names[:2] + names[4:]
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    _, beyond = get(client, "/services", per_page=2, page=4)
    assert errors(oruk["service_list"], beyond) == []
    assert (beyond["empty"], beyond["size"], beyond["contents"]) == (True, 0, [])


def test_an_empty_directory(client: Client, oruk: dict[str, Draft202012Validator]) -> None:
    _, body = get(client, "/services")
    assert errors(oruk["service_list"], body) == []
    assert (body["total_items"], body["total_pages"], body["empty"]) == (0, 1, True)


def test_modified_after(client: Client) -> None:
    old = ServiceFactory()
    new = ServiceFactory()
    then = timezone.now() - datetime.timedelta(days=3)
    Service.objects.filter(pk=old.pk).update(modified=then)
    cut = (then + datetime.timedelta(days=1)).astimezone(datetime.UTC)
    for value in (cut.isoformat(), cut.strftime("%Y-%m-%dT%H:%M:%S")):
        _, body = get(client, "/services", modified_after=value)
        assert [s["id"] for s in body["contents"]] == [str(new.pk)]
    _, body = get(client, "/services", modified_after=then.isoformat())
    assert body["total_items"] == 2  # "on or after"
    # Saving bumps `modified`.
    old.name = "Renamed"
    old.save()
    _, body = get(client, "/services", modified_after=cut.isoformat())
    assert body["total_items"] == 2


def test_search_and_organization_filter(client: Client) -> None:
    org = OrganizationFactory()
    pantry = ServiceFactory(organization=org, name="Community pantry")
    ServiceFactory(name="Debt advice", description="Help with money worries")
    _, body = get(client, "/services", search="PANTRY")
    assert [s["id"] for s in body["contents"]] == [str(pantry.pk)]
    _, body = get(client, "/services", search="money worries")
    assert [s["name"] for s in body["contents"]] == ["Debt advice"]
    _, body = get(client, "/services", organization_id=str(org.pk))
    assert [s["id"] for s in body["contents"]] == [str(pantry.pk)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"modified_after": "last tuesday"}, "modified_after"),
        ({"organization_id": "not-a-uuid"}, "organization_id"),
        ({"search": "x" * 201}, "search"),
    ],
)
def test_bad_parameters_are_a_clear_422(client: Client, params: dict[str, str], field: str) -> None:
    ServiceFactory()
    status, body = get(client, "/services", **params)
    assert status == 422
    assert [e["loc"][-1] for e in body["detail"]] == [field]
    assert all(e["msg"] for e in body["detail"])


@pytest.mark.parametrize("bad", ["not-a-uuid", "6f1c2a57-0d7e-4b8e-9a43-2f5d0c9e1b77", "%00"])
def test_unknown_ids_are_404(client: Client, bad: str) -> None:
    assert get(client, f"/services/{bad}")[0] == 404
    assert get(client, f"/organizations/{bad}")[0] == 404


def test_organizations(client: Client, oruk: dict[str, Draft202012Validator]) -> None:
    service = full_service()
    status, listed = get(client, "/organizations")
    assert status == 200
    assert errors(oruk["organization_list"], listed) == []
    status, body = get(client, f"/organizations/{service.organization_id}")
    assert status == 200
    assert errors(oruk["organization"], body) == []
    assert [s["id"] for s in body["services"]] == [str(service.pk)]
    for item in body["services"]:
        assert errors(oruk["service"], item) == []


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API + path).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_services(client: Client) -> None:
    org = OrganizationFactory()
    first = full_service(organization=org)
    paths = ["/services", f"/services/{first.pk}", "/organizations", f"/organizations/{org.pk}"]
    before = [_queries(client, p) for p in paths]
    for _ in range(4):
        full_service(organization=org)
    after = [_queries(client, p) for p in paths]
    assert after == before
    assert max(after) <= 8


def test_services_at_locations_validate_and_nest_the_service(
    client: Client, oruk: dict[str, Draft202012Validator]
) -> None:
    service = full_service(name="Marsh food bank")
    status, listed = get(client, "/service_at_locations")
    assert status == 200
    assert errors(oruk["service_at_location_list"], listed) == []
    (item,) = listed["contents"]
    assert item["service"]["name"] == "Marsh food bank"
    assert item["location"]["addresses"][0]["postal_code"] == "GR3 1BN"
    status, one = get(client, f"/service_at_locations/{item['id']}")
    assert status == 200
    assert errors(oruk["service_at_location"], one) == []
    assert one == item
    ServiceFactory(listing_status=ListingStatus.DRAFT)
    Service.objects.filter(pk=service.pk).update(listing_status=ListingStatus.ARCHIVED)
    assert get(client, "/service_at_locations")[1]["contents"] == []
    assert get(client, f"/service_at_locations/{item['id']}")[0] == 404


def test_services_at_locations_within_metres_of_a_postcode(client: Client) -> None:
    centre_postcode()
    service_at("Inside", 1.9, 0)
    service_at("Close by", 0.3, 0.2)
    service_at("Outside", 2.1, 0)
    # 2 miles is 3,218.7 metres.
    status, body = get(client, "/service_at_locations", postcode="gr31bn", proximity=3219)
    assert status == 200
    assert [i["service"]["name"] for i in body["contents"]] == ["Close by", "Inside"]
    status, body = get(client, "/service_at_locations", postcode=POSTCODE)
    assert [i["service"]["name"] for i in body["contents"]] == ["Close by", "Inside", "Outside"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"postcode": "not one"}, "postcode"),
        ({"postcode": "GR9 9ZZ", "proximity": 100}, "postcode"),
        ({"proximity": 100}, "proximity"),
        ({"postcode": POSTCODE, "proximity": 0}, "proximity"),
        ({"postcode": POSTCODE, "proximity": "far"}, "proximity"),
        ({"postcode": POSTCODE, "proximity": 1_000_000}, "proximity"),
    ],
)
def test_bad_places_are_a_422_naming_the_parameter(
    client: Client, params: dict[str, Any], field: str
) -> None:
    centre_postcode()
    status, body = get(client, "/service_at_locations", **params)
    assert status == 422
    assert field in json.dumps(body["detail"])


def test_services_at_locations_queries_do_not_grow(client: Client) -> None:
    centre_postcode()
    service_at("First", 0.1, 0)
    path = f"/service_at_locations?postcode={POSTCODE}&proximity=5000"
    before = _queries(client, path)
    for n in range(4):
        service_at(f"More {n}", 0.2, 0.1 * n)
    assert _queries(client, path) == before
    assert before <= 10
