"""A safeguarded initiative's story: invisible outside it until published, published only
anonymised and only after the leads said yes twice, and no name ever on a public surface."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from grassroots.core.services import ServiceError
from grassroots.learning import services_cases as services
from grassroots.learning import visibility_cases
from grassroots.learning.models_cases import CaseStatus, CaseStudy
from grassroots.learning.tests.cases_helpers import (
    PEOPLE,
    STAGES,
    achieved_story,
    awaiting,
    started,
    text_of,
)

pytestmark = pytest.mark.django_db

INSIDERS = {"lead", "supporting councillor", "editor"}
NAMES = ("Lena Leadbetter", "Mo Member", "Priya Sandhu", "Connie Contact", "Millbrook")


@pytest.mark.parametrize("stage", ["draft", "in review", "awaiting approval"])
@pytest.mark.parametrize("safeguarded", [False, True], ids=["public", "safeguarded"])
def test_unpublished_stories_are_seen_only_inside(
    client: Any, stage: str, safeguarded: bool
) -> None:
    story = achieved_story(safeguarded=safeguarded)
    case = STAGES[stage](story)
    ids = {who: getattr(story.who(who), "pk", None) for who in PEOPLE}
    reach = visibility_cases.viewers(case, [pk for pk in ids.values() if pk])
    for who in PEOPLE:
        viewer = story.who(who)
        expected = who in INSIDERS
        # The three forms of the rule agree.
        assert visibility_cases.can_view(viewer, case) is expected, who
        listed = visibility_cases.visible_case_studies(viewer).filter(pk=case.pk).exists()
        assert listed is expected, who
        if ids[who]:
            assert (ids[who] in reach) is expected, who
        # And the pages: a 404 outside, no row in the list, the feed or "yours".
        client.logout()
        if not isinstance(viewer, AnonymousUser):
            client.force_login(viewer)
        detail = client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
        assert detail.status_code == (200 if expected else 404), who
        for url in (reverse("cases:list"), reverse("cases:feed")):
            assert case.title not in client.get(url).content.decode(), (who, url)


def test_safeguarded_story_needs_consent_to_start() -> None:
    story = achieved_story(safeguarded=True)
    with pytest.raises(ServiceError):
        services.case_study_start(actor=story.lead, initiative=story.initiative)
    assert not CaseStudy.objects.exists()
    case = started(story)
    assert case.safeguarded
    assert case.anonymised
    assert case.consent_by == story.lead
    assert case.consent_at is not None
    # Nothing that names anybody or anywhere finer than the council is copied in.
    assert story.initiative.title not in case.title
    assert "Priya Sandhu" not in case.facilitate
    assert not case.wards.exists()


def test_safeguarded_story_needs_the_second_yes() -> None:
    story = achieved_story(safeguarded=True)
    case = awaiting(story)
    with pytest.raises(ServiceError):
        services.case_study_approve(actor=story.lead, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_APPROVAL
    assert case.approved_at is None
    case = services.case_study_approve(actor=story.lead, case=case, confirm_anonymised=True)
    assert case.status == CaseStatus.PUBLISHED
    assert case.anonymised


def test_the_database_refuses_a_safeguarded_story_published_without_both_yeses() -> None:
    story = achieved_story(safeguarded=True)
    case = awaiting(story)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudy.objects.filter(pk=case.pk).update(
            status=CaseStatus.PUBLISHED, published_at=timezone.now()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudy.objects.filter(pk=case.pk).update(anonymised=False)


def test_editors_cannot_unanonymise_or_place_it() -> None:
    story = achieved_story(safeguarded=True)
    case = started(story)
    services.case_study_submit(actor=story.lead, case=case)
    ward = story.initiative.wards.get()
    services.case_study_update(
        actor=story.editor,
        case=case,
        text=text_of(case, anonymised=False, wards=[ward]),
    )
    case.refresh_from_db()
    assert case.anonymised
    assert not case.wards.exists()


def test_no_name_on_any_public_surface(client: Any) -> None:
    story = achieved_story(safeguarded=True)
    case = started(story)
    services.contact_add(
        actor=story.lead,
        case=case,
        name="Connie Contact",
        role="Lead",
        how_to_contact="connie@example.org",
        consent=True,
    )
    services.reflection_save(
        actor=story.councillor, case=case, role="facilitate", text="I listened more than I spoke"
    )
    services.case_study_update(actor=story.lead, case=case, text=text_of(case, title="A refuge"))
    services.case_study_submit(actor=story.lead, case=case)
    services.case_study_send_for_approval(actor=story.editor, case=case)
    services.case_study_approve(actor=story.lead, case=case, confirm_anonymised=True)
    for viewer in (AnonymousUser(), story.resident, story.other_councillor):
        client.logout()
        if not isinstance(viewer, AnonymousUser):
            client.force_login(viewer)
        for url in (
            reverse("cases:list"),
            reverse("cases:feed"),
            reverse("cases:detail", kwargs={"pk": case.pk}),
        ):
            body = client.get(url).content.decode()
            assert "A refuge" in body, url
            for name in (*NAMES, story.initiative.title, "connie@example.org"):
                assert name not in body, (name, url)
        body = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
        assert "I listened more than I spoke" in body
        assert "A supporting councillor" in body
