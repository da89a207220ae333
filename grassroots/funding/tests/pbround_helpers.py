"""Test data for participatory-budgeting rounds: a round in any phase on a `make_area` fund,
residents of the area and of elsewhere, and proposals already checked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.funding.models import (
    PBBallot,
    Proposal,
    ProposalStatus,
    Round,
    RoundPhase,
    RoundRule,
)
from grassroots.funding.tests.factories import Area, make_area
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.people import make_resident, make_site_admin

DAY = datetime.timedelta(days=1)


@dataclass
class PBPlace:
    area: Area
    round: Round
    resident: User
    resident_b: User
    outsider: User  # lives in another ward

    @property
    def chair(self) -> User:
        return self.area.chair

    @property
    def treasurer(self) -> User:
        return self.area.treasurer

    @property
    def member(self) -> User:
        return self.area.members[3].user


# The kinds of people the permission matrices try (see `person`).
WHO = ["chair", "treasurer", "member", "resident", "outsider", "admin", "admin_no_totp", "left"]


def person(place: PBPlace, who: str) -> User:
    """One of `WHO` for `place`; "left" is a partnership member whose seat has ended (they
    still live in the area)."""
    if who == "admin":
        return make_site_admin()
    if who == "admin_no_totp":
        return make_site_admin(totp=False)
    if who == "left":
        seat = place.area.members[-1]
        seat.left_on = timezone.localdate()
        seat.save()
        return seat.user
    people = {
        "chair": place.chair,
        "treasurer": place.treasurer,
        "member": place.member,
        "resident": place.resident,
        "outsider": place.outsider,
    }
    return people[who]


def dates_for(phase: RoundPhase) -> dict[str, datetime.datetime]:
    """Dates that put a round in `phase` now (COUNTED is CLOSED plus `counted_at`)."""
    now = timezone.now()
    offset = {
        RoundPhase.NOT_OPEN: 1,
        RoundPhase.PROPOSALS: 0,
        RoundPhase.CHECKING: -1,
        RoundPhase.VOTING: -2,
        RoundPhase.CLOSED: -3,
        RoundPhase.COUNTED: -3,
    }[phase]
    # Each step lasts a day; the current one began an hour ago.
    base = now + offset * DAY - datetime.timedelta(hours=1)
    if phase == RoundPhase.NOT_OPEN:
        base = now + DAY
    return {
        "proposals_open": base,
        "proposals_close": base + DAY,
        "voting_opens": base + 2 * DAY,
        "voting_closes": base + 3 * DAY,
    }


def set_phase(round_: Round, phase: RoundPhase) -> Round:
    for name, value in dates_for(phase).items():
        setattr(round_, name, value)
    round_.save()
    assert round_.phase == phase, (round_.phase, phase)
    return round_


def make_round(
    area: Area,
    phase: RoundPhase = RoundPhase.PROPOSALS,
    *,
    budget_pence: int = 1_000_000,
    rule: str = RoundRule.GREEDY,
    **fields: object,
) -> Round:
    return Round.objects.create(
        fund=area.fund,
        title="Riverside decides",
        budget_pence=budget_pence,
        rule=rule,
        created_by=area.chair,
        **dates_for(phase),
        **fields,
    )


def build_pb_place(phase: RoundPhase = RoundPhase.PROPOSALS, **round_fields: object) -> PBPlace:
    area = make_area()
    ward = area.wards[0]
    return PBPlace(
        area=area,
        round=make_round(area, phase, **round_fields),  # type: ignore[arg-type]
        resident=make_resident(ward=ward, name="Ada"),
        resident_b=make_resident(ward=ward, name="Bea"),
        outsider=make_resident(ward=WardFactory(council=area.council), name="Olu"),
    )


def add_proposals(
    round_: Round,
    proposer: User,
    *costs: int,
    status: ProposalStatus = ProposalStatus.ELIGIBLE,
) -> list[Proposal]:
    return [
        Proposal.objects.create(
            round=round_,
            title=f"Project {n + 1}",
            description="Something good for the area.",
            cost_pence=cost,
            proposer=proposer,
            status=status,
        )
        for n, cost in enumerate(costs)
    ]


def add_ballots(round_: Round, *ballots: list[Proposal]) -> list[PBBallot]:
    """One ballot a new resident of the fund's first ward, approving the given proposals."""
    ward = round_.fund.wards.first()
    made = []
    for chosen in ballots:
        ballot = PBBallot.objects.create(round=round_, voter=make_resident(ward=ward), ward=ward)
        ballot.proposals.set(chosen)
        made.append(ballot)
    return made
