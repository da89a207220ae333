"""The guide's forms with bad input, the query counts of its lists, sanitised output and the
versions an editor writes, compares and publishes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.learning import services_readers
from grassroots.learning.models import Course, GuidePage, PageVersion, Reflection, SelfAssessment
from grassroots.learning.tests.guide_world import Guide, build_guide, page_url, published
from grassroots.learning.tests.test_guide_assessment import ANSWERS
from grassroots.testing.people import make_councillor, make_resident

pytestmark = pytest.mark.django_db

SCRIPT = "## Hello\n\n<script>alert('x')</script>\n\n[click](javascript:alert(1))"


@pytest.fixture
def guide() -> Guide:
    return build_guide()


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts() -> tuple[int, ...]:
    return (
        Course.objects.count(),
        GuidePage.objects.count(),
        PageVersion.objects.count(),
        Reflection.objects.count(),
        SelfAssessment.objects.count(),
    )


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001, "bad\x00text"])
def test_a_bad_reflection_is_refused_with_a_message(guide: Guide, text: str) -> None:
    before = _counts()
    response = _as(make_resident()).post(page_url(guide.modules[0], "reflection"), {"text": text})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("drop", ["let_go", "credit"])
@pytest.mark.parametrize("value", [None, "9", "abc"])
def test_a_bad_self_assessment_is_refused(guide: Guide, drop: str, value: str | None) -> None:
    data = {k: str(v) for k, v in ANSWERS.items()}
    if value is None:
        del data[drop]
    else:
        data[drop] = value
    before = _counts()
    response = _as(make_councillor()).post("/guide/self-assessment/new", data)
    assert response.status_code == 200
    assert "Choose an answer to question" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "", "title": "A course"},
        {"kind": "other", "title": "A course"},
        {"kind": "lesson", "title": ""},
        {"kind": "lesson", "title": "x" * 151},
    ],
)
def test_a_bad_course_is_refused(guide: Guide, data: dict[str, str]) -> None:
    before = _counts()
    response = _as(guide.editor).post("/guide/edit/courses/new", data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert _counts() == before


GOOD = {"title": "A page", "summary": "", "body": "Some text", "reflection": "", "action": ""}


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"body": ""},
        {"body": "x" * 20_001},
        {"summary": "x" * 301},
        {"reflection": "x" * 501},
        {"action": "fly_a_kite"},
        {"title": "bad\x07title"},
    ],
)
def test_a_bad_page_is_refused_on_create_and_revise(guide: Guide, change: dict[str, str]) -> None:
    client = _as(guide.editor)
    before = _counts()
    for url in (
        f"/guide/edit/courses/{guide.path.slug}/pages/new",
        f"/guide/edit/pages/{guide.modules[0].pk}/revise",
    ):
        response = client.post(url, GOOD | change)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("query", ["old=1&new=1", "old=9&new=1", "old=x", "new=2"])
def test_a_bad_comparison_says_so(guide: Guide, query: str) -> None:
    response = _as(guide.editor).get(f"/guide/edit/pages/{guide.modules[0].pk}/compare?{query}")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_publishing_the_live_version_again_says_so(guide: Guide) -> None:
    page = guide.modules[0]
    response = _as(guide.editor).post(
        f"/guide/edit/pages/{page.pk}/versions/1/publish", follow=True
    )
    assert "already live" in response.content.decode()


def test_markdown_never_carries_script_into_html(guide: Guide) -> None:
    page = published(guide.editor, guide.path, "Risky", body=SCRIPT)
    client = _as(guide.editor)
    bodies = [
        client.get(page_url(page)).content.decode(),
        client.get(f"/guide/edit/pages/{page.pk}/versions/1/").content.decode(),
        client.post(
            f"/guide/edit/pages/{page.pk}/revise", GOOD | {"body": SCRIPT, "preview": "1"}
        ).content.decode(),
    ]
    for body in bodies:
        assert "<script>alert" not in body
        assert 'href="javascript' not in body
        assert ">Hello</h3>" in body
    reflected = "<script>alert('r')</script>"
    reader = make_resident()
    services_readers.reflection_save(actor=reader, page=page, text=reflected)
    assert reflected not in _as(reader).get(page_url(page)).content.decode()


def test_preview_saves_nothing_and_save_writes_a_new_version(guide: Guide) -> None:
    page = guide.modules[0]
    client = _as(guide.editor)
    before = _counts()
    client.post(f"/guide/edit/pages/{page.pk}/revise", GOOD | {"preview": "1"})
    assert _counts() == before
    response = client.post(f"/guide/edit/pages/{page.pk}/revise", GOOD | {"body": "New words"})
    assert response.status_code == 302
    assert page.versions.count() == 2
    # Readers still see version 1 until version 2 is published.
    assert "New words" not in Client().get(page_url(page)).content.decode()
    diff = client.get(f"/guide/edit/pages/{page.pk}/compare?old=1&new=2").content.decode()
    assert "<ins>+New words</ins>" in diff
    client.post(f"/guide/edit/pages/{page.pk}/versions/2/publish")
    page.refresh_from_db()
    assert "New words" in Client().get(page_url(page)).content.decode()
    client.post(f"/guide/edit/pages/{page.pk}/versions/1/publish")
    assert "New words" not in Client().get(page_url(page)).content.decode()
    assert page.versions.count() == 2


def test_progress_is_saved_and_shown(guide: Guide) -> None:
    reader = make_resident()
    client = _as(reader)
    first, second = guide.lessons
    response = client.post(page_url(first, "done"), {"done": "yes"})
    assert response["Location"] == page_url(second)
    body = client.get(f"/guide/courses/{guide.course.slug}/").content.decode()
    assert "You have done 1 of 2 pages." in body
    client.post(page_url(first, "done"), {"done": "no"})
    body = client.get(f"/guide/courses/{guide.course.slug}/").content.decode()
    assert "You have done 0 of 2 pages." in body


def _grow(guide: Guide, reader: Any, n: int) -> None:
    for i in range(n):
        page = published(guide.editor, guide.course, f"More {len(guide.lessons) + i}")
        services_readers.completion_set(actor=reader, page=page, done=True)
        services_readers.self_assessment_take(actor=reader, answers=ANSWERS)


def test_every_list_costs_a_bounded_number_of_queries(
    guide: Guide, django_assert_max_num_queries: Any
) -> None:
    reader = make_councillor()
    urls = [
        "/guide/",
        f"/guide/courses/{guide.course.slug}/",
        page_url(guide.lessons[0]),
        "/guide/self-assessment/",
    ]
    editor_urls = ["/guide/edit/", f"/guide/edit/pages/{guide.modules[0].pk}/"]
    as_reader, as_editor = _as(reader), _as(guide.editor)
    for size in (1, 6):
        _grow(guide, reader, size)
        for url in urls:
            with django_assert_max_num_queries(26, info=url):
                assert as_reader.get(url).status_code == 200
        for url in editor_urls:
            with django_assert_max_num_queries(16, info=url):
                assert as_editor.get(url).status_code == 200
