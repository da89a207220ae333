"""The demo step: the demo resident follows a ward, a group and an initiative, with a daily
digest waiting; re-running changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from grassroots.demo.borough import (
    seed_accounts,
    seed_councillors,
    seed_departments,
    seed_postcodes,
    seed_residents,
    seed_wards,
)
from grassroots.demo.following import seed_following
from grassroots.demo.groups import seed_groups
from grassroots.demo.initiatives import seed_initiatives
from grassroots.demo.seed import seed_demo
from grassroots.following.models import Follow
from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.selectors import deliveries

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]

STEPS = [
    seed_wards,
    seed_postcodes,
    seed_councillors,
    seed_departments,
    seed_residents,
    seed_accounts,
    seed_initiatives,
    seed_groups,
    seed_following,
]


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    follows = list(
        Follow.objects.order_by("user_id", "ward_id", "group_id", "initiative_id").values_list(
            "user__email", "ward__gss_code", "group__slug", "initiative__slug"
        )
    )
    waiting = list(
        Notification.objects.filter(kind=Kind.FOLLOWING, awaiting_digest=True)
        .order_by("text")
        .values_list("recipient__email", "text")
    )
    return follows, waiting


def test_the_demo_resident_follows_three_places_and_has_a_digest_waiting(
    django_capture_on_commit_callbacks: Any,
) -> None:
    borough = seed_demo(steps=STEPS)
    first = snapshot()
    seed_demo(steps=STEPS)
    assert snapshot() == first
    resident = borough.accounts["resident"]
    mine = Follow.objects.filter(user=resident)
    assert sorted(f.kind for f in mine) == ["group", "initiative", "ward"]
    assert mine.get(ward__isnull=False).ward == resident.ward
    assert deliveries(resident)["following"] == "daily"
    assert deliveries(resident)["event"] == "weekly"
    assert Follow.objects.filter(ward__isnull=False).count() == 13
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(frequency="daily").emails == 1
    [message] = mail.outbox
    assert message.to == [resident.email]
    assert "Here is what happened since your last daily digest." in message.body
