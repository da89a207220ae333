"""Factories for action items."""

from __future__ import annotations

import factory

from grassroots.actions.models import ActionItem
from grassroots.events.tests.factories import EventFactory


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    event = factory.SubFactory(EventFactory)
    what = factory.Sequence(lambda n: f"Ask the council about bins {n}")
