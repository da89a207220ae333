"""Reads for councillor support, shaped so each page costs a bounded number of queries."""

from __future__ import annotations

import contextlib
import datetime
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from grassroots.accounts.models import Department, OfficerPost, User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Actor, Viewer
from grassroots.core import compiled, pagecache
from grassroots.initiatives.models import Initiative, InitiativeWard, Need, NeedStatus, Stage
from grassroots.initiatives.visibility import is_public, public_q, visible_initiatives
from grassroots.places.models import Councillor, CouncillorTerm, Ward
from grassroots.places.selectors import councillor_id_for, uses_site
from grassroots.support.models import (
    OPEN_CASE_STATUSES,
    AdvocacyCase,
    CaseMessage,
    CaseStatus,
    CaseTransfer,
    Decision,
    Helped,
    HelpRequest,
    HelpRequestStatus,
    Invitation,
    Support,
    SupportKind,
    SupportStatus,
    overdue_condition,
)
from grassroots.support.rules import know_officer_of
from grassroots.support.workdays import working_days_between


@dataclass
class WaitingRequest:
    request: HelpRequest
    working_days: int
    overdue: bool
    asked_on: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def label(self) -> str:
        """How long it has waited, in plain words: "Asked today", "Waiting 1 working day"."""
        if self.working_days:
            return ngettext(
                "Waiting %(n)s working day", "Waiting %(n)s working days", self.working_days
            ) % {"n": self.working_days}
        if self.asked_on is None or self.asked_on == self.today:
            return gettext("Asked today")
        if self.today is not None and self.asked_on == self.today - datetime.timedelta(days=1):
            return gettext("Asked yesterday")
        # Asked at the weekend or on a bank holiday: no working day has passed yet.
        return gettext("Asked on %(day)s") % {"day": date_format(self.asked_on, "l j F")}


def waiting_info(request: HelpRequest, today: datetime.date | None = None) -> WaitingRequest:
    today = today or timezone.localdate()
    asked_on = timezone.localdate(request.created_at)
    days = working_days_between(asked_on, today)
    overdue = request.overdue_since is not None or days >= settings.HELP_REQUEST_WORKING_DAYS
    return WaitingRequest(
        request=request, working_days=days, overdue=overdue, asked_on=asked_on, today=today
    )


def _visible_ids(user: Viewer | None) -> QuerySet[Initiative, Any]:
    return visible_initiatives(user, Initiative.objects.all()).values("pk")


# --- The initiative's support section ---------------------------------------------------------


@dataclass
class InitiativeSupport:
    supports: list[Support]
    waiting: list[WaitingRequest]
    taken: list[HelpRequest]
    cases: list[AdvocacyCase]


def initiative_support(initiative: Initiative) -> InitiativeSupport:
    """Support, help requests and case summaries for one (already visible) initiative."""
    return _on_page_of(_initiative_support_rows(initiative), initiative)


def _initiative_support_rows(initiative: Initiative) -> InitiativeSupport:
    supports = list(
        Support.objects.filter(initiative=initiative)
        .exclude(status=SupportStatus.WITHDRAWN)
        .select_related("councillor", "help_request", "case__department")
        .order_by("-offered_at", "-pk")
    )
    requests = list(
        HelpRequest.objects.filter(initiative=initiative)
        .exclude(status=HelpRequestStatus.WITHDRAWN)
        .select_related("taken_by")
        .order_by("created_at", "pk")
    )
    today = timezone.localdate()
    cases = []
    for support in supports:
        with contextlib.suppress(AdvocacyCase.DoesNotExist):
            cases.append(support.case)
    return InitiativeSupport(
        supports=supports,
        waiting=[waiting_info(r, today) for r in requests if r.status == HelpRequestStatus.WAITING],
        taken=[r for r in requests if r.status == HelpRequestStatus.TAKEN],
        cases=cases,
    )


def _on_page_of(data: InitiativeSupport, initiative: Initiative) -> InitiativeSupport:
    """Point every row at the page's own initiative row: no query per row."""
    for support in data.supports:
        support.initiative = initiative
    for request in [w.request for w in data.waiting] + data.taken:
        request.initiative = initiative
    return data


def shared_initiative_support(initiative: Initiative) -> InitiativeSupport:
    """`initiative_support()`, shared (`pagecache.shared`) by everyone who may see the
    initiative: its rows depend on the initiative and today's date alone (how long a request
    has waited), never on who is looking. What a viewer may do with each row is asked of the
    rules by the caller, for each request."""

    parts = (initiative.pk, timezone.localdate().isoformat())
    data = pagecache.shared(
        "support.initiative",
        parts,
        lambda: _initiative_support_rows(initiative),
        keep=lambda _: is_public(initiative),
    )
    return _on_page_of(data, initiative)


@dataclass
class HelpRecipients:
    """The initiative's ward councillors: those a help request reaches here, and the others."""

    on_site: list[Councillor]
    elsewhere: list[Councillor]


def help_recipients(initiative: Initiative) -> HelpRecipients:
    """Who a help request goes to: the councillors of the initiative's wards today who have an
    account here (the others are listed with their public contact details). One query."""
    councillors = list(
        Councillor.objects.filter(
            pk__in=CouncillorTerm.objects.current(timezone.localdate())
            .filter(ward__initiativeward__initiative=initiative)
            .values("councillor_id")
        )
        .select_related("user")
        .order_by("name", "pk")
    )
    on_site = [c for c in councillors if uses_site(c)]
    return HelpRecipients(on_site=on_site, elsewhere=[c for c in councillors if c not in on_site])


def initiative_by_slug(user: Viewer, slug: str) -> Initiative | None:
    """The initiative, only if `user` may see it (otherwise None, exactly like a missing one)."""
    return visible_initiatives(user, Initiative.objects.filter(slug=slug)).first()


def support_for(user: Viewer, pk: int) -> Support | None:
    visible = _visible_ids(user)
    return (
        Support.objects.filter(pk=pk, initiative__in=visible)
        .select_related("initiative", "councillor")
        .first()
    )


def help_request_for(user: Viewer, pk: int) -> HelpRequest | None:
    visible = _visible_ids(user)
    return (
        HelpRequest.objects.filter(pk=pk, initiative__in=visible)
        .select_related("initiative", "taken_by")
        .first()
    )


def councillor_invitation_for(user: Viewer, pk: int) -> Invitation | None:
    """An invitation to a councillor, on an initiative `user` may see (None answers 404)."""
    return (
        Invitation.objects.filter(pk=pk, initiative__in=_visible_ids(user))
        .select_related("initiative", "councillor")
        .first()
    )


def councillor_invitations(initiative: Initiative) -> list[Invitation]:
    """The councillors the leads have invited to support `initiative`, by name."""
    return list(
        Invitation.objects.filter(initiative=initiative)
        .select_related("councillor")
        .order_by("councillor__name", "pk")
    )


def _case_query(pk: int, viewer_id: int | None = None) -> QuerySet[AdvocacyCase]:
    cases = (
        AdvocacyCase.objects.filter(pk=pk)
        # Not the department's council: the page names the department only, and each table
        # joined here doubled what PostgreSQL spent planning the query.
        .select_related("support__initiative", "support__councillor", "department")
        .annotate(_passed_on=Exists(CaseTransfer.objects.filter(case=OuterRef("pk"))))
        .order_by()
    )
    if viewer_id is not None:
        posts = OfficerPost.objects.current(timezone.localdate()).filter(
            user_id=viewer_id, department=OuterRef("department")
        )
        cases = cases.annotate(_viewer_officer=Exists(posts))
    return cases


def case_by_id(pk: int, viewer: Viewer | None = None) -> AdvocacyCase | None:
    """A case with what its page shows; the caller checks support.view_case (404 otherwise).

    The same query says whether the case was ever passed on (`case_transfers` then needs no
    query when it was not) and, given a signed-in `viewer`, whether they hold a post in its
    department today (which the officers' permissions ask). It is asked on every visit to a
    case and its forms, so it is compiled once a day (core/compiled.py)."""
    if isinstance(viewer, User):
        shape = ("officer", timezone.localdate())
        found = compiled.objects("support.case", shape, AdvocacyCase, _case_query, pk, viewer.pk)
    else:
        found = compiled.objects("support.case", (), AdvocacyCase, _case_query, pk)
    case = found[0] if found else None
    if case is not None and isinstance(viewer, User):
        know_officer_of(viewer, case.department_id, case._viewer_officer)  # type: ignore[attr-defined]
    return case


def _thread_query(case_id: int, department_id: int | None = None) -> QuerySet[CaseMessage]:
    messages = CaseMessage.objects.filter(case_id=case_id).select_related("author")
    if department_id is not None:
        messages = messages.filter(Q(internal=False) | Q(department_id=department_id))
    else:
        messages = messages.filter(internal=False)
    return messages.order_by("created_at", "pk")


def case_thread(case: AdvocacyCase, *, with_internal: bool) -> list[CaseMessage]:
    """The messages; with_internal adds the internal notes of the department the case is with
    now (never another department's, from before the case was passed on)."""
    if with_internal:
        values = (case.pk, case.department_id)
        return compiled.objects("support.thread", "internal", CaseMessage, _thread_query, *values)
    return compiled.objects("support.thread", "public", CaseMessage, _thread_query, case.pk)


def case_transfers(case: AdvocacyCase) -> list[CaseTransfer]:
    """The case's moves between departments, oldest first (its history; one query, none for a
    case that `case_by_id` found was never passed on)."""
    if getattr(case, "_passed_on", True) is False:
        return []
    return list(
        CaseTransfer.objects.filter(case=case)
        .select_related("from_department", "to_department", "by")
        .order_by("created_at", "pk")
    )


def transfer_departments(case: AdvocacyCase) -> QuerySet[Department]:
    """Where the case can be passed: the other departments of its department's council."""
    return (
        Department.objects.filter(council_id=case.department.council_id)
        .exclude(pk=case.department_id)
        .order_by("name")
    )


def departments_for(support: Support) -> QuerySet[Department]:
    """Departments of the councils whose wards the initiative is in (all, if none match)."""
    councils = support.initiative.wards.values("council_id")
    qs = Department.objects.filter(council_id__in=councils).select_related("council")
    return qs if qs.exists() else Department.objects.select_related("council")


def officer_department_ids(user: Actor) -> set[int]:
    return set(
        OfficerPost.objects.current(timezone.localdate())
        .filter(user=user)
        .values_list("department_id", flat=True)
    )


# --- The councillor's public record ---------------------------------------------------------


@dataclass
class CouncillorRecord:
    by_kind: list[tuple[str, int]]
    total: int
    requests_taken: int
    median_wait: datetime.timedelta | None
    cases: list[AdvocacyCase]
    case_outcomes: list[tuple[str, int]]
    helped: list[tuple[str, int]]
    feedback: list[Support] = field(default_factory=list)


def _median(values: list[datetime.timedelta]) -> datetime.timedelta | None:
    if not values:
        return None
    seconds = statistics.median(v.total_seconds() for v in values)
    return datetime.timedelta(seconds=seconds)


def councillor_record(viewer: Viewer | None, councillor: Councillor) -> CouncillorRecord:
    """What the councillor did, counting only supports on initiatives `viewer` may see."""
    accepted = Support.objects.filter(
        councillor=councillor,
        initiative__in=_visible_ids(viewer),
        status__in=[SupportStatus.PLANNED, SupportStatus.IN_PROGRESS, SupportStatus.DONE],
    )
    # One aggregate query for every count on the page.
    counts = accepted.aggregate(
        **{f"kind_{v}": Count("pk", filter=Q(kind=v)) for v in SupportKind.values},
        **{f"helped_{v}": Count("pk", filter=Q(helped=v)) for v in Helped.values},
        **{f"case_{v}": Count("case", filter=Q(case__decision=v)) for v in Decision.values},
        case_pending=Count("case", filter=Q(case__decision="")),
    )
    waits = [
        taken - created
        for created, taken in accepted.filter(help_request__isnull=False).values_list(
            "help_request__created_at", "help_request__taken_at"
        )
        if created and taken
    ]
    cases = list(
        AdvocacyCase.objects.filter(support__in=accepted)
        .select_related("department", "support__initiative")
        .order_by("-raised_at")[:50]
    )
    feedback_rows = accepted.exclude(helped="")
    comments = list(
        feedback_rows.exclude(feedback="")
        .select_related("initiative")
        .order_by("-feedback_at")[:50]
    )
    by_kind = [(str(label), counts[f"kind_{value}"]) for value, label in SupportKind.choices]
    return CouncillorRecord(
        by_kind=by_kind,
        total=sum(n for _, n in by_kind),
        requests_taken=len(waits),
        median_wait=_median(waits),
        cases=cases,
        case_outcomes=[(str(label), counts[f"case_{value}"]) for value, label in Decision.choices]
        + [(_pending_label(), counts["case_pending"])],
        helped=[(str(label), counts[f"helped_{value}"]) for value, label in Helped.choices],
        feedback=comments,
    )


def _pending_label() -> str:
    return gettext("Not decided yet")


# --- The ward page ------------------------------------------------------------------------------


@dataclass
class WardSupport:
    by_stage: list[tuple[str, list[Initiative]]]
    open_needs: list[Need]
    waiting: list[WaitingRequest]


WARD_LIST_LIMIT = 200


def ward_support(ward: Ward, seen: tuple[int, ...]) -> WardSupport:
    """Initiatives in the ward by stage, their open needs and waiting help requests, as seen by
    whoever sees the restricted initiatives `seen` besides the public ones
    (`initiatives.visibility.restricted_visible_ids(viewer)`, which with the public ones is
    exactly what they may see): the same for everyone with that answer, so it may be shared
    between them. It also depends on today's date (how long a
    request has waited) and the language (the stages' names)."""
    visible = public_q() | Q(pk__in=seen) if seen else public_q()
    in_ward = Initiative.objects.filter(visible, wards=ward)
    initiatives = list(in_ward.order_by("title", "pk")[:WARD_LIST_LIMIT])
    by_stage = []
    for value, label in Stage.choices:
        rows = [i for i in initiatives if i.stage == value]
        if rows:
            by_stage.append((str(label), rows))
    needs = list(
        Need.objects.filter(status=NeedStatus.OPEN, initiative__in=in_ward.values("pk"))
        .select_related("initiative")
        .order_by("created_at", "pk")[:WARD_LIST_LIMIT]
    )
    today = timezone.localdate()
    waiting = [
        waiting_info(r, today)
        for r in HelpRequest.objects.filter(
            status=HelpRequestStatus.WAITING, initiative__in=in_ward.values("pk")
        )
        .select_related("initiative")
        .order_by("created_at", "pk")[:WARD_LIST_LIMIT]
    ]
    return WardSupport(by_stage=by_stage, open_needs=needs, waiting=waiting)


# --- The councillor's help requests ----------------------------------------------------------

INBOX_LIMIT = 200
RECENTLY_TAKEN_DAYS = 30


@dataclass
class HelpInbox:
    wards: list[Ward]
    waiting: list[WaitingRequest]
    taken: list[HelpRequest]


def help_inbox(user: Viewer) -> HelpInbox:
    """Help requests about initiatives in every ward `user` represents today: those waiting,
    oldest first, and those taken in the last RECENTLY_TAKEN_DAYS days, newest first. Only
    initiatives the councillor may see (a safeguarded one while its request waits in their
    ward, as initiatives.visibility says). Four queries whatever the number of requests."""
    councillor_id = councillor_id_for(user)
    if councillor_id is None:
        return HelpInbox(wards=[], waiting=[], taken=[])
    ward_ids = (
        CouncillorTerm.objects.current(timezone.localdate())
        .filter(councillor_id=councillor_id)
        .values("ward_id")
    )
    wards = list(Ward.objects.filter(pk__in=ward_ids).select_related("council").order_by("name"))
    by_id = {ward.pk: ward for ward in wards}
    initiatives = visible_initiatives(user, Initiative.objects.filter(wards__in=ward_ids))
    requests = list(
        HelpRequest.objects.filter(initiative__in=initiatives.values("pk"))
        .filter(
            Q(status=HelpRequestStatus.WAITING)
            | Q(
                status=HelpRequestStatus.TAKEN,
                taken_at__gte=timezone.now() - datetime.timedelta(days=RECENTLY_TAKEN_DAYS),
            )
        )
        .select_related("initiative", "taken_by")
        .order_by("created_at", "pk")[:INBOX_LIMIT]
    )
    # Which of the councillor's wards each initiative is in, in one query.
    in_wards: dict[int, list[Ward]] = {}
    for initiative_id, ward_id in InitiativeWard.objects.filter(
        initiative_id__in={r.initiative_id for r in requests}, ward_id__in=by_id
    ).values_list("initiative_id", "ward_id"):
        in_wards.setdefault(initiative_id, []).append(by_id[ward_id])
    for request in requests:
        request.inbox_wards = in_wards.get(request.initiative_id, [])  # type: ignore[attr-defined]
    today = timezone.localdate()
    return HelpInbox(
        wards=wards,
        waiting=[waiting_info(r, today) for r in requests if r.status == HelpRequestStatus.WAITING],
        taken=sorted(
            (r for r in requests if r.status == HelpRequestStatus.TAKEN),
            key=lambda r: (r.taken_at, r.pk),
            reverse=True,
        ),
    )


# --- Case lists -------------------------------------------------------------------------------

CASE_FILTERS = ("open", "overdue", "decided", "all")


def _case_filter(qs: QuerySet[AdvocacyCase], show: str) -> QuerySet[AdvocacyCase]:
    if show == "overdue":
        # Worked out from the wanted-by date today, not from the daily job's flag.
        return qs.filter(overdue_condition())
    if show == "decided":
        return qs.filter(status__in=[CaseStatus.DECIDED, CaseStatus.CLOSED])
    if show == "all":
        return qs
    return qs.filter(status__in=OPEN_CASE_STATUSES)


def cases_for(user: Viewer, *, show: str = "open") -> QuerySet[AdvocacyCase]:
    """The cases `user` works on: their department's (officers), the ones they raised
    (councillors) and those on initiatives they lead. Empty for everyone else."""
    if not isinstance(user, User):
        return AdvocacyCase.objects.none()
    roles = user_roles(user)
    mine = Q(
        support__initiative__memberships__user=user,
        support__initiative__memberships__role="lead",
        support__initiative__memberships__status="approved",
    )
    if roles.officer and roles.has_totp:
        mine |= Q(department_id__in=list(officer_department_ids(user)))
    if roles.councillor and roles.has_totp:
        mine |= Q(support__councillor__user=user)
    ids = AdvocacyCase.objects.filter(mine).values("pk")
    return (
        _case_filter(AdvocacyCase.objects.filter(pk__in=ids), show)
        .select_related("support__initiative", "support__councillor", "department")
        .order_by("wanted_by", "pk")
    )
