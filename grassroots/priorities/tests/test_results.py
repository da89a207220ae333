"""Results: ranking, online and paper counts, by ward and by age with small groups never
shown (nor worked out by subtraction), the CSV, bounded queries, and starting an initiative."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.initiatives.models import Initiative, Theme
from grassroots.places.models import Ward
from grassroots.priorities import selectors, services
from grassroots.priorities.models import Exercise, Method, Phase, Priority
from grassroots.priorities.tests.factories import Place, open_exercise, published, set_phase
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db


def _vote(exercise: Exercise, ward: Ward, age: str, choices: dict[int, int], n: int) -> None:
    for _i in range(n):
        voter = make_resident(ward=ward)
        services.ballot_cast(actor=voter, exercise=exercise, choices=choices, age_band=age)


def _exercise(place: Place) -> tuple[Exercise, list[Priority]]:
    exercise = open_exercise(place, method=Method.DOTS, dots=5)
    ps = published(exercise, place.resident, "Trees", "Benches", "Crossing")
    set_phase(exercise, Phase.VOTE)
    return exercise, ps


def test_suppress_hides_small_groups_and_their_complement() -> None:
    assert selectors.suppress({"a": 12, "b": 15, "c": 30}) == set()
    # One small group alone could be found as total minus the rest: the next smallest goes too.
    assert selectors.suppress({"a": 3, "b": 15, "c": 30}) == {"a", "b"}
    # Two small groups adding up to 10 or more may stand together.
    assert selectors.suppress({"a": 4, "b": 7, "c": 30}) == {"a", "b"}
    assert selectors.suppress({"a": 0, "b": 1, "c": 30, "d": 40}) == {"a", "b", "c"}
    assert selectors.suppress({"a": 5}) == {"a"}


def test_results_rank_and_split_online_and_paper(place: Place, client: Client) -> None:
    exercise, (trees, benches, crossing) = _exercise(place)
    _vote(exercise, place.ward_a, "18-34", {trees.pk: 3, benches.pk: 2}, 2)
    services.ballot_cast(actor=place.resident_b, exercise=exercise, choices={crossing.pk: 5})
    services.paper_ballot_enter(
        actor=place.organiser, exercise=exercise, choices={crossing.pk: 4, benches.pk: 1}
    )
    found = selectors.results(exercise)
    assert [(r.priority.title, r.total, r.online, r.paper) for r in found.rows] == [
        ("Crossing", 9, 5, 4),
        ("Trees", 6, 6, 0),
        ("Benches", 5, 4, 1),
    ]
    assert (found.voters, found.online_voters, found.paper_voters) == (4, 3, 1)
    # Voters see the results once voting closes; organisers at any time.
    client.force_login(place.resident)
    assert client.get(f"/priorities/{exercise.pk}/results/").status_code == 403
    client.force_login(place.organiser)
    assert "Results so far" in client.get(f"/priorities/{exercise.pk}/results/").content.decode()
    set_phase(exercise, Phase.RESULTS)
    client.logout()
    body = client.get(f"/priorities/{exercise.pk}/results/").content.decode()
    assert "<caption" in body
    assert 'scope="col"' in body
    assert 'scope="row"' in body
    assert "4 people voted" in body
    assert "3 online and 1 on paper" in body


def test_breakdowns_show_only_groups_of_ten_or_more(place: Place, client: Client) -> None:
    exercise, (trees, benches, crossing) = _exercise(place)
    _vote(exercise, place.ward_a, "18-34", {trees.pk: 5}, 12)
    _vote(exercise, place.ward_b, "35-54", {benches.pk: 5}, 11)
    _vote(exercise, place.ward_b, "75+", {crossing.pk: 5}, 3)
    found = selectors.results(exercise)
    ages = {c.key: c for c in found.by_age}
    # 75+ has 3 voters: hidden, and so is the next smallest (35-54, 11), so that 3 cannot be
    # found as 26 - 12 - 11.
    assert not ages["75+"].shown
    assert not ages["35-54"].shown
    assert ages["18-34"].shown
    assert ages["18-34"].voters == 12
    assert ages["18-34"].top == [("Trees", 60)]
    wards = {c.label: c for c in found.by_ward}
    assert wards[place.ward_a.name].shown
    assert wards[place.ward_b.name].shown
    assert wards[place.ward_b.name].voters == 14
    set_phase(exercise, Phase.RESULTS)
    body = client.get(f"/priorities/{exercise.pk}/results/").content.decode()
    assert body.count("data-suppressed") >= 2
    age_table = body.split('data-breakdown="age"')[1].split("</table>")[0]
    assert ">3<" not in age_table
    assert ">11<" not in age_table
    assert ">12<" in age_table


def test_csv_has_the_same_numbers_and_the_same_suppression(place: Place, client: Client) -> None:
    exercise, (trees, _benches, crossing) = _exercise(place)
    _vote(exercise, place.ward_a, "18-34", {trees.pk: 5}, 10)
    _vote(exercise, place.ward_a, "75+", {crossing.pk: 5}, 2)
    services.paper_ballot_enter(actor=place.organiser, exercise=exercise, choices={trees.pk: 1})
    set_phase(exercise, Phase.RESULTS)
    response = client.get(f"/priorities/{exercise.pk}/results.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["section", "group", "voters"]
    assert ["ranking", "", "11", "1", "Trees", "51", "50", "1"] in rows
    age_rows = {r[1]: r[2] for r in rows if r[0] == "age" and r[3] == ""}
    assert age_rows["75 or over"] == "fewer than 10"
    assert age_rows["18 to 34"] == "fewer than 10"  # its complement: 13 - 10 would give 75+


def test_a_title_cannot_become_a_spreadsheet_formula(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    (_p,) = published(exercise, place.resident, "=HYPERLINK(1)")
    set_phase(exercise, Phase.RESULTS)
    body = client.get(f"/priorities/{exercise.pk}/results.csv").content.decode()
    assert "'=HYPERLINK(1)" in body


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow_with_the_data(place: Place, client: Client) -> None:
    exercise, (trees, benches, crossing) = _exercise(place)
    _vote(exercise, place.ward_a, "18-34", {trees.pk: 5}, 2)
    client.force_login(place.organiser)
    urls = [
        exercise.get_absolute_url(),
        f"/priorities/{exercise.pk}/results/",
        f"/priorities/{exercise.pk}/ballot/",
        f"/priorities/{exercise.pk}/moderate/",
    ]
    small = [_count(client, url) for url in urls]
    set_phase(exercise, Phase.SUGGEST)
    published(exercise, place.resident, *[f"Idea number {n}" for n in range(15)])
    set_phase(exercise, Phase.VOTE)
    _vote(exercise, place.ward_b, "35-54", {benches.pk: 2, crossing.pk: 3}, 20)
    for _n in range(5):
        services.paper_ballot_enter(
            actor=place.organiser, exercise=exercise, choices={crossing.pk: 1}
        )
    large = [_count(client, url) for url in urls]
    assert large == small
    assert max(large) <= 25


def test_starting_an_initiative_from_a_priority(place: Place, client: Client) -> None:
    exercise, (trees, _b, _c) = _exercise(place)
    set_phase(exercise, Phase.RESULTS)
    url = f"/priorities/{exercise.pk}/suggestions/{trees.pk}/initiative/"
    client.force_login(place.resident)
    body = client.get(url).content.decode()
    assert 'value="Trees"' in body  # the initiative form, filled in
    assert f'value="{place.ward_b.pk}" checked' in body or f'value="{place.ward_b.pk}"' in body
    response = client.post(url, {"title": ""})
    assert response.status_code == 200
    assert "Enter a title" in response.content.decode()
    assert not Initiative.objects.exists()
    response = client.post(
        url,
        {
            "title": "Plant more trees",
            "problem": "Bare streets",
            "change_wanted": "Trees",
            "who_for": "Everyone",
            "theme": Theme.values[0],
            "wards": [place.ward_a.pk],
            "visibility": "public",
        },
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert Priority.objects.get(pk=trees.pk).initiative == initiative
    body = client.get(f"/priorities/{exercise.pk}/results/").content.decode()
    assert "Started as the initiative" in body
    assert "Plant more trees" in body
    # Once only.
    assert client.get(url).status_code == 302
    assert Initiative.objects.count() == 1


def test_no_initiative_before_the_results(place: Place, client: Client) -> None:
    exercise, (trees, _b, _c) = _exercise(place)
    client.force_login(place.resident)
    url = f"/priorities/{exercise.pk}/suggestions/{trees.pk}/initiative/"
    assert client.get(url).status_code == 403
