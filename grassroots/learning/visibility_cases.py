"""Who may see a case study: the one rule every surface uses (pages, lists, the feed, notices).

A published case study is for everybody. Any other (a draft, one in review or awaiting the
leads' approval, a withdrawn one) is seen only by:
- the leads of the initiative it came from;
- councillors whose support the leads accepted (planned, in progress or done), who add their
  reflections;
- editors.
Anyone holding a role that needs two-factor authentication gets none of this until it is set
up (as for safeguarded initiatives). So a story from a safeguarded initiative never reaches
anyone outside it before it is published, and then only anonymised (the services see to that).
Everybody else gets what they would get for a case study that does not exist: a 404, no row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_editor
from grassroots.accounts.selectors import user_roles, without_required_mfa_q
from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.core.request_cache import cached, scoped
from grassroots.initiatives.models import MemberRole, Membership, MembershipStatus
from grassroots.learning.models_cases import CaseStatus, CaseStudy
from grassroots.support.models import ACCEPTED_STATUSES, Support


def _signed_in(viewer: Viewer | None) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def published_q() -> Q:
    return Q(status=CaseStatus.PUBLISHED)


def _lead_of(initiative: OuterRef | int, person: User | OuterRef) -> Q:
    rows = Membership.objects.filter(
        initiative_id=initiative,
        user=person,
        role=MemberRole.LEAD,
        status=MembershipStatus.APPROVED,
    )
    return Q(Exists(rows))


def _supporter_of(initiative: OuterRef | int, person: User | OuterRef) -> Q:
    rows = Support.objects.filter(
        initiative_id=initiative, councillor__user=person, status__in=ACCEPTED_STATUSES
    )
    return Q(Exists(rows))


@scoped
def visible_case_studies(
    viewer: Viewer | None, queryset: QuerySet[CaseStudy] | None = None
) -> QuerySet[CaseStudy]:
    """The case studies `viewer` may know exist (anonymous visitors: published ones only)."""
    qs = queryset if queryset is not None else CaseStudy.objects.all()
    if viewer is None or not _signed_in(viewer):
        return qs.filter(published_q())
    assert not isinstance(viewer, AnonymousUser)
    if is_editor(viewer):
        return qs
    if not user_roles(viewer).may_be_inside:
        return qs.filter(published_q())
    source = OuterRef("initiative_id")
    inside = Q(initiative__isnull=False) & (
        _lead_of(source, viewer) | _supporter_of(source, viewer)
    )
    return qs.filter(published_q() | inside)


@scoped
def can_view(viewer: Viewer | None, case: CaseStudy) -> bool:
    if case.status == CaseStatus.PUBLISHED:
        return True
    if viewer is None or not _signed_in(viewer):
        return False
    pk = case.pk
    return cached(
        ("learning.can_view_case", viewer.pk, pk),
        lambda: visible_case_studies(viewer, CaseStudy.objects.filter(pk=pk)).exists(),
    )


def people_q(case: CaseStudy) -> Q:
    """Q on users: who may see `case`."""
    seen = Q(is_active=True)
    if case.status == CaseStatus.PUBLISHED:
        return seen
    person = OuterRef("pk")
    insiders = Q(is_editor=True)
    if case.initiative_id is not None:
        insiders |= _lead_of(case.initiative_id, person) | _supporter_of(case.initiative_id, person)
    return seen & ~without_required_mfa_q() & insiders


def viewers_of(cases: Iterable[CaseStudy], user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each case study, which of `user_ids` may see it."""
    return core.viewers_of(
        cases, user_ids, restricted=lambda c: c.status != CaseStatus.PUBLISHED, people=people_q
    )


def viewers(case: CaseStudy, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([case], user_ids)[case.pk]
