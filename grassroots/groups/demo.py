"""Demo resident groups in the Brookmere demo borough (a step of `grassroots.core.demo.STEPS`).

Four groups, open and invite-only, with organisers and members drawn from the demo residents.
The demo resident organises one open group and has an invitation waiting from an invite-only
one; the demo councillor is a member of another (councillors take part as residents do).
Groups are kept by slug, so their ids (and whatever later steps hang on them) survive a re-run;
their memberships are rebuilt from the same seed each time, so re-running changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.groups.models import (
    Group,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    Joining,
)
from grassroots.notifications.models import Kind, Notification

if TYPE_CHECKING:
    from grassroots.core.demo import Borough

DEMO_SLUG_PREFIX = "brookmere-"


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    description: str
    joining: Joining
    ward_count: int  # how many neighbouring wards it is active in (0: the whole borough)
    members: int


SPECS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "brookmere-park-friends",
        "Friends of Brookmere Park",
        "Neighbours who look after the park: monthly litter picks, bulb planting in autumn and "
        "a say in what the council does with the old bandstand. Everyone is welcome.",
        Joining.OPEN,
        2,
        14,
    ),
    GroupSpec(
        "brookmere-repair-cafe",
        "Brookmere Repair Café",
        "Bring something broken and we fix it together over tea: bikes, lamps, clothes, "
        "toasters. We meet at the library on the first Saturday of the month.",
        Joining.OPEN,
        0,
        9,
    ),
    GroupSpec(
        "brookmere-carers-coffee-morning",
        "Carers' coffee morning",
        "A quiet hour for people who look after a relative or friend. What is said here stays "
        "here, so new members join by invitation from one of the organisers.",
        Joining.INVITE,
        1,
        6,
    ),
    GroupSpec(
        "brookmere-allotment-society",
        "Brookmere Allotment Society",
        "Plot holders sharing seeds, tools and the waiting list. The committee invites new "
        "plot holders once a plot is theirs.",
        Joining.INVITE,
        1,
        11,
    ),
)


def seed_groups(borough: Borough) -> None:
    """Resident groups, open and invite-only, with organisers, members and an invitation."""
    rng = borough.rng("groups")
    now = timezone.now()
    wards = list(borough.wards.values())
    residents = list(borough.residents)
    resident = borough.accounts.get("resident")
    councillor = borough.accounts.get("councillor")
    for index, spec in enumerate(SPECS):
        organisers: list[User] = [residents[(index * 11 + 3) % len(residents)]]
        if index == 0 and resident is not None:
            organisers = [resident]  # the demo resident runs the park group
        if index == 3:
            organisers.append(residents[(index * 11 + 4) % len(residents)])
        home = organisers[0].ward if organisers[0].ward is not None else wards[index % len(wards)]
        start = wards.index(home) if home in wards else 0
        group, _created = Group.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "council": borough.council,
                "name": spec.name,
                "description": spec.description,
                "joining": spec.joining,
                "created_by": organisers[0],
            },
        )
        group.wards.set(
            [wards[(start + n) % len(wards)] for n in range(spec.ward_count)] if wards else []
        )
        GroupMembership.objects.filter(group=group).delete()
        taken = {u.pk for u in organisers} | {resident.pk if resident else 0}
        members = rng.sample([r for r in residents if r.pk not in taken], spec.members)
        if index == 1 and councillor is not None:
            members.append(councillor)
        rows = [
            GroupMembership(
                group=group,
                user=user,
                role=GroupRole.ORGANISER,
                status=GroupMembershipStatus.ACTIVE,
                decided_at=now - datetime.timedelta(days=200),
            )
            for user in organisers
        ]
        rows += [
            GroupMembership(
                group=group,
                user=user,
                role=GroupRole.MEMBER,
                status=GroupMembershipStatus.ACTIVE,
                invited_by=organisers[0] if spec.joining == Joining.INVITE else None,
                decided_at=now - datetime.timedelta(days=150 - n),
            )
            for n, user in enumerate(members)
        ]
        if index == 2 and resident is not None:
            rows.append(
                GroupMembership(
                    group=group,
                    user=resident,
                    role=GroupRole.MEMBER,
                    status=GroupMembershipStatus.INVITED,
                    invited_by=organisers[0],
                    invited_at=now - datetime.timedelta(days=1),
                    invitation_message="We meet on Wednesday mornings at the library café.",
                )
            )
            url = group.get_absolute_url() + "#invitation"
            Notification.objects.filter(recipient=resident, url=url).delete()
            Notification.objects.create(
                recipient=resident,
                kind=Kind.INVITATION,
                text=f"{organisers[0].public_name} invited you to join {group.name}",
                url=url,
            )
        GroupMembership.objects.bulk_create(rows)
    borough.counts["groups"] = len(SPECS)
