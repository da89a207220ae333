"""Test data for funding: a partnership that meets the rules, a fund with its money opened in
the ledger and a first plan, and grants with money committed. Money moves only through
`ledger`, as on the site."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from grassroots.accounts.models import User
from grassroots.funding import ledger
from grassroots.funding.models import (
    MIN_MEMBERS,
    Application,
    Fund,
    Grant,
    MemberRole,
    Membership,
    Partnership,
    PlanAllocation,
    PlanLine,
    PlanRevision,
)
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.models import Council, Ward
from grassroots.places.tests.factories import CouncilFactory, WardFactory
from grassroots.testing.people import make_resident


@dataclass
class Area:
    council: Council
    wards: list[Ward]
    partnership: Partnership
    fund: Fund
    plan: PlanRevision
    members: list[Membership] = field(default_factory=list)

    def member(self, role: MemberRole) -> Membership:
        return next(m for m in self.members if m.role == role and m.left_on is None)

    @property
    def chair(self) -> User:
        return self.member(MemberRole.CHAIR).user

    @property
    def treasurer(self) -> User:
        return self.member(MemberRole.TREASURER).user

    @property
    def line(self) -> PlanLine:
        return self.plan.lines.order_by("position").first()  # type: ignore[return-value]


def make_partnership(
    *, council: Council | None = None, ward: Ward | None = None, residents: int = 6, others: int = 2
) -> tuple[Partnership, list[Membership]]:
    """A partnership of `residents` residents and `others` non-residents; the first resident
    chairs it and the second is its treasurer."""
    council = council or CouncilFactory()
    ward = ward or WardFactory(council=council)
    group = GroupFactory(council=council)
    group.wards.add(ward)
    partnership = Partnership.objects.create(
        group=group, name=f"{group.name} partnership", slug=f"{group.slug}-partnership"
    )
    members = []
    for n in range(residents + others):
        role = {0: MemberRole.CHAIR, 1: MemberRole.TREASURER}.get(n, MemberRole.MEMBER)
        members.append(
            Membership.objects.create(
                partnership=partnership,
                user=make_resident(ward=ward),
                role=role,
                is_resident=n < residents,
                represents="" if n < residents else "Riverside Community Trust",
            )
        )
    return partnership, members


def make_area(
    *, total_pence: int = 100_000_000, residents: int = 6, others: int = 2, years: int = 10
) -> Area:
    """A ward, a partnership meeting the rules (8 members, 6 of them residents by default), a
    fund of £1m opened in the ledger, and a first plan of two priorities over `years` years."""
    assert residents + others >= 1
    council = CouncilFactory()
    ward = WardFactory(council=council)
    partnership, members = make_partnership(
        council=council, ward=ward, residents=residents, others=others
    )
    fund = Fund.objects.create(
        partnership=partnership,
        council=council,
        name=f"{ward.name} Big Local",
        slug=f"{ward.slug}-big-local-{ward.pk}",
        total_pence=total_pence,
        funder_name="Local Trust",
        funder_org_id="GB-CHC-1147511",
        holder_name="Riverside Community Trust",
        holder_org_id="GB-CHC-1000001",
        starts_on=datetime.date(2024, 4, 1),
        horizon_years=years,
    )
    fund.wards.add(ward)
    ledger.open_fund(fund, actor=None)
    plan = PlanRevision.objects.create(fund=fund, number=1, summary="The first plan.")
    for position, (ref, title) in enumerate(
        [("green-spaces", "Green spaces"), ("young-people", "Things for young people")]
    ):
        line = PlanLine.objects.create(revision=plan, ref=ref, position=position, title=title)
        PlanAllocation.objects.bulk_create(
            PlanAllocation(line=line, year=year, amount_pence=total_pence // (2 * years))
            for year in range(1, years + 1)
        )
    return Area(
        council=council,
        wards=[ward],
        partnership=partnership,
        fund=fund,
        plan=plan,
        members=members,
    )


assert MIN_MEMBERS == 8  # make_area's default partnership is exactly at the rule


def make_grant(area: Area, amount_pence: int = 500_000, *, title: str = "Pocket park") -> Grant:
    """An approved application from a group, with `amount_pence` committed."""
    applicant = GroupFactory(council=area.council)
    application = Application.objects.create(
        fund=area.fund,
        group=applicant,
        plan_line=area.line,
        title=title,
        outcomes="A small park where the garages were.",
        amount_pence=amount_pence,
        status="approved",
        submitted_by=applicant.created_by,
    )
    grant = Grant.objects.create(
        fund=area.fund,
        application=application,
        title=title,
        group=applicant,
        plan_line=area.line,
        awarded_on=datetime.date(2025, 5, 1),
    )
    ledger.commit(grant, amount_pence, actor=area.treasurer)
    return grant
