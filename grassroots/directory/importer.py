"""Loading services from another Open Referral UK publisher (`manage.py import_oruk`).

A feed is ORUK 3.0 JSON: a `/services` page (`contents`, followed page by page for an
address), a list of services, or one service; each service fully nested with its
`organization`. Records are matched by id, so importing the same feed twice changes nothing and
a changed record is updated in place (its `modified` moves, so our own feed's `modified_after`
shows it). Each service is checked in full (shape, then every row's own validation) and written
in one transaction: a rejected record leaves nothing behind, and is reported by id and reason.

New listings arrive as suggestions for an editor to approve, unless the operator trusts the
feed (`approve=True`); an existing listing's status is never changed by an import, so an
editor's decision to archive one stands. Parts of a service missing from the feed (a contact, a
schedule, a location it is no longer offered at) are removed; locations themselves stay, as
other services may use them.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.core.exceptions import ValidationError
from django.db import models, transaction
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as ShapeError

from grassroots.core.audit import audit_record
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
from grassroots.directory.oruk import BYDAY

TIMEOUT_SECONDS = 30
MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 10_000

M = TypeVar("M", bound=models.Model)


class FeedError(Exception):
    """The feed as a whole cannot be read (nothing more is imported from it)."""


# --- The shape a record must have (extra fields are allowed and ignored) ---------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class AddressIn(_In):
    address_1: str = Field("", max_length=255)
    address_2: str = Field("", max_length=255)
    city: str = Field("", max_length=120)
    state_province: str = Field("", max_length=120)
    postal_code: str = Field("", max_length=10)
    country: str = Field("GB", max_length=2)


class AccessibilityIn(_In):
    description: str = ""
    details: str = ""


class LocationIn(_In):
    id: uuid.UUID
    name: str = Field("", max_length=255)
    description: str = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    addresses: list[AddressIn] = []
    accessibility: list[AccessibilityIn] = []


class ServiceAtLocationIn(_In):
    id: uuid.UUID
    location: LocationIn


class PhoneIn(_In):
    id: uuid.UUID
    number: str = Field(min_length=1, max_length=40)
    description: str = Field("", max_length=255)


class ContactIn(_In):
    id: uuid.UUID
    name: str = Field("", max_length=255)
    title: str = Field("", max_length=255)
    phones: list[PhoneIn] = []


class ScheduleIn(_In):
    id: uuid.UUID
    byday: str = ""
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None
    description: str = ""


class LanguageIn(_In):
    id: uuid.UUID
    name: str = Field("", max_length=100)
    code: str = Field("", max_length=10)


class CostOptionIn(_In):
    amount: float | None = None


class OrganizationIn(_In):
    id: uuid.UUID
    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    email: str = ""
    website: str = Field("", max_length=500)


class ServiceIn(_In):
    id: uuid.UUID
    organization: OrganizationIn
    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    url: str = Field("", max_length=500)
    email: str = ""
    status: Literal["active", "inactive", "defunct", "temporarily closed"]
    fees: str = ""
    minimum_age: int | None = Field(None, ge=0, le=150)
    maximum_age: int | None = Field(None, ge=0, le=150)
    assured_date: datetime.date | None = None
    eligibility_description: str = ""
    application_process: str = ""
    who_for: str = ""
    schedules: list[ScheduleIn] = []
    service_at_locations: list[ServiceAtLocationIn] = []
    languages: list[LanguageIn] = []
    contacts: list[ContactIn] = []
    cost_options: list[CostOptionIn] = []


# --- Reading feeds ---------------------------------------------------------------------------


def records_in(document: Any) -> list[Any]:
    """The service records in one ORUK document (a page, a list, or one service)."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        contents = document.get("contents")
        if isinstance(contents, list):
            return contents
        if "id" in document:
            return [document]
    raise FeedError("This is not an Open Referral UK feed: expected a page of services.")


def _fetch(url: str) -> Any:
    request = Request(url, headers={"Accept": "application/json"})  # noqa: S310 (http(s) only)
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except OSError as error:  # URLError, timeouts and refused connections are all OSErrors
        raise FeedError(f"Could not fetch {url}: {error}") from error
    if len(body) > MAX_BYTES:
        raise FeedError(f"{url} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return json.loads(body)
    except ValueError as error:
        raise FeedError(f"{url} is not JSON: {error}") from error


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"]
    query.append(("page", str(number)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def read_feed(source: str) -> Iterator[list[Any]]:
    """The records of `source` a page at a time: a file, or an http(s) address whose pages are
    followed until the last one."""
    if urlsplit(source).scheme in ("http", "https"):
        for number in range(1, MAX_PAGES + 1):
            document = _fetch(_with_page(source, number))
            yield records_in(document)
            if not isinstance(document, dict) or "contents" not in document:
                return
            total = document.get("total_pages")
            if (
                document.get("last_page") is True
                or document.get("empty") is True
                or not document["contents"]
                or (isinstance(total, int) and number >= total)
            ):
                return
        return
    path = Path(source)
    if not path.is_file():
        raise FeedError(f"There is no file at {source}.")
    if path.stat().st_size > MAX_BYTES:
        raise FeedError(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise FeedError(f"{source} is not JSON: {error}") from error
    yield records_in(document)


# --- Writing records -------------------------------------------------------------------------


class Rejected(Exception):
    pass


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, rejected {len(self.rejected)}."
        )


def _shape_reason(error: ShapeError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    more = error.error_count() - 1
    return f"{where}: {first['msg']}" + (f" (and {more} more)" if more else "")


def _put(model: type[M], pk: uuid.UUID, values: dict[str, Any], new: dict[str, Any]) -> bool:
    """Create or update the row `pk` with `values` (`new` only when creating); whether it
    changed. Every row is validated before it is saved."""
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        row = model(pk=pk, **values, **new)
    elif all(getattr(row, name) == value for name, value in values.items()):
        return False
    else:
        for name, value in values.items():
            setattr(row, name, value)
    try:
        row.full_clean()
    except ValidationError as error:
        fields = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
        raise Rejected(f"{model.__name__.lower()} {pk}: {fields}") from error
    row.save()
    return True


def _prune(qs: models.QuerySet[Any], keep: set[uuid.UUID]) -> bool:
    deleted, _ = qs.exclude(pk__in=keep).delete()
    return deleted > 0


def _weekdays(entry: ScheduleIn) -> list[int | None]:
    if not entry.byday:
        return [None]
    days = [day.strip().upper()[-2:] for day in entry.byday.split(",") if day.strip()]
    if any(day not in BYDAY for day in days):
        raise Rejected(f"schedule {entry.id}: byday {entry.byday!r} is not a list of MO..SU")
    return [BYDAY.index(day) for day in days]


def _write(item: ServiceIn, *, listing: str) -> tuple[Service, bool, bool]:
    """Write one service and its parts; (service, created, changed)."""
    org = item.organization
    changed = _put(
        Organization,
        org.id,
        {"name": org.name, "description": org.description, "email": org.email, "url": org.website},
        {"listing_status": listing},
    )
    created = not Service.objects.filter(pk=item.id).exists()
    free = any(option.amount == 0 for option in item.cost_options) or item.fees.lower() == "free"
    changed |= _put(
        Service,
        item.id,
        {
            "organization_id": org.id,
            "name": item.name,
            "description": item.description,
            "url": item.url,
            "email": item.email,
            "who_for": item.who_for,
            "eligibility": item.eligibility_description,
            "minimum_age": item.minimum_age,
            "maximum_age": item.maximum_age,
            "cost": item.fees,
            "is_free": free,
            "how_to_access": item.application_process,
            "status": item.status,
            "last_checked": item.assured_date,
        },
        {"listing_status": listing},
    )
    service = Service.objects.get(pk=item.id)

    places: set[uuid.UUID] = set()
    for sal in item.service_at_locations:
        place = sal.location
        address = place.addresses[0] if place.addresses else AddressIn.model_validate({})
        access = " ".join(
            part for a in place.accessibility for part in (a.description, a.details) if part
        )
        changed |= _put(
            Location,
            place.id,
            {
                "name": place.name,
                "description": place.description,
                "address_1": address.address_1,
                "address_2": address.address_2,
                "city": address.city,
                "county": address.state_province,
                "postcode": address.postal_code.upper(),
                "country": address.country.upper(),
                "latitude": place.latitude,
                "longitude": place.longitude,
                "accessibility": access,
            },
            {},
        )
        changed |= _put(
            ServiceAtLocation, sal.id, {"service_id": item.id, "location_id": place.id}, {}
        )
        places.add(sal.id)
    changed |= _prune(service.service_at_locations.all(), places)

    people: set[uuid.UUID] = set()
    for person in item.contacts:
        changed |= _put(
            Contact,
            person.id,
            {"service_id": item.id, "name": person.name, "title": person.title},
            {},
        )
        people.add(person.id)
        numbers: set[uuid.UUID] = set()
        for phone in person.phones:
            changed |= _put(
                Phone,
                phone.id,
                {"contact_id": person.id, "number": phone.number, "description": phone.description},
                {},
            )
            numbers.add(phone.id)
        changed |= _prune(Phone.objects.filter(contact_id=person.id), numbers)
    changed |= _prune(service.contacts.all(), people)

    hours: set[uuid.UUID] = set()
    for entry in item.schedules:
        days = _weekdays(entry)
        for day in days:
            # One row a day; a schedule for several days gets ids derived from its own.
            pk = entry.id if len(days) == 1 else uuid.uuid5(entry.id, str(day))
            changed |= _put(
                Schedule,
                pk,
                {
                    "service_id": item.id,
                    "weekday": day,
                    "opens_at": entry.opens_at,
                    "closes_at": entry.closes_at,
                    "description": entry.description,
                },
                {},
            )
            hours.add(pk)
    changed |= _prune(service.schedules.all(), hours)

    spoken: set[uuid.UUID] = set()
    for lang in item.languages:
        if not (lang.name or lang.code):
            continue  # The UK profile's bare {"id": ...} says nothing we could show.
        changed |= _put(
            Language,
            lang.id,
            {"service_id": item.id, "name": lang.name or lang.code, "code": lang.code},
            {},
        )
        spoken.add(lang.id)
    changed |= _prune(service.languages.all(), spoken)

    if changed:
        service.save(update_fields=["modified"])  # a nested change is a change of the service
    return service, created, changed


def _check(item: ServiceIn) -> None:
    """What the shape alone cannot say: ids used twice in one record."""
    seen: set[uuid.UUID] = {item.id}
    ids = [
        *(s.id for s in item.service_at_locations),
        *(c.id for c in item.contacts),
        *(p.id for c in item.contacts for p in c.phones),
        *(s.id for s in item.schedules),
        *(lang.id for lang in item.languages),
    ]
    for pk in ids:
        if pk in seen:
            raise Rejected(f"the id {pk} is used twice")
        seen.add(pk)
    locations = [s.location.id for s in item.service_at_locations]
    if len(set(locations)) != len(locations):
        raise Rejected("a location is listed twice")
    if (
        item.minimum_age is not None
        and item.maximum_age is not None
        and item.minimum_age > item.maximum_age
    ):
        raise Rejected("minimum_age is above maximum_age")


def import_record(record: Any, report: Report, *, approve: bool, source: str) -> None:
    """Import one service record, or add it to the report's rejections (nothing written)."""
    label = str(record.get("id") or "(no id)") if isinstance(record, dict) else "(not an object)"
    try:
        item = ServiceIn.model_validate(record)
        _check(item)
        listing = ListingStatus.APPROVED if approve else ListingStatus.SUGGESTED
        with transaction.atomic():
            service, created, changed = _write(item, listing=listing)
            if changed:
                audit_record(
                    actor=None,
                    action="directory.service_imported",
                    obj=service,
                    summary=f"{'Created' if created else 'Updated'} from {source}",
                )
    except ShapeError as error:
        report.rejected.append((label, _shape_reason(error)))
        return
    except Rejected as error:
        report.rejected.append((label, str(error)))
        return
    key = str(item.id)
    if created:
        report.created.append(key)
    elif changed:
        report.updated.append(key)
    else:
        report.unchanged.append(key)


def import_feed(source: str, *, approve: bool = False) -> Report:
    """Import every service in `source`; raises FeedError when the feed cannot be read (what
    was imported before that stays, each record being whole)."""
    report = Report()
    for records in read_feed(source):
        for record in records:
            import_record(record, report, approve=approve, source=source)
    return report
