"""From a round's rows to a result: the projects and approval ballots handed to the counting
rules (`pb.py`), and the rules' answer turned into what `Round.result` keeps.

Project ids are the proposals' primary keys as strings (so ties break in plain string order,
as in pabutools); money is pence. Every project keeps one explanation: `pb.Reason`'s code and
the figures behind it, in whole pence (`pbround_explain` words them in the reader's language).

`Round.result` (a JSON object):

    {"rule": "greedy", "variant": "skip", "min_votes": 0, "utility": "", "completion": "none",
     "budget_pence": 500000, "ballots": 120, "total_cost_pence": 480000,
     "funded": ["12", "9"],                    # in the order the rule chose them
     "projects": [{"id": "12", "title": "…", "votes": 80, "cost_pence": 300000,
                   "funded": true, "reason": "funded_by_votes", "figures": {…}}, …],
     "grants": {"12": 41, "9": 42}}            # proposal id -> grant id
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from grassroots.funding import pb
from grassroots.funding.models import GreedyVariant, Round, RoundRule


def votes_of(costs: Mapping[str, int], ballots: Sequence[frozenset[str]]) -> dict[str, int]:
    votes = dict.fromkeys(costs, 0)
    for ballot in ballots:
        for project in ballot:
            if project in votes:
                votes[project] += 1
    return votes


def instance_of(round_: Round, costs: Mapping[str, int]) -> pb.Instance:
    return pb.Instance(
        budget=round_.budget_pence,
        projects=tuple(pb.Project(id=p, cost=costs[p]) for p in sorted(costs)),
        max_spend=round_.ballot_limit_pence,
    )


def profile_of(ballots: Sequence[frozenset[str]]) -> pb.Profile:
    return pb.Profile(ballots=tuple(ballots))


def min_votes_of(round_: Round) -> int:
    return max(round_.min_votes, 1)


def run_rule(
    round_: Round, costs: Mapping[str, int], ballots: Sequence[frozenset[str]]
) -> pb.Result:
    """Count with the round's rule. A project nobody voted for is never funded: greedy needs
    at least one vote (equal shares never buys a project without supporters)."""
    instance, profile = instance_of(round_, costs), profile_of(ballots)
    if round_.rule == RoundRule.GREEDY:
        return pb.greedy(
            instance,
            profile,
            skip=round_.greedy_variant == GreedyVariant.SKIP,
            min_votes=min_votes_of(round_),
        )
    return pb.equal_shares(
        instance,
        profile,
        utility=pb.Utility(round_.utility),
        completion=pb.Completion(round_.completion),
    )


def _down(amount: pb.Money | None) -> int | None:
    return None if amount is None else math.floor(Fraction(amount))


def _up(amount: pb.Money | None) -> int | None:
    return None if amount is None else math.ceil(Fraction(amount))


def figures_of(explanation: pb.Explanation) -> dict[str, Any]:
    """The figures of one explanation as JSON: pence rounded so the sentences stay true (what
    was left or what supporters had, down; the most one supporter paid, up)."""
    figures: dict[str, Any] = {
        "rank": explanation.rank,
        "left": _down(explanation.left),
        "min_votes": explanation.min_votes,
        "blocker": explanation.stopped_at,
        "step": explanation.step,
        "max_share": _up(explanation.max_share),
        "supporters_money": _down(explanation.supporters_money),
        "raised_budget": _down(explanation.raised_budget),
    }
    if explanation.funded and explanation.left is not None:
        figures["left_after"] = _down(Fraction(explanation.left) - Fraction(explanation.cost))
    return {key: value for key, value in figures.items() if value is not None}
