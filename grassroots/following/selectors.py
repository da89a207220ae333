"""Reads for following: who follows a thing, what a person follows, and what may be followed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations import visibility as conversations
from grassroots.conversations.visibility import visible_conversations
from grassroots.core import compiled
from grassroots.core.request_cache import scoped
from grassroots.directory.models_assets import Asset
from grassroots.following.models import Follow
from grassroots.groups.models import Group
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.visibility import visible_initiatives
from grassroots.places.models import Ward

# What can be followed, by the name used in addresses and in Follow's target fields.
KINDS = ("initiative", "ward", "group", "conversation", "asset")


def followers(
    *,
    initiative: Any | None = None,
    ward: Any | None = None,
    group: Any | None = None,
    conversation: Any | None = None,
    wards: Iterable[Any] = (),
    asset: Any | None = None,
) -> QuerySet[Any]:
    """Active people following any of the given things (each person once).

    `wards` adds the followers of several wards at once (for example an initiative's wards).
    Callers pass the result to `notifications.services.notify`, which still drops anyone who may
    not see a safeguarded initiative or conversation.
    """
    match = Q(pk__in=[])
    for field, target in (
        ("initiative", initiative),
        ("ward", ward),
        ("group", group),
        ("conversation", conversation),
        ("asset", asset),
    ):
        if target is not None:
            match |= Q(**{f"follows__{field}": target})
    ward_list = list(wards)
    if ward_list:
        match |= Q(follows__ward__in=ward_list)
    return get_user_model().objects.filter(match, is_active=True).distinct()


def kind_of(target: Model) -> str:
    """ "initiative", "ward", "group", "conversation" or "asset" for a followable object."""
    label = target._meta.model_name
    if label not in KINDS:
        raise ValueError(f"{label} cannot be followed")
    return str(label)


def followable(user: Viewer, kind: str, pk: int) -> Model | None:
    """The thing of `kind` with `pk` if `user` may see it (and so follow it); else None.

    A safeguarded initiative or conversation outside the user's reach is None, exactly like
    one that does not exist.
    """
    if kind == "initiative":
        return visible_initiatives(user).filter(pk=pk).first()
    if kind == "ward":
        return Ward.objects.current().select_related("council").filter(pk=pk).first()
    if kind == "group":
        return Group.objects.filter(pk=pk).first()
    if kind == "conversation":
        return visible_conversations(user).filter(pk=pk, hidden_at__isnull=True).first()
    if kind == "asset":
        return Asset.objects.filter(pk=pk).first()
    return None


def is_following(user: Viewer, target: Model) -> bool:
    """Whether `user` follows `target` (asked on every page with a follow button: compiled
    once, core/compiled.py)."""
    if not isinstance(user, User):  # nobody signed in
        return False
    kind = kind_of(target)
    return compiled.exists(
        "following.is_following",
        kind,
        Follow,
        lambda user_id, target_id: Follow.objects.filter(
            user_id=user_id, **{f"{kind}_id": target_id}
        ),
        user.pk,
        target.pk,
    )


@scoped
def follows_of(user: Actor) -> list[Follow]:
    """What `user` follows, in one query, leaving out anything they can no longer see."""
    listed = Q(conversation__hidden_at__isnull=True) & conversations.of_visible(user)
    return list(
        Follow.objects.filter(user=user)
        .filter(Q(initiative__isnull=True) | initiatives.of_visible(user))
        .filter(Q(conversation__isnull=True) | listed)
        .select_related("initiative", "ward__council", "group", "conversation", "asset")
        .order_by("-created_at", "-id")
    )
