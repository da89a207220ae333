"""Directory records as Open Referral UK 3.0 JSON (the API's answers).

Field names are the standard's. Where our records hold more than the UK profile has a field
for, the extra goes under HSDS 3.0's own name (`eligibility_description`,
`application_process`; a language's `name` and `code`; a contact's `phones`) or, for "who it is
for", `who_for`: the profile's schemas allow extra properties, and `import_oruk` reads them back.
Empty optional values are left out rather than sent as "" or null, which the schemas reject.
Sub-records the UK profile wants an id for but we keep as fields (a location's address and
accessibility, a free service's cost option) get a stable UUID derived from their owner's.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from grassroots.directory.models import (
    Contact,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
)

ORUK_VERSION = "3.0"
ORUK_PROFILE = "https://openreferraluk.org/specifications/3.0"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def derived_id(owner: uuid.UUID, part: str) -> str:
    """A stable id for a sub-record kept as fields of `owner` (its address, say)."""
    return str(uuid.uuid5(owner, part))


def stamp(moment: datetime.datetime) -> str:
    """RFC 3339 in UTC, to the millisecond, as the standard's examples write it."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _some(**values: Any) -> dict[str, Any]:
    """`values` without the empty ones ("" and None)."""
    return {k: v for k, v in values.items() if v not in ("", None)}


def organization(org: Organization) -> dict[str, Any]:
    return {
        "id": str(org.id),
        "name": org.name,
        "description": org.description,
        **_some(email=org.email, website=org.url),
    }


def location(place: Location) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(place.id),
        "location_type": "physical",
        **_some(
            name=place.name,
            description=place.description,
            latitude=place.latitude,
            longitude=place.longitude,
        ),
        "addresses": [],
        "accessibility": [],
    }
    if place.address_1 or place.postcode:
        body["addresses"].append(
            {
                "id": derived_id(place.id, "address"),
                "location_id": str(place.id),
                "address_1": place.address_1,
                **_some(address_2=place.address_2),
                "city": place.city,
                "state_province": place.county,
                "postal_code": place.postcode,
                "country": place.country,
                "address_type": "physical",
            }
        )
    if place.accessibility:
        body["accessibility"].append(
            {
                "id": derived_id(place.id, "accessibility"),
                "location_id": str(place.id),
                "description": place.accessibility,
            }
        )
    return body


def service_at_location(sal: ServiceAtLocation) -> dict[str, Any]:
    return {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location(sal.location),
    }


def schedule(entry: Schedule) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(entry.id), "service_id": str(entry.service_id)}
    if entry.weekday is not None:
        body.update(freq="WEEKLY", interval=1, byday=BYDAY[entry.weekday])
    if entry.opens_at is not None:
        body["opens_at"] = entry.opens_at.strftime("%H:%M:%S")
    if entry.closes_at is not None:
        body["closes_at"] = entry.closes_at.strftime("%H:%M:%S")
    if entry.description:
        body["description"] = entry.description
    return body


def contact(person: Contact) -> dict[str, Any]:
    return {
        "id": str(person.id),
        "service_id": str(person.service_id),
        **_some(name=person.name, title=person.title),
        "phones": [
            {
                "id": str(phone.id),
                "contact_id": str(person.id),
                "number": phone.number,
                **_some(description=phone.description),
            }
            for phone in person.phones.all()
        ],
    }


def language(entry: Language) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "service_id": str(entry.service_id),
        "name": entry.name,
        **_some(code=entry.code),
    }


def service(item: Service, *, with_organization: bool = True) -> dict[str, Any]:
    """A fully nested service (prefetch `SERVICE_PREFETCH` to keep the queries few)."""
    body: dict[str, Any] = {
        "id": str(item.id),
        "organization_id": str(item.organization_id),
        "name": item.name,
        "description": item.description,
        "status": item.status,
        **_some(
            url=item.url,
            email=item.email,
            fees=item.cost,
            minimum_age=item.minimum_age,
            maximum_age=item.maximum_age,
            assured_date=item.last_checked.isoformat() if item.last_checked else None,
            eligibility_description=item.eligibility,
            application_process=item.how_to_access,
            who_for=item.who_for,
        ),
        "last_modified": stamp(item.modified or timezone.now()),
        "schedules": [schedule(s) for s in item.schedules.all()],
        "service_areas": [],
        "service_at_locations": [service_at_location(s) for s in item.service_at_locations.all()],
        "languages": [language(lang) for lang in item.languages.all()],
        "funding": [],
        "cost_options": (
            [
                {
                    "id": derived_id(item.id, "free"),
                    "service_id": str(item.id),
                    "option": "Free",
                    "amount": 0,
                }
            ]
            if item.is_free
            else []
        ),
        "contacts": [contact(c) for c in item.contacts.all()],
        "attributes": [],
    }
    if with_organization:
        body["organization"] = organization(item.organization)
    return body


SERVICE_PREFETCH = (
    "schedules",
    "service_at_locations__location",
    "languages",
    "contacts__phones",
)


def page(
    contents: Iterable[dict[str, Any]], *, total_items: int, page_number: int, per_page: int
) -> dict[str, Any]:
    """ORUK's page wrapper round `contents`."""
    items = list(contents)
    total_pages = max(1, -(-total_items // per_page))
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(items),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not items,
        "contents": items,
    }
