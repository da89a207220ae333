"""A round serves a priority of the fund's plan: chosen when the round is set up (from the
current plan's lines, like an application), shown on the round's page, carried by the grants
the count makes, and so counted under that priority in the spending report."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import Grant, PlanLine, PlanRevision, Round, RoundPhase, RoundRule
from grassroots.funding.reports import fund_report
from grassroots.funding.services import pbround as services
from grassroots.funding.services.plans import LineInput, plan_revise
from grassroots.funding.tests.factories import Area, make_area
from grassroots.funding.tests.pbround_helpers import (
    PBPlace,
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def place() -> PBPlace:
    return build_pb_place(RoundPhase.PROPOSALS)


def _open(area: Area, plan_line: PlanLine | None, title: str = "Second round") -> Round:
    now = timezone.now()
    return services.round_create(
        actor=area.chair,
        fund=area.fund,
        title=title,
        budget_pence=100_000,
        proposals_open=now,
        proposals_close=now + DAY,
        voting_opens=now + 2 * DAY,
        voting_closes=now + 3 * DAY,
        rule=RoundRule.GREEDY,
        plan_line=plan_line,
    )


def _revise(area: Area) -> PlanRevision:
    """Revision 2 of the plan, keeping both priorities (so both refs carry on)."""
    return plan_revise(
        actor=area.chair,
        fund=area.fund,
        lines=[
            LineInput(title="Green spaces", ref="green-spaces", allocations={1: 10_000_00}),
            LineInput(title="Young people", ref="young-people", allocations={1: 10_000_00}),
        ],
        summary="Renamed the second priority.",
    )


def _unchanged(place: PBPlace) -> None:
    assert Round.objects.count() == 1
    assert not AuditEntry.objects.filter(action="funding.round_create").exists()


def test_the_round_keeps_the_priority_it_serves(place: PBPlace) -> None:
    line = place.area.plan.lines.get(ref="young-people")
    made = _open(place.area, line)
    made.refresh_from_db()
    assert made.plan_line == line


def test_a_fund_with_a_plan_needs_a_priority(place: PBPlace) -> None:
    with pytest.raises(ServiceError, match="priorities of the fund's current plan"):
        _open(place.area, None)
    _unchanged(place)


def test_a_line_of_another_fund_is_refused(place: PBPlace) -> None:
    other = make_area()
    with pytest.raises(ServiceError, match="priorities of the fund's current plan"):
        _open(place.area, other.line)
    _unchanged(place)


def test_a_line_of_an_old_revision_is_refused(place: PBPlace) -> None:
    old = place.area.line
    new = _revise(place.area)
    with pytest.raises(ServiceError, match="priorities of the fund's current plan"):
        _open(place.area, old)
    _unchanged(place)
    made = _open(place.area, new.lines.get(ref=old.ref))
    assert made.plan_line is not None
    assert made.plan_line.revision == new


def test_a_fund_without_a_plan_needs_no_priority(place: PBPlace) -> None:
    PlanRevision.objects.filter(fund=place.area.fund).delete()
    other = make_area()
    with pytest.raises(ServiceError, match="no plan yet"):
        _open(place.area, other.line)
    _unchanged(place)
    assert _open(place.area, None).plan_line is None


# --- The form -----------------------------------------------------------------------------------


def _form(**changes: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {"title": "Riverside decides 2027", "description": "", "budget": "50,000"}
    dates = ["proposals_open", "proposals_close", "voting_opens", "voting_closes"]
    for n, name in enumerate(dates):
        day = today + (n + 1) * 10 * DAY
        data |= {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
    data |= {"rule": "greedy", "greedy_variant": "skip", "utility": "cost", "completion": "none"}
    data |= {"min_votes": "", "ballot_limit": ""}
    data.update(changes)
    return data


def _post(client: Client, place: PBPlace, data: dict[str, str]) -> str:
    client.force_login(place.chair)
    response = client.post(f"/funds/{place.area.fund.slug}/rounds/new/", data)
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert "There is a problem" in body
    return body


def test_the_form_offers_the_current_plans_priorities(place: PBPlace, client: Client) -> None:
    old = place.area.line
    new = _revise(place.area)
    client.force_login(place.chair)
    page = client.get(f"/funds/{place.area.fund.slug}/rounds/new/").content.decode()
    assert "Which priority of the plan the round serves" in page
    for line in new.lines.all():
        assert f'value="{line.pk}"' in page
    assert f'value="{old.pk}"' not in page
    young = new.lines.get(ref="young-people")
    assert _post(client, place, _form(plan_line=str(young.pk))) == ""
    made = Round.objects.get(title="Riverside decides 2027")
    assert made.plan_line == young
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Priority it serves" in page
    assert "Young people" in page


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("", "Choose the priority the round serves"),
        ("99999", "Choose one of the plan's priorities"),
        ("green", "Choose one of the plan's priorities"),
        ("other-fund", "Choose one of the plan's priorities"),
        ("old-revision", "Choose one of the plan's priorities"),
    ],
)
def test_bad_priority_in_the_form(
    place: PBPlace, client: Client, choice: str, message: str
) -> None:
    if choice == "other-fund":
        choice = str(make_area().line.pk)
    elif choice == "old-revision":
        choice = str(place.area.line.pk)
        _revise(place.area)
    body = _post(client, place, _form(plan_line=choice))
    assert message in body
    _unchanged(place)


def test_the_form_of_a_fund_without_a_plan_does_not_ask(place: PBPlace, client: Client) -> None:
    PlanRevision.objects.filter(fund=place.area.fund).delete()
    client.force_login(place.chair)
    page = client.get(f"/funds/{place.area.fund.slug}/rounds/new/").content.decode()
    assert "Which priority of the plan" not in page
    assert _post(client, place, _form(plan_line=str(make_area().line.pk))) == ""
    made = Round.objects.get(title="Riverside decides 2027")
    assert made.plan_line is None
    assert "Priority it serves" not in client.get(made.get_absolute_url()).content.decode()


# --- The count and the report -------------------------------------------------------------------


def _count(area: Area, line: PlanLine) -> tuple[Round, list[Grant]]:
    round_ = _open(area, line, title="Spring vote")
    a, b, c = add_proposals(round_, area.chair, 40_000, 30_000, 50_000)
    set_phase(round_, RoundPhase.VOTING)
    add_ballots(round_, [a, b], [a], [b, c])
    set_phase(round_, RoundPhase.CLOSED)
    services.round_count(actor=area.chair, round_=round_)
    return round_, list(Grant.objects.filter(proposal__round=round_))


def test_the_grants_of_a_count_carry_the_rounds_priority(place: PBPlace) -> None:
    line = place.area.plan.lines.get(ref="young-people")
    _round, grants = _count(place.area, line)
    assert len(grants) == 2  # a and b: 70,000 of the 100,000; c does not fit
    assert {g.plan_line_id for g in grants} == {line.pk}


def test_the_report_counts_pb_grants_under_the_rounds_priority(place: PBPlace) -> None:
    line = place.area.plan.lines.get(ref="young-people")
    before = {row.ref: row.total.committed_pence for row in fund_report(place.area.fund).rows}
    assert before.get("young-people", 0) == 0
    _count(place.area, line)
    rows = {row.ref: row for row in fund_report(place.area.fund).rows}
    assert rows["young-people"].total.committed_pence == 70_000
    assert rows["green-spaces"].total.committed_pence == 0
    assert "" not in rows  # nothing "not linked to a priority"


def test_a_plan_revised_after_the_round_still_counts_by_priority(place: PBPlace) -> None:
    line = place.area.plan.lines.get(ref="young-people")
    round_ = _open(place.area, line, title="Spring vote")
    (a,) = add_proposals(round_, place.chair, 25_000)
    set_phase(round_, RoundPhase.VOTING)
    add_ballots(round_, [a])
    current = _revise(place.area)
    set_phase(round_, RoundPhase.CLOSED)
    services.round_count(actor=place.chair, round_=round_)
    grant = Grant.objects.get(proposal=a)
    assert grant.plan_line == line  # the line of the revision the round was set up under
    report = fund_report(place.area.fund)
    assert report.plan == current
    young = next(row for row in report.rows if row.ref == "young-people")
    assert young.in_plan
    assert young.title == "Young people"
    assert young.total.committed_pence == 25_000
