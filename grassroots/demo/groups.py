"""Demo resident groups in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

Four groups, open and invite-only, with organisers and members drawn from the demo residents.
The demo resident organises one open group and has an invitation waiting from an invite-only
one; the demo councillor is a member of another (councillors take part as residents do).

Groups are made by the services people use (`group_create`, `group_join`, invitations and
`member_make_organiser`), so their slugs come from their names as anybody's would. A group is
kept across runs (found by its name in the demo council), so its id and address, and whatever
later steps hang on it, survive a re-run; its members are rebuilt from the same seed each
time, so re-running changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.demo.borough import Borough
from grassroots.groups import services
from grassroots.groups.models import (
    Group,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    Joining,
)
from grassroots.notifications.models import Kind, Notification
from grassroots.places.models import Council


@dataclass(frozen=True)
class GroupSpec:
    name: str
    description: str
    joining: Joining
    ward_count: int  # how many neighbouring wards it is active in (0: the whole borough)
    members: int


SPECS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "Friends of Brookmere Park",
        "Neighbours who look after the park: monthly litter picks, bulb planting in autumn and "
        "a say in what the council does with the old bandstand. Everyone is welcome.",
        Joining.OPEN,
        2,
        14,
    ),
    GroupSpec(
        "Brookmere Repair Café",
        "Bring something broken and we fix it together over tea: bikes, lamps, clothes, "
        "toasters. We meet at the library on the first Saturday of the month.",
        Joining.OPEN,
        0,
        9,
    ),
    GroupSpec(
        "Carers' coffee morning",
        "A quiet hour for people who look after a relative or friend. What is said here stays "
        "here, so new members join by invitation from one of the organisers.",
        Joining.INVITE,
        1,
        6,
    ),
    GroupSpec(
        "Brookmere Allotment Society",
        "Plot holders sharing seeds, tools and the waiting list. The committee invites new "
        "plot holders once a plot is theirs.",
        Joining.INVITE,
        1,
        11,
    ),
)


def demo_groups(council: Council) -> QuerySet[Group]:
    """The demo's groups: those of the demo council with a name the demo gives."""
    return Group.objects.filter(council=council, name__in=[spec.name for spec in SPECS])


def seed_groups(borough: Borough) -> None:
    """Resident groups, open and invite-only, with organisers, members and an invitation."""
    rng = borough.rng("groups")
    now = timezone.now()
    wards = list(borough.wards.values())
    residents = list(borough.residents)
    resident = borough.accounts.get("resident")
    councillor = borough.accounts.get("councillor")
    kept = {g.name: g for g in demo_groups(borough.council)}
    for index, spec in enumerate(SPECS):
        organisers: list[User] = [residents[(index * 11 + 3) % len(residents)]]
        if index == 0 and resident is not None:
            organisers = [resident]  # the demo resident runs the park group
        if index == 3:
            organisers.append(residents[(index * 11 + 4) % len(residents)])
        home = organisers[0].ward if organisers[0].ward is not None else wards[index % len(wards)]
        start = wards.index(home) if home in wards else 0
        chosen = [wards[(start + n) % len(wards)] for n in range(spec.ward_count)] if wards else []
        group = kept.get(spec.name)
        if group is None:
            group = services.group_create(
                creator=organisers[0],
                council=borough.council,
                name=spec.name,
                description=spec.description,
                joining=spec.joining,
                wards=chosen,
            )
        else:
            # Put back what a visitor may have changed; the first organiser starts again alone.
            Group.objects.filter(pk=group.pk).update(
                description=spec.description,
                joining=spec.joining,
                created_by=organisers[0],
                archived_at=None,
            )
            group.refresh_from_db()
            group.wards.set(chosen)
            GroupMembership.objects.filter(group=group).exclude(user=organisers[0]).delete()
            GroupMembership.objects.update_or_create(
                group=group,
                user=organisers[0],
                defaults={"role": GroupRole.ORGANISER, "status": GroupMembershipStatus.ACTIVE},
            )
        taken = {u.pk for u in organisers} | {resident.pk if resident else 0}
        members = rng.sample([r for r in residents if r.pk not in taken], spec.members)
        if index == 1 and councillor is not None:
            members.append(councillor)
        for user in [*organisers[1:], *members]:
            _join(group, user, organisers[0])
        for user in organisers[1:]:
            row = GroupMembership.objects.get(group=group, user=user)
            services.member_make_organiser(membership=row, actor=organisers[0])
        # When they joined: the organisers first, then the members a day apart.
        rows = GroupMembership.objects.filter(group=group)
        rows.filter(user__in=organisers).update(decided_at=now - datetime.timedelta(days=200))
        for n, user in enumerate(members):
            rows.filter(user=user).update(decided_at=now - datetime.timedelta(days=150 - n))
        if index == 2 and resident is not None:
            # One invitation waits for the demo resident (and one notification of it).
            Notification.objects.filter(
                recipient=resident, kind=Kind.INVITATION, url__startswith=group.get_absolute_url()
            ).delete()
            services.invitation_create(
                group=group,
                actor=organisers[0],
                email=resident.email,
                message="We meet on Wednesday mornings at the library café.",
            )
            rows.filter(user=resident).update(invited_at=now - datetime.timedelta(days=1))
    borough.counts["groups"] = len(SPECS)


def _join(group: Group, user: User, organiser: User) -> None:
    """Join as a person would: at once in an open group, by accepting an invitation otherwise."""
    if group.joining == Joining.OPEN:
        services.group_join(group=group, user=user)
        return
    invited = services.invitation_create(group=group, actor=organiser, email=user.email)
    # The demo's people all have accounts, so the invitation is to the account, never waiting.
    assert invited is not None
    services.invitation_accept(membership=invited, user=user)
