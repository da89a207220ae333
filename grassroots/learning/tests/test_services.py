"""Writing, revising and publishing guide pages: versions, bad input, the audit log."""

from __future__ import annotations

import pytest

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.learning import services
from grassroots.learning.models import Course, GuidePage, MatchingAction, PageKind, PageVersion
from grassroots.learning.selectors import version_diff, versions_of
from grassroots.learning.tests.helpers import a_course, a_page, text
from grassroots.testing.people import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> User:
    return make_editor()


def test_a_new_page_has_one_unpublished_version(editor: User) -> None:
    course = a_course(editor)
    page = services.page_create(actor=editor, course=course, text=text("Holding a surgery"))
    version = page.versions.get()
    assert (page.slug, page.order, page.title, page.kind) == (
        "holding-a-surgery",
        1,
        "Holding a surgery",
        PageKind.MODULE,
    )
    assert (version.number, version.author, version.published) == (1, editor, False)
    assert version.action == MatchingAction.HOLD_SURGERY
    assert page.live is None
    assert AuditEntry.objects.filter(action="learning.page_create", object_id=str(page.pk)).exists()


def test_pages_line_up_in_their_course_with_their_own_slugs(editor: User) -> None:
    course = a_course(editor)
    first = services.page_create(actor=editor, course=course, text=text("Surgeries"))
    second = services.page_create(actor=editor, course=course, text=text("Surgeries"))
    assert (first.order, second.order) == (1, 2)
    assert (first.slug, second.slug) == ("surgeries", "surgeries-2")


def test_revisions_are_kept_and_publishing_switches_the_live_version(editor: User) -> None:
    page = a_page(editor)
    first = page.versions.get()
    services.page_publish(actor=editor, page=page, version=first)
    second = services.page_revise(
        actor=editor, page=page, text=text("Surgeries that work", body="New *text*")
    )
    page.refresh_from_db()
    assert page.live == first  # a revision waits until it is published
    assert page.title == "Holding a surgery"

    services.page_publish(actor=editor, page=page, version=second)
    assert page.live == second
    assert page.title == "Surgeries that work"
    assert [v.number for v in versions_of(page)] == [1, 2]
    first.refresh_from_db()
    assert first.published  # it was live once, and is kept to compare or go back to

    services.page_publish(actor=editor, page=page, version=first)
    assert page.live == first
    actions = list(
        AuditEntry.objects.filter(object_id=str(page.pk), action__startswith="learning.page")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "learning.page_create",
        "learning.page_publish",
        "learning.page_revise",
        "learning.page_publish",
        "learning.page_publish",
    ]


def test_two_versions_can_be_compared(editor: User) -> None:
    page = a_page(editor)
    second = services.page_revise(
        actor=editor, page=page, text=text(body="## Why\n\nMeet residents in the library.")
    )
    diff = version_diff(page.versions.get(number=1), second)
    assert "-Meet residents where they are." in diff
    assert "+Meet residents in the library." in diff


def test_publishing_the_live_version_again_or_another_pages_version_is_refused(
    editor: User,
) -> None:
    page = a_page(editor)
    other = a_page(editor, page.course)
    version = page.versions.get()
    services.page_publish(actor=editor, page=page, version=version)
    with pytest.raises(ServiceError, match="already live"):
        services.page_publish(actor=editor, page=page, version=version)
    with pytest.raises(ServiceError, match="another page"):
        services.page_publish(actor=editor, page=other, version=version)
    other.refresh_from_db()
    assert other.live is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Enter a title"),
        ({"title": "x" * (services.MAX_TITLE + 1)}, "title must be 150 characters"),
        ({"body": ""}, "Enter the text of the page"),
        ({"body": "x" * (services.MAX_BODY + 1)}, "text of the page must be 20000"),
        ({"summary": "x" * (services.MAX_SUMMARY + 1)}, "summary must be"),
        ({"reflection": "x" * (services.MAX_REFLECTION + 1)}, "reflection question must be"),
        ({"action": "bake_a_cake"}, "Choose a matching action"),
        ({"body": "Hello\x00there"}, "control characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(
    editor: User, fields: dict[str, str], message: str
) -> None:
    page = a_page(editor)
    title = fields.pop("title", "Holding a surgery")
    before = (GuidePage.objects.count(), PageVersion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ServiceError, match=message):
        services.page_create(actor=editor, course=page.course, text=text(title, **fields))
    with pytest.raises(ServiceError, match=message):
        services.page_revise(actor=editor, page=page, text=text(title, **fields))
    assert (
        GuidePage.objects.count(),
        PageVersion.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_a_course_needs_a_known_kind_and_a_title(editor: User) -> None:
    with pytest.raises(ServiceError, match="councillors or residents"):
        services.course_create(actor=editor, kind="wizards", title="Spells")
    with pytest.raises(ServiceError, match="Enter a title"):
        services.course_create(actor=editor, kind=PageKind.LESSON, title="")
    assert not Course.objects.exists()


def test_text_is_cleaned_and_welsh_kept(editor: User) -> None:
    page = services.page_create(
        actor=editor,
        course=a_course(editor),
        text=text("  Croeso\u202e i’r cyngor  ", body="Mae’r ŵyl yn dechrau\u200b heddiw"),
    )
    version = page.versions.get()
    assert version.title == "Croeso i’r cyngor"
    assert version.body == "Mae’r ŵyl yn dechrau heddiw"
    assert page.slug == "croeso-ir-cyngor"
