"""A case study can tell the story of a place that matters: the leads choose places of the
story's council, the story links to them and the place's page links back, and a safeguarded
initiative's story is never tied to a place (it would say where it happened)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grassroots.core.services import ServiceError
from grassroots.directory.tests.assets_world import AssetFactory
from grassroots.learning import services_cases as services
from grassroots.learning.tests.cases_helpers import (
    achieved_story,
    awaiting,
    started,
    text_of,
)
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def _form(case: Any, **extra: Any) -> dict[str, Any]:
    text = text_of(case)
    return {
        "title": text.title,
        "themes": text.themes,
        "place_type": text.place_type,
        "result": text.result,
        "challenge": text.challenge,
        "residents_did": text.residents_did,
        **extra,
    }


def test_a_lead_links_a_place_and_both_pages_show_it_once_published(client: Any) -> None:
    story = achieved_story()
    case = started(story)
    ward = story.initiative.wards.get()
    hall = AssetFactory(ward=ward, name="Mill Lane Hall")
    elsewhere = AssetFactory(ward=WardFactory(), name="Faraway Arms")
    client.force_login(story.lead)
    edit = reverse("cases:edit", kwargs={"pk": case.pk})
    form = client.get(edit).content.decode()
    assert "Mill Lane Hall" in form
    assert "Faraway Arms" not in form  # only places of the story's council are offered
    response = client.post(edit, _form(case, assets=[str(hall.pk)]))
    assert response.status_code == 302
    assert list(case.assets.all()) == [hall]
    story_url = reverse("cases:detail", kwargs={"pk": case.pk})
    # Not on the place's page until it is published.
    assert story_url not in client.get(hall.get_absolute_url()).content.decode()
    services.case_study_submit(actor=story.lead, case=case)
    case = services.case_study_send_for_approval(actor=story.editor, case=case)
    services.case_study_approve(actor=story.lead, case=case)
    client.logout()
    assert hall.get_absolute_url() in client.get(story_url).content.decode()
    assert story_url in client.get(hall.get_absolute_url()).content.decode()
    assert story_url not in client.get(elsewhere.get_absolute_url()).content.decode()


def test_a_place_of_another_council_is_refused_and_nothing_changes(client: Any) -> None:
    story = achieved_story()
    case = started(story)
    elsewhere = AssetFactory(ward=WardFactory())
    with pytest.raises(ServiceError, match="Choose places in the story's council"):
        services.case_study_update(
            actor=story.lead, case=case, text=text_of(case, assets=[elsewhere])
        )
    assert not case.assets.exists()
    client.force_login(story.lead)
    response = client.post(
        reverse("cases:edit", kwargs={"pk": case.pk}), _form(case, assets=[str(elsewhere.pk)])
    )
    assert response.status_code == 200
    assert "Choose places from the list" in response.content.decode()
    assert not case.assets.exists()


def test_only_those_who_may_change_the_story_link_places() -> None:
    story = achieved_story()
    case = awaiting(story)  # with the leads for approval: nobody edits it now
    hall = AssetFactory(ward=story.initiative.wards.get())
    with pytest.raises(ServiceError):
        services.case_study_update(actor=story.lead, case=case, text=text_of(case, assets=[hall]))
    for actor in (story.member, story.resident, story.councillor, story.other_councillor):
        with pytest.raises(PermissionDenied):
            services.case_study_update(actor=actor, case=case, text=text_of(case, assets=[hall]))
    assert not case.assets.exists()


def test_a_safeguarded_story_is_never_tied_to_a_place(client: Any) -> None:
    story = achieved_story(safeguarded=True)
    case = started(story)
    hall = AssetFactory(ward=story.initiative.wards.get(), name="Secret Hall")
    services.case_study_update(actor=story.lead, case=case, text=text_of(case, assets=[hall]))
    assert not case.assets.exists()
    client.force_login(story.lead)
    form = client.get(reverse("cases:edit", kwargs={"pk": case.pk})).content.decode()
    assert "Secret Hall" not in form
