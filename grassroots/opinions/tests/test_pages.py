"""The opinion-map pages: the list, the voting page, adding statements, hosting and
moderating, with refusals and bad input (a clear message, nothing changed, never a 500)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from grassroots.notifications.models import Notification
from grassroots.opinions import services
from grassroots.opinions.models import (
    Audience,
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from grassroots.opinions.tests.factories import Place, start_map, statements

pytestmark = pytest.mark.django_db


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def _vote_url(opinion_map: OpinionMap) -> str:
    return reverse("opinions:vote", kwargs={"pk": opinion_map.pk})


def _shown_statement(client: Client, opinion_map: OpinionMap) -> Statement | None:
    page = client.get(opinion_map.get_absolute_url())
    assert page.status_code == 200
    shown = page.context["ballot"].statement
    return None if shown is None else Statement.objects.get(pk=shown.pk)


def test_list_shows_open_maps_first_with_counts(place: Place) -> None:
    closed = start_map(place, on_ward=True)
    services.map_close(actor=place.councillor, opinion_map=closed)
    open_map = start_map(place)
    services.vote_cast(
        actor=place.resident,
        opinion_map=open_map,
        statement_id=statements(open_map)[0].pk,
        choice=1,
    )
    page = _client().get(reverse("opinions:list"))
    assert page.status_code == 200
    maps = list(page.context["maps"])
    assert [m.pk for m in maps] == [open_map.pk, closed.pk]
    assert (maps[0].n_statements, maps[0].n_participants) == (3, 1)
    assert "Closed" in page.content.decode()


def test_signed_out_visitors_see_a_statement_and_a_sign_in_link(place: Place) -> None:
    opinion_map = start_map(place)
    page = _client().get(opinion_map.get_absolute_url())
    body = page.content.decode()
    assert page.context["ballot"].statement is not None
    assert "Sign in to answer" in body
    assert 'name="choice"' not in body
    response = _client().post(_vote_url(opinion_map), {"statement": 1, "choice": 1})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Vote.objects.exists()


def test_voting_through_every_statement(place: Place) -> None:
    opinion_map = start_map(place)
    client = _client(place.resident)
    seen: list[int] = []
    for _round in range(3):
        shown = _shown_statement(client, opinion_map)
        assert shown is not None
        assert shown.pk not in seen
        # A reload shows the same statement.
        again = _shown_statement(client, opinion_map)
        assert again is not None
        assert again.pk == shown.pk
        seen.append(shown.pk)
        response = client.post(_vote_url(opinion_map), {"statement": shown.pk, "choice": "-1"})
        assert response.status_code == 302
    page = client.get(opinion_map.get_absolute_url())
    body = page.content.decode()
    assert page.context["ballot"].statement is None
    assert "You have answered every statement" in body
    assert "You have answered 3 of 3 statements" in body
    assert Vote.objects.filter(participant__user=place.resident).count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"statement": "abc", "choice": "1"},
        {"statement": "1", "choice": "yes"},
        {"statement": "1", "choice": "5"},
        {"choice": "1"},
    ],
)
def test_bad_votes_get_a_message(place: Place, data: dict[str, str]) -> None:
    opinion_map = start_map(place)
    response = _client(place.resident).post(_vote_url(opinion_map), data, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    assert not Vote.objects.exists()


def test_a_vote_on_another_maps_statement_is_refused(place: Place) -> None:
    opinion_map = start_map(place)
    other = start_map(place, on_ward=True)
    response = _client(place.resident).post(
        _vote_url(opinion_map), {"statement": statements(other)[0].pk, "choice": "1"}, follow=True
    )
    assert "not in this opinion map" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_second_answer_is_refused(place: Place) -> None:
    opinion_map = start_map(place)
    client = _client(place.resident)
    first = statements(opinion_map)[0].pk
    client.post(_vote_url(opinion_map), {"statement": first, "choice": "1"})
    response = client.post(_vote_url(opinion_map), {"statement": first, "choice": "0"}, follow=True)
    assert "already answered" in response.content.decode()
    assert list(Vote.objects.values_list("choice", flat=True)) == [1]


def test_closed_map_takes_no_votes(place: Place) -> None:
    opinion_map = start_map(place)
    services.map_close(actor=place.organiser, opinion_map=opinion_map)
    response = _client(place.resident).post(
        _vote_url(opinion_map),
        {"statement": statements(opinion_map)[0].pk, "choice": "1"},
        follow=True,
    )
    assert "closed" in response.content.decode()
    assert not Vote.objects.exists()


def test_area_only_map_explains_why_not(place: Place) -> None:
    opinion_map = start_map(place, audience=Audience.AREA)
    client = _client(place.outsider)
    page = client.get(opinion_map.get_absolute_url())
    assert "Only residents of the area" in page.content.decode()
    response = client.post(
        _vote_url(opinion_map), {"statement": statements(opinion_map)[0].pk, "choice": "1"}
    )
    assert response.status_code == 302
    assert not Vote.objects.exists()
    add = reverse("opinions:add_statement", kwargs={"pk": opinion_map.pk})
    assert client.post(add, {"text": "Trams"}).status_code == 403
    assert len(statements(opinion_map)) == 3


def test_hidden_map_is_a_404_for_outsiders(place: Place) -> None:
    opinion_map = start_map(place)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(hidden_at=timezone.now())
    url = opinion_map.get_absolute_url()
    assert _client().get(url).status_code == 404
    assert _client(place.resident).get(url).status_code == 404
    assert _client(place.resident).post(_vote_url(opinion_map), {}).status_code == 404
    assert _client(place.organiser).get(url).status_code == 200
    assert _client(place.moderator).get(url).status_code == 200
    assert opinion_map.pk not in [
        m.pk for m in _client().get(reverse("opinions:list")).context["maps"]
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a statement"),
        ("x" * 141, "140 characters or fewer"),
        ("bad\x07bell", "Remove the control characters"),
        ("Fewer cars", "already has the statement"),
    ],
)
def test_adding_a_statement_bad_input(place: Place, text: str, message: str) -> None:
    opinion_map = start_map(place)
    add = reverse("opinions:add_statement", kwargs={"pk": opinion_map.pk})
    response = _client(place.resident).post(add, {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(statements(opinion_map)) == 3


def test_adding_and_moderating_a_statement(place: Place) -> None:
    opinion_map = start_map(place)
    add = reverse("opinions:add_statement", kwargs={"pk": opinion_map.pk})
    response = _client(place.resident).post(add, {"text": "Cycle lanes"}, follow=True)
    assert "will appear once it has been checked" in response.content.decode()
    pending = Statement.objects.get(text="Cycle lanes")
    assert pending.status == StatementStatus.PENDING
    assert pending.author is not None
    assert pending.author.user == place.resident
    moderate = reverse("opinions:moderate", kwargs={"pk": opinion_map.pk})
    assert _client(place.resident).get(moderate).status_code == 403
    host = _client(place.organiser)
    assert "Cycle lanes" in host.get(moderate).content.decode()
    response = host.post(moderate, {"statement": pending.pk, "decision": "reject"}, follow=True)
    assert "Enter the reason" in response.content.decode()
    assert Statement.objects.get(pk=pending.pk).status == StatementStatus.PENDING
    response = host.post(moderate, {"statement": "x", "decision": "publish"}, follow=True)
    assert response.status_code == 200
    other = start_map(place, on_ward=True)
    response = host.post(
        moderate, {"statement": statements(other)[0].pk, "decision": "publish"}, follow=True
    )
    assert "not in this opinion map" in response.content.decode()
    host.post(moderate, {"statement": pending.pk, "decision": "publish"})
    assert Statement.objects.get(pk=pending.pk).status == StatementStatus.PUBLISHED


def test_starting_a_map_from_a_ward(place: Place) -> None:
    url = reverse("opinions:start") + f"?ward={place.ward_a.pk}"
    assert _client(place.resident).get(url).status_code == 403
    client = _client(place.councillor)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "question": "What next for the park?",
            "audience": Audience.AREA,
            "allow_statements": "on",
            "seeds": "More benches\n\nA café\n",
        },
    )
    opinion_map = OpinionMap.objects.get()
    assert response.status_code == 302
    assert opinion_map.ward == place.ward_a
    assert opinion_map.audience == Audience.AREA
    assert [s.text for s in statements(opinion_map)] == ["More benches", "A café"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"question": "", "audience": "everyone"}, "Enter the question"),
        ({"question": "x" * 201, "audience": "everyone"}, "200 characters or fewer"),
        ({"question": "Q\x07", "audience": "everyone"}, "control characters"),
        ({"question": "Q", "audience": "nobody"}, "Choose who can take part"),
        ({"question": "Q", "audience": "everyone", "seeds": "a\na"}, "there twice"),
        ({"question": "Q", "audience": "everyone", "seeds": "y" * 141}, "140 characters"),
    ],
)
def test_starting_a_map_bad_input(place: Place, data: dict[str, str], message: str) -> None:
    url = reverse("opinions:start") + f"?group={place.group.pk}"
    response = _client(place.organiser).post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OpinionMap.objects.exists()


def test_start_needs_a_real_host(place: Place) -> None:
    client = _client(place.organiser)
    assert client.get(reverse("opinions:start")).status_code == 404
    assert client.get(reverse("opinions:start") + "?ward=99999").status_code == 404
    assert client.get(reverse("opinions:start") + "?group=abc").status_code == 404


def test_seeding_closing_and_reopening(place: Place) -> None:
    opinion_map = start_map(place)
    seed = reverse("opinions:seed", kwargs={"pk": opinion_map.pk})
    close = reverse("opinions:close", kwargs={"pk": opinion_map.pk})
    assert _client(place.resident).post(seed, {"seeds": "Trams"}).status_code == 403
    assert _client(place.resident).post(close, {"action": "close"}).status_code == 403
    host = _client(place.organiser)
    response = host.post(seed, {"seeds": ""})
    assert response.status_code == 400
    assert "Enter at least one statement" in response.content.decode()
    assert host.post(seed, {"seeds": "Trams\nBuses at night"}).status_code == 302
    assert len(statements(opinion_map)) == 5
    host.post(close, {"action": "close"})
    assert OpinionMap.objects.get(pk=opinion_map.pk).is_closed
    response = host.post(close, {"action": "close"}, follow=True)
    assert "already closed" in response.content.decode()
    host.post(close, {"action": "reopen"})
    assert not OpinionMap.objects.get(pk=opinion_map.pk).is_closed


def test_maps_on_the_ward_and_group_pages(place: Place) -> None:
    start_map(place)
    start_map(place, on_ward=True)
    group_page = _client(place.organiser).get(place.group.get_absolute_url())
    body = group_page.content.decode()
    assert "How should we travel around Riverside?" in body
    assert "Start an opinion map" in body
    ward_page = _client(place.resident).get(place.ward_a.get_absolute_url())
    body = ward_page.content.decode()
    assert "How should we travel around Riverside?" in body
    assert "Start an opinion map" not in body
    assert Participant.objects.count() == 0


@pytest.mark.usefixtures("held_clock")
def test_statements_are_rate_limited(place: Place) -> None:
    opinion_map = start_map(place)
    add = reverse("opinions:add_statement", kwargs={"pk": opinion_map.pk})
    client = _client(place.resident)
    with override_settings(GRASSROOTS_RATE_LIMITS={"statement": ["2/m"]}):
        assert client.post(add, {"text": "One"}).status_code == 302
        assert client.post(add, {"text": "Two"}).status_code == 302
        assert client.post(add, {"text": "Three"}).status_code == 429
    assert not Statement.objects.filter(text="Three").exists()


def test_the_author_hears_what_became_of_their_statement(place: Place) -> None:
    opinion_map = start_map(place)
    pending = services.statement_add(
        actor=place.resident, opinion_map=opinion_map, text="Cycle lanes"
    )
    services.statement_moderate(
        actor=place.organiser, statement=pending, publish=False, reason="It is there already"
    )
    told = Notification.objects.get(recipient=place.resident)
    assert "It is there already" in told.text
