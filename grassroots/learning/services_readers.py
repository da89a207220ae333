"""Writes for the readers of the guide: marking a page done, keeping a private reflection, and
taking the councillors' self-assessment. Each one is the reader's own; the audit log says that
it happened, never what was written or scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.learning import assessment
from grassroots.learning.models import Completion, GuidePage, Reflection, SelfAssessment
from grassroots.learning.selectors_readers import record_of

MAX_REFLECTION_TEXT = 5_000


def _published(page: GuidePage) -> GuidePage:
    fresh = GuidePage.objects.filter(pk=page.pk, live__isnull=False).first()
    if fresh is None:
        raise ServiceError(_("This page is not published yet"))
    return fresh


def completion_set(*, actor: Actor, page: GuidePage, done: bool) -> bool:
    """Mark `page` done for `actor` (or not done again). Returns whether anything changed."""
    require(actor, "learning.save_progress", page)
    with transaction.atomic():
        page = _published(page)
        if done:
            try:
                with transaction.atomic():
                    _row, created = Completion.objects.get_or_create(user=actor, page=page)
            except IntegrityError:  # marked done at the same moment in another tab
                created = False
            changed = created
        else:
            changed = Completion.objects.filter(user=actor, page=page).delete()[0] > 0
        if changed:
            audit_record(
                actor=actor,
                action="learning.page_done" if done else "learning.page_undone",
                obj=page,
                summary=f"Page {page.pk} marked {'done' if done else 'not done'}",
            )
    return changed


def reflection_save(*, actor: Actor, page: GuidePage, text: str) -> Reflection:
    """Keep `actor`'s reflection on `page` (replacing what they wrote before)."""
    require(actor, "learning.save_progress", page)
    text = clean_text(
        text,
        max_length=MAX_REFLECTION_TEXT,
        empty=_("Write your reflection"),
        too_long=_("Your reflection must be %(max)d characters or fewer")
        % {"max": MAX_REFLECTION_TEXT},
    )
    with transaction.atomic():
        page = _published(page)
        reflection, _created = Reflection.objects.update_or_create(
            user=actor, page=page, defaults={"text": text}
        )
        audit_record(
            actor=actor,
            action="learning.reflection_saved",
            obj=page,
            summary=f"Reflection on page {page.pk} saved (private; not recorded here)",
        )
    return reflection


def self_assessment_take(*, actor: Actor, answers: Mapping[str, int]) -> SelfAssessment:
    """Keep a councillor's answers with their scores and their record on the site today."""
    require(actor, "learning.self_assess", None)
    try:
        scores = assessment.score(answers)
    except assessment.AnswersError as error:
        raise ServiceError(_("Answer every question with a point on the scale")) from error
    with transaction.atomic():
        taken = SelfAssessment.objects.create(
            user=actor, answers=dict(answers), scores=scores, record=record_of(actor)
        )
        audit_record(
            actor=actor,
            action="learning.self_assessment",
            obj=taken,
            summary="Self-assessment taken (private; results not recorded here)",
        )
    return taken


def reader_data_export(user: User) -> dict[str, Any]:
    """A reader's own records, for "Download your data" (`accounts.personal_data`)."""
    return {
        "pages_done": [
            {"page": c.page.title, "done": c.completed_at.isoformat()}
            for c in Completion.objects.filter(user=user).select_related("page")
        ],
        "reflections": [
            {"page": r.page.title, "text": r.text, "saved": r.updated_at.isoformat()}
            for r in Reflection.objects.filter(user=user).select_related("page")
        ],
        "self_assessments": [
            {"taken": a.created_at.isoformat(), "answers": a.answers, "scores": a.scores}
            for a in SelfAssessment.objects.filter(user=user).order_by("created_at")
        ],
    }


def reader_data_erase(user: User) -> None:
    """Deleting an account deletes what its reader kept: nobody else ever saw it."""
    Completion.objects.filter(user=user).delete()
    Reflection.objects.filter(user=user).delete()
    SelfAssessment.objects.filter(user=user).delete()
