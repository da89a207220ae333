"""Writes for action items: recording one for a conversation or an event, moving it on, and
marking it done.

Each function checks its permission (rules.py) with `require`, changes state inside one
transaction, writes the audit log and tells the owner through core.notices.notify
(passing the conversation, or the initiative of an initiative's event, so news about something
safeguarded never reaches outsiders). User errors are `ServiceError`s.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.actions.models import ActionItem, ActionStatus
from grassroots.conversations.models import Conversation
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.events.models import Event

MAX_WHAT = 300
MAX_NAME = 200


def _clean_what(what: str) -> str:
    """What was agreed, as stored for a conversation (`core.text.clean_text`)."""
    return clean_text(
        what,
        max_length=MAX_WHAT,
        empty=_("Enter what was agreed"),
        too_long=_("What was agreed must be 300 characters or fewer"),
    )


def action_add(
    *,
    actor: Actor,
    parent: Conversation | Event,
    what: str,
    owner: Actor | None = None,
    owner_name: str = "",
    due_on: datetime.date | None = None,
) -> ActionItem:
    """Record an action agreed in a conversation or at a meeting: what, who (a person on the
    site, who then sees it on their dashboard, or a name) and by when."""
    require(actor, "actions.add", parent)
    if isinstance(parent, Conversation):
        return _conversation_action_add(
            actor=actor,
            conversation=parent,
            what=what,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
        )
    return _event_action_add(
        actor=actor, event=parent, what=what, owner=owner, owner_name=owner_name, due_on=due_on
    )


def _conversation_action_add(
    *,
    actor: Actor,
    conversation: Conversation,
    what: str,
    owner: Actor | None,
    owner_name: str,
    due_on: datetime.date | None,
) -> ActionItem:
    what = _clean_what(what)
    owner_name = (owner_name or "").strip()
    if owner is not None and owner_name:
        raise ServiceError(_("Choose a participant or type a name, not both"))
    if owner is None and not owner_name:
        raise ServiceError(_("Say who will do it"))
    if len(owner_name) > MAX_NAME:
        raise ServiceError(_("The name must be 200 characters or fewer"))
    if due_on is not None and due_on < timezone.localdate():
        raise ServiceError(_("The date must be today or in the future"))
    with transaction.atomic():
        item = ActionItem.objects.create(
            conversation=conversation,
            what=what,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="conversations.agreed_action_create",
            obj=item,
            summary=f"Recorded an agreed action: {what}",
        )
        if owner is not None:
            notify(
                recipients=[owner],
                kind=Kind.ACTION,
                text=_("You agreed to do something in “%(question)s”: %(what)s")
                % {"question": conversation.question, "what": what},
                url=f"{conversation.get_absolute_url()}#agreed-actions",
                conversation=conversation,
                exclude=actor,
            )
    return item


def _event_action_add(
    *,
    actor: Actor,
    event: Event,
    what: str,
    owner: Actor | None,
    owner_name: str,
    due_on: datetime.date | None,
) -> ActionItem:
    if owner is None and not owner_name:
        raise ServiceError(_("Choose who will do it or enter their name"))
    with transaction.atomic():
        item = ActionItem.objects.create(
            event=event,
            what=what,
            owner=owner,
            owner_name="" if owner is not None else owner_name,
            due_on=due_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="events.action_added",
            obj=item,
            summary=f"Action for event {event.pk}: {what}",
            data={"event": event.pk, "owner": owner.pk if owner is not None else None},
        )
        if owner is not None:
            notify(
                recipients=[owner],
                kind=Kind.ACTION,
                text=_("An action from %(title)s is yours: %(what)s")
                % {"title": event.title, "what": what},
                url=event.get_absolute_url(),
                initiative=event.initiative,
                exclude=actor,
            )
    return item


def action_set_status(*, actor: Actor, item: ActionItem, status: str) -> ActionItem:
    """Its owner or the hosts move an action on (to do, in progress, done). Setting the status
    it already has changes nothing."""
    require(actor, "actions.update", item)
    if status not in ActionStatus.values:
        raise ServiceError(_("Select the new status"))
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        old = item.status
        if old == status:
            return item
        item.status = status
        item.done_at = timezone.now() if status == ActionStatus.DONE else None
        item.save(update_fields=["status", "done_at", "updated_at"])
        audit_record(
            actor=actor,
            action="events.action_status",
            obj=item,
            summary=f"Action {item.pk}: {old} → {status}",
            data={"from": old, "to": status},
        )
    return item


def action_complete(*, actor: Actor, item: ActionItem) -> ActionItem:
    """Mark an action done (its owner, or the host); an error if it is done already."""
    require(actor, "actions.update", item)
    with transaction.atomic():
        changed = (
            ActionItem.objects.filter(pk=item.pk)
            .exclude(status=ActionStatus.DONE)
            .update(status=ActionStatus.DONE, done_at=timezone.now(), updated_at=timezone.now())
        )
        if not changed:
            raise ServiceError(_("This action is already done"))
        item.refresh_from_db(fields=["status", "done_at", "updated_at"])
        audit_record(
            actor=actor,
            action="conversations.agreed_action_complete",
            obj=item,
            summary=f"Marked done: {item.what}",
        )
    return item
