"""The councillor's page lists their coming surgeries from the events app: the same ones /events/
lists, with links, and never a hidden one or one past."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.events.models import EventKind
from grassroots.events.tests.factories import EventFactory
from grassroots.places.models import Councillor
from grassroots.places.tests.factories import CouncillorFactory, CouncillorTermFactory

pytestmark = pytest.mark.django_db


def surgery(councillor: Councillor, days: int, **extra: Any) -> Any:
    starts = timezone.now() + datetime.timedelta(days=days)
    values: dict[str, Any] = {
        "group": None,
        "councillor": councillor,
        "kind": EventKind.SURGERY,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
    }
    values.update(extra)
    return EventFactory(**values)


def surgeries_section(client: Client, councillor: Councillor) -> str:
    body = client.get(councillor.get_absolute_url()).content.decode()
    start = body.index('id="surgeries"')
    end = body.find("<h2", start)
    return body[start : end if end != -1 else None]


def test_the_page_lists_the_same_surgeries_as_events(client: Client) -> None:
    councillor = CouncillorFactory(name="Sam Patel")
    CouncillorTermFactory(councillor=councillor)
    coming = [surgery(councillor, days, title=f"Surgery {days}") for days in (3, 10, 17)]
    surgery(councillor, -7, title="Last week's surgery")
    surgery(councillor, 5, title="Hidden surgery", hidden_at=timezone.now())
    surgery(CouncillorFactory(), 4, title="Someone else's surgery")

    section = surgeries_section(client, councillor)
    listed = client.get(reverse("events:list"), {"kind": "surgery"}).content.decode()
    for event in coming:
        assert f'href="{event.get_absolute_url()}"' in section
        assert event.title in listed
    # Soonest first.
    assert section.index("Surgery 3") < section.index("Surgery 10") < section.index("Surgery 17")
    for title in ("Last week's surgery", "Hidden surgery", "Someone else's surgery"):
        assert title not in section
    assert "No surgeries" not in section
    assert reverse("events:councillor_calendar", kwargs={"slug": councillor.slug}) in section


def test_without_surgeries_it_says_how_to_meet_the_councillor(client: Client) -> None:
    councillor = CouncillorFactory()
    surgery(councillor, -3)
    section = surgeries_section(client, councillor)
    assert "No surgeries coming up. Contact the councillor to arrange a meeting." in section


def test_many_surgeries_cost_one_query_and_link_to_the_rest(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    councillor = CouncillorFactory()
    for days in range(1, 16):
        surgery(councillor, days)
    # 2 for the councillor and terms, 4 for the record of support, 1 for the surgeries.
    with django_assert_max_num_queries(7):
        response = client.get(councillor.get_absolute_url())
    body = response.content.decode()
    assert body.count('href="/events/') >= 10
    assert "See more surgeries" in body


def test_see_more_lists_only_this_councillors_surgeries(client: Client) -> None:
    councillor = CouncillorFactory(name="Sam Patel")
    for days in range(1, 13):
        surgery(councillor, days, title=f"Sam's surgery {days}")
    surgery(CouncillorFactory(), 2, title="Someone else's surgery")
    body = client.get(councillor.get_absolute_url()).content.decode()
    link = f"/events/?kind=surgery&amp;councillor={councillor.slug}"
    assert link in body
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Showing the surgeries of Sam Patel." in listed
    assert "12 events" in listed
    assert "Someone else's surgery" not in listed
