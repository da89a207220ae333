"""Putting on an event: the form, its GOV.UK errors and UK clock changes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.events.models import Event, EventKind
from grassroots.events.tests.conftest import error_summary
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

# In 2027 the clocks go forward on Sunday 28 March and back on Sunday 31 October.
SPRING, AUTUMN = datetime.date(2027, 3, 28), datetime.date(2027, 10, 31)


def _data(world: Town, day: datetime.date | None = None, **extra: Any) -> dict[str, Any]:
    day = day or timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "host": f"group:{world.group.pk}",
        "kind": EventKind.MEETING,
        "title": "Litter pick",
        "description": "Meet at the gate.",
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "start_time": "10:00",
        "end_time": "12:00",
        "venue": world.venue.pk,
        "online_url": "",
        "capacity": "",
    }
    data.update(extra)
    return data


def _post(client: Any, world: Town, data: dict[str, Any], role: str = "organiser") -> Any:
    client.force_login(world.user(role))
    response = client.post(reverse("events:new"), data)
    assert response.status_code < 500
    return response


def test_an_organiser_puts_on_a_group_event(client: Any, world: Town) -> None:
    response = _post(client, world, _data(world, capacity="30"))
    event = Event.objects.get(title="Litter pick")
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.group == world.group
    assert event.capacity == 30
    assert timezone.localtime(event.starts_at).time() == datetime.time(10, 0)


def test_a_councillor_holds_a_surgery(client: Any, world: Town) -> None:
    councillor = world.surgery_councillor
    data = _data(world, host=f"councillor:{councillor.pk}", kind=EventKind.MEETING)
    _post(client, world, data, role="surgery's councillor")
    event = Event.objects.get(title="Litter pick")
    assert event.councillor == councillor
    assert event.kind == EventKind.SURGERY


def test_the_host_choices_are_only_what_you_may_host(client: Any, world: Town) -> None:
    data = _data(world, host=f"group:{world.other_group.pk}")
    response = _post(client, world, data)
    assert "Select who is putting on the event" in error_summary(response.content.decode())
    assert not Event.objects.filter(title="Litter pick").exists()


def test_people_who_host_nothing_cannot_open_the_form(client: Any, world: Town) -> None:
    client.force_login(world.user("resident"))
    assert client.get(reverse("events:new")).status_code == 403
    client.logout()
    assert client.get(reverse("events:new")).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 151}, "Title must be 150 characters or fewer"),
        ({"description": ""}, "Enter a description"),
        ({"date_0": "", "date_1": "", "date_2": ""}, "Enter the date of the event"),
        ({"date_0": "31", "date_1": "2"}, "Date must be a real date"),
        ({"date_2": "2020"}, "Date must be today or in the future"),
        ({"start_time": ""}, "Enter a start time"),
        ({"start_time": "25:00"}, "Enter the start time as a time like 18:30"),
        ({"end_time": "09:00"}, "The end time must be after the start time"),
        ({"end_time": "10:00"}, "The end time must be after the start time"),
        ({"venue": "", "online_url": ""}, "Choose a venue or enter an online link, or both"),
        ({"venue": "999999"}, "Select a venue from the list"),
        ({"online_url": "not a link"}, "Enter the online link in the right format"),
        ({"online_url": "javascript:alert(1)"}, "Enter the online link in the right format"),
        ({"capacity": "0"}, "Number of places must be 1 or more"),
        ({"capacity": "lots"}, "Number of places must be a whole number"),
        ({"capacity": "-3"}, "Number of places must be 1 or more"),
        ({"title": "Bad\x07title"}, "Remove the control characters"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    client: Any, world: Town, changes: dict[str, Any], message: str
) -> None:
    before = Event.objects.count()
    response = _post(client, world, _data(world, **changes))
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert Event.objects.count() == before


def test_a_start_earlier_today_is_refused(client: Any, world: Town) -> None:
    now = timezone.localtime()
    if now.hour == 0:
        pytest.skip("no earlier hour today")
    data = _data(world, timezone.localdate(), start_time="00:00", end_time="23:59")
    response = _post(client, world, data)
    assert "The start time must be in the future" in error_summary(response.content.decode())


def test_html_in_the_title_is_stored_as_typed_and_shown_escaped(client: Any, world: Town) -> None:
    _post(client, world, _data(world, title="<img src=x onerror=alert(1)>"))
    event = Event.objects.get(title="<img src=x onerror=alert(1)>")
    body = client.get(event.get_absolute_url()).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x" in body


def test_an_online_only_event(client: Any, world: Town) -> None:
    _post(client, world, _data(world, venue="", online_url="https://meet.example.org/abc"))
    event = Event.objects.get(title="Litter pick")
    assert event.venue is None
    assert event.online_url == "https://meet.example.org/abc"


# --- The clocks change --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_hour"), [(SPRING, 9), (AUTUMN, 10)], ids=["clocks-forward", "clocks-back"]
)
def test_ten_oclock_on_the_day_the_clocks_change_stays_ten_oclock(
    client: Any, world: Town, day: datetime.date, utc_hour: int
) -> None:
    _post(client, world, _data(world, day))
    event = Event.objects.get(title="Litter pick")
    assert event.starts_at.astimezone(datetime.UTC).hour == utc_hour
    local = timezone.localtime(event.starts_at)
    assert (local.date(), local.time()) == (day, datetime.time(10, 0))
    assert "10am" in client.get(event.get_absolute_url()).content.decode()


def test_a_time_skipped_when_the_clocks_go_forward_is_refused(client: Any, world: Town) -> None:
    response = _post(client, world, _data(world, SPRING, start_time="01:30", end_time="03:00"))
    summary = error_summary(response.content.decode())
    assert "01:30 does not exist on 28 March 2027" in summary
    assert not Event.objects.filter(title="Litter pick").exists()


def test_a_time_that_happens_twice_asks_which_one(client: Any, world: Town) -> None:
    data = _data(world, AUTUMN, start_time="01:30", end_time="03:00")
    response = _post(client, world, data)
    body = response.content.decode()
    assert "01:30 happens twice on 31 October 2027" in error_summary(body)
    assert "The first one, before the clocks go back" in body
    assert not Event.objects.filter(title="Litter pick").exists()


@pytest.mark.parametrize(("choice", "utc"), [("earlier", (0, 30)), ("later", (1, 30))])
def test_the_answer_about_the_repeated_hour_is_used(
    client: Any, world: Town, choice: str, utc: tuple[int, int]
) -> None:
    data = _data(world, AUTUMN, start_time="01:30", end_time="03:00", clock_change=choice)
    assert _post(client, world, data).status_code == 302
    event = Event.objects.get(title="Litter pick")
    start = event.starts_at.astimezone(datetime.UTC)
    assert (start.hour, start.minute) == utc
    assert event.ends_at.astimezone(datetime.UTC).hour == 3
