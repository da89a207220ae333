"""Shared makers for the learning tests: a course and a page written by an editor."""

from __future__ import annotations

from grassroots.accounts.models import User
from grassroots.learning import services
from grassroots.learning.models import Course, GuidePage, MatchingAction, PageKind
from grassroots.learning.services import PageText


def text(title: str = "Holding a surgery", **extra: str) -> PageText:
    fields = {
        "body": "## Why\n\nMeet residents where they are.",
        "summary": "Where and how to meet residents",
        "reflection": "Where do people in your ward already gather?",
        "action": MatchingAction.HOLD_SURGERY,
        **extra,
    }
    return PageText(title=title, **fields)


def a_course(editor: User, kind: str = PageKind.MODULE) -> Course:
    return services.course_create(actor=editor, kind=kind, title="Your first year")


def a_page(editor: User, course: Course | None = None) -> GuidePage:
    return services.page_create(actor=editor, course=course or a_course(editor), text=text())
