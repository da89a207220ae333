"""Rate limits on reporting and posting: a clear 429 page, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.ratelimits import rate_limited
from grassroots.moderation.models import Report
from grassroots.moderation.tests.factories import items, login
from grassroots.testing.worlds import Town


@pytest.mark.usefixtures("held_clock")
def test_reporting_too_often_is_refused_with_a_clear_page(
    client: Client, town: Town, settings: Any
) -> None:
    settings.GRASSROOTS_RATE_LIMITS = {"report": ["3/h"]}
    login(client, town, "resident")
    for kind, item in list(items(town).items())[:3]:
        assert (
            client.post(f"/moderation/report/{kind}/{item.pk}/", {"reason": "spam"}).status_code
            == 302
        )
    response = client.post(
        f"/moderation/report/event/{town.events['ward'].pk}/", {"reason": "spam"}
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "You have sent too many in a short time" in body
    assert "Wait an hour, then try again" in body
    assert "call 999" in body
    assert Report.objects.count() == 3
    # Limits are per person: somebody else may still report.
    login(client, town, "ward councillor")
    ok = client.post(f"/moderation/report/event/{town.events['ward'].pk}/", {"reason": "spam"})
    assert ok.status_code == 302


@pytest.mark.usefixtures("held_clock")
def test_the_posting_limit_stops_the_view_running(town: Town, settings: Any) -> None:
    settings.GRASSROOTS_RATE_LIMITS = {"post": ["2/m"]}
    calls: list[int] = []

    @rate_limited("post")
    def reply(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return HttpResponse("saved")

    user = UserFactory()
    factory = RequestFactory()
    statuses = []
    for _ in range(3):
        request = factory.post("/conversations/1/reply/", {"body": "Hello"})
        request.user = user
        statuses.append(reply(request).status_code)
    assert statuses == [200, 200, 429]
    assert len(calls) == 2
    # Reading is never limited.
    request = factory.get("/conversations/1/reply/")
    request.user = user
    assert reply(request).status_code == 200
