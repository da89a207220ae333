"""Who may write the guide and the courses: each service against each kind of person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from grassroots.learning import services
from grassroots.learning.models import Course, GuidePage, PageVersion
from grassroots.learning.tests.helpers import a_course, a_page, text
from grassroots.testing.people import (
    make_councillor,
    make_editor,
    make_moderator,
    make_officer,
    make_resident,
    make_site_admin,
)

pytestmark = pytest.mark.django_db

PEOPLE: dict[str, Callable[[], Any]] = {
    "editor": make_editor,
    "editor without two-factor": lambda: make_editor(totp=False),
    "councillor": make_councillor,
    "officer": make_officer,
    "moderator": make_moderator,
    "site admin": make_site_admin,
    "resident": make_resident,
    "anonymous": AnonymousUser,
}
ALLOWED = {"editor"}


def _counts() -> tuple[int, int, int]:
    return Course.objects.count(), GuidePage.objects.count(), PageVersion.objects.count()


@pytest.mark.parametrize("who", PEOPLE)
def test_create_course_and_page(who: str) -> None:
    course = a_course(make_editor())
    actor = PEOPLE[who]()
    before = _counts()
    if who in ALLOWED:
        services.course_create(actor=actor, kind="lesson", title="Running a group")
        services.page_create(actor=actor, course=course, text=text())
        assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
        return
    with pytest.raises(PermissionDenied):
        services.course_create(actor=actor, kind="lesson", title="Running a group")
    with pytest.raises(PermissionDenied):
        services.page_create(actor=actor, course=course, text=text())
    assert _counts() == before


@pytest.mark.parametrize("who", PEOPLE)
def test_revise_page(who: str) -> None:
    page = a_page(make_editor())
    actor = PEOPLE[who]()
    if who in ALLOWED:
        version = services.page_revise(actor=actor, page=page, text=text("Surgeries"))
        assert version.number == 2
        return
    with pytest.raises(PermissionDenied):
        services.page_revise(actor=actor, page=page, text=text("Surgeries"))
    assert page.versions.count() == 1


@pytest.mark.parametrize("who", PEOPLE)
def test_publish_page(who: str) -> None:
    page = a_page(make_editor())
    version = page.versions.get()
    actor = PEOPLE[who]()
    if who in ALLOWED:
        services.page_publish(actor=actor, page=page, version=version)
        assert page.live_id == version.pk
        return
    with pytest.raises(PermissionDenied):
        services.page_publish(actor=actor, page=page, version=version)
    page.refresh_from_db()
    assert page.live_id is None


def test_editors_without_two_factor_are_sent_to_set_it_up(client: Any) -> None:
    client.force_login(make_editor(totp=False))
    response = client.get("/")
    assert response.status_code == 302
    assert "two-factor" in response["Location"] or "totp" in response["Location"]
