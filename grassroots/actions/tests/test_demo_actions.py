"""The demo's actions: the resident has open ones on their dashboard, from meetings and
conversations (moved here from the events app's demo test with the dashboard selector)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from grassroots.actions.selectors import your_actions
from grassroots.core import demo

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_resident_has_open_actions_on_their_dashboard() -> None:
    borough = demo.seed_demo()
    resident = borough.accounts["resident"]
    assert len(your_actions(resident)) >= 2
