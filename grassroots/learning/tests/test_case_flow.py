"""An achieved initiative becomes a published case study, through the services and the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grassroots.core.notices import Kind
from grassroots.core.services import ServiceError
from grassroots.learning import services_cases as services
from grassroots.learning.models_cases import CaseStatus, CouncillorReflection
from grassroots.learning.tests.cases_helpers import achieved_story, started, text_of
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_achieving_an_initiative_invites_its_leads_once() -> None:
    story = achieved_story()
    invites = Notification.objects.filter(kind=Kind.CASE_STUDY)
    assert list(invites.values_list("recipient_id", flat=True)) == [story.lead.pk]
    assert invites.get().url == reverse("cases:start", kwargs={"slug": story.initiative.slug})


def test_the_story_is_prefilled_from_the_initiative() -> None:
    story = achieved_story()
    case = started(story)
    assert case.status == CaseStatus.DRAFT
    assert case.challenge == story.initiative.problem
    assert "Twenty trees planted" in case.residents_did
    assert "Achieved" in case.residents_did  # the timeline of stages
    assert "Support received: 1" in case.facilitate
    assert "Cllr Priya Sandhu" in case.facilitate
    assert case.connect == case.advocate == ""
    assert case.outcomes.startswith("A new orchard")
    assert case.evidence == "Fly-tipping reports fell from 14 to 1"
    assert [t.theme for t in case.themes.all()] == [story.initiative.theme]
    # Supporting councillors are asked for their reflection.
    assert Notification.objects.filter(kind=Kind.CASE_STUDY, recipient=story.councillor).exists()
    with pytest.raises(ServiceError):
        started(story)  # one story per initiative


def test_the_whole_way_to_publication() -> None:
    story = achieved_story()
    case = started(story)
    services.reflection_save(
        actor=story.councillor, case=case, role="facilitate", text="I learned to step back"
    )
    services.case_study_update(actor=story.lead, case=case, text=text_of(case))
    services.case_study_submit(actor=story.lead, case=case)
    services.case_study_update(
        actor=story.editor, case=case, text=text_of(case, differently="Start earlier")
    )
    services.case_study_send_for_approval(actor=story.editor, case=case)
    case = services.case_study_approve(actor=story.lead, case=case)
    assert case.status == CaseStatus.PUBLISHED
    assert case.approved_by == story.lead
    assert case.published_at is not None
    assert CouncillorReflection.objects.get(case_study=case).text == "I learned to step back"
