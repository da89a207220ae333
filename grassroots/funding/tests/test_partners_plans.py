"""A fund's plan: only the chair or the treasurer revises it; every revision is kept whole and
numbered; lines keep their ref; allocations are checked (not negative, within the horizon, no
more than the fund); priorities are carried in from a priority exercise; any two revisions are
compared side by side."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import PlanAllocation, PlanLine, PlanRevision
from grassroots.funding.selectors_partners import compare, plan_table
from grassroots.funding.services import plans as services
from grassroots.funding.services.plans import LineInput
from grassroots.funding.tests.partners_world import CAST, World, build_world, matrix, only
from grassroots.funding.tests.test_partners_partnerships import expect
from grassroots.places.tests.factories import CouncilFactory
from grassroots.priorities.models import (
    Ballot,
    BallotChoice,
    Exercise,
    Method,
    Priority,
    Status,
)
from grassroots.testing.people import make_resident
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

world_snapshot, world = shared_world(build_world, name="world")

YEARS = range(1, 6)  # the world's fund runs for 5 years, £100,000 in all


def _client(world: World, name: str) -> Client:
    client = Client()
    if name != "anonymous":
        client.force_login(world.person(name))
    return client


def _snapshot(world: World) -> list[tuple[Any, ...]]:
    return list(
        PlanAllocation.objects.filter(line__revision__fund=world.area.fund)
        .order_by("line__revision__number", "line__position", "year")
        .values_list("line__revision__number", "line__ref", "line__title", "year", "amount_pence")
    )


def _grid(world: World, **changes: Any) -> dict[str, Any]:
    """The revise form as the browser posts it, starting from revision 1: two lines of £10,000
    a year each, and one empty row."""
    data: dict[str, Any] = {"based_on": "1", "rows": "3", "summary": "Moved money to youth work"}
    for i, (ref, title) in enumerate(
        [("green-spaces", "Green spaces"), ("young-people", "Things for young people")]
    ):
        data[f"r{i}_ref"] = ref
        data[f"r{i}_title"] = title
        for year in YEARS:
            data[f"r{i}_y{year}"] = "10000"
    data["r2_ref"] = ""
    data["r2_title"] = ""
    for year in YEARS:
        data[f"r2_y{year}"] = ""
    data.update(changes)
    return data


def _revise(world: World, actor: str = "chair", **changes: Any) -> Any:
    return _client(world, actor).post(
        reverse("funding:plan_revise", args=[world.area.fund.slug]),
        _grid(world, **changes),
    )


# --- Who may revise ----------------------------------------------------------------------------


def test_who_may_revise_the_plan(world: World) -> None:
    assert matrix(world, "funding.revise_plan", world.area.fund) == only("chair", "treasurer")
    assert matrix(world, "funding.revise_plan", world.other.fund) == only("other chair")


@pytest.mark.parametrize("name", CAST)
def test_revising_by_page(world: World, name: str) -> None:
    before = _snapshot(world)
    response = _revise(world, name, r0_y1="0", r1_y1="20000")
    allowed = name in ("chair", "treasurer")
    expect(response, name, allowed)
    if not allowed:
        assert _snapshot(world) == before
        assert (
            _client(world, name)
            .get(reverse("funding:plan_revise", args=[world.area.fund.slug]))
            .status_code
            != 200
        )
        return
    assert PlanRevision.objects.filter(fund=world.area.fund).count() == 2
    assert AuditEntry.objects.filter(action="funding.plan_revise").count() == 1


# --- Revisions are kept ------------------------------------------------------------------------


def test_a_revision_is_new_and_the_old_one_is_untouched(world: World) -> None:
    before = _snapshot(world)
    response = _revise(
        world,
        r0_y1="5000",
        r0_y2="7499.50",
        r1_y1="15000",
        r1_title="Youth work",
        r2_title="Warm spaces",
        r2_y2="2500.50",
    )
    assert response.status_code == 302
    assert [row for row in _snapshot(world) if row[0] == 1] == before  # revision 1 as it was
    second = PlanRevision.objects.get(fund=world.area.fund, number=2)
    assert second.summary == "Moved money to youth work"
    lines = list(second.lines.order_by("position"))
    assert [(line.ref, line.title) for line in lines] == [
        ("green-spaces", "Green spaces"),
        ("young-people", "Youth work"),
        ("warm-spaces", "Warm spaces"),
    ]
    table = plan_table(world.area.fund, second)
    assert [row.cells for row in table.rows] == [
        [500_000, 749_950, 1_000_000, 1_000_000, 1_000_000],
        [1_500_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000],
        [0, 250_050, 0, 0, 0],
    ]
    assert table.total == 10_000_000  # all of the fund
    assert table.year_totals[:2] == [2_000_000, 2_000_000]


def test_removing_a_line_and_saving_again(world: World) -> None:
    _revise(world, r0_remove="on")
    second = PlanRevision.objects.get(fund=world.area.fund, number=2)
    assert list(second.lines.values_list("ref", flat=True)) == ["young-people"]
    # Revision 3 from revision 2: the form now starts from it.
    page = _client(world, "treasurer").get(
        reverse("funding:plan_revise", args=[world.area.fund.slug])
    )
    body = page.content.decode()
    assert 'name="based_on" value="2"' in body
    assert "Green spaces" not in body
    revision = services.plan_revise(
        actor=world.person("treasurer"),
        fund=world.area.fund,
        lines=[LineInput(title="Things for young people", ref="young-people", allocations={})],
        summary="Nothing this year",
        based_on=2,
    )
    assert revision.number == 3
    assert PlanRevision.objects.filter(fund=world.area.fund).count() == 3


def test_a_new_line_never_takes_the_ref_of_an_old_one(world: World) -> None:
    _revise(world, r0_remove="on")
    services.plan_revise(
        actor=world.person("chair"),
        fund=world.area.fund,
        lines=[
            LineInput(title="Things for young people", ref="young-people"),
            LineInput(title="Green spaces"),
        ],
        summary="Green spaces again, as a new priority",
        based_on=2,
    )
    third = PlanRevision.objects.get(fund=world.area.fund, number=3)
    assert sorted(third.lines.values_list("ref", flat=True)) == ["green-spaces-2", "young-people"]


def test_somebody_else_saving_first_stops_the_second_save(world: World) -> None:
    _revise(world, "treasurer")
    before = _snapshot(world)
    response = _revise(world, "chair")  # still based on revision 1
    assert response.status_code == 200
    assert "Somebody else changed the plan" in response.content.decode()
    assert _snapshot(world) == before


def test_add_another_priority_grows_the_grid_without_saving(world: World) -> None:
    before = _snapshot(world)
    response = _revise(world, add_row="1", r0_y1="oops", summary="")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="rows" value="4"' in body
    assert 'name="r3_title"' in body
    assert 'value="oops"' in body  # what was typed is kept
    assert "There is a problem" not in body
    assert _snapshot(world) == before


def test_the_grid_works_from_an_empty_plan(world: World) -> None:
    PlanRevision.objects.filter(fund=world.area.fund).delete()
    page = _client(world, "chair").get(reverse("funding:plan_revise", args=[world.area.fund.slug]))
    assert 'name="rows" value="1"' in page.content.decode()
    response = _client(world, "chair").post(
        reverse("funding:plan_revise", args=[world.area.fund.slug]),
        {"based_on": "0", "rows": "1", "summary": "First plan", "r0_title": "Parks", "r0_y1": "1"},
    )
    assert response.status_code == 302
    assert PlanRevision.objects.get(fund=world.area.fund).number == 1


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Say what changed in the plan and why"),
        ({"summary": "x" * 2001}, "2,000 characters or fewer"),
        ({"r0_y1": "-5"}, "Enter Green spaces’s allocation for year 1 in pounds"),
        ({"r0_y1": "ten"}, "Enter Green spaces’s allocation for year 1 in pounds"),
        ({"r0_y1": "1.234"}, "Enter Green spaces’s allocation for year 1 in pounds"),
        ({"r0_title": ""}, "Enter a name for priority 1"),
        ({"r0_title": "x" * 151}, "150 characters or fewer"),
        ({"r2_y3": "50"}, "Enter a name for priority 3"),
        ({"r0_y1": "60001"}, "The plan adds up to £150,001 over all its years"),
        ({"r0_y1": "60001"}, "Take £50,001 off"),
        ({"r0_remove": "on", "r1_remove": "on"}, "Add at least one priority to the plan"),
        ({"r0_ref": "made-up"}, "not in the current plan any more"),
        ({"based_on": "7"}, "Somebody else changed the plan"),
    ],
)
def test_bad_plan_input_changes_nothing(
    world: World, changes: dict[str, Any], message: str
) -> None:
    before = _snapshot(world)
    response = _revise(world, **changes)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert _snapshot(world) == before


def test_the_service_checks_allocations_itself(world: World) -> None:
    chair, fund = world.person("chair"), world.area.fund
    cases = [
        ([LineInput(title="Parks", allocations={0: 100})], "Year 0 is outside"),
        ([LineInput(title="Parks", allocations={6: 100})], "Year 6 is outside the fund’s 5 years"),
        ([LineInput(title="Parks", allocations={1: -1})], "cannot be less than £0"),
        ([LineInput(title="Parks", allocations={1: 10_000_001})], "more than the fund’s"),
        ([LineInput(title="   ")], "Enter a name"),
        ([], "Add at least one priority"),
        (
            [LineInput(title="A", ref="green-spaces"), LineInput(title="B", ref="green-spaces")],
            "once",
        ),
    ]
    before = _snapshot(world)
    for lines, message in cases:
        with pytest.raises(ServiceError, match=message):
            services.plan_revise(actor=chair, fund=fund, lines=lines, summary="Try")
    assert _snapshot(world) == before


# --- Carrying priorities in ----------------------------------------------------------------------


def _exercise_with_results(world: World, council: Any = None) -> tuple[Exercise, list[Priority]]:
    now = timezone.now()
    day = datetime.timedelta(days=1)
    exercise = Exercise.objects.create(
        council=council or world.area.council,
        question="What would make Riverside better?",
        group=world.area.partnership.group,
        suggest_opens=now - 3 * day,
        suggest_closes=now - 2 * day,
        vote_closes=now - day,
        method=Method.APPROVAL,
    )
    exercise.wards.set(world.area.wards)
    author = make_resident()
    priorities = [
        Priority.objects.create(exercise=exercise, title=title, author=author, status=status)
        for title, status in [
            ("A youth club", Status.PUBLISHED),
            ("Safer crossings", Status.PUBLISHED),
            ("Benches", Status.PUBLISHED),
            ("Not published", Status.PENDING),
        ]
    ]
    for n in range(3):  # Safer crossings 3 votes, A youth club 1, Benches 0
        ballot = Ballot.objects.create(exercise=exercise, voter=make_resident())
        BallotChoice.objects.create(ballot=ballot, priority=priorities[1])
        if n == 0:
            BallotChoice.objects.create(ballot=ballot, priority=priorities[0])
    return exercise, priorities


def test_carrying_ranked_priorities_into_the_plan(world: World) -> None:
    exercise, priorities = _exercise_with_results(world)
    url = reverse("funding:plan_carry_in", args=[world.area.fund.slug])
    client = _client(world, "chair")
    assert exercise.question in client.get(url).content.decode()
    page = client.get(f"{url}?exercise={exercise.pk}").content.decode()
    assert page.index("1. Safer crossings (3 votes)") < page.index("2. A youth club (1 votes)")
    assert "Not published" not in page
    response = client.post(
        f"{url}?exercise={exercise.pk}",
        {"priorities": [str(priorities[1].pk), str(priorities[0].pk)], "summary": ""},
    )
    assert response.status_code == 302
    revision = PlanRevision.objects.get(fund=world.area.fund, number=2)
    lines = list(revision.lines.order_by("position"))
    assert [(line.title, line.priority_id) for line in lines] == [
        ("Green spaces", None),
        ("Things for young people", None),
        ("Safer crossings", priorities[1].pk),
        ("A youth club", priorities[0].pk),
    ]
    assert "Added 2 priorities" in revision.summary
    # The old lines kept their allocations, the new ones have none yet.
    assert plan_table(world.area.fund, revision).total == 10_000_000
    # Offered again, they are not listed.
    again = client.get(f"{url}?exercise={exercise.pk}").content.decode()
    assert "Safer crossings" not in again
    assert "Benches" in again


def test_carrying_in_refuses_what_does_not_fit(world: World) -> None:
    exercise, priorities = _exercise_with_results(world)
    chair, fund = world.person("chair"), world.area.fund
    with pytest.raises(ServiceError, match="Choose priorities from the exercise’s results"):
        services.plan_carry_in(actor=chair, fund=fund, exercise=exercise, priorities=priorities)
    with pytest.raises(ServiceError, match="Choose at least one"):
        services.plan_carry_in(actor=chair, fund=fund, exercise=exercise, priorities=[])
    elsewhere, theirs = _exercise_with_results(world, council=CouncilFactory())
    with pytest.raises(ServiceError, match="fund’s council"):
        services.plan_carry_in(actor=chair, fund=fund, exercise=elsewhere, priorities=theirs[:1])
    Exercise.objects.filter(pk=exercise.pk).update(
        vote_closes=timezone.now() + datetime.timedelta(days=1)
    )
    exercise.refresh_from_db()
    with pytest.raises(ServiceError, match="results are not out"):
        services.plan_carry_in(actor=chair, fund=fund, exercise=exercise, priorities=priorities[:1])
    assert PlanRevision.objects.filter(fund=fund).count() == 1
    # Through the page: nothing chosen, or a made-up choice.
    Exercise.objects.filter(pk=exercise.pk).update(vote_closes=timezone.now())
    url = reverse("funding:plan_carry_in", args=[fund.slug]) + f"?exercise={exercise.pk}"
    for data in ({}, {"priorities": ["999999"]}):
        body = _client(world, "chair").post(url, data).content.decode()
        assert "There is a problem" in body
    assert PlanRevision.objects.filter(fund=fund).count() == 1


@pytest.mark.parametrize("name", CAST)
def test_who_may_carry_priorities_in(world: World, name: str) -> None:
    exercise, priorities = _exercise_with_results(world)
    url = reverse("funding:plan_carry_in", args=[world.area.fund.slug])
    response = _client(world, name).post(
        f"{url}?exercise={exercise.pk}", {"priorities": [str(priorities[2].pk)]}
    )
    allowed = name in ("chair", "treasurer")
    expect(response, name, allowed)
    assert PlanRevision.objects.filter(fund=world.area.fund).count() == (2 if allowed else 1)


# --- History and comparison ----------------------------------------------------------------------


def test_history_lists_every_revision(world: World) -> None:
    _revise(world)
    _revise(world, "treasurer", based_on="2", summary="Second thoughts", r0_remove="on")
    body = Client().get(reverse("funding:plan_history", args=[world.area.fund.slug])).content
    text = body.decode()
    assert text.index("Revision 3") < text.index("Revision 2") < text.index("Revision 1")
    assert "Second thoughts" in text
    page = Client().get(reverse("funding:plan_revision", args=[world.area.fund.slug, 1]))
    assert "Green spaces" in page.content.decode()
    missing = Client().get(reverse("funding:plan_revision", args=[world.area.fund.slug, 9]))
    assert missing.status_code == 404


def test_comparing_two_revisions_line_by_line_and_year_by_year(world: World) -> None:
    _revise(
        world,
        r0_remove="on",
        r1_y1="15000",
        r1_y5="0",
        r2_title="Warm spaces",
        r2_y2="2000",
    )
    fund = world.area.fund
    first, second = (PlanRevision.objects.get(fund=fund, number=n) for n in (1, 2))
    result = compare(fund, first, second)
    by_ref = {row.ref: row for row in result.rows}
    assert by_ref["green-spaces"].status == "removed"
    assert by_ref["warm-spaces"].status == "added"
    assert by_ref["young-people"].status == "changed"
    assert [c.change for c in by_ref["young-people"].cells] == [500_000, 0, 0, 0, -1_000_000]
    assert by_ref["warm-spaces"].total.after == 200_000
    assert result.total.before == 10_000_000
    assert result.total.after == 1_500_000 + 3 * 1_000_000 + 200_000
    assert result.counts == {"added": 1, "removed": 1, "changed": 1}
    body = (
        Client()
        .get(reverse("funding:plan_compare", args=[fund.slug]) + "?a=2&b=1")
        .content.decode()
    )
    assert 'data-ref="green-spaces" data-status="removed"' in body
    assert 'data-ref="warm-spaces" data-status="added"' in body
    assert "+£5,000" in body
    assert "\u2212£10,000" in body
    assert "1 priority added" in body
    assert "1 priority removed" in body
    assert 'scope="rowgroup"' in body


def test_comparing_with_bad_choices(world: World) -> None:
    url = reverse("funding:plan_compare", args=[world.area.fund.slug])
    body = Client().get(url).content.decode()
    assert "needs at least two revisions" in body
    _revise(world)
    for query in ("?a=1&b=99", "?a=x&b=1", "?a=99999999999999&b=1"):
        response = Client().get(url + query)
        assert response.status_code == 200
        assert "Choose two revisions of the plan to compare" in response.content.decode()
    assert "data-compare" in Client().get(url).content.decode()  # the last two by default


def _grow(world: World, lines: int, years_used: int) -> None:
    """Revision 2 and 3 with `lines` lines each, allocated over `years_used` years."""
    for number in (2, 3):
        revision = PlanRevision.objects.create(fund=world.area.fund, number=number, summary="")
        made = PlanLine.objects.bulk_create(
            PlanLine(revision=revision, ref=f"line-{n}", position=n, title=f"Line {n}")
            for n in range(lines)
        )
        PlanAllocation.objects.bulk_create(
            PlanAllocation(line=line, year=year, amount_pence=100 * number)
            for line in made
            for year in range(1, years_used + 1)
        )


@pytest.mark.parametrize(("lines", "years_used"), [(1, 1), (20, 5)])
def test_the_plan_pages_cost_the_same_whatever_their_size(
    world: World, lines: int, years_used: int, django_assert_max_num_queries: Any
) -> None:
    _grow(world, lines, years_used)
    fund = world.area.fund
    client = _client(world, "chair")
    # Each budget + 2: the restricted initiatives and conversations the viewer sees (a query
    # each, none while the page cache keeps them).
    for url, budget in [
        (reverse("funding:plan_compare", args=[fund.slug]) + "?a=2&b=3", 12),
        (reverse("funding:plan_history", args=[fund.slug]), 12),
        (reverse("funding:plan_revision", args=[fund.slug, 3]), 12),
        (reverse("funding:plan_revise", args=[fund.slug]), 13),
        (fund.get_absolute_url(), 14),
    ]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
