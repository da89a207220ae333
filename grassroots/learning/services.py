"""Writes for the guide and the courses. Only editors (`learning.rules`) make them.

A page's text is never changed in place: `page_create` writes version 1, `page_revise` the next
number, and `page_publish` makes one version the live one (the page's title follows it). Older
versions stay, so any two can be compared (`selectors.version_diff`). Each change is audited.

Text is cleaned as everywhere (`core.text.clean_text`) and bounded: the body is Markdown, shown
only through `learning.markdown.render`, which allows no raw HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.slugs import unique_slug
from grassroots.core.text import clean_text
from grassroots.learning.models import Course, GuidePage, MatchingAction, PageKind, PageVersion

MAX_TITLE = 150
MAX_SUMMARY = 300
MAX_REFLECTION = 500
MAX_BODY = 20_000
SLUG_LENGTH = 80


@dataclass(frozen=True)
class PageText:
    """What an editor writes for one version of a page."""

    title: str
    body: str
    summary: str = ""
    reflection: str = ""
    action: str = MatchingAction.NONE


def _optional(text: str, *, max_length: int, too_long: str) -> str:
    """Like `clean_text`, but an empty value is fine."""
    if not (text or "").strip():
        return ""
    return clean_text(text, max_length=max_length, empty="", too_long=too_long)


def _checked(text: PageText) -> PageText:
    title = clean_text(
        text.title,
        max_length=MAX_TITLE,
        empty=_("Enter a title"),
        too_long=_("The title must be %(max)d characters or fewer") % {"max": MAX_TITLE},
    )
    body = clean_text(
        text.body,
        max_length=MAX_BODY,
        empty=_("Enter the text of the page"),
        too_long=_("The text of the page must be %(max)d characters or fewer") % {"max": MAX_BODY},
    )
    summary = _optional(
        text.summary,
        max_length=MAX_SUMMARY,
        too_long=_("The summary must be %(max)d characters or fewer") % {"max": MAX_SUMMARY},
    )
    reflection = _optional(
        text.reflection,
        max_length=MAX_REFLECTION,
        too_long=_("The reflection question must be %(max)d characters or fewer")
        % {"max": MAX_REFLECTION},
    )
    if text.action not in MatchingAction.values:
        raise ServiceError(_("Choose a matching action from the list"))
    return PageText(
        title=title, body=body, summary=summary, reflection=reflection, action=text.action
    )


def course_create(*, actor: Actor, kind: str, title: str) -> Course:
    """A new course (or the councillors' learning path) with no pages yet."""
    require(actor, "learning.create_page", None)
    if kind not in PageKind.values:
        raise ServiceError(_("Choose whether this is for councillors or residents"))
    title = clean_text(
        title,
        max_length=MAX_TITLE,
        empty=_("Enter a title"),
        too_long=_("The title must be %(max)d characters or fewer") % {"max": MAX_TITLE},
    )
    with transaction.atomic():
        slug = unique_slug(
            title,
            max_length=SLUG_LENGTH,
            fallback="course",
            taken=lambda s: Course.objects.filter(slug=s).exists(),
        )
        course = Course.objects.create(kind=kind, slug=slug, title=title)
        audit_record(
            actor=actor,
            action="learning.course_create",
            obj=course,
            summary=f"Course “{title}” created",
            data={"kind": kind},
        )
    return course


def _new_version(page: GuidePage, text: PageText, actor: Actor, number: int) -> PageVersion:
    return PageVersion.objects.create(
        page=page,
        number=number,
        title=text.title,
        summary=text.summary,
        body=text.body,
        reflection=text.reflection,
        action=text.action,
        author=actor,
    )


def page_create(*, actor: Actor, course: Course, text: PageText) -> GuidePage:
    """A new page at the end of `course`, with `text` as its version 1 (not published)."""
    require(actor, "learning.create_page", course)
    checked = _checked(text)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        last = locked.pages.aggregate(last=Max("order"))["last"]
        slug = unique_slug(
            checked.title,
            max_length=SLUG_LENGTH,
            fallback="page",
            taken=lambda s: GuidePage.objects.filter(course=locked, slug=s).exists(),
        )
        page = GuidePage.objects.create(
            course=locked, slug=slug, order=(last or 0) + 1, title=checked.title
        )
        version = _new_version(page, checked, actor, 1)
        audit_record(
            actor=actor,
            action="learning.page_create",
            obj=page,
            summary=f"Page “{checked.title}” added to “{locked.title}”",
            data={"course": locked.pk, "version": version.pk},
        )
    return page


def page_revise(*, actor: Actor, page: GuidePage, text: PageText) -> PageVersion:
    """The page's next version. What readers see stays as it was until it is published."""
    require(actor, "learning.revise_page", page)
    checked = _checked(text)
    with transaction.atomic():
        locked = GuidePage.objects.select_for_update().get(pk=page.pk)
        last = locked.versions.aggregate(last=Max("number"))["last"] or 0
        version = _new_version(locked, checked, actor, last + 1)
        audit_record(
            actor=actor,
            action="learning.page_revise",
            obj=locked,
            summary=f"Page “{locked.title}”: version {version.number} written",
            data={"version": version.pk, "number": version.number},
        )
    return version


def page_publish(*, actor: Actor, page: GuidePage, version: PageVersion) -> GuidePage:
    """Make `version` the live text of `page` (an earlier one too, to go back to it)."""
    require(actor, "learning.publish_page", page)
    with transaction.atomic():
        locked = GuidePage.objects.select_for_update().get(pk=page.pk)
        fresh = PageVersion.objects.filter(pk=version.pk, page=locked).first()
        if fresh is None:
            raise ServiceError(_("That version belongs to another page"))
        if locked.live_id == fresh.pk:
            raise ServiceError(_("Version %(number)d is already live") % {"number": fresh.number})
        before = locked.live_id
        if fresh.published_at is None:
            fresh.published_at = timezone.now()
            fresh.save(update_fields=["published_at"])
        locked.live = fresh
        locked.title = fresh.title
        locked.save(update_fields=["live", "title"])
        audit_record(
            actor=actor,
            action="learning.page_publish",
            obj=locked,
            summary=f"Page “{locked.title}”: version {fresh.number} published",
            data={"version": fresh.pk, "number": fresh.number, "replaced": before},
        )
    page.refresh_from_db()
    return page
