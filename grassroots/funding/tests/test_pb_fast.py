"""The checked floating-point runs of equal shares (``pb_fast``) against the exact engine.

A fast run may say it is not sure (and the completion then runs the exact engine), but when
it answers, it must fund exactly the projects the exact engine funds, in the same order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.conftest import SHARED_DATA
from grassroots.funding import pabulib, pb
from grassroots.funding.pb import Completion, Utility
from grassroots.funding.tests.test_pb_rules import crowded_elections, election, elections

FOLDER = SHARED_DATA / "pabulib"


def agree(setup: pb._Setup, k: int) -> bool:
    """The fast run at raise k matches the exact run; True when it was sure."""
    fast = setup.fast_run(k)
    if fast is None:
        return False
    assert fast == setup.run(k, track=False).funded, f"raise {k}"
    return True


@st.composite
def tied_elections(draw: st.DrawFn) -> tuple[pb.Instance, pb.Profile]:
    """Few distinct costs and ballots, with twin projects: exact ties at every turn."""
    count = draw(st.integers(2, 7))
    ids = [str(i) for i in range(count)]
    costs = {i: draw(st.sampled_from([10, 20, 30, 60])) for i in ids}
    ballots = draw(
        st.lists(
            st.sampled_from([{"0", "1"}, {"1", "2"}, {"0", "1", "2"}, set(ids[2:]), set(ids)]),
            min_size=1,
            max_size=30,
        )
    )
    ballots = [b & set(ids) for b in ballots]
    return election(draw(st.sampled_from([30, 60, 90, 120])), costs, ballots)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(elections(), crowded_elections(), tied_elections()),
    st.sampled_from(list(Utility)),
    st.integers(0, 40),
)
def test_a_sure_fast_run_funds_what_the_exact_run_funds(
    case: tuple[pb.Instance, pb.Profile], utility: Utility, k: int
) -> None:
    instance, profile = case
    if not profile.ballots:
        return
    agree(pb._Setup(instance, profile, utility), k)


@pytest.mark.parametrize("utility", list(Utility))
@pytest.mark.parametrize("k", [0, 1])
def test_twins_and_equal_payments_are_settled_without_the_exact_engine(
    utility: Utility, k: int
) -> None:
    # Each voter has 10 (+ k). "a" and "b" (12 each, two supporters) first tie: both are
    # paid in equal parts, so the tie is found on whole numbers and "a" wins. Then "b" and
    # its twin "c" (same cost, same supporters) tie with one supporter paying all they have
    # left: twins always tie, and "b" wins.
    instance, profile = election(
        30, {"a": 12, "b": 12, "c": 12}, [{"a", "b", "c"}, {"b", "c"}, {"a"}]
    )
    setup = pb._Setup(instance, profile, utility)
    assert agree(setup, k)
    assert [setup.ids[i] for i in setup.run(k, track=False).funded] == ["a", "b"]


def test_a_tie_floats_cannot_settle_falls_back_to_the_exact_engine() -> None:
    # Each of the four voters has 3. a, b and c all cost 1/3 per unit of satisfaction, but
    # a and c only if each supporter pays all they have: exactly on the edge, which floats
    # cannot tell from just short. The fast run says it is unsure; the exact engine funds a
    # (the tie goes to the smaller id), then b, which v2 alone can still pay for.
    instance, profile = election(
        12, {"a": 9, "b": 3, "c": 9}, [{"a", "b", "c"}, {"b", "c"}, {"a", "b"}, {"a", "c"}]
    )
    setup = pb._Setup(instance, profile, Utility.COST)
    assert setup.fast_run(0) is None
    assert setup.run(0, track=False).funded == [0, 1]
    result = pb.equal_shares(instance, profile, completion=Completion.ADD_ONE)
    assert result.funded == ("a", "b")


# The elections where the completion needs hundreds of runs (each changes the outcome).
MANY_RUNS = [
    "Poland_Warszawa_2020_Wola.pb",
    "Poland_Warszawa_2021_Wawer.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Warszawa_2019_subunit_Wlochy.pb",
]


@pytest.mark.parametrize("utility", list(Utility))
@pytest.mark.parametrize("name", MANY_RUNS)
def test_real_elections_fast_and_exact_agree(
    shared_data: Path, name: str, utility: Utility
) -> None:
    election_file = pabulib.read(FOLDER / name)
    setup = pb._Setup(election_file.instance, election_file.profile, utility)
    checked = [agree(setup, k) for k in range(0, 400, 40)]
    assert all(checked), "floats were unsure on a real election"
