"""The councillors' private self-assessment, "how collaborative is my practice?": the questions,
the scale and the scoring. Plain Python (only Django's translation): no database here.

Each question belongs to one of four ways of working from the back seat: facilitating,
connecting, advocating, and stepping back. Every answer is a point from 1 to 5 on the same
scale; a role's score is the average of its questions' points, to one decimal place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FACILITATE = "facilitate"
CONNECT = "connect"
ADVOCATE = "advocate"
STEP_BACK = "step_back"

ROLES: dict[str, StrOrPromise] = {
    FACILITATE: _("Facilitating"),
    CONNECT: _("Connecting"),
    ADVOCATE: _("Advocating"),
    STEP_BACK: _("Stepping back"),
}

SCALE: tuple[tuple[int, StrOrPromise], ...] = (
    (1, _("Never")),
    (2, _("Rarely")),
    (3, _("Sometimes")),
    (4, _("Often")),
    (5, _("Almost always")),
)
LOWEST, HIGHEST = SCALE[0][0], SCALE[-1][0]


@dataclass(frozen=True)
class Question:
    key: str
    role: str
    text: StrOrPromise


QUESTIONS: tuple[Question, ...] = (
    Question(
        "host_conversations",
        FACILITATE,
        _(
            "When residents disagree about something in the ward, I help them talk it through "
            "rather than settling it myself."
        ),
    ),
    Question(
        "neutral_chair",
        FACILITATE,
        _("When I run or chair a meeting, people who rarely speak get a real turn."),
    ),
    Question(
        "meet_where_they_are",
        FACILITATE,
        _("I meet residents in places they already use, not only at the council offices."),
    ),
    Question(
        "introductions",
        CONNECT,
        _("I introduce residents' groups to people, organisations or officers who can help them."),
    ),
    Question(
        "share_contacts",
        CONNECT,
        _("I tell groups who else in the area is working on the same thing."),
    ),
    Question(
        "raise_inside",
        ADVOCATE,
        _("I raise what residents have asked for inside the council, and tell them what happened."),
    ),
    Question(
        "evidence",
        ADVOCATE,
        _("When I make a case to the council, I use the residents' own evidence and words."),
    ),
    Question(
        "residents_lead",
        STEP_BACK,
        _(
            "The residents decide what an initiative does, even when I would have chosen "
            "differently."
        ),
    ),
    Question(
        "credit",
        STEP_BACK,
        _("When an initiative goes well, the credit goes to the residents who ran it."),
    ),
    Question(
        "let_go",
        STEP_BACK,
        _("When a group can carry on without me, I step back and say so."),
    ),
)
QUESTION_KEYS = frozenset(q.key for q in QUESTIONS)


class AnswersError(ValueError):
    """The answers do not cover every question with a point on the scale."""


def score(answers: Mapping[str, int]) -> dict[str, float]:
    """Each role's average point, to one decimal place, from a full set of `answers`."""
    if set(answers) != QUESTION_KEYS:
        raise AnswersError("every question needs exactly one answer")
    for value in answers.values():
        if not isinstance(value, int) or isinstance(value, bool) or not LOWEST <= value <= HIGHEST:
            raise AnswersError("every answer is a whole number on the scale")
    totals: dict[str, list[int]] = {role: [] for role in ROLES}
    for question in QUESTIONS:
        totals[question.role].append(answers[question.key])
    return {role: round(sum(points) / len(points), 1) for role, points in totals.items()}


def strongest_and_weakest(scores: Mapping[str, float]) -> tuple[str, str]:
    """The role scored highest and the one scored lowest (the first in `ROLES` on a tie)."""
    order = list(ROLES)
    strongest = min(order, key=lambda role: (-scores.get(role, 0.0), order.index(role)))
    weakest = min(order, key=lambda role: (scores.get(role, 0.0), order.index(role)))
    return strongest, weakest


def change(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """How each role's score moved from an earlier assessment to a later one."""
    return {role: round(after.get(role, 0.0) - before.get(role, 0.0), 1) for role in ROLES}
