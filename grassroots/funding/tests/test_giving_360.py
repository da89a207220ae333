"""The 360Giving export: the JSON package validates against the standard's own schema (read in
place from ../shared/data, references resolved locally), safeguarded recipients are
anonymised, the CSV is safe to open in a spreadsheet, and the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from grassroots.conftest import require
from grassroots.demo.tests.crawl import html_checker_missing, validate_html
from grassroots.funding import giving360
from grassroots.funding.tests.factories import make_area, make_grant
from grassroots.funding.tests.giving_world import (
    SECRET_SLUG,
    SECRET_TITLE,
    GivingWorld,
    build_world,
    park_group,
    pb_grant,
)
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

world_snapshot, world = shared_world(build_world, name="world")


# The schema's dates are `oneOf` a date pattern and `format: date-time`, so "date-time" must
# really be checked (jsonschema leaves it unchecked without an optional package), as the
# standard's own validator does. RFC 3339, as JSON Schema means it.
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@pytest.fixture
def validator(shared_data: Path) -> Draft202012Validator:
    """The package schema, whose grants refer to the grant schema by its published address:
    that address (and the grant schema's own $id) resolve to the local copy, nothing else
    resolves, so nothing is fetched from the network."""
    folder = shared_data / "standards" / "360giving"
    package_schema = json.loads((folder / "360-giving-package-schema.json").read_text())
    grant_schema = json.loads((folder / "360-giving-schema.json").read_text())
    grant = DRAFT202012.create_resource(grant_schema)
    registry: Registry[Any] = Registry().with_resources(
        [
            (package_schema["properties"]["grants"]["items"]["$ref"], grant),
            (grant_schema["$id"], grant),
        ]
    )
    return Draft202012Validator(package_schema, registry=registry, format_checker=FORMATS)


def _errors(validator: Draft202012Validator, data: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(data)
    ]


def test_a_fund_export_is_a_valid_360giving_package(
    world: GivingWorld, validator: Draft202012Validator
) -> None:
    data = giving360.package(world.area.fund)
    assert _errors(validator, data) == []
    assert len(data["grants"]) == 5
    by_id = {grant["id"]: grant for grant in data["grants"]}
    park = by_id[f"360G-grassroots-{world.park.pk}"]
    assert park["currency"] == "GBP"
    assert park["amountAwarded"] == 4000
    assert park["amountDisbursed"] == 1500
    assert park["awardDate"] == "2024-06-01"
    assert park["fundingOrganization"] == [{"id": "GB-CHC-1147511", "name": "Local Trust"}]
    recipient = park["recipientOrganization"][0]
    assert recipient["id"] == f"360G-grassroots-group-{park_group(world).slug}"
    assert recipient["name"] == park_group(world).name
    ward, council = world.area.wards[0], world.area.council
    assert park["beneficiaryLocation"] == [
        {"name": ward.name, "countryCode": "GB", "geoCode": ward.gss_code, "geoCodeType": "WD"},
        {
            "name": council.name,
            "countryCode": "GB",
            "geoCode": council.gss_code,
            "geoCodeType": "UA",
        },
    ]
    assert park["grantProgramme"][0]["title"] == world.area.fund.name
    assert park["grantProgramme"][0]["url"].endswith(world.area.fund.get_absolute_url())
    youth = by_id[world.youth.identifier]["recipientOrganization"][0]
    assert youth["id"] == "360G-grassroots-initiative-youth-club-nights"
    # A closed grant with money returned: worth what was paid less what came back.
    closed = by_id[world.closed.identifier]
    assert (closed["amountAwarded"], closed["amountDisbursed"]) == (1500, 1500)
    assert "classifications" not in by_id[world.unlinked.identifier]


def test_a_safeguarded_recipient_is_anonymised(
    world: GivingWorld, validator: Draft202012Validator
) -> None:
    data = giving360.package(world.area.fund)
    assert _errors(validator, data) == []
    refuge = next(g for g in data["grants"] if g["id"] == world.refuge.identifier)
    assert refuge["recipientOrganization"] == [
        {
            "id": f"360G-grassroots-withheld-{world.refuge.pk}",
            "name": "A community project (details withheld to keep people safe)",
        }
    ]
    assert refuge["title"] == "A grant to a community project"
    # No place finer than the council.
    assert [place["geoCodeType"] for place in refuge["beneficiaryLocation"]] == ["UA"]
    text = json.dumps(data)
    for secret in (SECRET_TITLE, SECRET_SLUG, "Refuge support sessions", "What =Refuge"):
        assert secret not in text
    assert refuge["amountAwarded"] == 1000  # the money is still accounted for


def test_every_fund_together_and_amounts_in_pence_are_exact(
    world: GivingWorld, validator: Draft202012Validator
) -> None:
    other = make_area()
    make_grant(other, 1_234_57, title="Bench")
    data = giving360.package()
    assert _errors(validator, data) == []
    assert len(data["grants"]) == 6
    bench = next(g for g in data["grants"] if g["title"] == "Bench")
    assert bench["amountAwarded"] == 1234.57


def test_a_grant_from_a_pb_round_validates(
    world: GivingWorld, validator: Draft202012Validator
) -> None:
    grant = pb_grant(world.area)
    data = giving360.package(world.area.fund)
    assert _errors(validator, data) == []
    found = next(g for g in data["grants"] if g["id"] == grant.identifier)
    assert found["description"] == "Three benches along the towpath."
    assert "amountAppliedFor" not in found
    assert found["recipientOrganization"][0]["id"] == f"360G-grassroots-grant-{grant.pk}"


def test_the_validator_really_checks(world: GivingWorld, validator: Draft202012Validator) -> None:
    data = giving360.package(world.area.fund)
    del data["grants"][0]["fundingOrganization"]
    data["grants"][1]["currency"] = "pounds"
    assert len(_errors(validator, data)) == 2


def test_the_package_is_built_in_a_fixed_number_of_queries(
    world: GivingWorld, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10) as small:
        giving360.package(world.area.fund)
    for n in range(10):
        make_grant(world.area, 10_00, title=f"Extra {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        giving360.package(world.area.fund)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_a_row_per_grant_with_360giving_columns(world: GivingWorld) -> None:
    rows = _csv_rows(giving360.csv_text(world.area.fund))
    assert len(rows) == 5
    park = next(r for r in rows if r["Identifier"] == world.park.identifier)
    assert park["Title"] == "Pocket park"
    assert park["Amount Awarded"] == "4000"
    assert park["Award Date"] == "2024-06-01"
    assert park["Recipient Org:Identifier"] == f"360G-grassroots-group-{park_group(world).slug}"
    assert park["Funding Org:Identifier"] == "GB-CHC-1147511"
    assert park["Funding Org:Name"] == "Local Trust"
    codes = f"{world.area.wards[0].gss_code}; {world.area.council.gss_code}"
    assert park["Beneficiary Location:Geographic Code"] == codes
    assert park["Beneficiary Location:Geographic Code Type"] == "WD; UA"


def test_csv_cells_never_run_as_formulas_and_hide_safeguarded_recipients(
    world: GivingWorld,
) -> None:
    world.park.title = '=HYPERLINK("http://evil")'
    world.park.save()
    text = giving360.csv_text(world.area.fund)
    rows = _csv_rows(text)
    park = next(r for r in rows if r["Identifier"] == world.park.identifier)
    assert park["Title"] == '\'=HYPERLINK("http://evil")'
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@")
    for secret in (SECRET_TITLE, SECRET_SLUG, "Refuge support sessions"):
        assert secret not in text
    refuge = next(r for r in rows if r["Identifier"] == world.refuge.identifier)
    assert (
        refuge["Recipient Org:Name"] == "A community project (details withheld to keep people safe)"
    )
    assert refuge["Beneficiary Location:Geographic Code"] == world.area.council.gss_code
    assert giving360.csv_safe(-5) == -5
    assert giving360.csv_safe("+44 1234") == "'+44 1234"
    assert giving360.csv_safe("@cmd") == "'@cmd"


def test_downloads_have_their_types_and_file_names(
    world: GivingWorld, client: Client, validator: Draft202012Validator
) -> None:
    slug = world.area.fund.slug
    response = client.get(f"/funds/{slug}/grants.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-grants-360giving.json"'
    data = json.loads(response.content)
    assert _errors(validator, data) == []
    assert SECRET_TITLE not in response.content.decode()
    response = client.get(f"/funds/{slug}/grants.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-grants-360giving.csv"'
    assert len(_csv_rows(response.content.decode())) == 5
    assert SECRET_TITLE not in response.content.decode()
    assert client.get("/funds/no-such-fund/grants.json").status_code == 404
    assert client.get("/funds/no-such-fund/grants.csv").status_code == 404


def test_the_command_exports_one_fund_or_every_fund(
    world: GivingWorld, tmp_path: Path, validator: Draft202012Validator
) -> None:
    other = make_area()
    make_grant(other, 100_00, title="Bench")
    out = io.StringIO()
    call_command(
        "export_360giving", str(world.area.fund.pk), str(tmp_path / "one.json"), stdout=out
    )
    assert "Wrote 5 grants" in out.getvalue()
    one = json.loads((tmp_path / "one.json").read_text())
    assert _errors(validator, one) == []
    assert len(one["grants"]) == 5
    out = io.StringIO()
    call_command("export_360giving", str(tmp_path / "all.json"), stdout=out)
    assert "Wrote 6 grants from every fund" in out.getvalue()
    every = json.loads((tmp_path / "all.json").read_text())
    assert _errors(validator, every) == []
    assert len(every["grants"]) == 6


@pytest.mark.parametrize("bad", ["999999", "abc", "-1"])
def test_the_command_refuses_a_bad_fund_id(world: GivingWorld, tmp_path: Path, bad: str) -> None:
    with pytest.raises(CommandError, match="no fund with id"):
        call_command("export_360giving", bad, str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()


def test_the_command_refuses_when_there_is_nothing_to_export(tmp_path: Path) -> None:
    area = make_area()
    with pytest.raises(CommandError, match="no grants"):
        call_command("export_360giving", str(area.fund.pk), str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()


# --- A fund with no grants: there is no valid 360Giving file of it -----------------------------


def test_the_standard_has_no_package_of_no_grants(
    world: GivingWorld, validator: Draft202012Validator
) -> None:
    data = giving360.package(world.area.fund)
    data["grants"] = []
    assert any("should be non-empty" in e for e in _errors(validator, data))


def test_no_package_nor_csv_is_made_of_a_fund_with_no_grants() -> None:
    area = make_area()
    with pytest.raises(giving360.NoGrants):
        giving360.package(area.fund)
    with pytest.raises(giving360.NoGrants):
        giving360.csv_text(area.fund)
    assert not giving360.has_grants(area.fund)


@pytest.mark.parametrize("download", ["grants.json", "grants.csv"])
def test_the_downloads_of_a_fund_with_no_grants_say_there_is_nothing_yet(
    client: Client, download: str
) -> None:
    area = make_area()
    response = client.get(f"/funds/{area.fund.slug}/{download}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "There are no grants to publish yet" in page
    assert "until the fund makes its first grant" in page
    assert area.fund.get_absolute_url() in page
    # Once the fund makes a grant, the same address is the download.
    make_grant(area, 100_00, title="Bench")
    response = client.get(f"/funds/{area.fund.slug}/{download}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_the_pages_of_a_fund_with_no_grants_are_valid_html(client: Client) -> None:
    area = make_area()
    slug = area.fund.slug
    pages = {
        path: client.get(path).content.decode()
        for path in (
            f"/funds/{slug}/grants.json",
            f"/funds/{slug}/grants/",
            f"/funds/{slug}/report/",
        )
    }
    missing = html_checker_missing()
    require(missing is None, missing or "")
    assert validate_html(pages) == []


def test_the_download_links_are_offered_only_once_there_are_grants(client: Client) -> None:
    area = make_area()
    slug = area.fund.slug
    links = (f"/funds/{slug}/grants.json", f"/funds/{slug}/grants.csv")
    grants_page = client.get(f"/funds/{slug}/grants/").content.decode()
    report_page = client.get(f"/funds/{slug}/report/").content.decode()
    for page in (grants_page, report_page):
        assert not any(link in page for link in links)
    assert "There is nothing to download until then" in grants_page
    make_grant(area, 100_00, title="Bench")
    grants_page = client.get(f"/funds/{slug}/grants/").content.decode()
    report_page = client.get(f"/funds/{slug}/report/").content.decode()
    for page in (grants_page, report_page):
        assert all(link in page for link in links)
    assert "There is nothing to download until then" not in grants_page


def test_the_command_writes_nothing_for_a_fund_with_no_grants(tmp_path: Path) -> None:
    area = make_area()
    out = tmp_path / "out.json"
    out.write_text("the last good export\n")
    with pytest.raises(CommandError) as refused:
        call_command("export_360giving", str(area.fund.pk), str(out))
    message = str(refused.value)
    assert f"{area.fund.name} (fund {area.fund.pk}) has no grants yet" in message
    assert "needs at least one grant" in message
    assert "Nothing was written" in message
    assert out.read_text() == "the last good export\n"


def test_the_command_leaves_out_funds_with_no_grants(
    tmp_path: Path, validator: Draft202012Validator
) -> None:
    empty, full = make_area(), make_area()
    make_grant(full, 100_00, title="Bench")
    out = io.StringIO()
    call_command("export_360giving", str(tmp_path / "all.json"), stdout=out)
    said = out.getvalue()
    assert "Wrote 1 grant from every fund" in said
    assert f"Left out {empty.fund.name} (fund {empty.fund.pk}): it has no grants yet" in said
    assert full.fund.name not in said
    data = json.loads((tmp_path / "all.json").read_text())
    assert _errors(validator, data) == []


def test_the_command_writes_nothing_when_no_fund_has_grants(tmp_path: Path) -> None:
    make_area()
    with pytest.raises(CommandError, match="No fund has grants yet"):
        call_command("export_360giving", str(tmp_path / "all.json"))
    assert not (tmp_path / "all.json").exists()
