"""Followers of an event's host hear of a new event, and of a cancellation if they had not
replied (`Kind.FOLLOWING`): each person once, never the host who did it, never anyone who may
not see the event, in the same number of queries however many follow."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.events import services
from grassroots.events.models import Event
from grassroots.events.tests.factories import VenueFactory
from grassroots.following.services import follow_start
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncillorTermFactory
from grassroots.testing.worlds import EVENT_HOSTS, Town

pytestmark = pytest.mark.django_db


def told(kind: str = Kind.FOLLOWING) -> dict[Any, list[Notification]]:
    out: dict[Any, list[Notification]] = {}
    for n in Notification.objects.filter(kind=kind).select_related("recipient").order_by("id"):
        out.setdefault(n.recipient, []).append(n)
    return out


def host_user(world: Town, kind: str) -> User:
    """The host, fetched afresh so no answer cached on the object from before is reused."""
    return User.objects.get(pk=world.person(EVENT_HOSTS[kind]).pk)


def surgery_wards(world: Town) -> list[Ward]:
    return [term.ward for term in world.surgery_councillor.terms.select_related("ward")]


def put_on(world: Town, kind: str, title: str = "Bulb planting", **extra: Any) -> Event:
    starts = timezone.now() + datetime.timedelta(days=5)
    return services.event_create(
        actor=extra.pop("actor", None) or host_user(world, kind),
        host=extra.pop("host", None) or world.host(kind),
        title=title,
        description="Bring a trowel.",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        venue=extra.pop("venue", world.venue),
        **extra,
    )


def follows(person: User, *targets: Model) -> User:
    for target in targets:
        follow_start(user=person, target=target)
    return person


def test_a_group_event_reaches_the_groups_and_its_wards_followers_once(world: Town) -> None:
    fan = follows(UserFactory(), world.group)
    neighbour = follows(UserFactory(), world.ward)
    both = follows(UserFactory(), world.group, world.ward)
    elsewhere = follows(UserFactory(), world.other_group, world.other_ward)
    organiser = follows(world.person("organiser"), world.group)
    Notification.objects.all().delete()
    event = put_on(world, "group")
    heard = told()
    assert set(heard) == {fan, neighbour, both}
    assert all(len(rows) == 1 for rows in heard.values())
    row = heard[both][0]
    assert row.text.startswith("New event from Friends of Riverside park: Bulb planting")
    assert row.url == event.get_absolute_url()
    assert row.group == world.group
    assert elsewhere not in heard
    assert organiser not in heard
    assert not Notification.objects.filter(recipient=world.person("resident")).exists()


def test_an_initiative_event_reaches_the_initiatives_and_its_wards_followers(
    world: Town,
) -> None:
    fan = follows(UserFactory(), world.initiative)
    neighbour = follows(UserFactory(), world.ward)
    both = follows(UserFactory(), world.initiative, world.ward)
    lead = follows(world.person("lead"), world.initiative, world.ward)
    Notification.objects.all().delete()
    put_on(world, "initiative")
    heard = told()
    assert set(heard) == {fan, neighbour, both}
    assert all(len(rows) == 1 for rows in heard.values())
    assert heard[fan][0].initiative == world.initiative
    assert lead not in heard


def test_a_safeguarded_initiatives_event_never_reaches_outsiders(world: Town) -> None:
    circle = InitiativeFactory(
        title="Quiet circle", visibility=Visibility.SAFEGUARDED, wards=[world.ward]
    )
    member = follows(MembershipFactory(initiative=circle).user, world.ward)
    outsider = follows(UserFactory(), world.ward)
    Notification.objects.all().delete()
    put_on(world, "initiative", host=circle, actor=circle.created_by)
    heard = told()
    assert set(heard) == {member}
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_hidden_initiative_makes_no_news(world: Town) -> None:
    fan = follows(UserFactory(), world.initiative, world.ward)
    world.initiative.hidden_at = timezone.now()
    world.initiative.save(update_fields=["hidden_at"])
    Notification.objects.all().delete()
    put_on(world, "initiative")  # its lead still sees it, and may still put events on
    assert fan not in told()


def test_a_ward_event_reaches_the_wards_followers(world: Town) -> None:
    neighbour = follows(UserFactory(), world.ward)
    other = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    put_on(world, "ward")
    heard = told()
    assert set(heard) == {neighbour}
    assert heard[neighbour][0].ward == world.ward
    assert other not in heard


def test_a_surgery_reaches_the_followers_of_each_of_the_councillors_wards_once(
    world: Town,
) -> None:
    councillor = world.surgery_councillor
    CouncillorTermFactory(councillor=councillor, ward=world.ward)
    third = councillor.terms.exclude(ward=world.ward).get().ward
    riverside = follows(UserFactory(), world.ward)
    castle = follows(UserFactory(), third)
    both = follows(UserFactory(), world.ward, third)
    hilltop = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    put_on(world, "surgery", title="Surgery at the library")
    heard = told()
    assert set(heard) == {riverside, castle, both}
    assert all(len(rows) == 1 for rows in heard.values())
    assert heard[riverside][0].ward == world.ward
    assert heard[castle][0].ward == third
    assert "Councillor Sam Surgery" in heard[castle][0].text
    assert hilltop not in heard


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_the_followers_of_the_venues_ward_hear_too_once_each(world: Town, kind: str) -> None:
    hall = VenueFactory(
        name="Hilltop hall", council=world.other_ward.council, ward=world.other_ward
    )
    there = follows(UserFactory(), world.other_ward)
    host = world.host(kind)
    home = host if kind != "surgery" else surgery_wards(world)[0]
    both = follows(UserFactory(), home, world.other_ward)
    nowhere = follows(UserFactory(), world.other_group)
    Notification.objects.all().delete()
    put_on(world, kind, venue=hall)
    heard = told()
    assert {there, both} <= set(heard)
    assert len(heard[there]) == 1
    assert len(heard[both]) == 1
    assert nowhere not in heard


def test_an_online_only_event_tells_only_the_hosts_followers(world: Town) -> None:
    neighbour = follows(UserFactory(), world.ward)
    there = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    put_on(world, "ward", venue=None, online_url="https://meet.example.org/riverside")
    assert set(told()) == {neighbour}
    assert there not in told()


def test_a_safeguarded_initiatives_event_never_reaches_the_venues_wards_outsiders(
    world: Town,
) -> None:
    circle = InitiativeFactory(
        title="Quiet circle", visibility=Visibility.SAFEGUARDED, wards=[world.ward]
    )
    hall = VenueFactory(
        name="Hilltop hall", council=world.other_ward.council, ward=world.other_ward
    )
    member = follows(MembershipFactory(initiative=circle).user, world.other_ward)
    outsider = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    put_on(world, "initiative", host=circle, actor=circle.created_by, venue=hall)
    assert set(told()) == {member}
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_past_councillors_wards_are_not_told(world: Town) -> None:
    councillor = world.surgery_councillor
    CouncillorTermFactory(
        councillor=councillor, ward=world.other_ward, ends_on=datetime.date(2025, 5, 1)
    )
    old = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    put_on(world, "surgery")
    assert old not in told()


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_a_cancellation_reaches_followers_who_had_not_replied(world: Town, kind: str) -> None:
    event = world.events[kind]
    host = event.group or event.initiative or event.ward
    target = host or surgery_wards(world)[0]
    going = follows(world.person("going resident"), target)
    follower = follows(UserFactory(), target)
    gave_up = follows(UserFactory(), target)
    services.rsvp_going(user=gave_up, event=event)
    services.rsvp_cancel(user=gave_up, event=event)
    follows(world.person(EVENT_HOSTS[kind]), target)
    Notification.objects.all().delete()
    services.event_cancel(actor=host_user(world, kind), event=event, reason="The hall flooded")
    news = told()
    assert set(news) == {follower, gave_up}
    assert all(len(rows) == 1 for rows in news.values())
    assert news[follower][0].text.startswith("Cancelled: ")
    assert set(told(Kind.EVENT)) == {going}  # told as someone going, and only that way


def test_a_hidden_event_cancelled_is_no_news(world: Town) -> None:
    event = world.events["group"]
    Event.objects.filter(pk=event.pk).update(hidden_at=timezone.now())
    event.refresh_from_db()
    follower = follows(UserFactory(), world.group)
    Notification.objects.all().delete()
    services.event_cancel(actor=world.person("organiser"), event=event, reason="Not going ahead")
    assert follower not in told()


def _queries(world: Town, kind: str, many: int) -> int:
    fresh = world.host(kind)
    host = type(fresh).objects.get(pk=fresh.pk)  # no answers cached on it from before
    options: dict[str, list[Any]] = {
        "group": [world.group, world.ward],
        "initiative": [world.initiative, world.ward],
        "ward": [world.ward],
        "surgery": list(surgery_wards(world)),
    }
    targets = options[kind]
    for _ in range(many):
        follows(UserFactory(), *targets)
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as context:
        event = put_on(world, kind, host=host)
    assert len(told()) >= many
    services.event_cancel(actor=host_user(world, kind), event=event, reason="Rain")
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_telling_followers_costs_the_same_queries_however_many(world: Town, kind: str) -> None:
    assert _queries(world, kind, 2) == _queries(world, kind, 12)


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_cancelling_costs_the_same_queries_however_many_follow(world: Town, kind: str) -> None:
    def cancel(many: int) -> int:
        event = put_on(world, kind)
        host = event.group or event.initiative or event.ward
        targets = [host] if host is not None else surgery_wards(world)
        for _ in range(many):
            follows(UserFactory(), *targets)
        actor = host_user(world, kind)
        with CaptureQueriesContext(connection) as context:
            services.event_cancel(actor=actor, event=event, reason="Rain")
        return len(context.captured_queries)

    assert cancel(2) == cancel(12)
