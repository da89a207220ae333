"""Telling people: the one door lower apps use to notify, kept open by the apps above them.

Initiatives, support, groups, conversations and events tell people things, but the
notifications (stored, emailed, digested) and the followers live in apps above them. So these
apps call `notify()`, `followers()` and `followers_notify()` here, and the apps that do the work
register themselves in their `AppConfig.ready()`: `notifications` the deliverer,
`following` who follows what. `Kind` lives here because the callers name it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from grassroots.accounts.types import Actor


class Kind(models.TextChoices):
    """What a notification is about; each person chooses how to hear of each kind."""

    JOIN_REQUEST = "join_request", _("Requests to join your initiatives and groups")
    JOIN_DECISION = "join_decision", _("Answers to your requests to join")
    INVITATION = "invitation", _("Invitations to join an initiative or a group")
    SUPPORT_OFFER = "support_offer", _("Councillors offering support")
    SUPPORT_UPDATE = "support_update", _("Changes to support you offered or received")
    HELP_REQUEST = "help_request", _("Help requests in your wards")
    CASE_UPDATE = "case_update", _("Advocacy case updates")
    STAGE_CHANGE = "stage_change", _("Stage changes of initiatives you back or belong to")
    CONVERSATION = "conversation", _("New replies in conversations you take part in")
    ACTION = "action", _("Agreed actions and action items given to you")
    EVENT = "event", _("Changes to events you are going to, and places from a waiting list")
    EVENT_REMINDER = "event_reminder", _("Reminders the day before an event you are going to")
    FOLLOWING = "following", _("News from initiatives, wards, groups and conversations you follow")
    MODERATION = "moderation", _("Moderators' decisions about what you posted or reported")
    FUNDING = "funding", _("Decisions about money your initiatives and groups applied for")
    CASE_STUDY = "case_study", _("Case studies you are telling or asked to approve")
    DIRECTORY = "directory", _("Suggestions and checks for directory listings you look after")
    INTRODUCTION = "introduction", _("Introductions between initiatives' needs and offers of help")
    ASSET = "asset", _("Nominations, decisions and sale notices for places you follow")


class Deliverer(Protocol):
    """`notifications.services.notify`: see there for what each argument means."""

    def __call__(
        self,
        *,
        recipients: Iterable[Actor | None],
        kind: Kind,
        text: str,
        url: str,
        initiative: Any = None,
        conversation: Any = None,
        ward: Any = None,
        group: Any = None,
        exclude: Actor | None = None,
        actor: Actor | None = None,
    ) -> object: ...


class FollowerFinder(Protocol):
    """`following.selectors.followers`: active people following any of the given things."""

    def __call__(
        self,
        *,
        initiative: Any = None,
        ward: Any = None,
        group: Any = None,
        conversation: Any = None,
        wards: Iterable[Any] = (),
        asset: Any = None,
    ) -> QuerySet[Actor]: ...


class FollowerTeller(Protocol):
    """`following.services.followers_notify`: tell an initiative's and its wards' followers."""

    def __call__(
        self,
        *,
        initiative: Any,
        text: str,
        url: str,
        exclude: Iterable[Actor] = (),
        also_ward: Any = None,
        actor: Actor | None = None,
    ) -> object: ...


class _Hooks:
    deliver: Deliverer | None = None
    find_followers: FollowerFinder | None = None
    tell_followers: FollowerTeller | None = None


_hooks = _Hooks()


def register_deliverer(deliver: Deliverer) -> None:
    """Called once by `notifications` in its `ready()`."""
    _hooks.deliver = deliver


def register_followers(*, find: FollowerFinder, tell: FollowerTeller) -> None:
    """Called once by `following` in its `ready()`."""
    _hooks.find_followers = find
    _hooks.tell_followers = tell


def _missing(app: str) -> RuntimeError:
    return RuntimeError(f"grassroots.{app} is not installed: nobody registered with core.notices")


def notify(
    *,
    recipients: Iterable[Actor | None],
    kind: Kind,
    text: str,
    url: str,
    initiative: Model | None = None,
    conversation: Model | None = None,
    ward: Model | None = None,
    group: Model | None = None,
    exclude: Actor | None = None,
    actor: Actor | None = None,
) -> None:
    """Tell each recipient once, as they chose for this kind; those who may not see what it is
    about are dropped by the deliverer (`notifications.services.notify`)."""
    if _hooks.deliver is None:
        raise _missing("notifications")
    _hooks.deliver(
        recipients=recipients,
        kind=kind,
        text=text,
        url=url,
        initiative=initiative,
        conversation=conversation,
        ward=ward,
        group=group,
        exclude=exclude,
        actor=actor,
    )


def followers(
    *,
    initiative: Model | None = None,
    ward: Model | int | None = None,
    group: Model | None = None,
    conversation: Model | None = None,
    wards: Iterable[Model | int] = (),
    asset: Model | None = None,
) -> QuerySet[Actor]:
    """Active people following any of the given things, each once (`following.selectors`);
    `asset` is a place that matters (`directory.Asset`)."""
    if _hooks.find_followers is None:
        raise _missing("following")
    return _hooks.find_followers(
        initiative=initiative,
        ward=ward,
        group=group,
        conversation=conversation,
        wards=wards,
        asset=asset,
    )


def followers_notify(
    *,
    initiative: Model,
    text: str,
    url: str,
    exclude: Iterable[Actor] = (),
    also_ward: Model | int | None = None,
    actor: Actor | None = None,
) -> None:
    """Tell the followers of `initiative` and of its wards (`Kind.FOLLOWING`), once each
    (`following.services.followers_notify`)."""
    if _hooks.tell_followers is None:
        raise _missing("following")
    _hooks.tell_followers(
        initiative=initiative,
        text=text,
        url=url,
        exclude=exclude,
        also_ward=also_ward,
        actor=actor,
    )
