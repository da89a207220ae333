"""`manage.py import_wards`: real ONS boundary files, and a newer vintage replacing an old one."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from grassroots.places import selectors
from grassroots.places.models import Council, CouncillorTerm, Ward
from grassroots.places.tests.factories import CouncillorTermFactory

pytestmark = pytest.mark.django_db

MEDWAY, KIRKLEES, CARDIFF = "E06000035", "E08000034", "W06000015"


def run(*args: Any) -> str:
    out = StringIO()
    call_command("import_wards", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def real_file(shared_data: Path, council: str) -> Path:
    return shared_data / "wards" / f"{council}.json"


def features(path: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(path.read_text())
    return list(data["features"])


def inside(feature: dict[str, Any]) -> tuple[float, float]:
    point = shape(feature["geometry"]).representative_point()
    return point.x, point.y


def as_vintage(feature: dict[str, Any], yy: str, **changes: Any) -> dict[str, Any]:
    """A WD13 feature with its properties renamed to the WD`yy` vintage."""
    old = feature["properties"]
    properties = {
        f"WD{yy}CD": old["WD13CD"],
        f"WD{yy}NM": old["WD13NM"],
        f"WD{yy}NMW": old["WD13NMW"],
    }
    properties.update({f"WD{yy}{key}": value for key, value in changes.items()})
    return {"type": "Feature", "properties": properties, "geometry": feature["geometry"]}


def write_collection(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": items}))
    return path


def medway_2023(shared_data: Path, tmp_path: Path) -> Path:
    """Medway redrawn: River and Rochester West merge into a new ward, Chatham Central renamed."""
    old = {f["properties"]["WD13NM"]: f for f in features(real_file(shared_data, MEDWAY))}
    merged = unary_union(
        [shape(old["River"]["geometry"]), shape(old["Rochester West"]["geometry"])]
    )
    kept = [
        as_vintage(f, "23", NM="Chatham Central and Brompton")
        if name == "Chatham Central"
        else as_vintage(f, "23")
        for name, f in old.items()
        if name not in {"River", "Rochester West"}
    ]
    new_ward = {
        "type": "Feature",
        "properties": {"WD23CD": "E05099999", "WD23NM": "Rochester West and Borstal"},
        "geometry": mapping(merged),
    }
    return write_collection(tmp_path / f"{MEDWAY}.json", [*kept, new_ward])


@pytest.mark.parametrize(
    ("council", "name", "wards", "kind"),
    [
        (MEDWAY, "Medway", 22, "E06"),
        (KIRKLEES, "Kirklees", 23, "E08"),
        (CARDIFF, "Cardiff", 29, "W06"),
    ],
)
def test_it_imports_every_ward_of_a_real_council(
    shared_data: Path, council: str, name: str, wards: int, kind: str
) -> None:
    output = run(real_file(shared_data, council), "--council-name", name)

    imported = Council.objects.get(gss_code=council)
    assert (imported.name, imported.kind) == (name, kind)
    assert imported.wards.current().count() == wards
    assert set(imported.wards.values_list("vintage", flat=True)) == {"WD13"}
    assert f"Imported {wards} WD13 wards for {name}" in output


def test_it_keeps_the_welsh_names_of_cardiff_wards(shared_data: Path) -> None:
    run(real_file(shared_data, CARDIFF), "--council-name", "Cardiff")

    canton = Ward.objects.get(name="Canton")
    assert canton.name_cy == "Treganna"
    assert Ward.objects.get(name="Heath").name_cy == "Y Mynydd Bychan"
    assert Ward.objects.exclude(name_cy="").count() == 29


def test_english_wards_have_no_welsh_name(shared_data: Path) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")

    assert set(Ward.objects.values_list("name_cy", flat=True)) == {""}


@pytest.mark.parametrize("council", [MEDWAY, KIRKLEES, CARDIFF])
def test_a_point_inside_a_real_ward_finds_that_ward(shared_data: Path, council: str) -> None:
    path = real_file(shared_data, council)
    run(path, "--council-name", "Somewhere")

    for feature in features(path):
        lon, lat = inside(feature)
        found = selectors.ward_for_point(lon=lon, lat=lat)
        assert found is not None
        assert found.gss_code == feature["properties"]["WD13CD"]


def test_it_stores_a_bounding_box_around_each_boundary(shared_data: Path) -> None:
    path = real_file(shared_data, CARDIFF)
    run(path, "--council-name", "Cardiff")

    for feature in features(path):
        ward = Ward.objects.get(gss_code=feature["properties"]["WD13CD"])
        assert (ward.min_lon, ward.min_lat, ward.max_lon, ward.max_lat) == pytest.approx(
            shape(feature["geometry"]).bounds
        )


def test_wards_get_readable_addresses_unique_within_their_council(shared_data: Path) -> None:
    run(real_file(shared_data, CARDIFF), "--council-name", "Cardiff")

    council = Council.objects.get(gss_code=CARDIFF)
    assert council.slug == "cardiff"
    assert Ward.objects.get(name="Creigiau/St. Fagans").slug == "creigiau-st-fagans"
    slugs = list(council.wards.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 29


def test_wards_with_the_same_name_get_distinct_addresses(tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 51], [0.1, 51], [0.1, 51.1], [0, 51]]]}
    items = [
        {"type": "Feature", "properties": {"WD23CD": code, "WD23NM": "Park"}, "geometry": square}
        for code in ("E05000001", "E05000002")
    ]
    run(write_collection(tmp_path / "E06000001.json", items), "--council-name", "Hartlepool")

    assert sorted(Ward.objects.values_list("slug", flat=True)) == ["park", "park-2"]


def test_it_retires_wards_missing_from_a_newer_vintage(shared_data: Path, tmp_path: Path) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")
    river = next(
        f for f in features(real_file(shared_data, MEDWAY)) if f["properties"]["WD13NM"] == "River"
    )

    output = run(medway_2023(shared_data, tmp_path))

    assert "1 new, 20 updated, 0 reinstated; 2 retired" in output
    council = Council.objects.get(gss_code=MEDWAY)
    assert council.name == "Medway"  # kept from the first import
    assert council.wards.current().count() == 21
    assert set(council.wards.current().values_list("vintage", flat=True)) == {"WD23"}
    retired = council.wards.filter(retired_at__isnull=False)
    assert sorted(retired.values_list("name", flat=True)) == ["River", "Rochester West"]
    # A point in the old River ward now belongs to the ward that replaced it.
    lon, lat = inside(river)
    found = selectors.ward_for_point(lon=lon, lat=lat)
    assert found is not None
    assert found.name == "Rochester West and Borstal"


def test_retiring_a_ward_ends_the_terms_of_its_councillors(
    shared_data: Path, tmp_path: Path
) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")
    river = Ward.objects.get(name="River")
    kept = Ward.objects.get(name="Strood South")
    sitting = CouncillorTermFactory(ward=river, starts_on=datetime.date(2023, 5, 8))
    former = CouncillorTermFactory(
        ward=river, starts_on=datetime.date(2015, 5, 8), ends_on=datetime.date(2019, 5, 5)
    )
    elsewhere = CouncillorTermFactory(ward=kept, starts_on=datetime.date(2023, 5, 8))

    output = run(medway_2023(shared_data, tmp_path))

    assert "Ended 1 councillor terms in the retired wards." in output
    sitting.refresh_from_db()
    former.refresh_from_db()
    elsewhere.refresh_from_db()
    assert sitting.ends_on == timezone.localdate() - datetime.timedelta(days=1)
    assert former.ends_on == datetime.date(2019, 5, 5)
    assert elsewhere.ends_on is None
    assert not CouncillorTerm.objects.current().filter(ward=river).exists()


def test_a_retired_ward_is_hidden_from_postcode_and_page_lookups(
    shared_data: Path, tmp_path: Path
) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")
    run(medway_2023(shared_data, tmp_path))

    river = Ward.objects.get(name="River")
    assert river.retired_at is not None
    assert selectors.ward_detail(council_slug="medway", slug=river.slug) is None
    assert river not in selectors.council_wards(river.council)


def test_it_renames_a_ward_that_keeps_its_code(shared_data: Path, tmp_path: Path) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")
    code = Ward.objects.get(name="Chatham Central").gss_code

    run(medway_2023(shared_data, tmp_path))

    ward = Ward.objects.get(gss_code=code)
    assert (ward.name, ward.slug, ward.vintage) == (
        "Chatham Central and Brompton",
        "chatham-central-and-brompton",
        "WD23",
    )
    assert ward.is_current


def test_a_ward_that_reappears_is_reinstated(shared_data: Path, tmp_path: Path) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")
    run(medway_2023(shared_data, tmp_path))
    everything_again = write_collection(
        tmp_path / "medway-2024.json",
        [as_vintage(f, "24") for f in features(real_file(shared_data, MEDWAY))],
    )

    output = run(everything_again, "--council-code", MEDWAY)

    assert "0 new, 20 updated, 2 reinstated; 1 retired" in output
    river = Ward.objects.get(name="River")
    assert river.is_current
    assert river.slug == "river"
    assert Ward.objects.current().filter(council__gss_code=MEDWAY).count() == 22


def test_it_reads_the_council_from_a_lad_property(tmp_path: Path, shared_data: Path) -> None:
    items = [
        {**f, "properties": {**f["properties"], "LAD13CD": KIRKLEES, "LAD13NM": "Kirklees"}}
        for f in features(real_file(shared_data, KIRKLEES))
    ]

    run(write_collection(tmp_path / "wards.json", items))

    assert Council.objects.get(gss_code=KIRKLEES).name == "Kirklees"


def test_a_new_council_needs_a_name(shared_data: Path) -> None:
    with pytest.raises(CommandError, match="--council-name"):
        run(real_file(shared_data, MEDWAY))

    assert not Council.objects.exists()


def test_it_needs_to_know_the_council(shared_data: Path, tmp_path: Path) -> None:
    copy = write_collection(tmp_path / "wards.json", features(real_file(shared_data, MEDWAY)))

    with pytest.raises(CommandError, match="--council-code"):
        run(copy, "--council-name", "Medway")

    assert not Ward.objects.exists()


def test_it_refuses_wards_that_belong_to_another_council(shared_data: Path) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")

    with pytest.raises(CommandError, match="belongs to Medway"):
        run(
            real_file(shared_data, MEDWAY), "--council-code", KIRKLEES, "--council-name", "Kirklees"
        )

    assert not Council.objects.filter(gss_code=KIRKLEES).exists()


def test_it_refuses_to_replace_newer_boundaries_with_older_ones(
    shared_data: Path, tmp_path: Path
) -> None:
    run(medway_2023(shared_data, tmp_path), "--council-name", "Medway")

    with pytest.raises(CommandError, match="already has WD23 boundaries"):
        run(real_file(shared_data, MEDWAY))
    assert Ward.objects.current().filter(vintage="WD23").count() == 21

    run(real_file(shared_data, MEDWAY), "--allow-older-vintage")
    assert Ward.objects.current().filter(vintage="WD13").count() == 22


def _bad_files(tmp_path: Path, shared_data: Path) -> dict[str, tuple[Path, str]]:
    medway = features(real_file(shared_data, MEDWAY))
    broken = [as_vintage(f, "23") for f in medway]
    broken[5]["geometry"] = {"type": "Polygon", "coordinates": [[[0, "x"]]]}
    national_grid = [as_vintage(f, "23") for f in medway]
    national_grid[0]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[575000, 168000], [576000, 168000], [576000, 169000], [575000, 168000]]],
    }
    no_codes = [{**f, "properties": {"name": f["properties"]["WD13NM"]}} for f in medway]
    duplicated = [as_vintage(f, "23") for f in [*medway, medway[0]]]
    files = {
        "not json": ("not-json.json", "this is not JSON", "not a GeoJSON file"),
        "a postcode file": (
            "onspd.json",
            (shared_data / "onspd" / "onspd_nov2025.csv").read_text(),
            "not a GeoJSON file",
        ),
        "a single feature": (
            "feature.json",
            json.dumps(medway[0]),
            "not a GeoJSON FeatureCollection",
        ),
        "no features": (
            "empty.json",
            json.dumps({"type": "FeatureCollection", "features": []}),
            "no features",
        ),
        "no ward codes": (
            "codes.json",
            json.dumps({"type": "FeatureCollection", "features": no_codes}),
            "WD23CD",
        ),
        "a broken geometry": (
            "broken.json",
            json.dumps({"type": "FeatureCollection", "features": broken}),
            "Feature 6",
        ),
        "grid coordinates": (
            "bng.json",
            json.dumps({"type": "FeatureCollection", "features": national_grid}),
            "WGS84",
        ),
        "a declared grid": (
            "crs.json",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
                    "features": medway,
                }
            ),
            "EPSG::27700",
        ),
        "a ward twice": (
            "twice.json",
            json.dumps({"type": "FeatureCollection", "features": duplicated}),
            "more than once",
        ),
    }
    made = {}
    for label, (name, text, message) in files.items():
        path = tmp_path / name
        path.write_text(text)
        made[label] = (path, message)
    return made


@pytest.mark.parametrize(
    "label",
    [
        "not json",
        "a postcode file",
        "a single feature",
        "no features",
        "no ward codes",
        "a broken geometry",
        "grid coordinates",
        "a declared grid",
        "a ward twice",
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    shared_data: Path, tmp_path: Path, label: str
) -> None:
    run(real_file(shared_data, MEDWAY), "--council-name", "Medway")
    before = list(Ward.objects.order_by("pk").values_list("gss_code", "name", "retired_at"))
    path, message = _bad_files(tmp_path, shared_data)[label]

    with pytest.raises(CommandError, match=message) as raised:
        run(path, "--council-code", MEDWAY)

    assert "Nothing was changed" in str(raised.value)
    assert list(Ward.objects.order_by("pk").values_list("gss_code", "name", "retired_at")) == before


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "E06000035.json", "--council-name", "Medway")
