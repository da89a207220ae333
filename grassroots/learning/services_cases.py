"""Writes for case studies. Each checks its rule (`learning.rules`) first, then what the
story's status allows, and does its work in one transaction with an audit entry.

The way through: an achieved initiative's leads are invited (`invite_leads`, from the stage
change); a lead starts the story (`case_study_start`, pre-filled from the initiative; for a
safeguarded initiative only with the leads' consent to anonymised publication, the first yes);
leads write the draft and send it for review (`case_study_submit`); supporting councillors add
reflections; an editor edits and sends it for the leads' approval
(`case_study_send_for_approval`); a lead approves the final text (`case_study_approve`, the
second yes) and that publishes it: publication follows the leads' approval, so the people whose
story it is have the last word. A story an editor wrote from scratch has no leads, and the
editor publishes it (`case_study_publish`). Editors may withdraw a published story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_editor
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.directory.models_assets import Asset
from grassroots.events.models import Event
from grassroots.funding.models import Fund
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, Stage, Theme
from grassroots.learning import selectors_cases as selectors
from grassroots.learning.models_cases import (
    CaseContact,
    CaseResult,
    CaseStatus,
    CaseStudy,
    CaseTheme,
    CouncillorReflection,
    PlaceType,
    field_label,
)
from grassroots.places.models import Council, Ward
from grassroots.support.models import SupportKind

MAX_TITLE = 150
MAX_SUMMARY = 300
MAX_TEXT = 10_000
MAX_NAME = 120
MAX_ROLE = 150
MAX_HOW = 250
EDITORS_TOLD = 50

TEXT_FIELDS = (
    "challenge",
    "residents_did",
    "facilitate",
    "connect",
    "advocate",
    "council_did",
    "outcomes",
    "evidence",
    "differently",
)


@dataclass
class CaseText:
    """What the story says and links to (the edit form's fields)."""

    title: str
    summary: str = ""
    themes: list[str] = field(default_factory=list)
    place_type: str = ""
    result: str = ""
    challenge: str = ""
    residents_did: str = ""
    facilitate: str = ""
    connect: str = ""
    advocate: str = ""
    council_did: str = ""
    outcomes: str = ""
    evidence: str = ""
    differently: str = ""
    anonymised: bool = False
    wards: list[Ward] = field(default_factory=list)
    related_initiatives: list[Initiative] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    funds: list[Fund] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)


def _optional(text: str, *, max_length: int, label: str) -> str:
    if not (text or "").strip():
        return ""
    return clean_text(
        text,
        max_length=max_length,
        empty="",
        too_long=_("%(field)s must be %(max)s characters or fewer")
        % {"field": label, "max": f"{max_length:,}"},
    )


def _checked(text: CaseText, council: Council) -> CaseText:
    text.title = clean_text(
        text.title,
        max_length=MAX_TITLE,
        empty=_("Enter a title"),
        too_long=_("The title must be %(max)d characters or fewer") % {"max": MAX_TITLE},
    )
    text.summary = _optional(text.summary, max_length=MAX_SUMMARY, label=_("The summary"))
    for name in TEXT_FIELDS:
        label = field_label(name)
        setattr(text, name, _optional(getattr(text, name), max_length=MAX_TEXT, label=label))
    if not text.themes or any(t not in Theme.values for t in text.themes):
        raise ServiceError(_("Choose at least one theme from the list"))
    if text.place_type and text.place_type not in PlaceType.values:
        raise ServiceError(_("Choose the type of place from the list"))
    if text.result and text.result not in CaseResult.values:
        raise ServiceError(_("Choose how it turned out from the list"))
    if any(ward.council_id != council.pk for ward in text.wards):
        raise ServiceError(_("Choose wards of the story's council"))
    if any(asset.council_id != council.pk for asset in text.assets):
        raise ServiceError(_("Choose places in the story's council"))
    return text


def _audit(actor: Actor | None, action: str, case: CaseStudy, summary: str) -> None:
    audit_record(
        actor=actor,
        action=f"learning.case_study_{action}",
        obj=case,
        summary=summary,
        data={"status": case.status},
    )


def _locked(case: CaseStudy) -> CaseStudy:
    return CaseStudy.objects.select_for_update().get(pk=case.pk)


def _tell(recipients: Iterable[Any], text: str, url: str, actor: Actor | None) -> None:
    """Notify about a story without naming a safeguarded initiative: the notice carries no
    title, and the deliverer has no initiative to check (the text says only where to look)."""
    notify(recipients=list(recipients), kind=Kind.CASE_STUDY, text=text, url=url, exclude=actor)


def _editors() -> list[User]:
    return list(User.objects.filter(is_editor=True, is_active=True).order_by("pk")[:EDITORS_TOLD])


def _name(case: CaseStudy) -> str:
    return _("a case study") if case.safeguarded else f"“{case.title}”"


# --- Invitation and starting ----------------------------------------------------------------


def invite_leads(*, initiative: Initiative) -> None:
    """Ask the leads of an initiative that has just become achieved to tell its story (the
    system acts: no actor). Called as its `StageChange` to achieved is written, before the
    initiative row itself says so."""
    if selectors.story_of(initiative) is not None:
        return
    notify(
        recipients=selectors.leads_of(initiative.pk),
        kind=Kind.CASE_STUDY,
        text=_("%(title)s is achieved: tell its story as a case study so others can learn from it")
        % {"title": initiative.title},
        url=reverse("cases:start", kwargs={"slug": initiative.slug}),
        initiative=initiative,
    )


def case_study_start(
    *, actor: Actor, initiative: Initiative, consent_anonymised: bool = False
) -> CaseStudy:
    """A draft story of `initiative`, pre-filled from it (`selectors_cases.prefill`)."""
    require(actor, "learning.start_case_study", initiative)
    if initiative.stage != Stage.ACHIEVED:
        raise ServiceError(_("An initiative's story can be told once it is achieved"))
    guarded = initiative.is_safeguarded
    if guarded and not consent_anonymised:
        raise ServiceError(
            _("Confirm that the leads agree to the story being published without names or places")
        )
    data = selectors.prefill(initiative)
    if data["council"] is None:
        raise ServiceError(_("This initiative has no ward, so its council is not known"))
    now = timezone.now()
    with transaction.atomic():
        Initiative.objects.select_for_update().get(pk=initiative.pk)
        if CaseStudy.objects.filter(initiative=initiative).exists():
            raise ServiceError(_("This initiative's story has already been started"))
        case = CaseStudy.objects.create(
            title=data["title"],
            council=data["council"],
            challenge=data["challenge"],
            residents_did=data["residents_did"],
            facilitate=data["facilitate"],
            connect=data["connect"],
            advocate=data["advocate"],
            outcomes=data["outcomes"],
            evidence=data["evidence"],
            result=data["result"],
            initiative=initiative,
            safeguarded=guarded,
            anonymised=guarded,
            consent_at=now if guarded else None,
            consent_by=actor if guarded else None,
            created_by=actor,
        )
        case.wards.set(data["wards"])
        case.events.set(data["events"])
        case.funds.set(data["funds"])
        case.assets.set(data["assets"])
        CaseTheme.objects.bulk_create([CaseTheme(case_study=case, theme=t) for t in data["themes"]])
        _audit(actor, "start", case, "Case study started from its initiative")
        _tell(
            selectors.supporting_councillors(initiative.pk),
            _("Add your reflection to the story of an initiative you supported"),
            reverse("cases:reflect", kwargs={"pk": case.pk}),
            actor,
        )
    return case


def case_study_create(*, actor: Actor, council: Council, title: str) -> CaseStudy:
    """A story an editor writes from scratch (in review, the editor's own queue)."""
    require(actor, "learning.create_case_study", None)
    title = clean_text(
        title,
        max_length=MAX_TITLE,
        empty=_("Enter a title"),
        too_long=_("The title must be %(max)d characters or fewer") % {"max": MAX_TITLE},
    )
    with transaction.atomic():
        case = CaseStudy.objects.create(
            title=title, council=council, status=CaseStatus.IN_REVIEW, created_by=actor
        )
        _audit(actor, "create", case, "Case study written from scratch")
    return case


# --- Writing ----------------------------------------------------------------------------------


def _may_edit(actor: Actor, case: CaseStudy) -> None:
    if is_editor(actor):
        if case.status not in (CaseStatus.DRAFT, CaseStatus.IN_REVIEW):
            raise ServiceError(_("This case study cannot be changed at this stage"))
    elif case.status != CaseStatus.DRAFT:
        raise ServiceError(
            _("The story is with the editors now: you can change it again if they send it back")
        )


def case_study_update(*, actor: Actor, case: CaseStudy, text: CaseText) -> CaseStudy:
    require(actor, "learning.change_case_study", case)
    checked = _checked(text, case.council)
    with transaction.atomic():
        locked = _locked(case)
        _may_edit(actor, locked)
        locked.title, locked.summary = checked.title, checked.summary
        locked.place_type, locked.result = checked.place_type, checked.result
        for name in TEXT_FIELDS:
            setattr(locked, name, getattr(checked, name))
        # A safeguarded initiative's story is anonymised whatever the form said.
        locked.anonymised = locked.safeguarded or checked.anonymised
        locked.save()
        locked.wards.set([] if locked.safeguarded else checked.wards)
        locked.related_initiatives.set(checked.related_initiatives)
        locked.groups.set(checked.groups)
        locked.funds.set(checked.funds)
        locked.events.set(checked.events)
        # A place would say where a safeguarded initiative is.
        locked.assets.set([] if locked.safeguarded else checked.assets)
        CaseTheme.objects.filter(case_study=locked).exclude(theme__in=checked.themes).delete()
        have = set(locked.themes.values_list("theme", flat=True))
        CaseTheme.objects.bulk_create(
            [CaseTheme(case_study=locked, theme=t) for t in checked.themes if t not in have]
        )
        _audit(actor, "update", locked, "Case study changed")
    return locked


def contact_add(
    *, actor: Actor, case: CaseStudy, name: str, role: str, how_to_contact: str, consent: bool
) -> CaseContact:
    require(actor, "learning.change_case_study", case)
    if not consent:
        raise ServiceError(_("Confirm that this person agreed to be contacted about the story"))
    name = clean_text(
        name,
        max_length=MAX_NAME,
        empty=_("Enter the person's name"),
        too_long=_("The name must be %(max)d characters or fewer") % {"max": MAX_NAME},
    )
    role = clean_text(
        role,
        max_length=MAX_ROLE,
        empty=_("Enter the person's role"),
        too_long=_("The role must be %(max)d characters or fewer") % {"max": MAX_ROLE},
    )
    how = clean_text(
        how_to_contact,
        max_length=MAX_HOW,
        empty=_("Enter how to contact them"),
        too_long=_("How to contact them must be %(max)d characters or fewer") % {"max": MAX_HOW},
    )
    with transaction.atomic():
        locked = _locked(case)
        _may_edit(actor, locked)
        contact = CaseContact.objects.create(
            case_study=locked,
            name=name,
            role=role,
            how_to_contact=how,
            consent_at=timezone.now(),
            recorded_by=actor,
        )
        _audit(actor, "contact_add", locked, "Contact added, with their consent")
    return contact


def contact_remove(*, actor: Actor, contact: CaseContact) -> None:
    case = contact.case_study
    require(actor, "learning.change_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        _may_edit(actor, locked)
        contact.delete()
        _audit(actor, "contact_remove", locked, "Contact removed")


def reflection_save(*, actor: Actor, case: CaseStudy, role: str, text: str) -> CouncillorReflection:
    """A supporting councillor's reflection (one each; saving again replaces it)."""
    require(actor, "learning.reflect_on_case_study", case)
    if role not in SupportKind.values:
        raise ServiceError(_("Choose your role from the list"))
    text = clean_text(
        text,
        max_length=MAX_TEXT,
        empty=_("Enter your reflection"),
        too_long=_("Your reflection must be %(max)s characters or fewer")
        % {"max": f"{MAX_TEXT:,}"},
    )
    support = selectors.support_of(case.initiative_id, actor.pk)
    if support is None:  # the rule said yes a moment ago; the support has just gone
        raise ServiceError(_("Only councillors who supported the initiative can add a reflection"))
    with transaction.atomic():
        locked = _locked(case)
        if locked.status not in (CaseStatus.DRAFT, CaseStatus.IN_REVIEW):
            raise ServiceError(_("Reflections can be added while the story is being written"))
        reflection, _created = CouncillorReflection.objects.update_or_create(
            case_study=locked,
            councillor=support.councillor,
            defaults={"role": role, "text": text, "written_by": actor},
        )
        _audit(actor, "reflect", locked, "Councillor's reflection saved")
    return reflection


# --- Moving through review -------------------------------------------------------------------


def _move(case: CaseStudy, to: str) -> None:
    case.status = to
    case.save(update_fields=["status", "updated_at"])


def case_study_submit(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    """A lead sends the draft to the editors."""
    require(actor, "learning.submit_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != CaseStatus.DRAFT:
            raise ServiceError(_("Only a draft can be sent for review"))
        if not locked.challenge or not locked.residents_did:
            raise ServiceError(
                _("Say what the challenge was and what residents did before sending the story")
            )
        _move(locked, CaseStatus.IN_REVIEW)
        _audit(actor, "submit", locked, "Sent for review")
        _tell(
            _editors(),
            _("A case study is waiting for your review"),
            reverse("cases:mine"),
            actor,
        )
    return locked


def case_study_send_for_approval(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    """An editor sends the reviewed text to the leads for their approval."""
    require(actor, "learning.review_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != CaseStatus.IN_REVIEW:
            raise ServiceError(_("Only a story in review can be sent to the leads"))
        leads = selectors.leads_of(locked.initiative_id)
        if not leads:
            raise ServiceError(_("This story has no leads to approve it: publish it yourself"))
        locked.approved_at = locked.approved_by = None
        locked.save(update_fields=["approved_at", "approved_by"])
        _move(locked, CaseStatus.AWAITING_APPROVAL)
        _audit(actor, "send_for_approval", locked, "Sent to the leads for approval")
        _tell(
            leads,
            _("The editors have finished %(story)s: please read and approve the final text")
            % {"story": _name(locked)},
            locked.get_absolute_url(),
            actor,
        )
    return locked


def case_study_approve(
    *, actor: Actor, case: CaseStudy, confirm_anonymised: bool = False
) -> CaseStudy:
    """A lead approves the final text, which publishes it. For a safeguarded initiative this is
    the second yes, and the lead confirms again that the text names nobody and no place."""
    require(actor, "learning.approve_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != CaseStatus.AWAITING_APPROVAL:
            raise ServiceError(_("This story is not waiting for your approval"))
        if locked.safeguarded:
            if locked.consent_at is None:
                raise ServiceError(_("The leads have not agreed to anonymised publication"))
            if not confirm_anonymised:
                raise ServiceError(
                    _(
                        "Confirm that the final text names nobody, and no place finer than "
                        "the council"
                    )
                )
        now = timezone.now()
        locked.approved_at, locked.approved_by = now, actor
        locked.status, locked.published_at = CaseStatus.PUBLISHED, now
        locked.anonymised = locked.anonymised or locked.safeguarded
        locked.save()
        _audit(actor, "approve", locked, "Final text approved by a lead and published")
        _tell(
            _editors(),
            _("The leads approved %(story)s: it is published") % {"story": _name(locked)},
            locked.get_absolute_url(),
            actor,
        )
    return locked


def case_study_request_changes(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    """A lead sends the final text back to the editors instead of approving it."""
    require(actor, "learning.approve_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != CaseStatus.AWAITING_APPROVAL:
            raise ServiceError(_("This story is not waiting for your approval"))
        _move(locked, CaseStatus.IN_REVIEW)
        _audit(actor, "request_changes", locked, "A lead asked for changes")
        _tell(
            _editors(),
            _("The leads asked for changes to %(story)s") % {"story": _name(locked)},
            reverse("cases:mine"),
            actor,
        )
    return locked


def case_study_publish(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    """An editor publishes a story that has no leads to approve it (written from scratch)."""
    require(actor, "learning.review_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status not in (CaseStatus.IN_REVIEW, CaseStatus.WITHDRAWN):
            raise ServiceError(_("Only a story in review can be published"))
        if locked.initiative_id is not None or locked.safeguarded:
            raise ServiceError(_("The initiative's leads publish its story by approving it"))
        if not locked.challenge or not locked.residents_did or not locked.themes.exists():
            raise ServiceError(
                _("Say what the challenge was, what residents did and its themes before publishing")
            )
        locked.status, locked.published_at = CaseStatus.PUBLISHED, timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        _audit(actor, "publish", locked, "Published by an editor")
    return locked


def case_study_withdraw(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    require(actor, "learning.review_case_study", case)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != CaseStatus.PUBLISHED:
            raise ServiceError(_("Only a published story can be withdrawn"))
        _move(locked, CaseStatus.WITHDRAWN)
        _audit(actor, "withdraw", locked, "Withdrawn by an editor")
    return locked
