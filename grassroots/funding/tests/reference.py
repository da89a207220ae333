"""pabutools as the reference for the rules (tests and bench/pb.py only; never the site).

pabutools is GPL-3.0 and pulls in a proprietary solver package, so only tests and the
benchmark import it. Its parser leaves ``profile.instance`` unset, which changes some rules'
results, so every entry point here sets it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    Instance,
    Project,
    parse_pabulib,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from grassroots.funding import pb

Election = tuple[Any, Any]


def load(path: Path) -> Election:
    instance, profile = parse_pabulib(str(path))
    profile.instance = instance
    return instance, profile


def convert(instance: pb.Instance, profile: pb.Profile) -> Election:
    """Our instance and ballots as pabutools objects."""
    projects = {p.id: Project(p.id, p.cost) for p in instance.projects}
    theirs = Instance(projects.values(), budget_limit=instance.budget)
    ballots = ApprovalProfile(
        [ApprovalBallot({projects[i] for i in ballot}) for ballot in profile.ballots],
        instance=theirs,
    )
    return theirs, ballots


def _greedy(election: Election) -> frozenset[str]:
    outcome = greedy_utilitarian_welfare(*election, sat_class=Cost_Sat)
    return frozenset(p.name for p in outcome)


def _mes(sat: Any, add_one: bool) -> Callable[[Election], frozenset[str]]:
    def run(election: Election) -> frozenset[str]:
        outcome = method_of_equal_shares(
            *election, sat_class=sat, voter_budget_increment=1 if add_one else None
        )
        return frozenset(p.name for p in outcome)

    return run


# Rule name -> (pabutools, ours).
RULES: dict[str, tuple[Callable[[Election], frozenset[str]], Callable[..., pb.Result]]] = {
    "greedy": (_greedy, lambda i, p: pb.greedy(i, p)),
    "mes-cost": (_mes(Cost_Sat, False), lambda i, p: pb.equal_shares(i, p)),
    "mes-card": (
        _mes(Cardinality_Sat, False),
        lambda i, p: pb.equal_shares(i, p, utility=pb.Utility.CARDINALITY),
    ),
    "mes-cost-add1": (
        _mes(Cost_Sat, True),
        lambda i, p: pb.equal_shares(i, p, completion=pb.Completion.ADD_ONE),
    ),
    "mes-card-add1": (
        _mes(Cardinality_Sat, True),
        lambda i, p: pb.equal_shares(
            i, p, utility=pb.Utility.CARDINALITY, completion=pb.Completion.ADD_ONE
        ),
    ),
}
