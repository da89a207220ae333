"""The read-only JSON API for initiatives (django-ninja; schema at /api/openapi.json).

It answers with what the asker may see: public initiatives for everybody, plus safeguarded ones
to their insiders when signed in (session). A safeguarded initiative an outsider may not see is
a 404 exactly like a missing one. Filters are the list page's own form, so both mean the same.
"""

# No `from __future__ import annotations`: django-ninja reads the real annotations at import.

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError

from grassroots.initiatives import browse
from grassroots.initiatives.models import Initiative, NeedStatus
from grassroots.initiatives.views_browse import InitiativeFilterForm

PAGE_SIZE = 50

api = NinjaAPI(
    title="Grassroots API",
    version="1",
    description="Read-only access to public information about community initiatives.",
    urls_namespace="api",
    docs_url=None,  # Swagger UI loads scripts from a CDN, which the CSP rightly forbids.
)


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ErrorItem]


class MessageOut(Schema):
    detail: str


class WardOut(Schema):
    gss_code: str
    name: str
    council: str
    url: str


class InitiativeOut(Schema):
    slug: str
    title: str
    url: str
    theme: str
    theme_label: str
    stage: str
    stage_label: str
    wards: list[WardOut]
    backers_count: int
    open_needs_count: int
    latitude: float | None
    longitude: float | None
    created_at: datetime.datetime


class NeedOut(Schema):
    kind: str
    kind_label: str
    description: str
    volunteers_wanted: int | None
    when: str
    amount_pence: int | None


class InitiativeDetailOut(InitiativeOut):
    problem: str
    change_wanted: str
    who_for: str
    area_description: str
    stage_changed_at: datetime.datetime
    open_needs: list[NeedOut]


class PageOut(Schema):
    count: int | None = Field(
        description="How many initiatives match, or null when more than count_limit do."
    )
    count_limit: int = Field(description="Matches are counted up to this many.")
    page: int
    pages: int | None = Field(description="How many pages there are, or null when not counted.")
    has_next: bool = Field(description="Whether there is a page after this one.")
    results: list[InitiativeOut]


class ListQuery(Schema):
    q: str = ""
    ward: int | None = None
    theme: list[str] = []
    stage: list[str] = []
    need: list[str] = []
    page: int = 1


def _initiative(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    return {
        "slug": initiative.slug,
        "title": initiative.title,
        "url": request.build_absolute_uri(initiative.get_absolute_url()),
        "theme": initiative.theme,
        "theme_label": str(initiative.get_theme_display()),
        "stage": initiative.stage,
        "stage_label": str(initiative.get_stage_display()),
        "wards": [
            {
                "gss_code": w.gss_code,
                "name": w.name,
                "council": w.council.name,
                "url": request.build_absolute_uri(w.get_absolute_url()),
            }
            for w in initiative.wards.all()
        ],
        "backers_count": initiative.backers_count,  # type: ignore[attr-defined]
        "open_needs_count": initiative.open_needs_count,  # type: ignore[attr-defined]
        "latitude": initiative.latitude,
        "longitude": initiative.longitude,
        "created_at": initiative.created_at,
    }


@api.get(
    "/initiatives",
    response={200: PageOut, 404: MessageOut, 422: ValidationErrorOut},
    summary="List initiatives",
    url_name="initiative_list",
)
def list_initiatives(request: HttpRequest, filters: Query[ListQuery]) -> Any:
    """Initiatives you may see, 50 a page, newest first; with `q`, best match first while
    at most 1,000 match. Past 1,000 matches `count` and `pages` are null: follow `has_next`."""
    data = QueryDict(mutable=True)
    for key in ("q", "ward", "theme", "stage", "need"):
        data.setlist(key, request.GET.getlist(key))
    form = InitiativeFilterForm(data)
    if not form.is_valid():
        errors = [
            {"loc": ["query", field], "msg": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
        return Status(422, {"detail": errors})
    if filters.page < 1:
        return Status(
            422, {"detail": [{"loc": ["query", "page"], "msg": "Page must be 1 or more"}]}
        )
    # The list page's own paging: a count that stops at COUNT_LIMIT, the page fetched by ids.
    page = browse.initiative_page(request.user, form.filters(), filters.page, per_page=PAGE_SIZE)
    if page.number != filters.page:
        # initiative_page gives the last page for one past the end; the API says so instead.
        return Status(404, {"detail": "There is no page with that number"})
    paginator = page.paginator
    return Status(
        200,
        {
            "count": None if paginator.capped else paginator.count,
            "count_limit": paginator.limit,
            "page": page.number,
            "pages": None if paginator.capped else paginator.num_pages,
            "has_next": page.has_next(),
            "results": [_initiative(request, i) for i in page],
        },
    )


@api.get(
    "/initiatives/{slug}",
    response={200: InitiativeDetailOut, 404: MessageOut},
    summary="One initiative",
    url_name="initiative_detail",
)
def get_initiative(request: HttpRequest, slug: str) -> Any:
    """One initiative; 404 if there is none you may see with that slug."""
    initiative = (
        browse.initiative_list(request.user).filter(slug=slug).prefetch_related("needs")
    ).first()
    if initiative is None:
        # The same answer for "missing" and "safeguarded and you are outside it".
        return Status(404, {"detail": "Not found"})
    body = _initiative(request, initiative)
    body.update(
        problem=initiative.problem,
        change_wanted=initiative.change_wanted,
        who_for=initiative.who_for,
        area_description=initiative.area_description,
        stage_changed_at=initiative.stage_changed_at,
        open_needs=[
            {
                "kind": n.kind,
                "kind_label": str(n.get_kind_display()),
                "description": n.description,
                "volunteers_wanted": n.volunteers_wanted,
                "when": n.when,
                "amount_pence": n.amount_pence,
            }
            for n in initiative.needs.all()
            if n.status == NeedStatus.OPEN
        ],
    )
    return Status(200, body)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
