"""Who may do each thing to a case study: every write, as each kind of person, through the
services (the check that holds for every way in) and through the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grassroots.core.services import ServiceError
from grassroots.learning import services_cases as services
from grassroots.learning.models_cases import CaseContact, CaseStatus, CaseStudy
from grassroots.learning.tests.cases_helpers import (
    PEOPLE,
    STAGES,
    Story,
    achieved_story,
    text_of,
)
from grassroots.places.tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

Write = Callable[[Any, Story, CaseStudy], object]

# name: (stage the story is in, what is done, who may)
WRITES: dict[str, tuple[str, Write, set[str]]] = {
    "change a draft": (
        "draft",
        lambda actor, s, c: services.case_study_update(
            actor=actor, case=c, text=text_of(c, summary="Changed")
        ),
        {"lead", "editor"},
    ),
    "change a story in review": (
        "in review",
        lambda actor, s, c: services.case_study_update(
            actor=actor, case=c, text=text_of(c, summary="Changed")
        ),
        {"editor"},
    ),
    "add a contact": (
        "draft",
        lambda actor, s, c: services.contact_add(
            actor=actor, case=c, name="Ann", role="Lead", how_to_contact="ann@x.org", consent=True
        ),
        {"lead", "editor"},
    ),
    "reflect": (
        "draft",
        lambda actor, s, c: services.reflection_save(
            actor=actor, case=c, role="connect", text="I stepped back"
        ),
        {"supporting councillor"},
    ),
    "send for review": (
        "draft",
        lambda actor, s, c: services.case_study_submit(actor=actor, case=c),
        {"lead"},
    ),
    "send for the leads' approval": (
        "in review",
        lambda actor, s, c: services.case_study_send_for_approval(actor=actor, case=c),
        {"editor"},
    ),
    "approve": (
        "awaiting approval",
        lambda actor, s, c: services.case_study_approve(actor=actor, case=c),
        {"lead"},
    ),
    "ask for changes": (
        "awaiting approval",
        lambda actor, s, c: services.case_study_request_changes(actor=actor, case=c),
        {"lead"},
    ),
    "withdraw": (
        "published",
        lambda actor, s, c: services.case_study_withdraw(actor=actor, case=c),
        {"editor"},
    ),
}


def _state(case: CaseStudy) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.status,
        case.title,
        case.summary,
        case.approved_at,
        case.contacts.count(),
        case.reflections.count(),
    )


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("write", WRITES)
def test_service_matrix(write: str, who: str) -> None:
    stage, do, allowed = WRITES[write]
    story = achieved_story()
    case = STAGES[stage](story)
    actor = story.who(who)
    before = _state(case)
    if who in allowed:
        do(actor, story, case)
        assert _state(case) != before
        return
    with pytest.raises((PermissionDenied, ServiceError)):
        do(actor, story, case)
    assert _state(case) == before


@pytest.mark.parametrize("who", PEOPLE)
def test_start_matrix(who: str) -> None:
    story = achieved_story()
    actor = story.who(who)
    if who == "lead":
        services.case_study_start(actor=actor, initiative=story.initiative)
        assert CaseStudy.objects.count() == 1
        return
    with pytest.raises(PermissionDenied):
        services.case_study_start(actor=actor, initiative=story.initiative)
    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_create_and_publish_from_scratch_matrix(who: str) -> None:
    story = achieved_story()
    actor = story.who(who)
    council = CouncilFactory()
    if who == "editor":
        case = services.case_study_create(actor=actor, council=council, title="From scratch")
        services.case_study_update(actor=actor, case=case, text=text_of(case))
        assert services.case_study_publish(actor=actor, case=case).status == CaseStatus.PUBLISHED
        return
    with pytest.raises(PermissionDenied):
        services.case_study_create(actor=actor, council=council, title="From scratch")
    case = services.case_study_create(actor=story.editor, council=council, title="From scratch")
    services.case_study_update(actor=story.editor, case=case, text=text_of(case))
    with pytest.raises(PermissionDenied):
        services.case_study_publish(actor=actor, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_a_contact_needs_consent() -> None:
    story = achieved_story()
    case = STAGES["draft"](story)
    with pytest.raises(ServiceError):
        services.contact_add(
            actor=story.lead, case=case, name="A", role="B", how_to_contact="C", consent=False
        )
    assert not CaseContact.objects.exists()


# --- Through the pages -------------------------------------------------------------------------

PAGE_WRITES: dict[str, tuple[str, str, dict[str, Any], set[str]]] = {
    "edit": (
        "draft",
        "cases:edit",
        {
            "title": "New title",
            "themes": ["health"],
            "place_type": "rural",
            "result": "partly",
            "challenge": "Changed",
        },
        {"lead", "editor"},
    ),
    "submit": ("draft", "cases:submit", {}, {"lead"}),
    "reflect": (
        "draft",
        "cases:reflect",
        {"role": "advocate", "text": "Mine"},
        {"supporting councillor"},
    ),
    "contact": (
        "draft",
        "cases:contact_add",
        {"name": "Ann", "role": "Lead", "how_to_contact": "ann@x.org", "consent": "on"},
        {"lead", "editor"},
    ),
    "send for approval": ("in review", "cases:send_for_approval", {}, {"editor"}),
    "approve": ("awaiting approval", "cases:approve", {}, {"lead"}),
    "request changes": ("awaiting approval", "cases:request_changes", {}, {"lead"}),
    "withdraw": ("published", "cases:withdraw", {}, {"editor"}),
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("write", PAGE_WRITES)
def test_page_matrix(client: Any, write: str, who: str) -> None:
    stage, name, data, allowed = PAGE_WRITES[write]
    story = achieved_story()
    case = STAGES[stage](story)
    actor = story.who(who)
    if not isinstance(actor, AnonymousUser):
        client.force_login(actor)
    before = _state(case)
    response = client.post(reverse(name, kwargs={"pk": case.pk}), data)
    if who in allowed:
        assert response.status_code == 302
        assert _state(case) != before
        return
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404)
    assert _state(case) == before


@pytest.mark.parametrize("who", PEOPLE)
def test_start_page_matrix(client: Any, who: str) -> None:
    story = achieved_story()
    actor = story.who(who)
    if not isinstance(actor, AnonymousUser):
        client.force_login(actor)
    url = reverse("cases:start", kwargs={"slug": story.initiative.slug})
    response = client.post(url, {})
    if who == "lead":
        assert response.status_code == 302
        assert CaseStudy.objects.count() == 1
        return
    assert response.status_code in ((302,) if who == "anonymous" else (403, 404))
    assert not CaseStudy.objects.exists()
