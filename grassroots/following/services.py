"""Writes for following: start and stop following an initiative, a ward, a group or a
conversation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import require
from grassroots.following import selectors
from grassroots.following.models import Follow
from grassroots.initiatives.models import Initiative
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify


def follow_start(*, user: Actor, target: Model) -> Follow:
    """Follow `target`; following it again changes nothing. Only what `user` can see
    (`PermissionDenied` for anything hidden from them, as the rule `following.follow` says)."""
    require(user, "following.follow", target)
    kind = selectors.kind_of(target)
    existing = Follow.objects.filter(user=user, **{kind: target}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            follow = Follow.objects.create(user=user, **{kind: target})
            audit_record(
                actor=user,
                action="following.start",
                obj=follow,
                summary=f"Followed {kind} {target.pk}",
                data={"kind": kind, "id": target.pk},
            )
    except IntegrityError:
        # Two clicks at once: the other one made it.
        return Follow.objects.get(user=user, **{kind: target})
    return follow


def follow_stop(*, user: Actor, target: Model) -> bool:
    """Stop following `target`; False if the user was not following it."""
    require(user, "following.unfollow", target)
    kind = selectors.kind_of(target)
    with transaction.atomic():
        follow = Follow.objects.filter(user=user, **{kind: target}).first()
        if follow is None:
            return False
        audit_record(
            actor=user,
            action="following.stop",
            obj=follow,
            summary=f"Stopped following {kind} {target.pk}",
            data={"kind": kind, "id": target.pk},
        )
        follow.delete()
    return True


def follow_drop(*, user: Actor, kind: str, pk: int) -> bool:
    """Drop the user's own follow of something now out of their sight (a safeguarded
    initiative they left, say), found by kind and id since they may no longer see the thing
    itself; False if they had none. Nothing about the thing is looked up or told."""
    require(user, "following.unfollow")
    if kind not in selectors.KINDS:
        return False
    deleted, _rows = Follow.objects.filter(user=user, **{f"{kind}_id": pk}).delete()
    return bool(deleted)


def followers_notify(
    *,
    initiative: Initiative,
    text: str,
    url: str,
    exclude: Iterable[Actor | None] = (),
    also_ward: Any | None = None,
    actor: Actor | None = None,
) -> list[Notification]:
    """Tell the followers of `initiative` and of its wards (`Kind.FOLLOWING`), once each.

    `exclude`: people already told some other way, and the actor. `also_ward`: one more ward
    whose followers hear of it (where an initiative's event takes place, say). `notify()`
    still drops anyone who may not see a safeguarded initiative (a ward's followers, for
    instance). `actor`, who made the news, is never told, and their bursts are emailed to
    each follower once a window (`notifications.bursts`).
    """
    skip = {person.pk for person in (*exclude, actor) if person is not None}
    wards: list[Any] = list(initiative.wards.values_list("pk", flat=True))
    if also_ward is not None:
        wards.append(also_ward)
    people = selectors.followers(initiative=initiative, wards=wards).exclude(pk__in=skip)
    return notify(
        recipients=people,
        kind=Kind.FOLLOWING,
        text=text,
        url=url,
        initiative=initiative,
        actor=actor,
    )
