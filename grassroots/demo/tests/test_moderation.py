"""The demo borough has a safeguarding contact, reports in the queue, a hidden reply, a concern."""

from __future__ import annotations

import pytest
from django.test import override_settings

from grassroots.conversations.models import Conversation, Post
from grassroots.demo.borough import Borough
from grassroots.demo.moderation import HIDDEN_REASON, seed_moderation
from grassroots.moderation.models import (
    ConcernStatus,
    Report,
    SafeguardingConcern,
    SafeguardingContact,
)
from grassroots.moderation.selectors import queue
from grassroots.moderation.tests.factories import make_post

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


def _state() -> list[tuple[object, ...]]:
    return sorted(
        (r.reason, r.target_key[0], r.post_id or r.initiative_id or r.event_id)
        for r in Report.objects.all()
    )


@override_settings(DEBUG=True)
def test_the_demo_moderation_is_there_and_rerunnable(seeded: Borough) -> None:
    borough = seeded
    ward = next(iter(borough.wards.values()))
    conversation = Conversation.objects.create(ward=ward, question="Bins on Tuesdays?")
    for n in range(5):
        make_post(conversation, borough.residents[n], f"Demo reply {n}")
    seed_moderation(borough)
    contact = SafeguardingContact.objects.get(council=borough.council)
    assert contact.user == borough.accounts["officer"]
    assert Post.objects.filter(hidden_reason=HIDDEN_REASON).count() == 1
    assert len(queue()) >= 4
    assert SafeguardingConcern.objects.get().status == ConcernStatus.NEW
    first = _state()
    seed_moderation(borough)
    assert _state() == first
    assert Post.objects.filter(hidden_reason=HIDDEN_REASON).count() == 1
    assert SafeguardingConcern.objects.count() == 1
