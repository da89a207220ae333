"""`manage.py import_oruk`: a feed from another Open Referral UK publisher is loaded by id, twice
changes nothing, a change updates in place, and a bad record is rejected whole and named."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.directory.importer import _with_page, import_feed
from grassroots.directory.models import (
    Contact,
    Language,
    ListingStatus,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from grassroots.directory.tests.oruk_schemas import errors, folder, validators

pytestmark = pytest.mark.django_db

FEED = Path(__file__).with_name("oruk_feed.json")
LARDER = "0b7d4f1e-5a2c-4c3e-9d61-2f8a7b1c0e11"
WARM = "1c8e5a2f-6b3d-4d4f-8e72-3a9b8c2d1f22"
ADVICE = "4f1b8d5c-9e6a-4a7c-9b05-6d2e1f5a4c55"
MODELS = (
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Contact,
    Phone,
    Schedule,
    Language,
)


def feed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FEED.read_text())
    return data


def write(tmp_path: Path, document: Any, name: str = "feed.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def run(source: str, *extra: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_oruk", source, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict[str, list[dict[str, Any]]]:
    models: tuple[type[Model], ...] = MODELS
    return {
        m.__name__: [dict(r) for r in m._default_manager.order_by("pk").values()] for m in models
    }


def test_a_feed_is_imported_as_suggestions() -> None:
    out, err = run(str(FEED))
    assert out.strip() == "Created 3, updated 0, unchanged 0, rejected 0."
    assert err == ""
    larder = Service.objects.get(pk=LARDER)
    assert larder.listing_status == ListingStatus.SUGGESTED
    assert larder.organization.listing_status == ListingStatus.SUGGESTED
    assert larder.organization.name == "Riverside Churches Together"
    assert (larder.cost, larder.is_free, larder.minimum_age) == ("£4 a visit", False, 18)
    assert larder.eligibility == "Residents of Riverside and Marsh wards."
    assert larder.how_to_access == "Just turn up; bring a bag."
    assert str(larder.last_checked) == "2026-01-20"
    hall = Location.objects.get()  # shared by two services
    assert (hall.postcode, hall.address_1, hall.county) == (
        "GR3 2AB",
        "3 Mill Street",
        "West Midlands",
    )
    assert hall.accessibility == "Level access from the car park."
    assert [p.number for p in Phone.objects.all()] == ["01632 960555"]
    assert list(larder.languages.values_list("name", flat=True)) == ["English"]
    warm = Service.objects.get(pk=WARM)
    assert warm.is_free
    assert sorted(s.weekday or 0 for s in warm.schedules.all()) == [0, 3]
    advice = Service.objects.get(pk=ADVICE)
    assert (advice.is_free, advice.status) == (True, "temporarily closed")
    assert Organization.objects.count() == 2
    assert AuditEntry.objects.filter(action="directory.service_imported").count() == 3


def test_approve_lists_new_records_at_once(client: Client) -> None:
    run(str(FEED), "--approve")
    body = client.get("/api/directory/services").json()
    assert [s["id"] for s in body["contents"]] == [ADVICE, LARDER, WARM]


def test_importing_twice_changes_nothing() -> None:
    run(str(FEED))
    before = snapshot()
    out, _ = run(str(FEED))
    assert out.strip() == "Created 0, updated 0, unchanged 3, rejected 0."
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="directory.service_imported").count() == 3


def test_a_changed_record_is_updated_in_place(tmp_path: Path) -> None:
    run(str(FEED), "--approve")
    Service.objects.filter(pk=WARM).update(listing_status=ListingStatus.ARCHIVED)
    before = Service.objects.get(pk=LARDER).modified
    changed = feed()
    larder = changed["contents"][0]
    larder["contacts"][0]["phones"][0]["number"] = "01632 960777"
    larder["languages"].append({"id": "11111111-2222-4333-8444-555555555555", "name": "Urdu"})
    larder["schedules"] = larder["schedules"][:1]
    changed["contents"][1]["name"] = "Warm Space"
    out, _ = run(write(tmp_path, changed))
    assert out.strip() == "Created 0, updated 2, unchanged 1, rejected 0."
    service = Service.objects.get(pk=LARDER)
    assert service.modified > before
    assert [p.number for p in Phone.objects.all()] == ["01632 960777"]
    assert sorted(service.languages.values_list("name", flat=True)) == ["English", "Urdu"]
    assert service.schedules.count() == 1
    warm = Service.objects.get(pk=WARM)
    assert warm.name == "Warm Space"
    # An editor's decision stands: an import never changes a listing's status.
    assert warm.listing_status == ListingStatus.ARCHIVED
    assert Organization.objects.count() == 2


def _bad(record: dict[str, Any], change: str) -> dict[str, Any]:
    bad = copy.deepcopy(record)
    if change == "no name":
        del bad["name"]
    elif change == "bad status":
        bad["status"] = "open"
    elif change == "bad id":
        bad["id"] = "larder-1"
    elif change == "bad email":
        bad["email"] = "not an email"
    elif change == "bad latitude":
        bad["service_at_locations"][0]["location"]["latitude"] = 100
    elif change == "no organization":
        del bad["organization"]
    elif change == "bad phone":
        bad["contacts"][0]["phones"][0]["number"] = ""
    elif change == "bad day":
        bad["schedules"][0]["byday"] = "XX"
    elif change == "id twice":
        bad["contacts"][0]["id"] = bad["schedules"][0]["id"]
    elif change == "bad url":
        bad["organization"]["website"] = "javascript:alert(1)"
    elif change == "ages":
        bad["maximum_age"] = 10
    return bad


CHANGES = [
    ("no name", "name: Field required"),
    ("bad status", "status: Input should be"),
    ("bad id", "id: Input should be a valid UUID"),
    ("bad email", "email: Enter a valid email address."),
    ("bad latitude", "service_at_locations.0.location.latitude: Input should be less than"),
    ("no organization", "organization: Field required"),
    ("bad phone", "contacts.0.phones.0.number: String should have at least 1 character"),
    ("bad day", "byday 'XX' is not a list of MO..SU"),
    ("id twice", "is used twice"),
    ("bad url", "url: Enter a valid URL."),
    ("ages", "minimum_age is above maximum_age"),
]


@pytest.mark.parametrize(("change", "reason"), CHANGES)
def test_a_bad_record_is_rejected_whole(tmp_path: Path, change: str, reason: str) -> None:
    document = feed()
    document["contents"][0] = _bad(document["contents"][0], change)
    out, err = run(write(tmp_path, document))
    assert out.strip() == "Created 2, updated 0, unchanged 0, rejected 1."
    label = "larder-1" if change == "bad id" else LARDER
    assert err.startswith(f"Rejected {label}: ")
    assert reason in err
    assert not Service.objects.filter(name="Riverside Community Larder").exists()
    # Nothing of it was written: no contact, phone, language or schedule of its own.
    assert not Contact.objects.exists()
    assert not Phone.objects.exists()
    assert not Language.objects.exists()
    assert Schedule.objects.filter(service_id=LARDER).count() == 0


def test_a_bad_update_leaves_the_record_as_it_was(tmp_path: Path) -> None:
    run(str(FEED))
    before = snapshot()
    document = feed()
    larder = document["contents"][0]
    larder["name"] = "Renamed larder"
    larder["contacts"][0]["phones"][0]["number"] = "x" * 41
    out, err = run(write(tmp_path, document))
    assert out.strip() == "Created 0, updated 0, unchanged 2, rejected 1."
    assert "contacts.0.phones.0.number" in err
    assert snapshot() == before


def test_a_rejection_late_in_the_write_rolls_back(tmp_path: Path) -> None:
    """A row that fails Django's own validation after others were written (a schedule's bad
    day comes after the organisation, service, location and contact): all undone."""
    document = {"contents": [_bad(feed()["contents"][0], "bad day")]}
    document["contents"][0]["organization"]["name"] = "A brand new organisation"
    _, err = run(write(tmp_path, document))
    assert "byday" in err
    assert snapshot() == {m.__name__: [] for m in MODELS}


@pytest.mark.parametrize(
    "record",
    [None, 3, "service", [], {"name": "no id"}],
    ids=["null", "number", "str", "list", "no-id"],
)
def test_records_that_are_not_services(tmp_path: Path, record: Any) -> None:
    out, err = run(write(tmp_path, {"contents": [record]}))
    assert out.strip() == "Created 0, updated 0, unchanged 0, rejected 1."
    assert err.startswith("Rejected (")


def test_a_list_or_a_single_service_is_a_feed_too(tmp_path: Path) -> None:
    records = feed()["contents"]
    assert run(write(tmp_path, records[:2], "list.json"))[0].startswith("Created 2,")
    assert run(write(tmp_path, records[2], "one.json"))[0].startswith("Created 1,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"hello": "world"}', "not an Open Referral UK feed"),
        ("42", "not an Open Referral UK feed"),
        (b"\xff\xfe\x00", "is not JSON"),
    ],
)
def test_bad_files(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "feed.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(str(path))
    assert not Service.objects.exists()


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no file at"):
        run(str(tmp_path / "nowhere.json"))
    with pytest.raises(CommandError, match="There is no file at"):
        run(str(tmp_path))


def test_our_own_feed_round_trips(client: Client, tmp_path: Path) -> None:
    """What the API publishes, imported again elsewhere, comes back the same."""
    run(str(FEED), "--approve")
    published = client.get("/api/directory/services").json()
    before = snapshot()
    for model in MODELS:
        model.objects.all().delete()
    report = import_feed(write(tmp_path, published), approve=True)
    assert (len(report.created), report.rejected) == (3, [])
    after = snapshot()
    for rows in (*before.values(), *after.values()):
        for row in rows:
            row.pop("modified")
    assert after == before
    again = client.get("/api/directory/services").json()
    for body in (published, again):
        for service in body["contents"]:
            service.pop("last_modified")
    assert again == published


def test_the_standards_example(shared_data: Path, tmp_path: Path) -> None:
    """The standard's own example service: the UK profile's validator takes it, ours rejects it
    for its latitude of 100 (there is no such place), and says so."""
    example = json.loads((folder(shared_data) / "examples" / "service_full.json").read_text())
    assert errors(validators(shared_data)["service"], example) == []
    report = import_feed(str(folder(shared_data) / "examples" / "service_full.json"))
    assert report.rejected == [
        (
            example["id"],
            "service_at_locations.0.location.latitude: Input should be less than or equal to 90",
        )
    ]
    fixed = copy.deepcopy(example)
    fixed["service_at_locations"][0]["location"].update(latitude=52.5, longitude=-1.9)
    report = import_feed(write(tmp_path, fixed))
    assert (report.created, report.rejected) == ([example["id"]], [])
    service = Service.objects.get(pk=example["id"])
    assert service.organization.name == "Example Organization Inc."
    assert service.languages.count() == 0  # the example's language is a bare id


def test_pages_of_an_address_are_asked_for_by_number() -> None:
    assert _with_page("https://a.example/services?per_page=50&page=1", 3) == (
        "https://a.example/services?per_page=50&page=3"
    )
    assert _with_page("https://a.example/services", 1) == "https://a.example/services?page=1"
