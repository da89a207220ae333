"""Finding initiatives: the filtered list, the map with its list, and the CSV export.

All three read the same GET form, so a filtered list can be mapped or downloaded as it stands.
Nothing here needs JavaScript.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from grassroots.core import pagecache
from grassroots.initiatives import browse
from grassroots.initiatives.models import Initiative, NeedKind, Stage, Theme
from grassroots.initiatives.visibility import is_public
from grassroots.places.geometry import Projection, union_bbox
from grassroots.places.maps import MAP_WIDTH, WardMap, ward_map
from grassroots.places.models import Ward

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200


class WardChoiceField(forms.ModelChoiceField[Ward]):
    def label_from_instance(self, obj: Ward) -> str:
        return f"{obj.name}, {obj.council.name}"

    def to_python(self, value: Any) -> Ward | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            # Whatever was wrong with it (even null characters), say the same plain thing.
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


# Above this many wards with initiatives, the ward filter is reached from a ward's page instead.
WARD_CHOICES_LIMIT = 150


def _checkboxes(
    label: StrOrPromise, choices: Sequence[tuple[str, StrOrPromise]], invalid: StrOrPromise
) -> forms.MultipleChoiceField:
    """An optional filter of ticked boxes, one a choice; `invalid` when a value is not one."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": invalid},
    )


class InitiativeFilterForm(forms.Form):
    """The filters of the list, the map, the export and the API (all optional)."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=gettext_lazy("Words from the title or description"),
        error_messages={
            "max_length": gettext_lazy("Search must be %(limit_value)d characters or fewer"),
            "null_characters_not_allowed": gettext_lazy(
                "Enter a search using letters, numbers and spaces"
            ),
        },
    )
    ward = WardChoiceField(
        label=gettext_lazy("Ward"),
        queryset=Ward.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any ward"),
        error_messages={
            "invalid_choice": gettext_lazy("Select a ward from the list"),
        },
    )
    theme = _checkboxes(
        gettext_lazy("Theme"), Theme.choices, gettext_lazy("Select themes from the list")
    )
    stage = _checkboxes(
        gettext_lazy("Stage"), Stage.choices, gettext_lazy("Select stages from the list")
    )
    need = _checkboxes(
        gettext_lazy("Needs help with"),
        NeedKind.choices,
        gettext_lazy("Select needs from the list"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The query is needed only to check a ward that was asked for: the choices shown come
        # from a kept list (limit_ward_choices), and building the query on every request was
        # a tenth of the signed-in list's time.
        if self.is_bound and self.data.get(self.add_prefix("ward")):
            field = self.fields["ward"]
            assert isinstance(field, WardChoiceField)
            field.queryset = browse.wards_with_initiatives()

    def limit_ward_choices(self) -> None:
        """Offer a manageable list of wards: all of them while there are few, otherwise the
        wards of the chosen ward's council (a national list would be thousands long)."""
        field = self.fields["ward"]
        assert isinstance(field, WardChoiceField)
        chosen = self.cleaned_data.get("ward") if hasattr(self, "cleaned_data") else None
        council_id = chosen.council_id if chosen is not None else None

        def draw() -> list[tuple[int, str, str]]:
            offered = browse.wards_with_initiatives()
            wards = (
                offered.filter(council_id=council_id)
                if council_id is not None
                # Unordered, the query stops at the limit's worth of wards; ordered, it had to
                # find every ward with an initiative first (0.27 s of every list page at
                # national scale).
                else offered.order_by()[: WARD_CHOICES_LIMIT + 1]
            )
            # Plain tuples: building 151 wards and councils only to find there are too many
            # was a good part of the page's time.
            found = wards.values_list("pk", "name", "council__name")
            return sorted(found, key=lambda w: (w[2], w[1]))

        # The choices count public initiatives only, so they are the same for everybody: kept
        # for the page generation (core.pagecache.shared), for each council chosen.
        rows = pagecache.shared("initiatives.ward_choices", (council_id, WARD_CHOICES_LIMIT), draw)
        self.too_many_wards = chosen is None and len(rows) > WARD_CHOICES_LIMIT
        if self.too_many_wards:
            rows = []
        field.widget.choices = [("", field.empty_label or "")] + [
            (pk, f"{name} ({council})") for pk, name, council in rows
        ]

    def filters(self) -> browse.ListFilters:
        """The valid part of what was asked (a field with an error is not applied)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return browse.ListFilters(
            text=data.get("q") or "",
            ward=data.get("ward"),
            themes=tuple(data.get("theme") or ()),
            stages=tuple(data.get("stage") or ()),
            need_kinds=tuple(data.get("need") or ()),
        )


def read_filters(request: HttpRequest) -> tuple[InitiativeFilterForm, browse.ListFilters]:
    form = InitiativeFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


def _filtered_page(
    request: HttpRequest, *, geometry: bool = False
) -> tuple[InitiativeFilterForm, browse.ListFilters, browse.ListPage]:
    """The filter form (with its ward choices limited), the filters and the asked-for page,
    for the list and the map. The page counts up to COUNT_LIMIT and is fetched by ids: fast
    at national scale; `geometry` brings each initiative's wards' shapes for the map."""
    form, filters = read_filters(request)
    form.limit_ward_choices()
    page = browse.initiative_page(
        request.user, filters, request.GET.get("page"), per_page=PAGE_SIZE, geometry=geometry
    )
    return form, filters, page


@require_safe
def initiative_list(request: HttpRequest) -> HttpResponse:
    form, filters, page = _filtered_page(request)
    return render(
        request,
        "initiatives/list.html",
        {"form": form, "filters": filters, "page": page, "initiatives": list(page)},
    )


@dataclass(frozen=True)
class MapPoint:
    initiative: Initiative
    x: float
    y: float


def _points_map(initiatives: list[Initiative]) -> tuple[WardMap | None, list[MapPoint]]:
    """The wards of these initiatives drawn as in places.maps, with each initiative's point."""
    wards = {w.pk: w for i in initiatives for w in i.wards.all()}
    drawn = ward_map(list(wards.values()))
    if drawn is None:
        return None, []
    # The same bounding box ward_map() projected, so points land on the right shapes.
    bbox = union_bbox(
        (w.min_lon, w.min_lat, w.max_lon, w.max_lat)
        for w in wards.values()
        if w.geometry
        and w.min_lon is not None
        and w.min_lat is not None
        and w.max_lon is not None
        and w.max_lat is not None
    )
    assert bbox is not None
    projection = Projection(bbox, width=MAP_WIDTH)
    points = []
    for initiative in initiatives:
        lon, lat = initiative.longitude, initiative.latitude
        if lon is None or lat is None:
            continue
        if not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            continue  # Outside every drawn ward: it is still in the list.
        x, y = projection.point(lon, lat)
        points.append(MapPoint(initiative=initiative, x=x, y=y))
    return drawn, points


@require_safe
def initiative_map(request: HttpRequest) -> HttpResponse:
    form, filters, page = _filtered_page(request, geometry=True)
    initiatives = list(page)
    drawn, points = _points_map(initiatives)
    # The optional Leaflet map's points (GeoJSON). Public initiatives only, even for a member
    # who sees a safeguarded one in the list: this block is data, easy to lift off the page.
    markers = [
        {
            "type": "Feature",
            "properties": {"name": i.title, "url": i.get_absolute_url()},
            "geometry": {"type": "Point", "coordinates": [i.longitude, i.latitude]},
        }
        for i in initiatives
        if is_public(i) and i.latitude is not None and i.longitude is not None
    ]
    return render(
        request,
        "initiatives/map.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "initiatives": initiatives,
            "map": drawn,
            "points": points,
            "markers": {"type": "FeatureCollection", "features": markers} if markers else None,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_HEADER = (
    gettext_lazy("Title"),
    gettext_lazy("Web page"),
    gettext_lazy("Theme"),
    gettext_lazy("Stage"),
    gettext_lazy("Wards"),
    gettext_lazy("Councils"),
    gettext_lazy("Backers"),
    gettext_lazy("Open needs"),
    gettext_lazy("Started"),
)


def export_rows(request: HttpRequest, initiatives: Any) -> Iterator[list[str]]:
    yield [str(h) for h in EXPORT_HEADER]
    for initiative in initiatives:
        wards = list(initiative.wards.all())
        yield [
            _cell(v)
            for v in (
                initiative.title,
                request.build_absolute_uri(initiative.get_absolute_url()),
                initiative.get_theme_display(),
                initiative.get_stage_display(),
                "; ".join(w.name for w in wards),
                "; ".join(sorted({w.council.name for w in wards})),
                initiative.backers_count,
                initiative.open_needs_count,
                f"{timezone.localtime(initiative.created_at):%Y-%m-%d}",
            )
        ]


@require_safe
def initiative_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV: what the reader may see, and no personal data at all."""
    _form, filters = read_filters(request)
    queryset = browse.initiative_list(request.user, filters)
    writer = csv.writer(_Echo())
    # iterator() with a chunk size keeps prefetching wards in batches: bounded memory and queries.
    rows = (writer.writerow(row) for row in export_rows(request, queryset.iterator(500)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
