"""Reads about places: postcode and point look-ups, and the querysets behind each page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from grassroots.core.request_cache import cached, remember
from grassroots.core.types import Someone
from grassroots.places import geometry
from grassroots.places.models import Council, Councillor, CouncillorTerm, Postcode, Ward
from grassroots.places.postcodes import normalise_postcode


class LookupProblem(Enum):
    NOT_A_POSTCODE = "not_a_postcode"
    UNKNOWN = "unknown"
    TERMINATED = "terminated"
    NOT_COVERED = "not_covered"


@dataclass(frozen=True)
class LookupResult:
    postcode: str | None
    ward: Ward | None
    problem: LookupProblem | None = None
    terminated_on: str | None = None


def ward_for_point(*, lon: float, lat: float) -> Ward | None:
    """The current ward whose boundary contains the point, found with shapely."""
    candidates = (
        Ward.objects.current()
        .filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
        .select_related("council")
    )
    for ward in candidates:
        if ward.geometry and geometry.contains(ward.geometry, lon, lat):
            return ward
    return None


def ward_for_postcode(text: str) -> LookupResult:
    """Find the ward for what somebody typed in the postcode box, or say what is wrong."""
    postcode = normalise_postcode(text)
    if postcode is None:
        return LookupResult(None, None, LookupProblem.NOT_A_POSTCODE)
    row = Postcode.objects.filter(postcode=postcode).first()
    if row is None:
        return LookupResult(postcode, None, LookupProblem.UNKNOWN)
    if row.terminated_on is not None:
        return LookupResult(
            postcode, None, LookupProblem.TERMINATED, terminated_on=f"{row.terminated_on:%B %Y}"
        )
    ward = (
        Ward.objects.current().select_related("council").filter(gss_code=row.ward_code).first()
        if row.ward_code
        else None
    )
    if ward is None and row.latitude is not None and row.longitude is not None:
        # The directory names a ward we have not imported (or that has since been redrawn):
        # fall back to the boundaries we do hold.
        ward = ward_for_point(lon=row.longitude, lat=row.latitude)
    if ward is None:
        return LookupResult(postcode, None, LookupProblem.NOT_COVERED)
    return LookupResult(postcode, ward)


@dataclass(frozen=True)
class Location:
    """Where something is, from what somebody typed in a "postcode or place" box and an
    optional point (see `locate`)."""

    text: str  # what to show: the postcode, tidied, or the place name as typed
    ward: Ward | None  # from the postcode, else from the point (when asked for)
    latitude: float | None  # the point given, else the postcode's
    longitude: float | None
    # A postcode we do not know (or no longer in use): the place cannot be trusted.
    unknown_postcode: str | None = None


def locate(
    place: str,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    ward_from_point: bool = True,
) -> Location:
    """Resolve a "postcode or place" and an optional point to a ward and a point.

    A postcode gives its ward and, when no point is given, its own point. Anything else is a
    place name, shown as typed. With no ward from a postcode, the point's ward is looked up
    if `ward_from_point` (a caller that already has its wards passes False and saves the
    boundary search)."""
    postcode = normalise_postcode(place) if place else None
    found: Ward | None = None
    if postcode is not None:
        result = ward_for_postcode(place)
        if result.problem in (LookupProblem.UNKNOWN, LookupProblem.TERMINATED):
            return Location(
                text=postcode,
                ward=None,
                latitude=latitude,
                longitude=longitude,
                unknown_postcode=result.postcode,
            )
        found = result.ward
        text = postcode
        if latitude is None:
            point = Postcode.objects.filter(postcode=postcode).values("latitude", "longitude")
            row = point.first()
            if row and row["latitude"] is not None and row["longitude"] is not None:
                latitude, longitude = row["latitude"], row["longitude"]
    else:
        text = place.strip()
    if found is None and ward_from_point and latitude is not None and longitude is not None:
        found = ward_for_point(lon=longitude, lat=latitude)
    return Location(text=text, ward=found, latitude=latitude, longitude=longitude)


EXAMPLE_POSTCODE_CACHE_KEY = "places:example_postcode"
EXAMPLE_POSTCODE_SECONDS = 600


def example_postcode() -> str | None:
    """A postcode in use in a ward we hold, to show as an example; None when there is none.

    An example the site then refuses is worse than none, so it comes from the data (the
    alphabetically first live postcode of a current ward), cached for a few minutes since the
    home page shows it to everyone.
    """
    cached = cache.get(EXAMPLE_POSTCODE_CACHE_KEY)
    if cached is not None:
        return cached or None
    value = (
        Postcode.objects.filter(
            terminated_on__isnull=True,
            ward_code__in=Ward.objects.current().exclude(gss_code="").values("gss_code"),
        )
        .order_by("postcode")
        .values_list("postcode", flat=True)
        .first()
    )
    cache.set(EXAMPLE_POSTCODE_CACHE_KEY, value or "", EXAMPLE_POSTCODE_SECONDS)
    return value


def _councillor_ids(user_id: Any) -> QuerySet[Councillor, int]:
    return (
        Councillor.objects.filter(user_id=user_id)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )


def councillor_id_for(user: Someone) -> int | None:
    """The Councillor linked to a signed-in `user`, if any; remembered for the request."""
    user_id = user.pk
    if not user.is_authenticated or user_id is None:
        return None
    return cached(("places.councillor_id", user_id), lambda: _councillor_ids(user_id).first())


def councillor_id_subquery(user_ref: OuterRef) -> Subquery:
    """`councillor_id_for()` as a subquery, for a query about the user at `user_ref` that is
    asked anyway (the roles asked on every signed-in request); `know_councillor_id()` then
    saves the look-up."""
    return Subquery(_councillor_ids(user_ref)[:1])


def know_councillor_id(user_id: int, councillor_id: int | None) -> None:
    """What `councillor_id_subquery()` answered for `user_id`, remembered for the request."""
    remember(("places.councillor_id", user_id), councillor_id)


def councils_list() -> QuerySet[Council]:
    return Council.objects.annotate(
        ward_count=Count("wards", filter=Q(wards__retired_at__isnull=True))
    ).order_by("name")


def council_wards(council: Council) -> QuerySet[Ward]:
    return council.wards.current().order_by("name")


def current_terms() -> QuerySet[CouncillorTerm]:
    return CouncillorTerm.objects.current()


def ward_detail(*, council_slug: str, slug: str) -> Ward | None:
    """A current ward with its council; retired wards are history, not pages."""
    return (
        Ward.objects.current()
        .select_related("council")
        .filter(council__slug=council_slug, slug=slug)
        .first()
    )


def uses_site(councillor: Councillor) -> bool:
    """Whether residents can reach this councillor here: linked to an active account.
    (Needs `councillor.user` loaded with select_related to cost nothing.)"""
    return councillor.user_id is not None and bool(councillor.user and councillor.user.is_active)


def ward_current_terms(ward: Ward, *, defer: Sequence[str] = ()) -> list[CouncillorTerm]:
    """The terms of the ward's sitting councillors today, one per councillor, by name; each
    councillor's `uses_site` says whether they have an account here. `defer`: fields of the
    councillors' accounts not to read (for rows kept for everybody)."""
    terms = (
        CouncillorTerm.objects.current(timezone.localdate())
        .filter(ward=ward)
        .select_related("councillor__user")
        .defer(*defer)
        .order_by("councillor__name", "-starts_on")
    )
    seen: set[int] = set()
    unique = []
    for term in terms:
        if term.councillor_id not in seen:
            seen.add(term.councillor_id)
            term.councillor.uses_site = uses_site(term.councillor)  # type: ignore[attr-defined]
            unique.append(term)
    return unique


def councillor_detail(*, slug: str) -> Councillor | None:
    return Councillor.objects.filter(slug=slug).first()


def councillor_terms(councillor: Councillor) -> list[CouncillorTerm]:
    """Every term the councillor has held or holds, newest first, with ward and council."""
    return list(
        CouncillorTerm.objects.filter(councillor=councillor)
        .select_related("ward__council")
        .order_by("-starts_on", "ward__name")
    )
