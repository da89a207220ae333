"""Reads for the readers' side of the guide: published courses and pages, a reader's progress
and reflections, and a councillor's self-assessments and record on the site.

Everything a reader keeps is read only for that reader: each function takes the reader and
filters by them, so no caller can ask for someone else's. Every function costs a fixed number
of queries whatever the data size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.types import Viewer
from grassroots.events.models import Event
from grassroots.learning.models import (
    Completion,
    Course,
    GuidePage,
    PageKind,
    Reflection,
    SelfAssessment,
)
from grassroots.places.selectors import councillor_id_for
from grassroots.support.models import AdvocacyCase, HelpRequest, Support, SupportStatus

RECORD_DAYS = 365
MAX_ASSESSMENTS_SHOWN = 20
MAX_COURSES = 50
MAX_PAGES = 100


def _live_pages() -> QuerySet[GuidePage]:
    return GuidePage.objects.filter(live__isnull=False).select_related("live").order_by("order")


def published_courses() -> list[Course]:
    """Courses with at least one published page, each with its published pages
    (`course.live_pages`), the councillors' learning path first."""
    courses = (
        Course.objects.filter(pages__live__isnull=False)
        .distinct()
        .order_by("kind", "title")
        .prefetch_related(Prefetch("pages", queryset=_live_pages(), to_attr="live_pages"))
    )[:MAX_COURSES]
    result: list[Course] = list(courses)
    result.sort(key=lambda c: (c.kind != PageKind.MODULE, c.title))
    return result


def course_for_reader(slug: str) -> Course | None:
    """The course at `slug` with its published pages (`course.live_pages`), if it has any."""
    course = (
        Course.objects.filter(slug=slug)
        .prefetch_related(Prefetch("pages", queryset=_live_pages(), to_attr="live_pages"))
        .first()
    )
    if course is None or not course.live_pages:
        return None
    return course


def page_for_reader(course: Course, slug: str) -> GuidePage | None:
    """The published page `slug` of `course` (its live version at `page.live`)."""
    return _live_pages().filter(course=course, slug=slug).first()


def done_page_ids(viewer: Viewer, pages: Iterable[GuidePage]) -> set[int]:
    """Which of `pages` the viewer has marked as done (none for someone signed out)."""
    ids = [page.pk for page in pages]
    if not viewer.is_authenticated or not ids:
        return set()
    return set(
        Completion.objects.filter(user_id=viewer.pk, page_id__in=ids).values_list(
            "page_id", flat=True
        )
    )


def reflection_of(viewer: Viewer, page: GuidePage) -> Reflection | None:
    """The viewer's own reflection on `page`, if they wrote one."""
    if not viewer.is_authenticated:
        return None
    return Reflection.objects.filter(user_id=viewer.pk, page=page).first()


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done >= self.total


def progress_of(viewer: Viewer, courses: Iterable[Course]) -> dict[int, Progress]:
    """For each course (with `live_pages`), how many of its published pages the viewer has done."""
    courses = list(courses)
    pages = {c.pk: list(getattr(c, "live_pages", [])) for c in courses}
    done = done_page_ids(viewer, [page for listed in pages.values() for page in listed])
    return {
        pk: Progress(done=len([p for p in listed if p.pk in done]), total=len(listed))
        for pk, listed in pages.items()
    }


def assessments_of(viewer: Viewer) -> list[SelfAssessment]:
    """The viewer's own self-assessments, newest first (the latest `MAX_ASSESSMENTS_SHOWN`)."""
    if not viewer.is_authenticated:
        return []
    return list(SelfAssessment.objects.filter(user_id=viewer.pk)[:MAX_ASSESSMENTS_SHOWN])


def assessment_for(viewer: Viewer, pk: int) -> SelfAssessment | None:
    """Self-assessment `pk` if it is the viewer's own; None for anyone else's (a 404)."""
    if not viewer.is_authenticated:
        return None
    return SelfAssessment.objects.filter(pk=pk, user_id=viewer.pk).first()


def assessment_before(assessment: SelfAssessment) -> SelfAssessment | None:
    """The same councillor's assessment just before this one, to show what changed."""
    return (
        SelfAssessment.objects.filter(user_id=assessment.user_id)
        .filter(
            Q(created_at__lt=assessment.created_at)
            | Q(created_at=assessment.created_at, pk__lt=assessment.pk)
        )
        .first()
    )


# What the record counts, in the order pages show it.
RECORD_KEYS = (
    "facilitate",
    "connect",
    "advocate",
    "help_requests_answered",
    "community_venue_events",
    "advocacy_cases",
)


def record_of(viewer: Viewer, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """What the site holds of the viewer's own work as a councillor in the last 12 months: the
    support they offered by kind (not counting offers they withdrew), the help requests they
    took, the surgeries and ward events they held at a community venue, and the advocacy cases
    they raised. Counts only; all zero for someone who is not a councillor. Four queries."""
    record = dict.fromkeys(RECORD_KEYS, 0)
    councillor_id = councillor_id_for(viewer)
    if councillor_id is None:
        return record
    now = now or timezone.now()
    since = now - datetime.timedelta(days=RECORD_DAYS)
    offered = (
        Support.objects.filter(councillor_id=councillor_id, offered_at__gte=since)
        .exclude(status=SupportStatus.WITHDRAWN)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in offered:
        if row["kind"] in record:
            record[row["kind"]] = row["n"]
    record["help_requests_answered"] = HelpRequest.objects.filter(
        taken_by_id=councillor_id, taken_at__gte=since
    ).count()
    record["community_venue_events"] = (
        Event.objects.filter(
            Q(councillor_id=councillor_id) | Q(ward__isnull=False, created_by_id=viewer.pk),
            venue__isnull=False,
            cancelled_at__isnull=True,
            starts_at__gte=since,
            starts_at__lte=now,
        )
        .order_by()
        .count()
    )
    record["advocacy_cases"] = AdvocacyCase.objects.filter(
        support__councillor_id=councillor_id, raised_at__gte=since
    ).count()
    return record


def neighbours(course: Course, page: GuidePage) -> tuple[GuidePage | None, GuidePage | None]:
    """The published pages before and after `page` in `course` (from `course.live_pages`)."""
    pages: list[GuidePage] = list(course.live_pages)  # type: ignore[attr-defined]
    at = next((i for i, p in enumerate(pages) if p.pk == page.pk), None)
    if at is None:
        return None, None
    return (pages[at - 1] if at > 0 else None, pages[at + 1] if at + 1 < len(pages) else None)


def courses_for_editors() -> list[Course]:
    """Every course with every page (published or not) and its live version, for editors."""
    pages = GuidePage.objects.select_related("live").order_by("order")
    return list(
        Course.objects.order_by("kind", "title").prefetch_related(
            Prefetch("pages", queryset=pages, to_attr="all_pages")
        )[:MAX_COURSES]
    )
