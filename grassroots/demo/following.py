"""Demo following in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

The demo resident follows their own ward, a group they do not run and a public initiative
they do not lead; their news from what they follow comes in a daily digest and event changes
in a weekly one, and a few notifications already wait for the next digest (so `manage.py
send_digests --daily` has something to send). A dozen generated residents follow their wards
too. Follows and preferences are made by the services people use (`follow_start`,
`preferences_save`). Everything is rebuilt from the same choices on each run, so re-running
changes nothing.
"""

from __future__ import annotations

from grassroots.demo.borough import Borough
from grassroots.demo.groups import demo_groups
from grassroots.demo.initiatives import demo_initiatives
from grassroots.following.models import Follow
from grassroots.following.services import follow_start
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Delivery, Kind, Notification
from grassroots.notifications.services import preferences_save

WARD_FOLLOWERS = 12


def seed_following(borough: Borough) -> None:
    """Follows for the demo resident and some neighbours; digest settings and waiting news."""
    resident = borough.accounts.get("resident")
    neighbours = [r for r in borough.residents if r.ward_id is not None][:WARD_FOLLOWERS]
    people = [p.pk for p in neighbours] + ([resident.pk] if resident is not None else [])
    Follow.objects.filter(user_id__in=people).delete()
    # Followed as people follow things: one press of the button each (following.services).
    for person in neighbours:
        if person.ward is not None:
            follow_start(user=person, target=person.ward)
    follows = len(neighbours)
    if resident is None:
        borough.counts["follows"] = follows
        return
    group = demo_groups(borough.council).exclude(created_by=resident).order_by("slug").first()
    initiative = next(
        (
            i
            for i in demo_initiatives(borough.council)
            .filter(visibility=Visibility.PUBLIC)
            .exclude(created_by=resident)
            .order_by("slug")
        ),
        None,
    )
    targets = [target for target in (resident.ward, group, initiative) if target is not None]
    for target in targets:
        follow_start(user=resident, target=target)
    follows += len(targets)
    preferences_save(
        user=resident, deliveries={Kind.FOLLOWING: Delivery.DAILY, Kind.EVENT: Delivery.WEEKLY}
    )
    # News waiting for the next daily digest, one for each place followed.
    Notification.objects.filter(recipient=resident, kind=Kind.FOLLOWING).delete()
    waiting = []
    if resident.ward is not None:
        waiting.append(
            Notification(
                text=f"A new conversation started in {resident.ward.name}",
                url=resident.ward.get_absolute_url(),
                ward=resident.ward,
            )
        )
    if group is not None:
        waiting.append(
            Notification(
                text=f"{group.name} has a new event", url=group.get_absolute_url(), group=group
            )
        )
    if initiative is not None:
        waiting.append(
            Notification(
                text=f"{initiative.title} posted a progress update",
                url=initiative.get_absolute_url(),
                initiative=initiative,
            )
        )
    for notification in waiting:
        notification.recipient = resident
        notification.kind = Kind.FOLLOWING
        notification.awaiting_digest = True
    Notification.objects.bulk_create(waiting)
    borough.counts["follows"] = follows
