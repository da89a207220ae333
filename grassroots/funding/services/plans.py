"""Writes for a fund's plan. The plan is never changed in place: every revision adds a new
`PlanRevision` (its number one more than the last) holding every line and allocation whole, so
any two can be compared. A line keeps its `ref` from one revision to the next.

The chair or the treasurer revises it (`funding.revise_plan`); priorities are carried in from
a priority exercise of the fund's council whose results are out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.slugs import ascii_slug
from grassroots.core.text import clean_text
from grassroots.funding.models import Fund, PlanAllocation, PlanLine, PlanRevision
from grassroots.funding.money import pounds
from grassroots.priorities.models import Exercise, Phase, Priority

MAX_TITLE = 150
MAX_SUMMARY = 2000
MAX_LINES = 50


@dataclass(frozen=True)
class LineInput:
    """One priority of a new revision. `ref` is empty for a new line (one is made from the
    title); a line of the current revision gives its `ref` and keeps its description and the
    priority it was carried in from."""

    title: str
    allocations: Mapping[int, int] = field(default_factory=dict)  # year -> pence
    ref: str = ""
    description: str = ""
    priority_id: int | None = None


def current_revision(fund: Fund) -> PlanRevision | None:
    return PlanRevision.objects.filter(fund=fund).order_by("-number").first()


def _checked(fund: Fund, lines: Sequence[LineInput]) -> list[LineInput]:
    if not lines:
        raise ServiceError(_("Add at least one priority to the plan"))
    if len(lines) > MAX_LINES:
        raise ServiceError(_("A plan can have at most 50 priorities"))
    checked = []
    total = 0
    for line in lines:
        title = clean_text(
            line.title,
            max_length=MAX_TITLE,
            empty=_("Enter a name for every priority"),
            too_long=_("A priority’s name must be 150 characters or fewer"),
        )
        allocations = {}
        for year, amount in line.allocations.items():
            if not 1 <= year <= fund.horizon_years:
                raise ServiceError(
                    _("Year %(year)d is outside the fund’s %(years)d years")
                    % {"year": year, "years": fund.horizon_years}
                )
            if amount < 0:
                raise ServiceError(
                    _("The allocation for “%(title)s” in year %(year)d cannot be less than £0")
                    % {"title": title, "year": year}
                )
            if amount:
                allocations[year] = amount
                total += amount
        checked.append(
            LineInput(
                title=title,
                allocations=allocations,
                ref=line.ref,
                description=line.description,
                priority_id=line.priority_id,
            )
        )
    if total > fund.total_pence:
        raise ServiceError(
            _(
                "The plan adds up to %(total)s over all its years, more than the fund’s "
                "%(fund)s. Take %(over)s off"
            )
            % {
                "total": pounds(total),
                "fund": pounds(fund.total_pence),
                "over": pounds(total - fund.total_pence),
            }
        )
    return checked


def _write(
    *,
    actor: Actor,
    fund: Fund,
    lines: Sequence[LineInput],
    summary: str,
    based_on: int | None,
) -> PlanRevision:
    """Lock the fund, check nobody revised the plan meanwhile, write the next revision."""
    locked = Fund.objects.select_for_update().get(pk=fund.pk)
    current = current_revision(locked)
    current_number = current.number if current else 0
    if based_on is not None and based_on != current_number:
        raise ServiceError(
            _(
                "Somebody else changed the plan while you were working on it: revision "
                "%(number)d is the current one now. Look at it, then make your changes again"
            )
            % {"number": current_number}
        )
    kept = {line.ref: line for line in current.lines.all()} if current else {}
    used = set(PlanLine.objects.filter(revision__fund=locked).values_list("ref", flat=True))
    seen: set[str] = set()
    rows: list[tuple[PlanLine, Mapping[int, int]]] = []
    for position, line in enumerate(lines):
        if line.ref:
            if line.ref not in kept:
                raise ServiceError(
                    _("A priority is not in the current plan any more. Start again from it")
                )
            if line.ref in seen:
                raise ServiceError(_("Each priority can be in the plan once"))
            before = kept[line.ref]
            ref, description, priority_id = line.ref, before.description, before.priority_id
        else:
            stem = ascii_slug(line.title, max_length=50, fallback="priority")
            ref, n = stem, 1
            while ref in used or ref in seen:
                n += 1
                ref = f"{stem}-{n}"
            description, priority_id = line.description, line.priority_id
        seen.add(ref)
        rows.append(
            (
                PlanLine(
                    ref=ref,
                    position=position,
                    title=line.title,
                    description=description,
                    priority_id=priority_id,
                ),
                line.allocations,
            )
        )
    revision = PlanRevision.objects.create(
        fund=locked, number=current_number + 1, summary=summary, created_by=actor
    )
    for plan_line, _allocations in rows:
        plan_line.revision = revision
    PlanLine.objects.bulk_create([plan_line for plan_line, _allocations in rows])
    PlanAllocation.objects.bulk_create(
        PlanAllocation(line=plan_line, year=year, amount_pence=amount)
        for plan_line, allocations in rows
        for year, amount in sorted(allocations.items())
    )
    total = sum(sum(allocations.values()) for _line, allocations in rows)
    audit_record(
        actor=actor,
        action="funding.plan_revise",
        obj=revision,
        summary=f"Plan revision {revision.number} of “{locked.name}”: {summary}",
        data={
            "fund": locked.pk,
            "number": revision.number,
            "lines": [plan_line.ref for plan_line, _allocations in rows],
            "total_pence": total,
        },
    )
    return revision


def _summary(text: str) -> str:
    return clean_text(
        text,
        max_length=MAX_SUMMARY,
        empty=_("Say what changed in the plan and why"),
        too_long=_("What changed and why must be 2,000 characters or fewer"),
    )


def plan_revise(
    *,
    actor: Actor,
    fund: Fund,
    lines: Sequence[LineInput],
    summary: str,
    based_on: int | None = None,
) -> PlanRevision:
    """A new revision of the plan with `lines` (in order). `based_on` is the number of the
    revision the person started from: if another has been saved since, nothing is written and
    they are told to look at it first."""
    require(actor, "funding.revise_plan", fund)
    summary = _summary(summary)
    checked = _checked(fund, lines)
    with transaction.atomic():
        return _write(actor=actor, fund=fund, lines=checked, summary=summary, based_on=based_on)


def exercises_to_carry_from(fund: Fund) -> list[Exercise]:
    """Priority exercises of the fund's council whose results are out, newest first."""
    return list(
        Exercise.objects.filter(
            council_id=fund.council_id, vote_closes__lte=timezone.now()
        ).order_by("-vote_closes", "-pk")
    )


def plan_carry_in(
    *,
    actor: Actor,
    fund: Fund,
    exercise: Exercise,
    priorities: Sequence[Priority],
    summary: str = "",
    based_on: int | None = None,
) -> PlanRevision:
    """A new revision: the current plan with `priorities` (results of `exercise`) added as
    lines, nothing allocated to them yet. Priorities already in the plan are left as they are."""
    require(actor, "funding.revise_plan", fund)
    if exercise.council_id != fund.council_id:
        raise ServiceError(_("Choose an exercise of the fund’s council"))
    if exercise.phase != Phase.RESULTS:
        raise ServiceError(_("That exercise’s results are not out yet"))
    if not priorities:
        raise ServiceError(_("Choose at least one priority to add to the plan"))
    if any(p.exercise_id != exercise.pk or not p.on_ballot for p in priorities):
        raise ServiceError(_("Choose priorities from the exercise’s results"))
    with transaction.atomic():
        Fund.objects.select_for_update().get(pk=fund.pk)
        current = current_revision(fund)
        existing = list(current.lines.prefetch_related("allocations")) if current else []
        present = {line.priority_id for line in existing if line.priority_id}
        new = [p for p in priorities if p.pk not in present]
        if not new:
            raise ServiceError(_("Those priorities are already in the plan"))
        lines = [
            LineInput(
                title=line.title,
                ref=line.ref,
                allocations={a.year: a.amount_pence for a in line.allocations.all()},
            )
            for line in existing
        ] + [
            LineInput(
                title=p.title[:MAX_TITLE], description=p.detail[:MAX_SUMMARY], priority_id=p.pk
            )
            for p in new
        ]
        if not summary.strip():
            summary = _("Added %(count)d priorities from “%(question)s”") % {
                "count": len(new),
                "question": exercise.question,
            }
        checked = _checked(fund, lines)
        return _write(
            actor=actor,
            fund=fund,
            lines=checked,
            summary=_summary(summary),
            based_on=based_on,
        )
