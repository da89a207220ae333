"""From a round's rows to a result: the projects and approval ballots handed to the counting
rules (`pb.py`), and the rules' answer turned into what `Round.result` keeps.

Project ids are the proposals' primary keys as strings (so ties break in plain string order,
as in pabutools). Every project gets one explanation: a reason code and the figures behind it;
`pbround_explain` turns them into sentences in the reader's language.

`Round.result` (a JSON object):

    {"rule": "greedy", "variant": "skip", "min_votes": 0, "utility": "", "completion": "none",
     "budget_pence": 500000, "ballots": 120, "total_cost_pence": 480000,
     "funded": ["12", "9"],                    # in the order the rule chose them
     "projects": [{"id": "12", "title": "…", "votes": 80, "cost_pence": 300000,
                   "funded": true, "reason": "funded", "figures": {…}}, …],
     "grants": {"12": 41, "9": 42}}            # proposal id -> grant id
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from grassroots.core.services import ServiceError
from grassroots.funding.models import GreedyVariant, Round, RoundRule


@dataclass(frozen=True)
class Explanation:
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    funded: list[str]  # in the order the rule chose them
    explanations: dict[str, Explanation]


# Reason codes (pbround_explain has a sentence for each).
FUNDED = "funded"  # greedy: its turn came and it fitted
TOO_FEW_VOTES = "too-few-votes"  # greedy with a threshold
DID_NOT_FIT = "did-not-fit"  # greedy: its turn came and it cost more than was left
STOPPED = "stopped"  # greedy without skipping: an earlier project did not fit
NO_VOTES = "no-votes"
MES_FUNDED = "mes-funded"  # its supporters shared its cost
MES_FUNDED_COMPLETION = "mes-funded-completion"  # funded once the budget was raised
MES_SHORT = "mes-short"  # its supporters had too little left between them
MES_LEFTOVER = "mes-leftover"  # funded with what Equal Shares left over (the greedy top-up)


def votes_of(costs: Mapping[str, int], ballots: Sequence[frozenset[str]]) -> dict[str, int]:
    votes = dict.fromkeys(costs, 0)
    for ballot in ballots:
        for project in ballot:
            if project in votes:
                votes[project] += 1
    return votes


def greedy_order(costs: Mapping[str, int], votes: Mapping[str, int]) -> list[str]:
    """Most votes first; ties in plain string order of the ids (pabutools' tie-breaking)."""
    return sorted(costs, key=lambda p: (-votes[p], p))


def explain_greedy(
    round_: Round, costs: Mapping[str, int], votes: Mapping[str, int], funded: Sequence[str]
) -> dict[str, Explanation]:
    """Why each project was or was not funded by greedy: walking the projects in the order of
    votes, the money left when its turn came. `funded` is the rules' answer; the walk follows
    it, so the explanation never disagrees with the result."""
    chosen = set(funded)
    left = round_.budget_pence
    stopped_at: str | None = None
    out: dict[str, Explanation] = {}
    for rank, project in enumerate(greedy_order(costs, votes), start=1):
        figures: dict[str, Any] = {
            "rank": rank,
            "votes": votes[project],
            "cost": costs[project],
            "left": left,
        }
        if project in chosen:
            left -= costs[project]
            out[project] = Explanation(FUNDED, {**figures, "left_after": left})
        elif votes[project] == 0:
            out[project] = Explanation(NO_VOTES, figures)
        elif votes[project] < round_.min_votes:
            out[project] = Explanation(TOO_FEW_VOTES, {**figures, "min_votes": round_.min_votes})
        elif stopped_at is not None:
            out[project] = Explanation(STOPPED, {**figures, "blocker": stopped_at})
        else:
            out[project] = Explanation(DID_NOT_FIT, figures)
            if round_.greedy_variant == GreedyVariant.NO_SKIP:
                stopped_at = project
    return out


def run_rule(round_: Round, costs: Mapping[str, int], ballots: Sequence[frozenset[str]]) -> Outcome:
    """Count with the round's rule."""
    votes = votes_of(costs, ballots)
    if round_.rule == RoundRule.GREEDY:
        funded = _greedy(round_, costs, votes)
        return Outcome(funded=funded, explanations=explain_greedy(round_, costs, votes, funded))
    raise ServiceError(_("Counting by the Method of Equal Shares is not available yet"))


def _greedy(round_: Round, costs: Mapping[str, int], votes: Mapping[str, int]) -> list[str]:
    # Provisional until pb.py lands; then pb.py answers and this goes.
    left = round_.budget_pence
    funded = []
    for project in greedy_order(costs, votes):
        if votes[project] == 0 or votes[project] < round_.min_votes:
            continue
        if costs[project] <= left:
            funded.append(project)
            left -= costs[project]
        elif round_.greedy_variant == GreedyVariant.NO_SKIP:
            break
    return funded
