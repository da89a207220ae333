"""The rules on small elections with known answers, and properties on random ones.

Hand-made answers are worked out in the comments; each is also checked against pabutools.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.funding import pb
from grassroots.funding.pb import Completion, Reason, Utility
from grassroots.funding.tests import reference


def election(
    budget: pb.Money, costs: Mapping[str, pb.Money], ballots: list[set[str]], **limits: object
) -> tuple[pb.Instance, pb.Profile]:
    instance = pb.Instance(
        budget,
        tuple(pb.Project(i, c) for i, c in costs.items()),
        **limits,  # type: ignore[arg-type]
    )
    return instance, pb.Profile(tuple(frozenset(b) for b in ballots))


def agrees_with_pabutools(instance: pb.Instance, profile: pb.Profile) -> None:
    for name, (theirs, ours) in reference.RULES.items():
        assert ours(instance, profile).funded_set == theirs(reference.convert(instance, profile)), (
            name
        )


# Budget 10. a costs 6 (3 votes), b 5 (2 votes), c 4 (1 vote).
GREEDY = election(10, {"a": 6, "b": 5, "c": 4}, [{"a", "b"}, {"a", "b"}, {"a", "c"}])


def test_greedy_skip_goes_past_a_project_that_does_not_fit() -> None:
    result = pb.greedy(*GREEDY)
    assert result.funded == ("a", "c")
    assert result.total_cost == 10
    b = result.explanations["b"]
    assert (b.reason, b.left, b.rank) == (Reason.DID_NOT_FIT, 4, 2)
    assert "did not fit in the 4 left" in b.describe()
    assert result.explanations["c"].reason is Reason.FUNDED_BY_VOTES
    agrees_with_pabutools(*GREEDY)


def test_greedy_no_skip_stops_at_the_first_that_does_not_fit() -> None:
    result = pb.greedy(*GREEDY, skip=False)
    assert result.funded == ("a",)
    c = result.explanations["c"]
    assert (c.reason, c.stopped_at) == (Reason.AFTER_FIRST_MISFIT, "b")


def test_greedy_minimum_votes() -> None:
    result = pb.greedy(*GREEDY, min_votes=2)
    assert result.funded == ("a",)
    c = result.explanations["c"]
    assert (c.reason, c.min_votes) == (Reason.TOO_FEW_VOTES, 2)
    assert "fewer than the minimum 2" in c.describe()


def test_ties_go_to_the_smaller_id_as_a_string() -> None:
    # "10" < "9" as strings. Two voters approve both; budget 6 buys one of the two.
    instance, profile = election(6, {"9": 5, "10": 5}, [{"9", "10"}, {"9", "10"}])
    assert pb.greedy(instance, profile).funded == ("10",)
    for utility in Utility:
        # Each voter has 3; both projects cost 2.5 a supporter: a tie, "10" wins; then
        # 0.5 each is left, less than 5.
        result = pb.equal_shares(instance, profile, utility=utility)
        assert result.funded == ("10",)
        nine = result.explanations["9"]
        assert (nine.reason, nine.supporters_money) == (Reason.SUPPORTERS_SHORT, 1)
    agrees_with_pabutools(instance, profile)


# Budget 100, 4 voters with 25 each. a costs 60 (v1, v2, v3), b costs 40 (v3, v4).
MES = election(100, {"a": 60, "b": 40}, [{"a"}, {"a"}, {"a", "b"}, {"b"}])


def test_equal_shares_by_hand() -> None:
    # a: 3 supporters pay 20 each (rho 20/60 = 1/3); b: 2 pay 20 each (rho 1/2): a first.
    # Then v3 has 5 and v4 25: 30 < 40, so b is not funded.
    result = pb.equal_shares(*MES)
    assert result.funded == ("a",)
    a = result.explanations["a"]
    assert (a.step, a.rho, a.max_share) == (1, Fraction(1, 3), 20)
    b = result.explanations["b"]
    assert (b.reason, b.supporters_money) == (Reason.SUPPORTERS_SHORT, 30)
    assert result.share == 25
    # Cardinality: both cost 20 a supporter; the tie goes to "a", the same outcome.
    card = pb.equal_shares(*MES, utility=Utility.CARDINALITY)
    assert card.funded == ("a",)
    assert card.explanations["a"].rho == 20
    agrees_with_pabutools(*MES)


def test_add_one_completion_by_hand() -> None:
    # With a share of e, b needs (e - 20) + e >= 40: e >= 30, a raise of 5. Then a and b
    # cost 100, the whole budget: nothing else fits, so that outcome is kept.
    result = pb.equal_shares(*MES, completion=Completion.ADD_ONE)
    assert result.funded_set == {"a", "b"}
    assert result.share == 30
    assert result.raised_budget == 120
    b = result.explanations["b"]
    assert (b.reason, b.raised_budget) == (Reason.FUNDED_BY_COMPLETION, 120)
    assert "budget raised to 120" in b.describe()
    assert result.explanations["a"].reason is Reason.FUNDED_EQUAL_SHARES


def test_completion_keeps_the_last_outcome_that_fits() -> None:
    # Budget 10, 2 voters with 5 each; x costs 4 (both), y costs 6 (v1), z costs 6 (v2).
    # Share e: x first (2 each), then each has e - 2, short of 6 until e = 8 (a raise of 3),
    # where y and z are both bought: 16 > 10. So the outcome of e = 7 is kept: x alone,
    # though y would still fit the budget.
    instance, profile = election(10, {"x": 4, "y": 6, "z": 6}, [{"x", "y"}, {"x", "z"}])
    result = pb.equal_shares(instance, profile, completion=Completion.ADD_ONE)
    assert result.funded == ("x",)
    assert result.share == 7
    assert result.raised_budget == 14
    assert pb.equal_shares(instance, profile, raise_by=3).funded == ("x", "y", "z")
    agrees_with_pabutools(instance, profile)


def test_empty_profile() -> None:
    instance, profile = election(10, {"a": 4, "b": 20}, [])
    greedy = pb.greedy(instance, profile)
    assert greedy.funded == ("a",)  # as pabutools: a project nobody voted for still fits
    assert greedy.explanations["b"].reason is Reason.COSTS_MORE_THAN_BUDGET
    for completion in Completion:
        result = pb.equal_shares(instance, profile, completion=completion)
        assert result.funded == ()
        assert result.explanations["a"].reason is Reason.NO_SUPPORTERS
    agrees_with_pabutools(instance, profile)


def test_a_project_dearer_than_the_budget() -> None:
    instance, profile = election(10, {"big": 11, "small": 3}, [{"big", "small"}] * 3)
    greedy = pb.greedy(instance, profile)
    assert greedy.funded == ("small",)
    assert greedy.explanations["big"].reason is Reason.COSTS_MORE_THAN_BUDGET
    assert "more than the whole budget" in greedy.explanations["big"].describe()
    mes = pb.equal_shares(instance, profile, completion=Completion.ADD_ONE)
    assert mes.funded == ("small",)
    assert mes.explanations["big"].reason is Reason.COSTS_MORE_THAN_BUDGET
    agrees_with_pabutools(instance, profile)


def test_free_projects() -> None:
    # pabutools: with cost utilities a free project gains nobody and is never chosen; with
    # cardinality utilities a free project with supporters is funded first.
    instance, profile = election(10, {"free": 0, "a": 10}, [{"free", "a"}, {"free", "a"}])
    cost = pb.equal_shares(instance, profile)
    assert cost.funded == ("a",)
    assert cost.explanations["free"].reason is Reason.NO_UTILITY
    card = pb.equal_shares(instance, profile, utility=Utility.CARDINALITY)
    assert card.funded == ("free", "a")
    assert card.explanations["free"].reason is Reason.FUNDED_FREE
    agrees_with_pabutools(instance, profile)


def test_fractional_money() -> None:
    instance, profile = election(
        Fraction(21, 2), {"a": Fraction(11, 2), "b": 5}, [{"a"}, {"a", "b"}, {"b"}]
    )
    result = pb.equal_shares(instance, profile, completion=Completion.ADD_ONE)
    assert result.total_cost <= instance.budget
    agrees_with_pabutools(instance, profile)


def test_ballot_limits() -> None:
    instance, _ = election(100, {"a": 60, "b": 30, "c": 20}, [], max_projects=2, max_spend=80)
    assert pb.ballot_problems(instance, frozenset({"a"})) == []
    assert pb.ballot_problems(instance, frozenset({"a", "b", "c"})) == [
        "It approves 3 projects; at most 2."
    ]
    assert pb.ballot_problems(instance, frozenset({"a", "b"})) == [
        "Its projects cost 90 together; at most 80."
    ]
    assert pb.ballot_problems(instance, frozenset({"z"})) == [
        "Project z is not on the ballot paper."
    ]
    at_least, _ = election(100, {"a": 1}, [], min_projects=1)
    assert pb.ballot_problems(at_least, frozenset()) == ["It approves 0 projects; at least 1."]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: election(-1, {"a": 1}, []), "budget cannot be negative"),
        (lambda: election(10, {"a": -1}, []), "cost of project a cannot be negative"),
        (lambda: election(10, {"a": 1.5}, []), "whole number or a fraction"),  # type: ignore[dict-item]
        (lambda: pb.Instance(10, (pb.Project("a", 1), pb.Project("a", 2))), "listed twice"),
        (lambda: pb.greedy(*election(10, {"a": 1}, [{"b"}])), "approves project b"),
        (lambda: pb.greedy(*election(10, {"a": 1}, []), min_votes=-1), "cannot be negative"),
    ],
)
def test_invalid_elections(build: object, message: str) -> None:
    with pytest.raises(pb.InvalidElection, match=message):
        build()  # type: ignore[operator]


# -- properties on random small elections -------------------------------------------------


@st.composite
def elections(draw: st.DrawFn) -> tuple[pb.Instance, pb.Profile]:
    count = draw(st.integers(1, 6))
    ids = draw(
        st.lists(
            st.sampled_from(["1", "2", "3", "9", "10", "11", "a", "b"]),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    costs = {i: draw(st.integers(0, 30)) for i in ids}
    budget = draw(st.integers(0, 60))
    ballots = draw(st.lists(st.sets(st.sampled_from(ids)), max_size=9))
    return election(budget, costs, ballots)


@settings(max_examples=150, deadline=None)
@given(elections())
def test_every_rule_matches_pabutools(case: tuple[pb.Instance, pb.Profile]) -> None:
    agrees_with_pabutools(*case)


@settings(max_examples=150, deadline=None)
@given(elections(), st.integers(0, 30))
def test_budget_and_greedy_properties(case: tuple[pb.Instance, pb.Profile], votes: int) -> None:
    instance, profile = case
    results = [
        pb.greedy(instance, profile, skip=s, min_votes=m) for s in (True, False) for m in (0, votes)
    ]
    results += [
        pb.equal_shares(instance, profile, utility=u, completion=c)
        for u in Utility
        for c in Completion
    ]
    for result in results:
        assert result.total_cost <= instance.budget
        assert {i for i, e in result.explanations.items() if e.funded} == result.funded_set
    skip, no_skip, skip_min, no_skip_min = results[:4]
    # no-skip funds the projects before its first misfit, which skip funds too.
    assert no_skip.funded_set <= skip.funded_set
    assert no_skip_min.funded_set <= skip_min.funded_set
    # Projects with at least the minimum come first in the order of votes either way.
    assert skip_min.funded_set <= skip.funded_set
    # Skip leaves no project out that would still fit at the end.
    left = instance.budget - skip.total_cost
    assert all(p.cost > left for p in instance.projects if p.id not in skip.funded_set)


@settings(max_examples=100, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_equal_shares_ignores_the_order_of_ballots(
    case: tuple[pb.Instance, pb.Profile], rng: random.Random
) -> None:
    instance, profile = case
    shuffled = list(profile.ballots)
    rng.shuffle(shuffled)
    for utility in Utility:
        for completion in Completion:
            one = pb.equal_shares(instance, profile, utility=utility, completion=completion)
            two = pb.equal_shares(
                instance, pb.Profile(tuple(shuffled)), utility=utility, completion=completion
            )
            assert one.funded == two.funded


def step_by_step(instance: pb.Instance, profile: pb.Profile, utility: Utility) -> pb.Result:
    """The add-one completion as defined: one more currency unit per voter at a time."""
    previous = None
    for raise_by in range(10_000):
        result = pb.equal_shares(instance, profile, utility=utility, raise_by=raise_by)
        if result.total_cost > instance.budget:
            assert previous is not None
            return previous
        left = instance.budget - result.total_cost
        scores = profile.approval_scores()
        if all(
            p.id in result.funded_set or p.cost > left or not scores[p.id] or not p.cost
            for p in instance.projects
        ):
            return result
        previous = result
    raise AssertionError("no end")


@st.composite
def crowded_elections(draw: st.DrawFn) -> tuple[pb.Instance, pb.Profile]:
    """More voters and dearer projects, so the completion raises shares many times."""
    count = draw(st.integers(2, 6))
    ids = [str(i) for i in range(count)]
    costs = {i: draw(st.integers(1, 400)) for i in ids}
    budget = draw(st.integers(50, 600))
    ballots = draw(
        st.lists(st.sets(st.sampled_from(ids), min_size=1, max_size=3), min_size=1, max_size=40)
    )
    return election(budget, costs, ballots)


@settings(max_examples=150, deadline=None)
@given(st.one_of(elections(), crowded_elections()), st.sampled_from(list(Utility)))
def test_completion_jumps_land_where_stepping_does(
    case: tuple[pb.Instance, pb.Profile], utility: Utility
) -> None:
    instance, profile = case
    if not profile.ballots:
        return
    jumped = pb.equal_shares(instance, profile, utility=utility, completion=Completion.ADD_ONE)
    stepped = step_by_step(instance, profile, utility)
    assert jumped.funded == stepped.funded
    assert jumped.share == stepped.share
    assert stepped.share is not None
    # No more runs than stepping would make (raises 0 to the one that overspends), and one
    # more to explain the kept outcome with exact figures when a fast run found it.
    assert jumped.runs <= stepped.share - Fraction(instance.budget, len(profile.ballots)) + 3
