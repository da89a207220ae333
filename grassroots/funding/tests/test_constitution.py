"""Big Local's rules for a partnership: who may decide, and what makes a quorum."""

from __future__ import annotations

import pytest

from grassroots.funding.constitution import quorum, standing
from grassroots.funding.tests.factories import make_partnership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("residents", "others", "may_decide"),
    [(8, 0, True), (4, 4, True), (6, 2, True), (3, 5, False), (7, 0, False), (4, 5, False)],
)
def test_eight_members_and_residents_at_least_half(
    residents: int, others: int, may_decide: bool
) -> None:
    _, members = make_partnership(residents=residents, others=others)
    result = standing(members)
    assert result.may_decide is may_decide
    assert (result.members, result.residents) == (residents + others, residents)
    assert bool(result.problems) is not may_decide


def test_the_default_quorum_is_half_the_members_with_residents_the_majority() -> None:
    partnership, members = make_partnership(residents=6, others=4)  # 10 members
    residents, others = members[:6], members[6:]
    assert quorum(partnership, members, residents[:5]).met
    assert not quorum(partnership, members, residents[:4]).met  # 4 of 10: quorum is 5
    assert not quorum(partnership, members, residents[:3] + others[:3]).met  # 3 of 6 residents
    assert quorum(partnership, members, residents[:4] + others[:3]).met
    partnership.quorum_residents_majority = False
    partnership.quorum_percent = 75
    assert quorum(partnership, members, others[:4] + residents[:4]).met  # 8 of 10 >= 7.5
    assert not quorum(partnership, members, others[:4] + residents[:3]).met
