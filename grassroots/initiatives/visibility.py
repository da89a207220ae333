"""Who may see an initiative: the one definition every surface uses.

A public initiative is visible to everybody. A safeguarded one (for example on domestic abuse
or mental health) is visible only to:
- its approved members (leads included), and people its leads have invited to join while
  the invitation waits for their answer (so they can decide; turned down or withdrawn, and
  they are outside again);
- councillors supporting it: with a support offered, planned, in progress or done, or invited
  by its leads, or representing one of its wards while a help request is waiting; only while
  they hold a current term (the access ends with the term).

Anyone holding a role that needs two-factor authentication gets none of this insider access
until they have set it up (an ex-councillor holds no role: a password is enough for what they
still see as a member).

An initiative a moderator has hidden is seen only by its leads (with a banner saying why) and
by moderators who could otherwise see it; to everybody else it is as if it did not exist.

Everybody else gets exactly what they would get for an initiative that does not exist: no
page (404), no row in any list, count, search, map, feed, sitemap, API answer, export or
notification. Always filter with `visible_initiatives()` or ask `can_view()`; never test
`visibility` by hand.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.initiatives.models import (
    INSIDER_STATUSES,
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.places.models import CouncillorTerm
from grassroots.places.selectors import councillor_id_for

# Support in these states lets a councillor see a safeguarded initiative.
SUPPORTING_STATUSES = ("offered", "planned", "in_progress", "done")


def insider_condition(user: Any) -> Q:
    """Q matching the initiatives `user` is inside of: what makes a safeguarded one visible to
    them (conversations.visibility asks it about public initiatives too, for their
    safeguarded conversations).

    Someone holding a role (councillor, officer, site admin, safeguarding contact, moderator)
    is inside nothing until they have set up two-factor authentication, even as a plain
    member. A councillor's insider access through support, an invitation or a help request
    lasts only while they sit: once their last term ends, so does that access (as a member
    they stay inside like any resident)."""
    from grassroots.accounts.selectors import user_roles
    from grassroots.support.models import HelpRequest, Invitation, Support

    roles = user_roles(user)
    if not roles.may_be_inside:
        return Q(pk__in=[])
    member = Exists(
        Membership.objects.filter(initiative=OuterRef("pk"), user=user, status__in=INSIDER_STATUSES)
    )
    condition = Q(member)
    councillor_id = councillor_id_for(user) if roles.councillor else None
    if councillor_id is not None:
        today = timezone.localdate()
        current_wards = CouncillorTerm.objects.current(today).filter(councillor_id=councillor_id)
        condition |= Q(
            Exists(
                Support.objects.filter(
                    initiative=OuterRef("pk"),
                    councillor_id=councillor_id,
                    status__in=SUPPORTING_STATUSES,
                )
            )
        )
        condition |= Q(
            Exists(
                Invitation.objects.filter(initiative=OuterRef("pk"), councillor_id=councillor_id)
            )
        )
        condition |= Q(
            Exists(
                HelpRequest.objects.filter(
                    initiative=OuterRef("pk"),
                    status="waiting",
                    initiative__wards__in=current_wards.values("ward_id"),
                )
            )
        )
    return condition


def visible_initiatives(
    user: Any, queryset: QuerySet[Initiative] | None = None
) -> QuerySet[Initiative]:
    """The initiatives `user` may know exist (anonymous users: public ones only)."""
    qs = queryset if queryset is not None else Initiative.objects.all()
    public = Q(visibility=Visibility.PUBLIC)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.filter(public, hidden_at__isnull=True)
    visible = qs.filter(public | (Q(visibility=Visibility.SAFEGUARDED) & insider_condition(user)))
    return visible.filter(_shown_condition(user))


def _shown_condition(user: Any) -> Q:
    """Hidden by a moderator: still seen by its leads (with a banner) and by moderators."""
    from grassroots.accounts.rules import is_moderator

    if is_moderator(user):
        return Q()
    lead = Exists(
        Membership.objects.filter(
            initiative=OuterRef("pk"),
            user=user,
            role=MemberRole.LEAD,
            status=MembershipStatus.APPROVED,
        )
    )
    return Q(hidden_at__isnull=True) | Q(lead)


def can_view(user: Any, initiative: Initiative) -> bool:
    if initiative.visibility == Visibility.PUBLIC and initiative.hidden_at is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return visible_initiatives(user, Initiative.objects.filter(pk=initiative.pk)).exists()
