"""Who may open and use each page of the guide: editors, councillors, residents, signed-out
readers (and the roles around them); a self-assessment is seen by its own councillor only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from grassroots.learning import services_readers
from grassroots.learning.models import Completion, Reflection, SelfAssessment
from grassroots.learning.tests.guide_world import Guide, build_guide, page_url
from grassroots.learning.tests.test_guide_assessment import ANSWERS
from grassroots.testing.people import (
    make_councillor,
    make_editor,
    make_moderator,
    make_resident,
    make_site_admin,
)

pytestmark = pytest.mark.django_db

PEOPLE: dict[str, Callable[[], Any]] = {
    "editor": make_editor,
    "councillor": make_councillor,
    "resident": make_resident,
    "anonymous": lambda: None,
    "site admin": make_site_admin,
    "moderator": make_moderator,
    "councillor without two-factor": lambda: make_councillor(totp=False),
}


def _client(who: str) -> tuple[Client, Any]:
    person = PEOPLE[who]()
    client = Client()
    if person is not None:
        client.force_login(person)
    return client, person


@pytest.fixture
def guide() -> Guide:
    return build_guide()


def _reader_urls(guide: Guide) -> list[str]:
    module = guide.modules[0]
    return ["/guide/", f"/guide/courses/{guide.path.slug}/", page_url(module)]


def _editor_urls(guide: Guide) -> list[str]:
    module = guide.modules[0]
    return [
        "/guide/edit/",
        "/guide/edit/courses/new",
        f"/guide/edit/courses/{guide.path.slug}/pages/new",
        f"/guide/edit/pages/{module.pk}/",
        f"/guide/edit/pages/{module.pk}/revise",
        f"/guide/edit/pages/{module.pk}/versions/1/",
        f"/guide/edit/pages/{module.pk}/compare",
    ]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_opens_which_page(guide: Guide, who: str) -> None:
    client, _person = _client(who)
    if who == "councillor without two-factor":
        # The middleware sends them to set up two-factor before anything else.
        assert client.get("/guide/").status_code == 302
        return
    for url in _reader_urls(guide):
        assert client.get(url).status_code == 200, url
    for url in _editor_urls(guide):
        status = client.get(url).status_code
        if who == "editor":
            assert status == 200, url
        elif who == "anonymous":
            assert status == 302, url  # to sign in
        else:
            assert status == 403, url
    for url in ("/guide/self-assessment/", "/guide/self-assessment/new"):
        status = client.get(url).status_code
        expected = {"councillor": 200, "anonymous": 302}.get(who, 403)
        assert status == expected, url


def test_drafts_are_not_for_readers(guide: Guide, client: Client) -> None:
    assert client.get(page_url(guide.draft)).status_code == 404
    client.force_login(make_resident())
    assert client.get(page_url(guide.draft)).status_code == 404
    body = client.get(f"/guide/courses/{guide.course.slug}/").content.decode()
    assert "A draft lesson" not in body


@pytest.mark.parametrize("who", PEOPLE)
def test_saving_progress_needs_signing_in(guide: Guide, who: str) -> None:
    if who == "councillor without two-factor":
        return
    client, person = _client(who)
    page = guide.modules[0]
    done = client.post(page_url(page, "done"), {"done": "yes"})
    reflected = client.post(page_url(page, "reflection"), {"text": "What I learnt"})
    if person is None:
        assert done.status_code == reflected.status_code == 302
        assert "/accounts/login/" in done["Location"]
        assert not Completion.objects.exists()
        assert not Reflection.objects.exists()
        with pytest.raises(PermissionDenied):
            services_readers.completion_set(actor=AnonymousUser(), page=page, done=True)  # type: ignore[arg-type]
        return
    assert Completion.objects.filter(user=person, page=page).exists()
    assert Reflection.objects.get(user=person, page=page).text == "What I learnt"


@pytest.mark.parametrize("who", PEOPLE)
def test_only_councillors_take_the_self_assessment(guide: Guide, who: str) -> None:
    if who in ("anonymous", "councillor without two-factor"):
        return
    client, person = _client(who)
    response = client.post("/guide/self-assessment/new", {k: str(v) for k, v in ANSWERS.items()})
    if who == "councillor":
        assert response.status_code == 302
        assert SelfAssessment.objects.filter(user=person).count() == 1
        return
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services_readers.self_assessment_take(actor=person, answers=ANSWERS)
    assert not SelfAssessment.objects.exists()


def test_a_self_assessment_is_seen_by_its_councillor_only(guide: Guide) -> None:
    owner = make_councillor()
    taken = services_readers.self_assessment_take(actor=owner, answers=ANSWERS)
    url = f"/guide/self-assessment/{taken.pk}/"
    client = Client()
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert url in client.get("/guide/self-assessment/").content.decode()
    for other in (make_councillor(), make_site_admin(), make_editor(), make_resident()):
        client = Client()
        client.force_login(other)
        assert client.get(url).status_code in (403, 404)
        if other.has_perm("learning.self_assess"):
            assert url not in client.get("/guide/self-assessment/").content.decode()
        assert not other.has_perm("learning.see_assessment", taken)
    assert Client().get(url).status_code == 302


def test_reflections_are_private(guide: Guide) -> None:
    page = guide.modules[0]
    author, other = make_resident(), make_resident()
    services_readers.reflection_save(actor=author, page=page, text="My secret thought")
    client = Client()
    client.force_login(other)
    assert "My secret thought" not in client.get(page_url(page)).content.decode()
    client.force_login(make_site_admin())
    assert "My secret thought" not in client.get(page_url(page)).content.decode()
    client.force_login(author)
    assert "My secret thought" in client.get(page_url(page)).content.decode()


@pytest.mark.parametrize("who", PEOPLE)
def test_who_publishes_from_the_pages(guide: Guide, who: str) -> None:
    if who == "councillor without two-factor":
        return
    client, _person = _client(who)
    draft = guide.draft
    response = client.post(f"/guide/edit/pages/{draft.pk}/versions/1/publish")
    draft.refresh_from_db()
    if who == "editor":
        assert response.status_code == 302
        assert draft.live is not None
    else:
        assert response.status_code in (302, 403)
        assert draft.live is None
