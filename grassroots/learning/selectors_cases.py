"""Reads for case studies: the list with its filters, one story with what it links to, the
related ones, the editor's queue and a person's own, and what a new story starts from.

Every query is bounded (a page of the list, the feed's latest, at most `RELATED` related ones)
and shaped with `select_related`/`prefetch_related`, so a page costs the same whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.types import Viewer
from grassroots.core.times import govuk_date
from grassroots.directory.models_assets import Asset
from grassroots.events import visibility as event_visibility
from grassroots.events.models import Event
from grassroots.funding.models import Fund
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Outcome,
    Stage,
    Theme,
)
from grassroots.learning import visibility_cases
from grassroots.learning.models_cases import (
    CaseResult,
    CaseStatus,
    CaseStudy,
    CaseTheme,
    CouncillorReflection,
)
from grassroots.support.models import ACCEPTED_STATUSES, Support, SupportKind

RELATED = 3
FEED_SIZE = 20
MINE_LIMIT = 50
QUEUE_LIMIT = 50
MAX_QUERY = 100
PREFILL_UPDATES = 10
PREFILL_STAGES = 12


def _shaped(qs: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return qs.select_related("council").prefetch_related(
        Prefetch("themes", queryset=CaseTheme.objects.order_by("theme"))
    )


def case_list(
    viewer: Viewer | None,
    *,
    q: str = "",
    theme: str = "",
    role: str = "",
    place_type: str = "",
    result: str = "",
) -> QuerySet[CaseStudy]:
    """Published case studies matching the filters, newest first (the page slices it)."""
    qs = CaseStudy.objects.filter(status=CaseStatus.PUBLISHED)
    for word in q.split()[:10]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(challenge__icontains=word)
            | Q(residents_did__icontains=word)
            | Q(outcomes__icontains=word)
        )
    if theme:
        qs = qs.filter(themes__theme=theme)
    if role in SupportKind.values:
        qs = qs.exclude(**{role: ""})
    if place_type:
        qs = qs.filter(place_type=place_type)
    if result:
        qs = qs.filter(result=result)
    return _shaped(qs.order_by("-published_at", "-pk"))


def feed_items() -> list[CaseStudy]:
    return list(_shaped(CaseStudy.objects.filter(status=CaseStatus.PUBLISHED))[:FEED_SIZE])


def case_for(viewer: Viewer | None, pk: int) -> CaseStudy | None:
    """The case study `pk` if `viewer` may see it, with what its page shows."""
    qs = visibility_cases.visible_case_studies(viewer, CaseStudy.objects.filter(pk=pk))
    return (
        _shaped(qs)
        .select_related("initiative")
        .prefetch_related(
            "wards",
            "contacts",
            Prefetch(
                "reflections",
                queryset=CouncillorReflection.objects.select_related("councillor"),
            ),
        )
        .first()
    )


@dataclass
class Links:
    """What a case study links to, as far as the viewer may see each."""

    initiatives: list[Initiative] = field(default_factory=list)
    groups: list[Any] = field(default_factory=list)
    funds: list[Fund] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)


LINKS_LIMIT = 20


def links_of(viewer: Viewer | None, case: CaseStudy) -> Links:
    """The initiative it came from and its related things, each kept only if `viewer` may see
    it; none at all for an anonymised story (they would say where it happened)."""
    if case.anonymised:
        return Links()
    initiatives = Initiative.objects.filter(
        Q(pk=case.initiative_id) | Q(pk__in=case.related_initiatives.values("pk"))
    )
    return Links(
        initiatives=list(
            initiative_visibility.visible_initiatives(viewer, initiatives).order_by("title")[
                :LINKS_LIMIT
            ]
        ),
        groups=list(case.groups.order_by("name")[:LINKS_LIMIT]),
        funds=list(case.funds.order_by("name")[:LINKS_LIMIT]),
        assets=list(case.assets.order_by("name")[:LINKS_LIMIT]),
        events=list(
            event_visibility.visible_events(viewer, case.events.all()).order_by("starts_at")[
                :LINKS_LIMIT
            ]
        ),
    )


def related_to(case: CaseStudy) -> list[CaseStudy]:
    """Up to `RELATED` other published case studies sharing a theme or a councillor role."""
    themes = [t.theme for t in case.themes.all()]
    same = Q(themes__theme__in=themes)
    for role in case.roles():
        same |= ~Q(**{role: ""})
    qs = CaseStudy.objects.filter(status=CaseStatus.PUBLISHED).exclude(pk=case.pk).filter(same)
    ids = list(qs.order_by("-published_at", "-pk").values_list("pk", flat=True).distinct()[:50])
    return list(_shaped(CaseStudy.objects.filter(pk__in=ids[:RELATED])).order_by("-published_at"))


def editor_queue() -> list[CaseStudy]:
    """What waits for an editor (in review) and what waits for the leads, oldest first."""
    qs = CaseStudy.objects.filter(
        status__in=[CaseStatus.IN_REVIEW, CaseStatus.AWAITING_APPROVAL]
    ).order_by("updated_at", "pk")
    return list(_shaped(qs)[:QUEUE_LIMIT])


def mine(viewer: Viewer) -> list[CaseStudy]:
    """Case studies `viewer` tells (as a lead) or reflects on (as a supporting councillor)."""
    if not viewer.is_authenticated:
        return []
    leads = Membership.objects.filter(
        user_id=viewer.pk, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
    ).values("initiative_id")
    supports = Support.objects.filter(
        councillor__user_id=viewer.pk, status__in=ACCEPTED_STATUSES
    ).values("initiative_id")
    qs = CaseStudy.objects.filter(Q(initiative_id__in=leads) | Q(initiative_id__in=supports))
    qs = visibility_cases.visible_case_studies(viewer, qs)
    return list(_shaped(qs).order_by("-updated_at", "-pk")[:MINE_LIMIT])


def stories_to_start(viewer: Viewer) -> list[Initiative]:
    """Achieved initiatives `viewer` leads that have no case study yet."""
    if not viewer.is_authenticated:
        return []
    return list(
        Initiative.objects.filter(
            stage=Stage.ACHIEVED,
            case_study__isnull=True,
            memberships__user_id=viewer.pk,
            memberships__role=MemberRole.LEAD,
            memberships__status=MembershipStatus.APPROVED,
        ).order_by("title")[:MINE_LIMIT]
    )


def leads_of(initiative_id: int | None) -> list[Any]:
    if initiative_id is None:
        return []
    rows = Membership.objects.filter(
        initiative_id=initiative_id, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
    ).select_related("user")
    return [m.user for m in rows[:MINE_LIMIT]]


def supporting_councillors(initiative_id: int | None) -> list[Any]:
    """The accounts of councillors whose support on the initiative the leads accepted."""
    if initiative_id is None:
        return []
    rows = (
        Support.objects.filter(
            initiative_id=initiative_id,
            status__in=ACCEPTED_STATUSES,
            councillor__user__isnull=False,
        )
        .select_related("councillor__user")
        .order_by("pk")
    )
    seen: dict[int, Any] = {}
    for support in rows[:MINE_LIMIT]:
        user = support.councillor.user
        if user is not None:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def support_of(initiative_id: int | None, user_id: int) -> Support | None:
    """The viewer's accepted support on the initiative (for their reflection's default role)."""
    if initiative_id is None:
        return None
    return (
        Support.objects.filter(
            initiative_id=initiative_id, councillor__user_id=user_id, status__in=ACCEPTED_STATUSES
        )
        .select_related("councillor")
        .order_by("pk")
        .first()
    )


def story_of(initiative: Initiative) -> CaseStudy | None:
    return CaseStudy.objects.filter(initiative=initiative).first()


# --- What a story from an initiative starts with ------------------------------------------


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def prefill(initiative: Initiative) -> dict[str, Any]:
    """The fields of a new case study, drawn from the initiative: its problem, stages and
    updates, the support it received by kind, and its outcome. A safeguarded initiative's
    carries no names and no place finer than the council."""
    guarded = initiative.is_safeguarded
    wards = list(initiative.wards.select_related("council").order_by("name"))
    council = wards[0].council if wards else None
    changes = list(initiative.stage_changes.order_by("changed_at", "pk")[:PREFILL_STAGES])
    timeline = [
        _("%(date)s: %(stage)s")
        % {"date": govuk_date(c.changed_at), "stage": c.get_to_stage_display()}
        for c in changes
    ]
    updates = [u.text for u in initiative.updates.order_by("created_at", "pk")[:PREFILL_UPDATES]]
    residents = [initiative.change_wanted]
    if timeline:
        residents.append(_("How it went:") + "\n\n" + _bullets(timeline))
    if updates:
        residents.append(
            _("What the leads told people along the way:") + "\n\n" + _bullets(updates)
        )
    roles: dict[str, str] = {}
    supports = list(
        Support.objects.filter(initiative=initiative, status__in=ACCEPTED_STATUSES)
        .select_related("councillor")
        .order_by("pk")[:50]
    )
    for kind in SupportKind:
        of_kind = [s for s in supports if s.kind == kind]
        if not of_kind:
            roles[kind.value] = ""
            continue
        lines = [
            (_("A ward councillor") if guarded else s.councillor.name)
            + (f": {s.description}" if s.description else "")
            for s in of_kind
        ]
        roles[kind.value] = (
            _("Support received: %(count)d") % {"count": len(of_kind)} + "\n\n" + _bullets(lines)
        )
    outcome = Outcome.objects.filter(initiative=initiative).first()
    outcomes = evidence = ""
    if outcome is not None:
        outcomes = f"{outcome.what_changed}\n\n{outcome.for_whom}"
        evidence = outcome.evidence
    title = (
        _("Residents in %(council)s: %(theme)s")
        % {"council": council.name if council else "", "theme": Theme(initiative.theme).label}
        if guarded
        else initiative.title
    )
    return {
        "title": title[:150],
        "council": council,
        "wards": [] if guarded else wards,
        "themes": [initiative.theme],
        "challenge": initiative.problem,
        "residents_did": "\n\n".join(residents),
        "facilitate": roles[SupportKind.FACILITATE],
        "connect": roles[SupportKind.CONNECT],
        "advocate": roles[SupportKind.ADVOCATE],
        "outcomes": outcomes,
        "evidence": evidence,
        "result": CaseResult.ACHIEVED if initiative.stage == Stage.ACHIEVED else "",
        "events": [] if guarded else list(Event.objects.filter(initiative=initiative)[:20]),
        "funds": []
        if guarded
        else list(Fund.objects.filter(grants__initiative=initiative).distinct()[:20]),
        "assets": [] if guarded else list(Asset.objects.filter(initiatives=initiative)[:20]),
    }


def stories_of_asset(asset: Asset) -> list[CaseStudy]:
    """The published, named (not anonymised) case studies about a place, newest first."""
    return list(
        CaseStudy.objects.filter(assets=asset, status=CaseStatus.PUBLISHED, anonymised=False)
        .only("pk", "title", "published_at")
        .order_by("-published_at", "-pk")[:LINKS_LIMIT]
    )
