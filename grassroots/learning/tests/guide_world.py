"""A small guide for the tests of its pages: an editor, the councillors' path (three published
modules), a residents' course (two published lessons and a draft)."""

from __future__ import annotations

from dataclasses import dataclass

from grassroots.accounts.models import User
from grassroots.learning import services
from grassroots.learning.models import Course, GuidePage, MatchingAction, PageKind
from grassroots.learning.tests.helpers import text
from grassroots.testing.people import make_editor


@dataclass
class Guide:
    editor: User
    path: Course
    modules: list[GuidePage]
    course: Course
    lessons: list[GuidePage]
    draft: GuidePage


def published(editor: User, course: Course, title: str, **extra: str) -> GuidePage:
    page = services.page_create(actor=editor, course=course, text=text(title, **extra))
    return services.page_publish(actor=editor, page=page, version=page.versions.get(number=1))


def build_guide(modules: int = 3, lessons: int = 2) -> Guide:
    editor = make_editor()
    path = services.course_create(actor=editor, kind=PageKind.MODULE, title="The back seat")
    course = services.course_create(actor=editor, kind=PageKind.LESSON, title="Running a group")
    return Guide(
        editor=editor,
        path=path,
        modules=[published(editor, path, f"Module {n}") for n in range(1, modules + 1)],
        course=course,
        lessons=[
            published(editor, course, f"Lesson {n}", action=MatchingAction.RUN_MEETING)
            for n in range(1, lessons + 1)
        ],
        draft=services.page_create(actor=editor, course=course, text=text("A draft lesson")),
    )


def page_url(page: GuidePage, suffix: str = "") -> str:
    return f"/guide/courses/{page.course.slug}/{page.slug}/{suffix}"
