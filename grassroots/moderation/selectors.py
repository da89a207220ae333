"""Reads for moderation: the queue, held replies, concerns, a reporter's own reports, the export.

The queue reads `Report` only (safeguarding concerns live in another table) and also leaves out
any report whose item has become safeguarded since, so moderators never see safeguarded content
through it. Each read costs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations.models import Post
from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import Visibility
from grassroots.moderation import targets
from grassroots.moderation.models import (
    ConcernStatus,
    Report,
    ReportStatus,
    SafeguardingConcern,
    SafeguardingContact,
)

QUEUE_REPORTS = 500
HELD_LIMIT = 200
SAFEGUARDED = Visibility.SAFEGUARDED

# Reports whose item is (now) safeguarded content: never in the moderators' queue.
_SAFEGUARDED_ITEM = (
    Q(post__conversation__is_safeguarded=True)
    | Q(post__conversation__initiative__visibility=SAFEGUARDED)
    | Q(conversation__is_safeguarded=True)
    | Q(conversation__initiative__visibility=SAFEGUARDED)
    | Q(initiative__visibility=SAFEGUARDED)
    | Q(event__initiative__visibility=SAFEGUARDED)
)
_REPORT_RELATED = (
    "reporter",
    "post__author",
    "post__conversation__initiative",
    "conversation__initiative",
    "conversation__started_by",
    "initiative",
    "event__initiative",
)


@dataclass
class QueueItem:
    kind: str
    item: Any
    reports: list[Report] = field(default_factory=list)

    @property
    def description(self) -> targets.Description:
        return targets.describe(self.item)

    @property
    def first_reported(self) -> datetime.datetime:
        return self.reports[0].created_at

    @property
    def reasons(self) -> list[str]:
        seen: list[str] = []
        for report in self.reports:
            label = report.get_reason_display()
            if label not in seen:
                seen.append(label)
        return seen


def open_reports() -> QuerySet[Report]:
    return (
        Report.objects.filter(status=ReportStatus.OPEN)
        .exclude(_SAFEGUARDED_ITEM)
        .select_related(*_REPORT_RELATED)
        .order_by("created_at", "id")
    )


def queue(limit: int = QUEUE_REPORTS) -> list[QueueItem]:
    """Reported items, the longest-waiting first, each with every open report about it."""
    grouped: dict[tuple[str, int], QueueItem] = {}
    for report in open_reports()[:limit]:
        key = report.target_key
        if key not in grouped:
            grouped[key] = QueueItem(kind=key[0], item=report.target)
        grouped[key].reports.append(report)
    return list(grouped.values())


def reports_about(item: Any) -> QuerySet[Report]:
    field_name = targets.FIELD_FOR_KIND[targets.kind_of(item)]
    return (
        Report.objects.filter(**{field_name: item})
        .select_related("reporter", "decided_by")
        .order_by("created_at", "id")
    )


def _held() -> QuerySet[Post]:
    return Post.objects.filter(
        held_for_review=True, hidden_at__isnull=True, removed_by_author_at__isnull=True
    ).exclude(
        Q(conversation__is_safeguarded=True) | Q(conversation__initiative__visibility=SAFEGUARDED)
    )


def held_posts(limit: int = HELD_LIMIT) -> QuerySet[Post]:
    """Replies waiting for a moderator, oldest first (never from safeguarded conversations)."""
    return (
        _held()
        .select_related("author", "conversation__initiative")
        .order_by("created_at", "id")[:limit]
    )


def held_post(pk: int) -> Post | None:
    found = (
        Post.objects.select_related("author", "conversation__initiative")
        .filter(pk=pk, held_for_review=True, hidden_at__isnull=True)
        .first()
    )
    if found is None or targets.is_safeguarded(found):
        return None
    return found


def concerns_for(user: Viewer) -> QuerySet[SafeguardingConcern]:
    """The concerns `user` may see: all for site admins, their councils' for contacts."""
    qs = SafeguardingConcern.objects.select_related("council", "reporter").order_by(
        "created_at", "id"
    )
    if is_site_admin(user):
        return qs
    if not isinstance(user, User):  # only signed-in people reach here (login_required)
        return qs.none()
    councils = SafeguardingContact.objects.filter(user=user).values("council_id")
    return qs.filter(council_id__in=councils)


def open_concerns_for(user: Viewer) -> QuerySet[SafeguardingConcern]:
    return concerns_for(user).exclude(status=ConcernStatus.CLOSED)


def concern_by_id(pk: int) -> SafeguardingConcern | None:
    # The item itself comes in the same query: the page says whether it is hidden.
    return (
        SafeguardingConcern.objects.select_related(
            "council",
            "reporter",
            "acknowledged_by",
            "closed_by",
            "post",
            "conversation",
            "initiative",
            "event",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Waiting:
    """What waits for someone in the header: None where they do not have that work."""

    queue: int | None = None
    concerns: int | None = None


def _count(queryset: QuerySet[Any], counted: Combinable) -> Subquery:
    # A constant "group" leaves no GROUP BY: one row holding the count, even for no rows.
    rows = (
        queryset.order_by()
        .annotate(_all=Value(1, output_field=IntegerField()))
        .values("_all")
        .annotate(n=counted)
        .values("n")
    )
    return Subquery(rows, output_field=IntegerField())


def waiting_counts(user: Actor, *, queue: bool, concerns: bool) -> Waiting:
    """How many items wait in the moderators' queue (reported items plus held replies) and how
    many of `user`'s concerns are open, in one query; none when neither is asked for."""
    if not (queue or concerns):
        return Waiting()
    counts: dict[str, Subquery] = {}
    if queue:
        reported = Report.objects.filter(status=ReportStatus.OPEN).exclude(_SAFEGUARDED_ITEM)
        items = (
            Count("post", distinct=True)
            + Count("conversation", distinct=True)
            + Count("initiative", distinct=True)
            + Count("event", distinct=True)
        )
        counts["_reported"] = _count(reported, items)
        counts["_held"] = _count(_held(), Count("pk"))
    if concerns:
        counts["_concerns"] = _count(open_concerns_for(user), Count("pk"))
    row = User.objects.filter(pk=user.pk).annotate(**counts).values(*counts).first() or {}
    return Waiting(
        queue=(row.get("_reported") or 0) + (row.get("_held") or 0) if queue else None,
        concerns=(row.get("_concerns") or 0) if concerns else None,
    )


def my_reports(user: Viewer) -> list[Report | SafeguardingConcern]:
    """What `user` has reported, newest first (reports and concerns together, 100 at most)."""
    if not isinstance(user, User):  # only signed-in people reach here (login_required)
        return []
    reports = list(
        Report.objects.filter(reporter=user)
        .select_related(*_REPORT_RELATED)
        .order_by("-created_at")[:100]
    )
    concerns = list(SafeguardingConcern.objects.filter(reporter=user).order_by("-created_at")[:100])
    both: list[Report | SafeguardingConcern] = [*reports, *concerns]
    both.sort(key=lambda r: r.created_at, reverse=True)
    return both[:100]


def audit_entries(start: datetime.date, end: datetime.date) -> Iterator[AuditEntry]:
    """Moderation entries from the start of `start` to the end of `end` (Europe/London)."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return (
        AuditEntry.objects.filter(
            action__startswith="moderation.", created_at__gte=since, created_at__lt=until
        )
        .select_related("actor")
        .order_by("created_at", "id")
        .iterator(chunk_size=2000)
    )
