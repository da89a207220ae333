"""Who may see neighbourhood funds: everybody; applications: those deciding and applying.

Funds, their plans (every revision) and partnerships (members, their roles, whether they are
residents and the organisation they represent) are public, signed in or not: public money and
the people who decide how it is spent are accountable in the open. Nothing here is
safeguarded.

The module still offers the forms every kind of thing has (see `core.visibility`), so pages,
lists and notifications ask the same questions of funds as of anything else, and a rule added
here later reaches all of them at once.

Applications: the partnership's current members, those acting for the applicant and site
admins (`funding.see_application` in rules.py); everybody else gets the same 404 as for an
application that does not exist. Once decided, the decision is public through the grant's page.

An application from a safeguarded initiative never reveals the initiative: wherever funding
shows an applicant it asks `applicant_shown(viewer, application)`, which is the initiatives
app's own rule (`initiatives.visibility.can_view`); members deciding who cannot see it read
"a safeguarded initiative" instead of its name, and no link to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.funding.models import Application, Fund, Membership, Partnership
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives import visibility as initiatives_visibility
from grassroots.initiatives.models import MemberRole, MembershipStatus
from grassroots.initiatives.models import Membership as InitiativeMembership


def visible_funds(viewer: Viewer | None, queryset: QuerySet[Fund] | None = None) -> QuerySet[Fund]:
    """The funds `viewer` may know exist: all of them."""
    return queryset if queryset is not None else Fund.objects.all()


def visible_partnerships(
    viewer: Viewer | None, queryset: QuerySet[Partnership] | None = None
) -> QuerySet[Partnership]:
    """The partnerships `viewer` may know exist: all of them."""
    return queryset if queryset is not None else Partnership.objects.all()


def can_view(viewer: Viewer | None, thing: Fund | Partnership) -> bool:
    """Funds (with their plans) and partnerships are public."""
    return True


def people_q(thing: Fund | Partnership) -> Q:
    """Q on users: who may see `thing` (every active person)."""
    return Q(is_active=True)


def viewers_of(
    things: Iterable[Fund | Partnership], user_ids: Iterable[int]
) -> dict[int, set[int]]:
    """For each fund or partnership, which of `user_ids` may see it (every active one)."""
    return core.viewers_of(things, user_ids, restricted=lambda thing: False, people=people_q)


def viewers(thing: Fund | Partnership, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([thing], user_ids)[thing.pk]


# --- Applications (helper grants) --------------------------------------------------------------


def can_view_application(viewer: Viewer | None, application: Application) -> bool:
    return viewer is not None and bool(viewer.has_perm("funding.see_application", application))


def visible_applications(
    viewer: Viewer | None, queryset: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """The applications `viewer` may see: of partnerships they sit on, or made for an
    initiative they lead or a group they organise (site admins: all)."""
    qs = queryset if queryset is not None else Application.objects.all()
    if not isinstance(viewer, User) or not viewer.is_active:
        return qs.none()
    if is_site_admin(viewer):
        return qs
    seats = Membership.objects.filter(user=viewer, left_on__isnull=True).values("partnership_id")
    led = InitiativeMembership.objects.filter(
        user=viewer, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
    ).values("initiative_id")
    organised = GroupMembership.objects.filter(
        user=viewer, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
    ).values("group_id")
    return qs.filter(
        Q(fund__partnership_id__in=seats)
        | Q(initiative_id__in=led, initiative__isnull=False)
        | Q(group_id__in=organised, group__isnull=False)
    )


def applicant_shown(viewer: Viewer | None, application: Application) -> bool:
    """May `viewer` be told who applied (a safeguarded initiative stays unnamed to outsiders)."""
    if application.initiative_id is None:
        return True
    assert application.initiative is not None
    return initiatives_visibility.can_view(viewer, application.initiative)
