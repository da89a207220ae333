"""Importers for ONS ward boundaries, the ONS Postcode Directory and lists of councillors.

Each importer reads one file and returns a result dataclass with its counts and the rows it
rejected (by line number, with a reason). The management commands `import_wards`,
`import_postcodes` and `import_councillors` only parse arguments, call these and print.

A file that cannot be imported as a whole (not the expected format, required columns missing)
raises ImportFileError before anything is changed. A bad row in an otherwise good file is
rejected on its own and never aborts the rest of the import.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg import pq
from shapely.errors import GEOSException
from tqdm import tqdm

from grassroots.core.slugs import ascii_slug, unique_slug
from grassroots.places import geometry as geo
from grassroots.places.models import (
    Council,
    CouncilKind,
    Councillor,
    CouncillorTerm,
    Postcode,
    Ward,
)
from grassroots.places.postcodes import normalise_postcode

# A GSS code: a letter for the country, two digits for the entity type (E05 ward, E06 unitary
# authority, ...) and six digits. ONS pseudo codes such as "E99999999" have the same shape.
_GSS_CODE = re.compile(r"^[A-Z]\d{8}$")

# Keep this many rejected rows for the report; beyond it only count them, so that a file of
# garbage cannot fill the memory of the process reading it.
MAX_REJECTIONS_KEPT = 1000


class ImportFileError(Exception):
    """The file cannot be imported at all. Nothing has been changed."""


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass
class Rejections:
    """Rejected rows: counted in full, kept up to MAX_REJECTIONS_KEPT for the report."""

    count: int = 0
    rows: list[RejectedRow] = field(default_factory=list)

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.rows) < MAX_REJECTIONS_KEPT:
            self.rows.append(RejectedRow(line, reason))

    @property
    def not_shown(self) -> int:
        return self.count - len(self.rows)


def _unique_slug(base: str, taken: set[str], *, fallback: str) -> str:
    """`base` as a slug, or numbered (`-2`, `-3`, ...) if in `taken`; at most 200 characters."""
    return unique_slug(base, max_length=200, fallback=fallback, taken=taken)


def _open_csv(path: Path) -> Any:
    try:
        # utf-8-sig: spreadsheet exports often start with a byte order mark.
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror}.") from error


def _read_header(reader: Iterator[list[str]], path: Path) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path.name} is empty.") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileError(f"{path.name} is not a readable CSV file: {error}.") from error
    return [name.strip().lower() for name in header]


# --- Wards -------------------------------------------------------------------------------------

# ONS names ward properties after the boundary vintage: WD13CD, WD13NM, WD13NMW for December
# 2013, WD23CD... for 2023. Some files also carry the council as LADyyCD / LADyyNM.
_WARD_CODE_PROPERTY = re.compile(r"^WD(\d\d)CD$")
_COUNCIL_CODE_PROPERTY = re.compile(r"^LAD(\d\d)CD$")
_VINTAGE = re.compile(r"^WD(\d\d)$")
_LON_LAT_CRS = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
}


@dataclass(frozen=True)
class WardRecord:
    """One ward as read from a boundary file, before it touches the database."""

    gss_code: str
    name: str
    name_cy: str
    geometry: dict[str, Any]
    bbox: geo.BBox


@dataclass(frozen=True)
class WardFile:
    vintage: str  # "WD13"
    council_code: str | None  # from LADyyCD, when the file carries it
    council_name: str | None  # from LADyyNM
    wards: list[WardRecord]


@dataclass(frozen=True)
class WardImportResult:
    council: Council
    council_created: bool
    vintage: str
    created: int
    updated: int
    reinstated: int
    retired: int
    terms_ended: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.reinstated


def _feature_geometry(feature: dict[str, Any], where: str) -> tuple[dict[str, Any], geo.BBox]:
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ImportFileError(f"{where} has no Polygon or MultiPolygon geometry.")
    try:
        shape = geo.to_shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, GEOSException) as error:
        raise ImportFileError(f"{where} has a broken geometry: {error}.") from error
    if shape.is_empty:
        raise ImportFileError(f"{where} has an empty geometry.")
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    # British National Grid files (eastings/northings in metres) land here.
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ImportFileError(
            f"{where} has coordinates that are not longitude/latitude; "
            "download the boundaries in WGS84 (EPSG:4326)."
        )
    return geometry, (min_lon, min_lat, max_lon, max_lat)


def _text_property(properties: dict[str, Any], key: str) -> str:
    value = properties.get(key)
    return value.strip() if isinstance(value, str) else ""


def read_ward_file(path: Path) -> WardFile:
    """Parse and check an ONS ward boundary GeoJSON file, without touching the database."""
    try:
        with path.open(encoding="utf-8-sig") as f:
            data = json.load(f)
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror}.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(f"{path.name} is not a GeoJSON file: {error}.") from error

    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFileError(f"{path.name} is not a GeoJSON FeatureCollection.")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ImportFileError(f"{path.name} has no features.")
    crs = data.get("crs")
    crs_name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if crs_name is not None and crs_name not in _LON_LAT_CRS:
        raise ImportFileError(
            f"{path.name} uses the coordinate system {crs_name}; "
            "download the boundaries in WGS84 (EPSG:4326)."
        )

    # Detect the vintage from the property names of the first feature.
    first = features[0].get("properties") if isinstance(features[0], dict) else None
    years = sorted(
        {m.group(1) for key in (first or {}) if (m := _WARD_CODE_PROPERTY.match(str(key)))}
    )
    if not years:
        raise ImportFileError(
            f"{path.name} has no ward code property such as WD23CD: "
            "is it an ONS ward boundary file?"
        )
    if len(years) > 1:
        vintages = ", ".join(f"WD{y}CD" for y in years)
        raise ImportFileError(f"{path.name} mixes ward code properties ({vintages}).")
    yy = years[0]
    code_key, name_key, welsh_key = f"WD{yy}CD", f"WD{yy}NM", f"WD{yy}NMW"

    wards: list[WardRecord] = []
    council_codes: set[str] = set()
    council_name: str | None = None
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        where = f"Feature {number}"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            raise ImportFileError(f"{where} has no properties.")
        code = _text_property(properties, code_key).upper()
        if not _GSS_CODE.match(code):
            raise ImportFileError(f"{where} has no valid ward code in {code_key} ({code!r}).")
        where = f"Feature {number} ({code})"
        if code in seen:
            raise ImportFileError(f"{where} appears more than once.")
        seen.add(code)
        name = _text_property(properties, name_key)
        if not name or len(name) > 200:
            raise ImportFileError(f"{where} has no usable name in {name_key}.")
        name_cy = _text_property(properties, welsh_key)[:200]
        geometry, bbox = _feature_geometry(feature, where)
        for key, value in properties.items():
            if _COUNCIL_CODE_PROPERTY.match(str(key)) and isinstance(value, str) and value:
                council_codes.add(value.strip().upper())
                council_name = council_name or _text_property(properties, key[:-2] + "NM")
        wards.append(WardRecord(code, name, name_cy, geometry, bbox))

    if len(council_codes) > 1:
        raise ImportFileError(
            f"{path.name} holds wards of {len(council_codes)} councils "
            f"({', '.join(sorted(council_codes))}); import one council per file."
        )
    return WardFile(
        vintage=f"WD{yy}",
        council_code=next(iter(council_codes), None),
        council_name=council_name or None,
        wards=wards,
    )


def _council_code(path: Path, option: str | None, from_file: str | None) -> str:
    """The council's GSS code: given on the command line, in the file, or as the file name."""
    code = (option or "").strip().upper() or None
    if code and from_file and code != from_file:
        raise ImportFileError(
            f"The file says its wards belong to {from_file}, not {code}; check --council-code."
        )
    code = code or from_file
    if code is None and _GSS_CODE.match(path.stem.upper()):
        code = path.stem.upper()
    if code is None:
        raise ImportFileError(
            f"Cannot tell which council {path.name} is for: "
            "give --council-code (for example E06000035) or name the file after it."
        )
    if not _GSS_CODE.match(code):
        raise ImportFileError(f"{code!r} is not a GSS code such as E06000035.")
    return code


def _council_kind(code: str) -> str:
    prefix = code[:3]
    return prefix if prefix in CouncilKind.values else CouncilKind.OTHER


def _vintage_year(vintage: str) -> int | None:
    match = _VINTAGE.match(vintage)
    return int(match.group(1)) if match else None


def import_wards(
    path: Path,
    *,
    council_code: str | None = None,
    council_name: str | None = None,
    allow_older_vintage: bool = False,
) -> WardImportResult:
    """Import one council's ward boundaries; wards of that council missing from the file retire."""
    ward_file = read_ward_file(path)
    code = _council_code(path, council_code, ward_file.council_code)
    name = (council_name or "").strip() or None
    return _save_wards(
        ward_file,
        council_code=code,
        council_name=name,
        allow_older_vintage=allow_older_vintage,
    )


@transaction.atomic
def _save_wards(
    ward_file: WardFile,
    *,
    council_code: str,
    council_name: str | None,
    allow_older_vintage: bool,
) -> WardImportResult:
    council = Council.objects.select_for_update().filter(gss_code=council_code).first()
    council_created = council is None
    if council is None:
        name = council_name or ward_file.council_name
        if not name:
            raise ImportFileError(
                f"Council {council_code} is new: give its name with --council-name."
            )
        taken = set(Council.objects.values_list("slug", flat=True))
        council = Council.objects.create(
            gss_code=council_code,
            name=name,
            slug=_unique_slug(name, taken, fallback=council_code.lower()),
            kind=_council_kind(council_code),
        )
    else:
        council.kind = council.kind or _council_kind(council_code)
        council.name = council_name or council.name
        council.save(update_fields=["name", "kind"])

    codes = [ward.gss_code for ward in ward_file.wards]
    existing = {
        w.gss_code: w for w in Ward.objects.filter(gss_code__in=codes).select_related("council")
    }
    for other in existing.values():
        if other.council_id != council.pk:
            raise ImportFileError(
                f"Ward {other.gss_code} ({other.name}) belongs to {other.council.name} "
                f"({other.council.gss_code}), not {council_code}; check --council-code."
            )

    current = list(Ward.objects.current().filter(council=council))
    file_year = _vintage_year(ward_file.vintage)
    newer = sorted(
        {
            w.vintage
            for w in current
            if (year := _vintage_year(w.vintage)) is not None
            and file_year is not None
            and year > file_year
        }
    )
    if newer and not allow_older_vintage:
        raise ImportFileError(
            f"{council.name} already has {newer[-1]} boundaries, newer than this file's "
            f"{ward_file.vintage}; importing it would retire them. "
            "Use --allow-older-vintage if that is what you mean."
        )

    # Retire first: the slugs of retired wards are free again for the wards in the file.
    now = timezone.now()
    in_file = set(codes)
    to_retire = [w.pk for w in current if w.gss_code not in in_file]
    Ward.objects.filter(pk__in=to_retire).update(retired_at=now)
    # Nobody represents a ward that no longer exists: open terms there end on the day before
    # (a term's end date is its last day in office).
    today = timezone.localdate(now)
    open_terms = CouncillorTerm.objects.filter(ward_id__in=to_retire, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    yesterday = today - datetime.timedelta(days=1)
    terms_ended = open_terms.filter(starts_on__lte=yesterday).update(ends_on=yesterday)
    # A term that would have started today never began: it ends on its first day.
    terms_ended += open_terms.filter(starts_on=today).update(ends_on=today)
    taken = {w.slug for w in current if w.gss_code in in_file}

    created = updated = reinstated = 0
    # Current wards first, so that a renamed ward frees its old slug before new wards choose.
    records = sorted(
        ward_file.wards,
        key=lambda r: not (r.gss_code in existing and existing[r.gss_code].is_current),
    )
    for record in records:
        ward = existing.get(record.gss_code)
        if ward is not None and ward.is_current:
            # Keep a current ward's address unless it was renamed and the new slug is free.
            if ward.name != record.name:
                preferred = _unique_slug(record.name, set(), fallback="ward")
                if preferred not in taken:
                    taken.discard(ward.slug)
                    ward.slug = preferred
                    taken.add(preferred)
            updated += 1
        elif ward is not None:
            # A ward that comes back keeps its old slug if nobody has taken it meanwhile.
            if ward.name != record.name or ward.slug in taken:
                ward.slug = _unique_slug(record.name, taken, fallback="ward")
            taken.add(ward.slug)
            ward.retired_at = None
            reinstated += 1
        else:
            ward = Ward(
                gss_code=record.gss_code,
                council=council,
                slug=_unique_slug(record.name, taken, fallback="ward"),
            )
            taken.add(ward.slug)
            created += 1
        ward.name = record.name
        ward.name_cy = record.name_cy
        ward.geometry = record.geometry
        ward.min_lon, ward.min_lat, ward.max_lon, ward.max_lat = record.bbox
        ward.vintage = ward_file.vintage
        # One save per ward, in this order, so that the unique slug constraint holds after
        # every statement (a single bulk UPDATE could swap slugs through a clash).
        ward.save()

    return WardImportResult(
        council=council,
        council_created=council_created,
        vintage=ward_file.vintage,
        created=created,
        updated=updated,
        reinstated=reinstated,
        retired=len(to_retire),
        terms_ended=terms_ended,
    )


# --- Postcodes ---------------------------------------------------------------------------------

# The ONS Postcode Directory names its columns after the boundary vintage since November 2025
# (wd25cd, lad25cd); before that they were osward and oslaua.
_WARD_COLUMN = re.compile(r"^(wd\d\dcd|osward)$")
_COUNCIL_COLUMN = re.compile(r"^(lad\d\dcd|oslaua)$")
# Postcodes without a grid reference carry this latitude (and longitude 0).
NO_GRID_REFERENCE_LAT = "99.999999"
# Rough box around the UK, Channel Islands and Isle of Man: catches swapped or garbled values.
_LAT_RANGE = (49.0, 61.5)
_LON_RANGE = (-9.0, 2.5)
_DOTERM = re.compile(r"^(\d{4})(\d{2})$")

# postcode, ward code, council code, latitude, longitude, terminated on
PostcodeRow = tuple[str, str, str, float | None, float | None, datetime.date | None]


@dataclass(frozen=True)
class _PostcodeColumns:
    postcode: int
    ward: int
    council: int
    lat: int
    long: int
    doterm: int
    ward_name: str
    council_name: str
    width: int = field(init=False)  # the fewest fields a row needs

    def __post_init__(self) -> None:
        indexes = (self.postcode, self.ward, self.council, self.lat, self.long, self.doterm)
        object.__setattr__(self, "width", 1 + max(indexes))


@dataclass
class PostcodeImportResult:
    ward_column: str
    council_column: str
    rows: int = 0  # data rows read
    written: int = 0  # live and terminated postcodes written
    created: int = 0  # of those, postcodes we did not hold before
    terminated: int = 0  # of those, terminated postcodes
    skipped_no_grid_reference: int = 0
    rejections: Rejections = field(default_factory=Rejections)

    @property
    def updated(self) -> int:
        return self.written - self.created

    @property
    def rejected(self) -> int:
        return self.rejections.count


def _postcode_columns(header: Sequence[str], path: Path) -> _PostcodeColumns:
    def one(pattern: re.Pattern[str], label: str) -> tuple[int, str]:
        found = [(i, name) for i, name in enumerate(header) if pattern.match(name)]
        if not found:
            missing.append(label)
            return -1, ""
        if len(found) > 1:
            names = ", ".join(name for _, name in found)
            raise ImportFileError(f"{path.name} has more than one {label} column ({names}).")
        return found[0]

    missing: list[str] = []
    postcode = one(re.compile(r"^pcds$"), "pcds")
    ward = one(_WARD_COLUMN, "ward (wdNNcd or osward)")
    council = one(_COUNCIL_COLUMN, "council (ladNNcd or oslaua)")
    lat = one(re.compile(r"^lat$"), "lat")
    long = one(re.compile(r"^long$"), "long")
    doterm = one(re.compile(r"^doterm$"), "doterm")
    if missing:
        raise ImportFileError(
            f"{path.name} is not an ONS Postcode Directory file: "
            f"missing columns {', '.join(missing)}."
        )
    return _PostcodeColumns(
        postcode=postcode[0],
        ward=ward[0],
        council=council[0],
        lat=lat[0],
        long=long[0],
        doterm=doterm[0],
        ward_name=ward[1],
        council_name=council[1],
    )


def _coordinate(text: str, bounds: tuple[float, float]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        return None
    return value


def _parse_postcode_row(row: list[str], columns: _PostcodeColumns) -> PostcodeRow | str | None:
    """A row to write, a reason to reject it, or None to skip it (no grid reference)."""
    if len(row) < columns.width:
        return f"has {len(row)} fields, expected at least {columns.width}"
    raw = row[columns.postcode]
    postcode = normalise_postcode(raw)
    if postcode is None:
        return f"bad postcode {raw!r}"
    ward_code = row[columns.ward].strip().upper()
    council_code = row[columns.council].strip().upper()
    if ward_code and not _GSS_CODE.match(ward_code):
        return f"bad ward code {ward_code!r} for {postcode}"
    if council_code and not _GSS_CODE.match(council_code):
        return f"bad council code {council_code!r} for {postcode}"

    terminated_on = None
    doterm = row[columns.doterm].strip()
    if doterm:
        match = _DOTERM.match(doterm)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            return f"bad termination date {doterm!r} for {postcode}"
        terminated_on = datetime.date(int(match.group(1)), int(match.group(2)), 1)

    lat_text, long_text = row[columns.lat].strip(), row[columns.long].strip()
    if lat_text == NO_GRID_REFERENCE_LAT:
        if terminated_on is None:
            return None  # a live postcode we cannot place: useless for look-ups
        return (postcode, ward_code, council_code, None, None, terminated_on)
    lat = _coordinate(lat_text, _LAT_RANGE)
    lon = _coordinate(long_text, _LON_RANGE)
    if lat is None or lon is None:
        return f"bad latitude/longitude {lat_text!r}, {long_text!r} for {postcode}"
    return (postcode, ward_code, council_code, lat, lon, terminated_on)


def _counting_lines(lines: Iterable[str], counter: list[int]) -> Iterator[str]:
    """Pass lines through, adding their length to counter[0] (for the progress bar)."""
    for line in lines:
        counter[0] += len(line)
        yield line


_POSTCODE_FIELDS = ("ward_code", "council_code", "latitude", "longitude", "terminated_on")


class _OrmPostcodeWriter:
    """Writes batches with bulk_create's upsert (SQLite, the development default)."""

    def __init__(self) -> None:
        self._before = Postcode.objects.count()

    def write(self, rows: Iterable[PostcodeRow]) -> None:
        Postcode.objects.bulk_create(
            [
                Postcode(
                    postcode=postcode,
                    ward_code=ward_code,
                    council_code=council_code,
                    latitude=lat,
                    longitude=lon,
                    terminated_on=terminated_on,
                )
                for postcode, ward_code, council_code, lat, lon, terminated_on in rows
            ],
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=list(_POSTCODE_FIELDS),
        )

    def finish(self) -> int:
        """Postcodes created."""
        return Postcode.objects.count() - self._before

    def abandon(self) -> None:
        pass


# On PostgreSQL each batch goes by COPY into a temporary staging table, then into the postcode
# table by one INSERT ... ON CONFLICT, which the server runs while Python reads the next batch.
_STAGE = "places_postcode_import"
_NULL = "\\N"  # NULL in COPY's text format


def _copy_line(row: PostcodeRow) -> str:
    # Every value has been checked already: none can hold a tab, newline or backslash.
    postcode, ward_code, council_code, lat, lon, terminated_on = row
    return (
        f"{postcode}\t{ward_code}\t{council_code}\t"
        f"{_NULL if lat is None else repr(lat)}\t{_NULL if lon is None else repr(lon)}\t"
        f"{_NULL if terminated_on is None else terminated_on.isoformat()}\n"
    )


class _PostgresPostcodeWriter:
    """Writes batches through COPY and a set-based upsert, one batch in flight at a time."""

    def __init__(self) -> None:
        table = connection.ops.quote_name(Postcode._meta.db_table)
        columns = ", ".join(("postcode", *_POSTCODE_FIELDS))
        new = ", ".join(f"EXCLUDED.{name}" for name in _POSTCODE_FIELDS)
        old = ", ".join(f"p.{name}" for name in _POSTCODE_FIELDS)
        # Rows that would not change are left alone (no new row version, nothing to vacuum);
        # of the rows written, xmax = 0 marks those inserted rather than updated. Only names
        # from this module and the model go into the SQL.
        self._merge = (
            f"WITH merged AS ("  # noqa: S608
            f"INSERT INTO {table} AS p ({columns}) SELECT {columns} FROM {_STAGE} "
            f"ON CONFLICT (postcode) DO UPDATE SET ({', '.join(_POSTCODE_FIELDS)}) = ROW({new}) "
            f"WHERE ROW({old}) IS DISTINCT FROM ROW({new}) "
            f"RETURNING p.xmax = 0 AS created"
            f") SELECT count(*) FILTER (WHERE created) FROM merged; "
            f"TRUNCATE {_STAGE}"
        ).encode()
        self._cursor = connection.cursor()
        self._cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} (postcode varchar(8), ward_code varchar(9), "
            "council_code varchar(9), latitude double precision, longitude double precision, "
            "terminated_on date) ON COMMIT DROP"
        )
        self._pgconn = connection.connection.pgconn
        self._in_flight = False
        self.created = 0

    def write(self, rows: Iterable[PostcodeRow]) -> None:
        text = "".join(map(_copy_line, rows))
        self._wait()
        with self._cursor.copy(f"COPY {_STAGE} FROM STDIN") as copy:
            copy.write(text)
        self._pgconn.send_query(self._merge)
        self._in_flight = True

    def _wait(self) -> None:
        """Collect the result of the batch in flight, raising its error if it failed."""
        if not self._in_flight:
            return
        self._in_flight = False
        error: bytes | None = None
        while (result := self._pgconn.get_result()) is not None:
            if result.status == pq.ExecStatus.TUPLES_OK:
                self.created += int(result.get_value(0, 0) or 0)
            elif result.status != pq.ExecStatus.COMMAND_OK:
                error = error or result.error_message
        if error is not None:
            raise DatabaseError(error.decode(errors="replace").strip())

    def finish(self) -> int:
        """Postcodes created."""
        self._wait()
        # ON COMMIT DROP is not enough inside an outer transaction (a test, a caller's atomic).
        self._cursor.execute(f"DROP TABLE {_STAGE}")
        self._cursor.close()
        return self.created

    def abandon(self) -> None:
        """Leave the connection ready for the rollback, whatever the batch in flight did."""
        with contextlib.suppress(DatabaseError):
            self._wait()
        self._cursor.close()


def import_postcodes(
    path: Path, *, batch_size: int | None = None, progress: bool = False
) -> PostcodeImportResult:
    """Import (or refresh) postcodes from an ONS Postcode Directory CSV file, streaming it.

    The import is one transaction: a file that turns out to be unreadable half way through
    changes nothing. Rows are read and written a batch at a time, so memory does not grow with
    the size of the file.
    """
    batch_size = batch_size or settings.POSTCODE_IMPORT_BATCH_SIZE
    size = path.stat().st_size if path.exists() else 0
    with _open_csv(path) as f:
        counter = [0]
        reader = csv.reader(_counting_lines(f, counter) if progress else f)
        columns = _postcode_columns(_read_header(reader, path), path)
        result = PostcodeImportResult(columns.ward_name, columns.council_name)
        # Keyed by postcode: a postcode listed twice in one batch would otherwise trip
        # "ON CONFLICT DO UPDATE cannot affect a row twice" on PostgreSQL. The last one wins.
        batch: dict[str, PostcodeRow] = {}
        bar = tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=path.name,
            file=sys.stderr,
            disable=not progress,
        )
        done = 0
        with transaction.atomic():
            writer: _OrmPostcodeWriter | _PostgresPostcodeWriter = (
                _PostgresPostcodeWriter()
                if connection.vendor == "postgresql"
                else _OrmPostcodeWriter()
            )
            try:
                for row in reader:
                    if not row:
                        continue  # a blank line
                    result.rows += 1
                    parsed = _parse_postcode_row(row, columns)
                    if parsed is None:
                        result.skipped_no_grid_reference += 1
                    elif isinstance(parsed, str):
                        result.rejections.add(reader.line_num, parsed)
                    else:
                        result.terminated += parsed[5] is not None
                        result.written += parsed[0] not in batch
                        batch[parsed[0]] = parsed
                        if len(batch) >= batch_size:
                            writer.write(batch.values())
                            batch.clear()
                            bar.update(counter[0] - done)
                            done = counter[0]
                if batch:
                    writer.write(batch.values())
                result.created = writer.finish()
                bar.update(counter[0] - done)
            except (csv.Error, UnicodeDecodeError) as error:
                writer.abandon()
                raise ImportFileError(
                    f"{path.name} stops being readable CSV near line {reader.line_num}: "
                    f"{error}. Nothing was imported."
                ) from error
            except BaseException:
                writer.abandon()
                raise
            finally:
                bar.close()
    return result


# --- Councillors -------------------------------------------------------------------------------

_COUNCILLOR_REQUIRED = ("ward_code", "name", "party", "email", "term_start")
_COUNCILLOR_OPTIONAL = ("term_end", "phone")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class CouncillorImportResult:
    rows: int = 0
    councillors_created: int = 0
    councillors_updated: int = 0
    terms_created: int = 0
    terms_updated: int = 0
    rejections: Rejections = field(default_factory=Rejections)

    @property
    def rejected(self) -> int:
        return self.rejections.count


@dataclass(frozen=True)
class _CouncillorRow:
    ward: Ward
    name: str
    party: str
    email: str
    phone: str | None  # None: the file has no phone column, leave the number alone
    starts_on: datetime.date
    ends_on: datetime.date | None


def _iso_date(text: str) -> datetime.date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_councillor_row(values: dict[str, str], wards: dict[str, Ward]) -> _CouncillorRow | str:
    """The row, checked, or the reason to reject it."""
    ward_code = values["ward_code"].upper()
    ward = wards.get(ward_code)
    if ward is None:
        return f"unknown ward code {ward_code!r}" if ward_code else "no ward code"
    name = values["name"]
    if not name:
        return "no name"
    if len(name) > 200:
        return "name longer than 200 characters"
    party = values["party"]
    if len(party) > 200:
        return "party longer than 200 characters"
    email = values["email"].lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return f"bad email address {email!r}"
        if len(email) > 254:
            return "email address longer than 254 characters"
    phone = values.get("phone")
    if phone is not None and len(phone) > 40:
        return "phone number longer than 40 characters"
    starts_on = _iso_date(values["term_start"])
    if starts_on is None:
        return f"bad term_start {values['term_start']!r} (expected YYYY-MM-DD)"
    ends_on = None
    if values.get("term_end"):
        ends_on = _iso_date(values["term_end"])
        if ends_on is None:
            return f"bad term_end {values['term_end']!r} (expected YYYY-MM-DD)"
        if ends_on < starts_on:
            return f"term ends ({ends_on}) before it starts ({starts_on})"
    if ward.retired_at is not None:
        # A retired ward is kept for history: only terms that ended by its retirement fit it.
        retired_on = timezone.localdate(ward.retired_at)
        if ends_on is None or ends_on > retired_on:
            return f"ward {ward_code} was retired on {retired_on}; a term there must end by then"
    return _CouncillorRow(ward, name, party, email, phone, starts_on, ends_on)


def _find_councillor(row: _CouncillorRow) -> Councillor | None:
    """Match by email if the row has one, else by name and a term in the same ward."""
    if row.email:
        match = Councillor.objects.filter(email__iexact=row.email).order_by("pk").first()
        if match is not None:
            return match
    # Someone first imported without an email is the same person once one is given, but two
    # different emails mean two different people.
    same_name = Councillor.objects.filter(name=row.name, terms__ward=row.ward)
    if row.email:
        same_name = same_name.filter(Q(email="") | Q(email__iexact=row.email))
    return same_name.order_by("pk").first()


def _save_councillor(row: _CouncillorRow, result: CouncillorImportResult) -> None:
    councillor = _find_councillor(row)
    if councillor is None:
        taken = set(
            Councillor.objects.filter(
                slug__startswith=ascii_slug(row.name, max_length=190, fallback="councillor")
            ).values_list("slug", flat=True)
        )
        councillor = Councillor.objects.create(
            name=row.name,
            slug=_unique_slug(row.name, taken, fallback="councillor"),
            party=row.party,
            email=row.email,
            phone=row.phone or "",
        )
        result.councillors_created += 1
    else:
        changes = {"name": row.name, "party": row.party}
        if row.email:
            changes["email"] = row.email
        if row.phone is not None:
            changes["phone"] = row.phone
        changed = [key for key, value in changes.items() if getattr(councillor, key) != value]
        if changed:
            for key in changed:
                setattr(councillor, key, changes[key])
            # The slug stays: it is the councillor's public address.
            councillor.save(update_fields=changed)
            result.councillors_updated += 1

    term, created = CouncillorTerm.objects.get_or_create(
        councillor=councillor,
        ward=row.ward,
        starts_on=row.starts_on,
        defaults={"ends_on": row.ends_on},
    )
    if created:
        result.terms_created += 1
    elif term.ends_on != row.ends_on:
        term.ends_on = row.ends_on
        term.save(update_fields=["ends_on"])
        result.terms_updated += 1


@transaction.atomic
def import_councillors(path: Path) -> CouncillorImportResult:
    """Create or update councillors and their terms of office from a CSV file."""
    with _open_csv(path) as f:
        reader = csv.reader(f)
        header = _read_header(reader, path)
        missing = [name for name in _COUNCILLOR_REQUIRED if name not in header]
        if missing:
            raise ImportFileError(
                f"{path.name} is missing the columns {', '.join(missing)} "
                f"(expected {', '.join(_COUNCILLOR_REQUIRED + _COUNCILLOR_OPTIONAL)})."
            )
        index = {
            name: header.index(name)
            for name in _COUNCILLOR_REQUIRED + _COUNCILLOR_OPTIONAL
            if name in header
        }
        # A list of councillors is small (tens to hundreds of rows): read it whole.
        try:
            lines = [(reader.line_num, row) for row in reader if row]
        except (csv.Error, UnicodeDecodeError) as error:
            raise ImportFileError(
                f"{path.name} is not readable CSV near line {reader.line_num}: {error}."
            ) from error

    codes = {row[index["ward_code"]].strip().upper() for _, row in lines if len(row) == len(header)}
    wards = {w.gss_code: w for w in Ward.objects.filter(gss_code__in=codes)}
    result = CouncillorImportResult()
    for line, row in lines:
        result.rows += 1
        if len(row) != len(header):
            result.rejections.add(line, f"has {len(row)} fields, expected {len(header)}")
            continue
        values = {name: row[i].strip() for name, i in index.items()}
        parsed = _parse_councillor_row(values, wards)
        if isinstance(parsed, str):
            result.rejections.add(line, parsed)
        else:
            _save_councillor(parsed, result)
    return result
