"""The list of events: upcoming and past, filters, and a bounded number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.events import selectors, services, views
from grassroots.events.models import EventKind, Rsvp, RsvpStatus
from grassroots.events.tests.factories import EventFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.worlds import EVENT_HOSTS, Town, make_event

pytestmark = pytest.mark.django_db


def test_upcoming_and_past(client: Any, world: Town) -> None:
    past_start = timezone.now() - datetime.timedelta(days=3)
    past = make_event(
        world.group,
        title="Last week litter pick",
        starts_at=past_start,
        ends_at=past_start + datetime.timedelta(hours=1),
    )
    upcoming = client.get(reverse("events:list")).content.decode()
    assert world.events["group"].title in upcoming
    assert past.title not in upcoming
    earlier = client.get(reverse("events:list") + "?when=past").content.decode()
    assert past.title in earlier
    assert world.events["group"].title not in earlier


def test_filters(client: Any, world: Town) -> None:
    elsewhere = make_event(
        world.other_group,
        title="Hilltop singing",
        venue=None,
        online_url="https://meet.example.org/x",
    )
    surgeries = client.get(reverse("events:list") + "?kind=surgery").content.decode()
    assert world.events["surgery"].title in surgeries
    assert world.events["group"].title not in surgeries
    in_ward = client.get(reverse("events:list") + f"?ward={world.ward.pk}").content.decode()
    assert world.events["ward"].title in in_ward
    assert elsewhere.title not in in_ward
    by_group = client.get(reverse("events:list") + f"?group={world.other_group.slug}")
    body = by_group.content.decode()
    assert elsewhere.title in body
    assert world.events["group"].title not in body
    assert reverse("events:group_calendar", args=[world.other_group.slug]) in body
    # Nonsense filters are ignored, never a 500.
    assert client.get(reverse("events:list") + "?ward=x&kind=<b>&page=zz").status_code == 200


def test_counts_in_the_list(client: Any, world: Town) -> None:
    event = EventFactory(capacity=2, title="Tiny workshop")
    for _ in range(3):
        services.rsvp_going(user=UserFactory(), event=event)
    body = client.get(reverse("events:list")).content.decode()
    assert "Full" in body
    assert "1 waiting" in body


def test_the_list_and_the_page_cost_a_bounded_number_of_queries(
    client: Any, world: Town, django_assert_max_num_queries: Any
) -> None:
    people = [UserFactory() for _ in range(10)]
    start = timezone.now() + datetime.timedelta(days=2)
    events = [
        make_event(
            host,
            starts_at=start + datetime.timedelta(hours=n),
            ends_at=start + datetime.timedelta(hours=n + 1),
            capacity=5,
        )
        for n, host in enumerate([world.host(kind) for kind in EVENT_HOSTS] * 6)
    ]
    Rsvp.objects.bulk_create(
        Rsvp(
            event=e,
            user=p,
            status=RsvpStatus.GOING if i < 5 else RsvpStatus.WAITING,
            joined_list_at=timezone.now(),
        )
        for e in events
        for i, p in enumerate(people)
    )
    client.force_login(world.person("resident"))
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("events:list"))
    assert response.content.decode().count('class="govuk-summary-card__title"') == 25
    with django_assert_max_num_queries(16):
        client.get(reverse("events:list") + f"?ward={world.ward.pk}&kind={EventKind.SURGERY}")
    with django_assert_max_num_queries(22):
        client.get(events[0].get_absolute_url())
    with django_assert_max_num_queries(10):
        client.get(reverse("events:ward_calendar", args=[world.ward.pk]))


def test_the_filters_offer_only_wards_and_groups_with_events(client: Any, world: Town) -> None:
    quiet = WardFactory(name="Quietmoor", council=world.ward.council)
    body = client.get(reverse("events:list")).content.decode()
    assert f'<option value="{world.ward.pk}">Riverside</option>' in body
    assert quiet.name not in body
    assert f'<option value="{world.group.slug}">{world.group.name}</option>' in body
    assert world.other_group.name not in body


def test_a_long_list_counts_to_its_limit_and_still_pages_to_the_end(
    client: Any, world: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the count's limit the heading says "More than", and "Next page" leads on while
    there are more events, to the last one; every event is on exactly one page."""
    for n in range(3):
        make_event(world.group, title=f"Lantern walk {'ABC'[n]}")
    monkeypatch.setattr(views.CappedPaginator, "limit", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    titles = [event.title for event in selectors.event_list(AnonymousUser())]
    assert len(titles) > 3
    url = reverse("events:list")
    assert "More than 2 events" in client.get(url).content.decode()
    for number, title in enumerate(titles, start=1):
        body = client.get(f"{url}?page={number}").content.decode()
        shown = [t for t in titles if f">{t}<" in body]
        assert shown == [title]
        assert ("Next page" in body) == (number < len(titles))
    # Past the end, or nonsense: a page of the list, never an error.
    assert client.get(f"{url}?page={len(titles) + 5}").status_code == 200
    assert client.get(f"{url}?page=0").status_code == 200
