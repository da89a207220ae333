"""The demo borough has a neighbourhood fund with grants at every stage and counted and open
rounds, made through the services, and a second run gives the same content."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.demo.borough import Borough
from grassroots.demo.seed import seed_demo
from grassroots.funding import ledger
from grassroots.funding.constitution import standing
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    Fund,
    GrantStatus,
    MemberRole,
    Membership,
    Partnership,
    PBBallot,
    RoundPhase,
    TransactionKind,
)


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (
            a.title,
            a.status,
            a.motions.count(),
            a.declarations.count(),
            tuple(
                sorted(
                    (t.kind, sum(e.amount_pence for e in t.entries.all() if e.amount_pence > 0))
                    for t in a.grant.transactions.all()
                )
            )
            if hasattr(a, "grant")
            else (),
        )
        for a in Application.objects.all()
    ) + sorted(
        (r.title, r.phase, r.ballots.count()) for f in Fund.objects.all() for r in f.pb_rounds.all()
    )


pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


def test_the_demo_fund_has_grants_at_every_stage_and_is_the_same_on_a_second_run(
    seeded: Borough,
) -> None:
    borough = seeded
    fund = Fund.objects.get(council=borough.council)
    assert fund.total_pence == 100_000_000
    assert fund.funder_org_id == "GB-CHC-1147511"
    current = list(Membership.objects.filter(partnership=fund.partnership, left_on__isnull=True))
    assert 8 <= len(current) <= 10
    assert standing(current).may_decide
    seats = {m.user_id: m for m in current}
    assert seats[borough.accounts["resident"].pk].role == MemberRole.TREASURER
    assert not seats[borough.accounts["councillor"].pk].is_resident
    other = Partnership.objects.exclude(pk=fund.partnership_id).get()
    assert not standing(list(other.memberships.all())).may_decide
    assert fund.plan_revisions.count() == 3
    latest = fund.plan_revisions.first()
    assert latest is not None
    assert latest.lines.filter(priority__isnull=False).exists()

    statuses = [a.status for a in Application.objects.filter(fund=fund)]
    assert {ApplicationStatus.SUBMITTED, ApplicationStatus.DECLINED} <= set(statuses)
    waiting = Application.objects.get(fund=fund, status=ApplicationStatus.SUBMITTED)
    assert waiting.motions.get().votes.count() == 3
    assert waiting.declarations.exists()
    grants = list(fund.grants.filter(application__isnull=False))
    kinds = {g.pk: set(g.transactions.values_list("kind", flat=True)) for g in grants}
    closed = [g for g in grants if g.status == GrantStatus.CLOSED]
    assert len(closed) == 1
    assert TransactionKind.RETURN in kinds[closed[0].pk]
    assert any(TransactionKind.REVERSAL in k for k in kinds.values())
    unpaid = [g for g in grants if ledger.grant_balances(g).paid_pence == 0]
    assert unpaid

    rounds = {r.phase: r for r in fund.pb_rounds.all()}
    assert set(rounds) == {RoundPhase.COUNTED, RoundPhase.VOTING}
    counted = rounds[RoundPhase.COUNTED]
    assert PBBallot.objects.filter(round=counted).count() == 40
    assert counted.proposals.filter(eligibility_note__gt="").exists()
    assert fund.grants.filter(proposal__round=counted).exists()
    # Each round serves a priority of the plan; the count's grants carry it.
    assert all(r.plan_line is not None and r.plan_line.revision == latest for r in rounds.values())
    assert counted.plan_line is not None
    pb_lines = fund.grants.filter(proposal__round=counted).values_list("plan_line", flat=True)
    assert set(pb_lines) == {counted.plan_line.pk}
    assert not PBBallot.objects.filter(
        round=rounds[RoundPhase.VOTING], voter=borough.accounts["resident"]
    ).exists()

    client = Client()
    for url in (fund.get_absolute_url(), counted.get_absolute_url()):
        assert client.get(url).status_code == 200

    first = _content()
    seed_demo()
    assert _content() == first
