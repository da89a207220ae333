"""What an initiative needs and how it is getting on: needs, updates, milestones, outcome."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.images import ImageRefused, clean_image
from grassroots.core.notices import followers_notify
from grassroots.core.services import ServiceError, require
from grassroots.initiatives.models import (
    Initiative,
    Milestone,
    Need,
    NeedKind,
    NeedStatus,
    Outcome,
    Stage,
    Update,
)

# --- Needs -------------------------------------------------------------------------------------


def _need_fields(
    kind: str, volunteers_wanted: int | None, when: str, amount_pence: int | None
) -> dict[str, Any]:
    # Counts and amounts belong to their own kinds; the database holds the same rule.
    if kind == NeedKind.MONEY and amount_pence is None:
        raise ServiceError(_("Enter how much money you need"))
    if kind == NeedKind.VOLUNTEERS and not volunteers_wanted:
        raise ServiceError(_("Enter how many volunteers you need"))
    return {
        "kind": kind,
        "volunteers_wanted": volunteers_wanted if kind == NeedKind.VOLUNTEERS else None,
        "when": when if kind == NeedKind.VOLUNTEERS else "",
        "amount_pence": amount_pence if kind == NeedKind.MONEY else None,
    }


def need_create(
    *,
    initiative: Initiative,
    actor: Actor,
    kind: str,
    description: str,
    volunteers_wanted: int | None = None,
    when: str = "",
    amount_pence: int | None = None,
) -> Need:
    """Add something the initiative needs."""
    require(actor, "initiatives.manage_needs", initiative)
    fields = _need_fields(kind, volunteers_wanted, when, amount_pence)
    with transaction.atomic():
        need = Need.objects.create(initiative=initiative, description=description, **fields)
        audit_record(actor=actor, action="need.create", obj=need, summary=f"Added a need: {kind}")
    return need


def need_update(
    *,
    need: Need,
    actor: Actor,
    kind: str,
    description: str,
    volunteers_wanted: int | None = None,
    when: str = "",
    amount_pence: int | None = None,
) -> Need:
    """Change what a need asks for."""
    require(actor, "initiatives.manage_needs", need.initiative)
    fields = _need_fields(kind, volunteers_wanted, when, amount_pence)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(need, name, value)
        need.description = description
        need.save(update_fields=[*fields, "description"])
        audit_record(actor=actor, action="need.update", obj=need, summary="Edited a need")
    return need


def need_set_status(*, need: Need, actor: Actor, met: bool) -> Need:
    """Mark a need met, or reopen it."""
    require(actor, "initiatives.manage_needs", need.initiative)
    with transaction.atomic():
        need.status = NeedStatus.MET if met else NeedStatus.OPEN
        need.met_at = timezone.now() if met else None
        need.save(update_fields=["status", "met_at"])
        audit_record(
            actor=actor,
            action="need.met" if met else "need.reopen",
            obj=need,
            summary="Marked a need met" if met else "Reopened a need",
        )
    return need


# --- Updates, milestones, outcome ----------------------------------------------------------------


def update_create(
    *,
    initiative: Initiative,
    author: Actor,
    text: str,
    photo: File[Any] | None = None,
    photo_alt: str = "",
) -> Update:
    """Post a progress update (a photo must come with its description).

    The photo is cleaned first (core.images: random name, no metadata, scaled)."""
    require(author, "initiatives.post_update", initiative)
    if photo is not None and not photo_alt.strip():
        raise ServiceError(_("Describe the photo for people who cannot see it"))
    if photo is not None:
        try:
            photo = clean_image(photo)
        except ImageRefused as refused:
            raise ServiceError(refused.message) from None
    with transaction.atomic():
        update = Update(initiative=initiative, author=author, text=text, photo_alt=photo_alt)
        if photo is not None:
            update.photo.save(photo.name or "", photo, save=False)
        else:
            update.photo_alt = ""
        update.save()
        audit_record(actor=author, action="update.create", obj=update, summary="Posted an update")
        followers_notify(
            initiative=initiative,
            text=_("%(title)s: %(update)s") % {"title": initiative.title, "update": text[:200]},
            url=initiative.get_absolute_url(),
            actor=author,
        )
    return update


def milestone_create(
    *, initiative: Initiative, actor: Actor, title: str, due_on: datetime.date
) -> Milestone:
    """Add a milestone with its date."""
    require(actor, "initiatives.manage_milestones", initiative)
    with transaction.atomic():
        milestone = Milestone.objects.create(initiative=initiative, title=title, due_on=due_on)
        audit_record(
            actor=actor, action="milestone.create", obj=milestone, summary=f"Milestone {title!r}"
        )
    return milestone


def milestone_set_done(*, milestone: Milestone, actor: Actor, done: bool) -> Milestone:
    """Mark a milestone done (today), or not done."""
    require(actor, "initiatives.manage_milestones", milestone.initiative)
    with transaction.atomic():
        milestone.done_on = timezone.localdate() if done else None
        milestone.save(update_fields=["done_on"])
        audit_record(
            actor=actor,
            action="milestone.done" if done else "milestone.undone",
            obj=milestone,
            summary="Marked a milestone done" if done else "Marked a milestone not done",
        )
    return milestone


def outcome_record(
    *, initiative: Initiative, actor: Actor, what_changed: str, for_whom: str, evidence: str
) -> Outcome:
    """Say what an achieved initiative changed, for whom, and the evidence (the leads only;
    before it is achieved, the refusal says why)."""
    require(actor, "initiatives.save_outcome", initiative)
    with transaction.atomic():
        stage = Initiative.objects.filter(pk=initiative.pk).values_list("stage", flat=True).get()
        if stage != Stage.ACHIEVED:
            raise ServiceError(_("You can record the outcome once the initiative is achieved"))
        outcome, created = Outcome.objects.update_or_create(
            initiative=initiative,
            defaults={
                "what_changed": what_changed,
                "for_whom": for_whom,
                "evidence": evidence,
                "recorded_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action="outcome.record" if created else "outcome.update",
            obj=outcome,
            summary="Recorded the outcome",
        )
    return outcome
