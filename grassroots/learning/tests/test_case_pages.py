"""The case study pages: list with filters, detail, feed, the forms with bad input, and the
number of queries each costs whatever the number of stories."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.learning import services_cases as services
from grassroots.learning.models_cases import CaseContact, CaseStatus, CaseStudy
from grassroots.learning.tests.cases_helpers import (
    achieved_story,
    awaiting,
    published,
    started,
    submitted,
)
from grassroots.places.tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def _editor_story(editor: Any, n: int, theme: str = "health", role: str = "facilitate") -> Any:
    case = services.case_study_create(actor=editor, council=CouncilFactory(), title=f"Story {n}")
    roles: dict[str, Any] = {role: "The councillor helped"}
    text = services.CaseText(
        title=f"Story {n}",
        themes=[theme],
        place_type="rural" if n % 2 else "coastal",
        result="achieved",
        challenge=f"Challenge {n}",
        residents_did="Residents met weekly",
        **roles,
    )
    services.case_study_update(actor=editor, case=case, text=text)
    return services.case_study_publish(actor=editor, case=case)


def test_pages_of_a_published_story(client: Any) -> None:
    story = achieved_story()
    case = published(story)
    for url in (
        reverse("cases:list"),
        reverse("cases:detail", kwargs={"pk": case.pk}),
        reverse("cases:feed"),
        story.initiative.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert case.title in response.content.decode()


def test_every_page_as_each_insider(client: Any) -> None:
    story = achieved_story()
    case = submitted(story)
    urls = [
        reverse("cases:detail", kwargs={"pk": case.pk}),
        reverse("cases:edit", kwargs={"pk": case.pk}),
        reverse("cases:contact_add", kwargs={"pk": case.pk}),
        reverse("cases:mine"),
        reverse("cases:new"),
    ]
    client.force_login(story.editor)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(story.councillor)
    assert client.get(reverse("cases:reflect", kwargs={"pk": case.pk})).status_code == 200
    client.force_login(story.lead)
    body = client.get(reverse("cases:mine")).content.decode()
    assert case.title in body


def test_list_filters(client: Any) -> None:
    story = achieved_story()
    editor = story.editor
    _editor_story(editor, 1, theme="health", role="advocate")
    _editor_story(editor, 2, theme="tourism", role="connect")

    def titles(**query: str) -> set[str]:
        response = client.get(reverse("cases:list"), query)
        assert response.status_code == 200
        return {c.title for c in response.context["cases"]}

    assert titles() == {"Story 1", "Story 2"}
    assert titles(theme="tourism") == {"Story 2"}
    assert titles(role="advocate") == {"Story 1"}
    assert titles(place_type="rural") == {"Story 1"}
    assert titles(place_type="coastal") == {"Story 2"}
    assert titles(result="stopped") == set()
    assert titles(q="challenge 2") == {"Story 2"}
    # Bad filters: a clear message, never a 500.
    response = client.get(reverse("cases:list"), {"theme": "nonsense", "q": "x" * 200})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose a theme from the list" in body
    assert "Search must be 100 characters or fewer" in body


def test_related_case_studies(client: Any) -> None:
    story = achieved_story()
    one = _editor_story(story.editor, 1, theme="health")
    _editor_story(story.editor, 2, theme="health", role="connect")
    response = client.get(reverse("cases:detail", kwargs={"pk": one.pk}))
    assert [c.title for c in response.context["related"]] == ["Story 2"]


@pytest.mark.parametrize("count", [1, 6])
def test_list_feed_and_detail_cost_a_bounded_number_of_queries(
    client: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    story = achieved_story()
    cases = [_editor_story(story.editor, n) for n in range(count)]
    with django_assert_max_num_queries(8):
        assert client.get(reverse("cases:list")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("cases:feed")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cases:detail", kwargs={"pk": cases[0].pk})).status_code == 200
    client.force_login(story.editor)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("cases:mine")).status_code == 200


# --- Bad input on every form: a clear message, nothing changed -------------------------------


def _snapshot(case: CaseStudy) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.title,
        case.status,
        case.challenge,
        case.contacts.count(),
        case.reflections.count(),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 151}, "The title must be 150 characters or fewer"),
        ({"themes": []}, "Choose at least one theme"),
        ({"themes": ["nonsense"]}, "Choose themes from the list"),
        ({"place_type": "moon"}, "Choose the type of place from the list"),
        ({"result": ""}, "Choose how it turned out"),
        ({"challenge": ""}, "Say what the challenge was"),
        ({"evidence": "x" * 10_001}, "Evidence of the outcomes must be 10,000 characters"),
        ({"groups": ["999999"]}, "Choose groups from the list"),
    ],
)
def test_edit_form_bad_input(client: Any, data: dict[str, Any], message: str) -> None:
    story = achieved_story()
    case = started(story)
    before = _snapshot(case)
    good = {
        "title": "A title",
        "themes": ["green_spaces"],
        "place_type": "urban",
        "result": "achieved",
        "challenge": "A challenge",
    }
    client.force_login(story.lead)
    response = client.post(reverse("cases:edit", kwargs={"pk": case.pk}), {**good, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _snapshot(case) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter the person&#x27;s name"),
        ({"role": ""}, "Enter the person&#x27;s role"),
        ({"how_to_contact": "x" * 251}, "How to contact them must be 250 characters or fewer"),
        ({"consent": ""}, "Confirm that this person agreed to be contacted about the story"),
    ],
)
def test_contact_form_bad_input(client: Any, data: dict[str, Any], message: str) -> None:
    story = achieved_story()
    case = started(story)
    good = {"name": "Ann", "role": "Lead", "how_to_contact": "ann@example.org", "consent": "on"}
    client.force_login(story.lead)
    response = client.post(reverse("cases:contact_add", kwargs={"pk": case.pk}), {**good, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CaseContact.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Enter your reflection"),
        ({"role": "boss"}, "Choose your role from the list"),
        ({"text": "x" * 10_001}, "Your reflection must be 10,000 characters or fewer"),
    ],
)
def test_reflection_form_bad_input(client: Any, data: dict[str, Any], message: str) -> None:
    story = achieved_story()
    case = started(story)
    client.force_login(story.councillor)
    response = client.post(
        reverse("cases:reflect", kwargs={"pk": case.pk}),
        {"role": "facilitate", "text": "Good", **data},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not case.reflections.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"council": "nowhere"}, "Choose a council from the list"),
        ({"council": ""}, "Choose the council"),
    ],
)
def test_new_form_bad_input(client: Any, data: dict[str, Any], message: str) -> None:
    story = achieved_story()
    council = CouncilFactory()
    client.force_login(story.editor)
    before = CaseStudy.objects.count()
    response = client.post(reverse("cases:new"), {"title": "T", "council": council.slug, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CaseStudy.objects.count() == before


def test_start_form_of_a_safeguarded_initiative_needs_consent(client: Any) -> None:
    story = achieved_story(safeguarded=True)
    client.force_login(story.lead)
    url = reverse("cases:start", kwargs={"slug": story.initiative.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Confirm that the leads agree" in response.content.decode()
    assert not CaseStudy.objects.exists()
    response = client.post(url, {"consent": "on"})
    case = CaseStudy.objects.get()
    assert response.status_code == 302
    assert case.safeguarded
    assert case.anonymised
    assert case.consent_by == story.lead


def test_actions_in_the_wrong_state_say_why(client: Any) -> None:
    story = achieved_story()
    case = awaiting(story)
    client.force_login(story.editor)
    response = client.post(reverse("cases:publish", kwargs={"pk": case.pk}), follow=True)
    assert "Only a story in review can be published" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_APPROVAL
    client.force_login(story.lead)
    response = client.post(reverse("cases:submit", kwargs={"pk": case.pk}), follow=True)
    assert "Only a draft can be sent for review" in response.content.decode()
