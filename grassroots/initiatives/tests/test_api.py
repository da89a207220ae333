"""The read-only JSON API. Every response is checked against the published OpenAPI schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives import browse
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    """The schema as published (JSON), which is what API users read."""
    document: dict[str, Any] = client.get("/api/openapi.json").json()
    return document


def call(client: Client, schema: dict[str, Any], path: str, template: str, **params: Any) -> Any:
    """GET the API and validate the answer against the schema for that path and status."""
    response = client.get(f"/api{path}", params)
    assert response["Content-Type"].startswith("application/json"), response.content
    operation = schema["paths"][f"/api{template}"]["get"]
    declared = operation["responses"]
    assert str(response.status_code) in declared, (response.status_code, response.content)
    body_schema = declared[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**body_schema, "components": schema["components"]})
    body = response.json()
    validator.validate(body)
    return response.status_code, body


def test_the_schema_is_published(client: Client, schema: dict[str, Any]) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    published = response.json()
    # The directory's Open Referral UK endpoints share the API (tested in the directory app).
    assert {p for p in published["paths"] if not p.startswith("/api/directory/")} == {
        "/api/initiatives",
        "/api/initiatives/{slug}",
    }
    jsonschema.Draft202012Validator.check_schema({"$defs": published["components"]["schemas"]})


def test_it_lists_initiatives_with_counts(client: Client, schema: dict[str, Any]) -> None:
    ward = WardFactory(name="Marsh")
    initiative = InitiativeFactory(title="Flood wardens", wards=[ward])
    BackingFactory.create_batch(2, initiative=initiative)
    NeedFactory(initiative=initiative, kind="volunteers", volunteers_wanted=4)
    status, body = call(client, schema, "/initiatives", "/initiatives")
    assert status == 200
    assert (body["count"], body["page"], body["pages"], body["has_next"]) == (1, 1, 1, False)
    (item,) = body["results"]
    assert item["title"] == "Flood wardens"
    assert item["wards"][0]["name"] == "Marsh"
    assert (item["backers_count"], item["open_needs_count"]) == (2, 1)
    assert item["url"] == f"http://testserver{initiative.get_absolute_url()}"


def test_it_filters_like_the_list(client: Client, schema: dict[str, Any]) -> None:
    ward = WardFactory()
    InitiativeFactory(title="Bus shelter", theme="transport", wards=[ward])
    InitiativeFactory(title="Mural", theme="arts", wards=[ward])
    InitiativeFactory(title="Choir", theme="arts")
    _, body = call(client, schema, "/initiatives", "/initiatives", theme="arts", ward=ward.pk)
    assert [i["title"] for i in body["results"]] == ["Mural"]
    _, body = call(client, schema, "/initiatives", "/initiatives", q="shelter")
    assert [i["title"] for i in body["results"]] == ["Bus shelter"]


def test_it_pages(client: Client, schema: dict[str, Any]) -> None:
    InitiativeFactory.create_batch(55)
    _, first = call(client, schema, "/initiatives", "/initiatives")
    assert (first["count"], first["pages"], len(first["results"])) == (55, 2, 50)
    assert first["has_next"]
    _, second = call(client, schema, "/initiatives", "/initiatives", page=2)
    assert (len(second["results"]), second["has_next"]) == (5, False)
    assert not {i["slug"] for i in first["results"]} & {i["slug"] for i in second["results"]}
    for beyond in (3, 10**25):
        status, body = call(client, schema, "/initiatives", "/initiatives", page=beyond)
        assert status == 404
        assert body == {"detail": "There is no page with that number"}


def test_past_the_count_limit_it_pages_without_a_total(
    client: Client,
    schema: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    """As on the list page, matches are counted only up to a limit (1,000 in production)."""
    monkeypatch.setattr(browse, "COUNT_LIMIT", 60)
    InitiativeFactory.create_batch(61, wards=[WardFactory()])
    with django_assert_max_num_queries(8):
        _, first = call(client, schema, "/initiatives", "/initiatives")
    assert (first["count"], first["count_limit"], first["pages"]) == (None, 60, None)
    assert first["has_next"]
    _, second = call(client, schema, "/initiatives", "/initiatives", page=2)
    assert (len(second["results"]), second["has_next"]) == (11, False)
    seen = {i["slug"] for i in first["results"]} | {i["slug"] for i in second["results"]}
    assert len(seen) == 61
    status, _ = call(client, schema, "/initiatives", "/initiatives", page=3)
    assert status == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"theme": "wizardry"}, "theme"),
        ({"stage": "done"}, "stage"),
        ({"need": "x"}, "need"),
        ({"ward": "abc"}, "ward"),
        ({"ward": "99999"}, "ward"),
        ({"q": "x" * 201}, "q"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"q": "garden\x00"}, "q"),
    ],
)
def test_bad_filters_get_a_json_error_not_a_500(
    client: Client, schema: dict[str, Any], params: dict[str, str], field: str
) -> None:
    status, body = call(client, schema, "/initiatives", "/initiatives", **params)
    assert status == 422
    assert any(field in [str(part) for part in error["loc"]] for error in body["detail"])


def test_one_initiative(client: Client, schema: dict[str, Any]) -> None:
    initiative = InitiativeFactory(title="Tool library", problem="Tools sit unused in sheds.")
    NeedFactory(initiative=initiative, kind="venue", description="A dry room")
    NeedFactory(initiative=initiative, kind="skills", status="met")
    status, body = call(client, schema, f"/initiatives/{initiative.slug}", "/initiatives/{slug}")
    assert status == 200
    assert body["problem"] == "Tools sit unused in sheds."
    assert [n["kind"] for n in body["open_needs"]] == ["venue"]


def test_a_safeguarded_initiative_is_a_404_like_a_missing_one(
    client: Client, schema: dict[str, Any]
) -> None:
    hidden = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    missing = call(client, schema, "/initiatives/no-such-thing", "/initiatives/{slug}")
    client.force_login(UserFactory())
    outsider = call(client, schema, f"/initiatives/{hidden.slug}", "/initiatives/{slug}")
    assert outsider == missing == (404, {"detail": "Not found"})
    _, listed = call(client, schema, "/initiatives", "/initiatives")
    assert listed["count"] == 0
    client.force_login(MembershipFactory(initiative=hidden).user)
    status, _ = call(client, schema, f"/initiatives/{hidden.slug}", "/initiatives/{slug}")
    assert status == 200


def test_it_cannot_be_written_to(client: Client) -> None:
    InitiativeFactory(slug="garden")
    assert client.post("/api/initiatives").status_code == 405
    assert client.delete("/api/initiatives/garden").status_code == 405


def test_the_list_runs_a_bounded_number_of_queries(
    client: Client, schema: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    wards = WardFactory.create_batch(3)
    for n in range(60):
        initiative = InitiativeFactory(wards=wards[: 1 + n % 3])
        BackingFactory(initiative=initiative)
    with django_assert_max_num_queries(4):
        _, body = call(client, schema, "/initiatives", "/initiatives")
    assert len(body["results"]) == 50
