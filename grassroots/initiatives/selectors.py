"""Reads for an initiative's own pages, shaped so each page costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.selectors import private_user_fields
from grassroots.accounts.types import Viewer
from grassroots.core import compiled, pagecache
from grassroots.core.request_cache import remember
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeWard,
    MemberRole,
    Membership,
    MembershipStatus,
    Milestone,
    Need,
    StageChange,
    Update,
)
from grassroots.initiatives.rules import membership_key
from grassroots.initiatives.visibility import (
    is_public,
    remember_visible,
    restricted_visible_ids,
    visible_initiatives,
)
from grassroots.places.models import Ward


def initiative_for(user: Viewer, slug: str) -> Initiative | None:
    """The initiative with `slug` if `user` may see it (None exactly as for a missing slug)."""
    initiative = (
        visible_initiatives(user, Initiative.objects.filter(slug=slug))
        .prefetch_related("wards")
        .first()
    )
    if initiative is not None:
        remember_visible(user, initiative)
    return initiative


@dataclass
class People:
    leads: list[Membership]
    members: list[Membership]
    requests: list[Membership]
    invitations: list[Membership]  # waiting for the invitee's answer


def initiative_detail(user: Viewer, slug: str) -> Initiative | None:
    """Everything the detail page shows, in a fixed number of queries (none while the page's
    rows are shared), if `user` may see the initiative (None exactly as for a missing slug).

    The rows are drawn for the slug alone, the same whoever asks (`_detail_rows`), and shared
    (`pagecache.shared`) by everyone; whether `user` may see them is decided here, for each
    request, by the visibility rule's own answers: public, or one of the restricted
    initiatives `user` may see (`restricted_visible_ids`, which with the public ones is
    exactly `visible_initiatives(user)`)."""
    initiative = pagecache.shared(
        "initiatives.detail",
        (slug,),
        lambda: _detail_rows(slug),
        keep=lambda found: found is None or is_public(found),
    )
    if initiative is None:
        return None
    if not is_public(initiative) and initiative.pk not in restricted_visible_ids(user):
        return None
    remember_visible(user, initiative)
    # The rules look memberships up here instead of asking the database once per question.
    by_user: dict[int, Membership | None] = {m.user_id: m for m in initiative.memberships.all()}
    if isinstance(user, User):
        by_user.setdefault(user.pk, None)
    for user_id, membership in by_user.items():
        remember(membership_key(initiative.pk, user_id), membership)
    return initiative


def detail_kept_as(slug: str) -> tuple[pagecache.Part, ...] | None:
    """How `initiative_detail(slug)`'s rows were kept for everybody in this request
    (`pagecache.kept_as`), so that what is drawn from them alone (the updates and the
    timeline, as HTML) may be kept beside them; None when they were not kept (the page cache
    is off, or the initiative is not public)."""
    return pagecache.kept_as("initiatives.detail", (slug,))


def _detail_rows(slug: str) -> Initiative | None:
    """The initiative with `slug` and the rows its page shows, whoever may see it. People's
    rows carry their public names, not their private fields (`private_user_fields`)."""
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("outcome", "outcome__recorded_by")
        .defer(*private_user_fields("outcome__recorded_by"))
        .annotate(backers_count=Count("backings", distinct=True))
        .prefetch_related(
            Prefetch("wards", queryset=Ward.objects.select_related("council")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user", "invited_by")
                .defer(*private_user_fields("user", "invited_by"))
                .order_by("requested_at", "id"),
            ),
            Prefetch("needs", queryset=Need.objects.order_by("status", "created_at", "id")),
            Prefetch(
                "updates",
                queryset=Update.objects.select_related("author")
                .defer(*private_user_fields("author"))
                .order_by("-created_at", "-id"),
            ),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")),
            Prefetch(
                "stage_changes",
                queryset=StageChange.objects.select_related("changed_by")
                .defer(*private_user_fields("changed_by"))
                .order_by("changed_at", "id"),
            ),
        )
        .first()
    )


def people(initiative: Initiative) -> People:
    """Leads, members and waiting requests from the prefetched memberships."""
    rows = list(initiative.memberships.all())
    approved = [m for m in rows if m.status == MembershipStatus.APPROVED]
    return People(
        leads=[m for m in approved if m.role == MemberRole.LEAD],
        members=[m for m in approved if m.role != MemberRole.LEAD],
        requests=[m for m in rows if m.status == MembershipStatus.REQUESTED],
        invitations=[m for m in rows if m.status == MembershipStatus.INVITED],
    )


def pending_invitations(user: Viewer) -> QuerySet[Membership]:
    """Invitations waiting for `user`'s answer, newest first, with what the page shows.

    Every one of these initiatives is visible to the user while the invitation waits
    (visibility.py), so there is nothing to filter out.
    """
    if not isinstance(user, User):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.INVITED)
        .select_related("initiative", "invited_by")
        .order_by("-invited_at", "-id")
    )


def backs(user: Viewer, initiative: Initiative) -> bool:
    """Whether `user` backs `initiative` (asked on every visit to its page: compiled once,
    core/compiled.py)."""
    if not isinstance(user, User):
        return False
    return compiled.exists(
        "initiatives.backs",
        (),
        Backing,
        lambda user_id, initiative_id: Backing.objects.filter(
            user_id=user_id, initiative_id=initiative_id
        ),
        user.pk,
        initiative.pk,
    )


def ward_choices(*, user: Viewer, initiative: Initiative | None = None) -> QuerySet[Ward]:
    """Current wards offered on the form: the user's council's, and the initiative's councils'."""
    council_ids: set[int] = set()
    ward = getattr(user, "ward", None)
    if ward is not None:
        council_ids.add(ward.council_id)
    if initiative is not None:
        council_ids.update(initiative.wards.values_list("council_id", flat=True))
    offered = Q(retired_at__isnull=True, council_id__in=council_ids)
    if initiative is not None:
        # Its own wards stay choosable after a boundary change retired them, so that editing
        # anything else does not force the leads to pick new wards first.
        offered |= Q(pk__in=InitiativeWard.objects.filter(initiative=initiative).values("ward_id"))
    return Ward.objects.filter(offered).select_related("council").order_by("council__name", "name")
