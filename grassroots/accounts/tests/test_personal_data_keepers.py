"""What the apps above accounts keep privately about a person (a guide reader's pages done,
reflections and self-assessments; their own offers of help with a home postcode) is in their
data download, and goes when they delete their account; other people's stays."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from grassroots.accounts import services
from grassroots.directory.models import Organization
from grassroots.directory.models_offers import Offer
from grassroots.directory.tests.factories_offers import OfferFactory
from grassroots.learning import services_readers as readers
from grassroots.learning.assessment import QUESTIONS
from grassroots.learning.models import Completion, Reflection, SelfAssessment
from grassroots.learning.tests.guide_world import build_guide
from grassroots.testing.people import make_councillor

pytestmark = pytest.mark.django_db


def _reader(guide: Any, text: str) -> Any:
    person = make_councillor()
    page = guide.modules[0]
    readers.completion_set(actor=person, page=page, done=True)
    readers.reflection_save(actor=person, page=page, text=text)
    readers.self_assessment_take(actor=person, answers={q.key: 4 for q in QUESTIONS})
    OfferFactory(owner=person, title=f"Ladders from {text}")
    return person


def test_the_download_holds_what_the_guide_and_offers_keep() -> None:
    guide = build_guide(modules=1, lessons=1)
    person = _reader(guide, "I should listen first")
    # The download page serves exactly this, as JSON (after asking for the password again).
    data = json.loads(json.dumps(services.data_export(user=person), cls=DjangoJSONEncoder))
    assert data["guide"]["reflections"][0]["text"] == "I should listen first"
    assert data["guide"]["pages_done"][0]["page"] == guide.modules[0].title
    assert data["guide"]["self_assessments"][0]["scores"]
    assert data["offers_of_help"][0]["title"] == "Ladders from I should listen first"
    assert data["offers_of_help"][0]["postcode"]


def test_deleting_an_account_erases_them_and_keeps_everyone_elses() -> None:
    guide = build_guide(modules=1, lessons=1)
    gone = _reader(guide, "Mine alone")
    stays = _reader(guide, "Someone else's")
    organisation_offer = OfferFactory(
        owner=gone, organization=Organization.objects.create(name="Tool library")
    )
    services.account_delete(user=gone)
    for model in (Completion, Reflection, SelfAssessment):
        assert not model.objects.filter(user=gone).exists()
        assert model.objects.filter(user=stays).exists()
    assert list(Offer.objects.filter(owner=gone)) == [organisation_offer]
    assert Offer.objects.filter(owner=stays).count() == 1
