"""`manage.py import_postcodes`: the ONS Postcode Directory in all its column layouts."""

from __future__ import annotations

import csv
import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import shape

from grassroots.places import selectors
from grassroots.places.importers import MAX_REJECTIONS_KEPT, import_postcodes
from grassroots.places.models import Postcode
from grassroots.places.selectors import LookupProblem

pytestmark = pytest.mark.django_db

LAYOUTS = ["onspd_may2018.csv", "onspd_aug2024.csv", "onspd_nov2025.csv"]


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_postcodes", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


def all_postcodes() -> list[tuple[Any, ...]]:
    return list(
        Postcode.objects.order_by("postcode").values_list(
            "postcode", "ward_code", "council_code", "latitude", "longitude", "terminated_on"
        )
    )


def nov2025_file(shared_data: Path, tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """A file in the November 2025 layout (the real header), with `rows` over a real row."""
    with (shared_data / "onspd" / "onspd_nov2025.csv").open(newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        template = next(reader)
    path = tmp_path / "onspd.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, header, quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        for row in rows:
            writer.writerow({**template, "doterm": "", **row})
    return path


@pytest.mark.parametrize(
    ("name", "ward_column", "written", "terminated", "skipped"),
    [
        ("onspd_may2018.csv", "osward", 3, 3, 1),
        ("onspd_aug2024.csv", "osward", 3, 3, 1),
        ("onspd_nov2025.csv", "wd25cd", 4, 4, 0),
    ],
)
def test_it_imports_each_real_layout_of_the_directory(
    shared_data: Path, name: str, ward_column: str, written: int, terminated: int, skipped: int
) -> None:
    output = run(shared_data / "onspd" / name)

    assert Postcode.objects.count() == written
    assert Postcode.objects.filter(terminated_on__isnull=False).count() == terminated
    assert f"ward column {ward_column}" in output
    assert f"Imported {written} postcodes: {written} new, 0 updated." in output
    assert f"Terminated: {terminated} " in output
    assert f"Skipped without a grid reference: {skipped}." in output
    assert "Rejected: 0." in output


def test_it_records_where_a_postcode_is(shared_data: Path) -> None:
    run(shared_data / "onspd" / "onspd_aug2024.csv")

    row = Postcode.objects.get(postcode="AL1 1AA")
    assert (row.ward_code, row.council_code) == ("E05013966", "E07000240")
    assert (row.latitude, row.longitude) == (51.749084, -0.341337)


def test_a_terminated_postcode_is_reported_as_no_longer_in_use(shared_data: Path) -> None:
    run(shared_data / "onspd" / "onspd_nov2025.csv")

    assert Postcode.objects.get(postcode="AB1 0AA").terminated_on == datetime.date(1996, 6, 1)
    result = selectors.ward_for_postcode("ab1 0aa")
    assert result.problem is LookupProblem.TERMINATED
    assert result.terminated_on == "June 1996"


def test_a_postcode_without_a_grid_reference_is_not_imported(shared_data: Path) -> None:
    run(shared_data / "onspd" / "onspd_aug2024.csv")

    assert not Postcode.objects.filter(postcode="IM1 1AD").exists()
    assert selectors.ward_for_postcode("IM1 1AD").problem is LookupProblem.UNKNOWN


def test_running_it_again_gives_the_same_rows(shared_data: Path) -> None:
    for name in LAYOUTS:
        run(shared_data / "onspd" / name)
    first = all_postcodes()

    for name in LAYOUTS:
        output = run(shared_data / "onspd" / name)

    assert all_postcodes() == first
    assert "0 new" in output


def test_a_newer_directory_updates_postcodes_to_the_new_wards(shared_data: Path) -> None:
    run(shared_data / "onspd" / "onspd_may2018.csv")
    assert Postcode.objects.get(postcode="AL1 1AA").ward_code == "E05004803"

    output = run(shared_data / "onspd" / "onspd_aug2024.csv")

    assert Postcode.objects.get(postcode="AL1 1AA").ward_code == "E05013966"
    assert "Imported 3 postcodes: 0 new, 3 updated." in output


def test_a_live_postcode_finds_its_ward(shared_data: Path, tmp_path: Path) -> None:
    wards = shared_data / "wards" / "E06000035.json"
    call_command("import_wards", str(wards), "--council-name", "Medway", stdout=StringIO())
    feature = json.loads(wards.read_text())["features"][0]
    point = shape(feature["geometry"]).representative_point()
    path = nov2025_file(
        shared_data,
        tmp_path,
        [
            {
                "pcds": "ME4 4AA",
                "wd25cd": feature["properties"]["WD13CD"],
                "lad25cd": "E06000035",
                "lat": f"{point.y:.6f}",
                "long": f"{point.x:.6f}",
            },
            # The directory's ward is one we have not imported: found by its location.
            {
                "pcds": "ME4 4AB",
                "wd25cd": "E05999999",
                "lad25cd": "E06000035",
                "lat": f"{point.y:.6f}",
                "long": f"{point.x:.6f}",
            },
        ],
    )

    run(path)

    for postcode in ("ME4 4AA", "ME4 4AB"):
        result = selectors.ward_for_postcode(postcode)
        assert result.problem is None
        assert result.ward is not None
        assert result.ward.name == "Chatham Central"


def test_bad_rows_are_rejected_by_line_number_and_the_rest_imported(
    shared_data: Path, tmp_path: Path
) -> None:
    good = {"pcds": "ME4 4AA", "lat": "51.38", "long": "0.52"}
    path = nov2025_file(
        shared_data,
        tmp_path,
        [
            good,  # line 2
            {**good, "pcds": "NOT A POSTCODE"},  # line 3
            {**good, "pcds": "ME4 4AB", "lat": "fifty-one"},  # line 4
            {**good, "pcds": "ME4 4AD", "long": "nan"},  # line 5
            {**good, "pcds": "ME4 4AE", "lat": "0.52", "long": "51.38"},  # line 6: swapped
            {**good, "pcds": "ME4 4AF", "doterm": "202413"},  # line 7
            {**good, "pcds": "ME4 4AG", "wd25cd": "E05-ward-code"},  # line 8
            {**good, "pcds": "me44ah"},  # line 9: tidied, accepted
        ],
    )
    with path.open("a") as f:
        f.write('"ME4 4AJ","short row"\n')  # line 10

    output = run(path)

    assert sorted(Postcode.objects.values_list("postcode", flat=True)) == ["ME4 4AA", "ME4 4AH"]
    assert "Rejected: 7." in output
    for line, reason in [
        (3, "bad postcode 'NOT A POSTCODE'"),
        (4, "bad latitude/longitude 'fifty-one', '0.52' for ME4 4AB"),
        (5, "bad latitude/longitude"),
        (6, "bad latitude/longitude '0.52', '51.38' for ME4 4AE"),
        (7, "bad termination date '202413' for ME4 4AF"),
        (8, "bad ward code 'E05-WARD-CODE' for ME4 4AG"),
        (10, "has 2 fields"),
    ]:
        assert f"line {line}: {reason}" in output


def test_it_keeps_a_bounded_list_of_rejected_rows(shared_data: Path, tmp_path: Path) -> None:
    bad = [{"pcds": "BAD"} for _ in range(MAX_REJECTIONS_KEPT + 5)]
    path = nov2025_file(shared_data, tmp_path, [*bad, {"pcds": "ME4 4AA", "lat": "51.38"}])

    output = run(path)

    assert f"Rejected: {MAX_REJECTIONS_KEPT + 5}." in output
    assert "... and 5 more rejected rows not shown." in output
    assert Postcode.objects.filter(postcode="ME4 4AA").exists()


def test_it_writes_every_row_however_the_batches_fall(shared_data: Path, tmp_path: Path) -> None:
    rows = [
        {"pcds": f"ME{n} 4AA", "lat": f"51.{n:02d}", "long": "0.5", "doterm": ""}
        for n in range(1, 8)
    ]
    # A postcode listed twice: the later row wins, in the same batch or another.
    rows += [{"pcds": "ME1 4AA", "lat": "51.5"}, {"pcds": "ME7 4AA", "lat": "51.7"}]
    path = nov2025_file(shared_data, tmp_path, rows)

    run(path, "--batch-size", "2")
    by_batches = all_postcodes()
    Postcode.objects.all().delete()
    run(path, "--batch-size", "1000")

    assert all_postcodes() == by_batches
    assert len(by_batches) == 7
    assert Postcode.objects.get(postcode="ME1 4AA").latitude == 51.5
    assert Postcode.objects.get(postcode="ME7 4AA").latitude == 51.7


def test_a_postcode_that_is_terminated_later_stops_being_used(
    shared_data: Path, tmp_path: Path
) -> None:
    live = {"pcds": "ME4 4AA", "lat": "51.38", "long": "0.52"}
    run(nov2025_file(shared_data, tmp_path, [live]))
    assert selectors.ward_for_postcode("ME4 4AA").problem is LookupProblem.NOT_COVERED

    run(nov2025_file(shared_data, tmp_path, [{**live, "doterm": "202511"}]))

    result = selectors.ward_for_postcode("ME4 4AA")
    assert result.problem is LookupProblem.TERMINATED
    assert result.terminated_on == "November 2025"


def test_it_accepts_upper_case_headers_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text(
        "\ufeffPCDS,WD24CD,LAD24CD,LAT,LONG,DOTERM\nME4 4AA,E05002249,E06000035,51.38,0.52,\n",
        encoding="utf-8",
    )

    run(path)

    assert Postcode.objects.get(postcode="ME4 4AA").ward_code == "E05002249"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pcds,lat,long,doterm\nME4 4AA,51.38,0.52,\n", "missing columns ward"),
        ("pcd7,wd25cd,lad25cd,lat,long,doterm\n", "missing columns pcds"),
        ("pcds,wd24cd,wd25cd,lad25cd,lat,long,doterm\n", "more than one ward"),
        ("", "is empty"),
        ('{"type": "FeatureCollection", "features": []}\n', "not an ONS Postcode Directory"),
    ],
)
def test_a_file_without_the_directory_columns_is_refused_and_changes_nothing(
    shared_data: Path, tmp_path: Path, text: str, message: str
) -> None:
    run(shared_data / "onspd" / "onspd_aug2024.csv")
    before = all_postcodes()
    path = tmp_path / "bad.csv"
    path.write_text(text)

    with pytest.raises(CommandError, match=message):
        run(path)

    assert all_postcodes() == before


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.csv")


def test_it_shows_no_progress_bar_unless_asked_on_a_terminal(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_postcodes", str(shared_data / "onspd" / "onspd_aug2024.csv"))

    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Imported 3 postcodes" in captured.out


def test_the_importer_returns_counts_for_callers(shared_data: Path) -> None:
    result = import_postcodes(shared_data / "onspd" / "onspd_aug2024.csv", batch_size=1)

    assert (result.rows, result.written, result.created, result.updated) == (4, 3, 3, 0)
    assert (result.terminated, result.skipped_no_grid_reference, result.rejected) == (3, 1, 0)


def test_a_refresh_counts_new_updated_and_unchanged_postcodes(
    shared_data: Path, tmp_path: Path
) -> None:
    row = {"lad25cd": "E06000035", "wd25cd": "E05002249", "long": "0.52"}
    first = [{**row, "pcds": f"ME4 4A{c}", "lat": "51.38"} for c in "ABD"]
    run(nov2025_file(shared_data, tmp_path, first), "--batch-size", "2")
    refresh = [
        {**row, "pcds": "ME4 4AA", "lat": "51.38"},  # the same
        {**row, "pcds": "ME4 4AB", "lat": "51.39"},  # moved
        {**row, "pcds": "ME4 4AD", "lat": "51.38", "doterm": "202511"},  # terminated
        {**row, "pcds": "ME4 4AE", "lat": "51.4"},  # new
        {**row, "pcds": "ME4 4AF", "lat": "51.41"},  # new
    ]

    output = run(nov2025_file(shared_data, tmp_path, refresh), "--batch-size", "2")

    # "Updated" counts every postcode already held, changed or not.
    assert "Read 5 rows" in output
    assert "Imported 5 postcodes: 2 new, 3 updated." in output
    assert "Terminated: 1 " in output
    assert [(p, lat, t) for p, _, _, lat, _, t in all_postcodes()] == [
        ("ME4 4AA", 51.38, None),
        ("ME4 4AB", 51.39, None),
        ("ME4 4AD", 51.38, datetime.date(2025, 11, 1)),
        ("ME4 4AE", 51.4, None),
        ("ME4 4AF", 51.41, None),
    ]


def test_bad_rows_in_any_batch_are_rejected_and_counted(shared_data: Path, tmp_path: Path) -> None:
    good = {"lad25cd": "E06000035", "wd25cd": "E05002249", "lat": "51.38", "long": "0.52"}
    rows = [
        {**good, "pcds": "ME1 1AA"},  # line 2
        {**good, "pcds": "ME1 1AB", "lad25cd": "council"},  # line 3
        {**good, "pcds": "ME1 1AD"},  # line 4
        {**good, "pcds": "ME1 1AE"},  # line 5
        {**good, "pcds": "ME1 1AF", "lat": "99.999999", "long": "0.000000"},  # line 6: skipped
        {**good, "pcds": "ME1 1AG", "long": "181"},  # line 7
        {**good, "pcds": "ME1 1AH"},  # line 8
    ]

    result = import_postcodes(nov2025_file(shared_data, tmp_path, rows), batch_size=2)

    assert (result.rows, result.written, result.created, result.updated) == (7, 4, 4, 0)
    assert (result.skipped_no_grid_reference, result.rejected) == (1, 2)
    assert [(r.line, r.reason) for r in result.rejections.rows] == [
        (3, "bad council code 'COUNCIL' for ME1 1AB"),
        (7, "bad latitude/longitude '51.38', '181' for ME1 1AG"),
    ]
    assert [p[0] for p in all_postcodes()] == ["ME1 1AA", "ME1 1AD", "ME1 1AE", "ME1 1AH"]


def test_a_file_that_breaks_half_way_changes_nothing(shared_data: Path, tmp_path: Path) -> None:
    run(shared_data / "onspd" / "onspd_aug2024.csv")
    before = all_postcodes()
    # Many batches of good rows (new postcodes, and one already held, moved), then a field
    # too long for any CSV reader: a download cut short or garbled looks like this.
    rows = [{"pcds": f"ME{n} 4AA", "lat": "51.38", "long": "0.52"} for n in range(1, 30)]
    rows.append({"pcds": "AL1 1AA", "lat": "51.5", "long": "0.52"})
    path = nov2025_file(shared_data, tmp_path, rows)
    with path.open("a") as f:
        f.write(f'"ME9 9ZZ","{"x" * 200_000}"\n')

    with pytest.raises(CommandError, match=r"near line 32: .*Nothing was imported"):
        run(path, "--batch-size", "2")

    assert all_postcodes() == before
