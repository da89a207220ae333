"""Participatory budgeting rules: who gets funded, and why (issue 12).

A pure module: no Django, exact arithmetic. Money is an ``int`` or a ``Fraction``; every
decision (does a project fit, which project is cheapest per unit of satisfaction, does the
completion overspend) is taken on exact numbers. numpy is only a fast filter: it finds the one
or two projects that could be the next choice, and those are then compared exactly.

The rules, with the tie-breaking of the reference library pabutools (the smallest project id
in plain string order wins a tie, so "10" comes before "9"):

- ``greedy``: projects in order of votes, each funded if it still fits (``skip=True``) or
  stopping at the first that does not (``skip=False``), optionally leaving out projects with
  fewer than ``min_votes`` votes.
- ``equal_shares``: the Method of Equal Shares with cost or cardinality utilities. Every voter
  gets an equal share of the budget; a project is bought by its supporters, each paying at
  most the same amount per unit of satisfaction (rho); in each step the project with the
  smallest rho is bought.
- The add-one completion (``Completion.ADD_ONE``): equal shares again with each voter's share
  raised by 1, 2, 3 ... currency units, keeping the last outcome that fits the real budget;
  it stops early when an outcome has no room left for any other supported project. Instead
  of re-running for every unit, each run works out how far the share can rise before any
  comparison that run made could turn out differently (each voter's money is a straight line
  in the share while the run's choices stay the same), and the next run starts there. Where
  the outcome changes every few units, the units are taken one at a time by checked
  floating-point runs (``pb_fast``), which hand any decision too close to call back to this
  exact engine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from grassroots.funding.pb_fast import FastRuns

Money = int | Fraction

# Relative tolerance of the float filter. Floats only choose which projects to look at
# exactly; anything within this distance of the best is decided on exact numbers. The float
# error of a payment is far smaller (about 1e-12 for the largest real elections).
_TOL = 1e-6
_ULP = 2.0**-52
_NEVER = math.inf

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]


class InvalidElection(ValueError):
    """The instance or the ballots do not make a valid election."""


class Utility(StrEnum):
    """How much a supporter gains from a funded project, for equal shares."""

    COST = "cost"  # its cost: a supporter of a dear project gains more
    CARDINALITY = "card"  # 1 for every approved project


class Completion(StrEnum):
    NONE = "none"
    ADD_ONE = "add1"


class Reason(StrEnum):
    """Why a project was or was not funded; a results page words each one."""

    FUNDED_BY_VOTES = "funded_by_votes"  # greedy: it fitted in what was left
    DID_NOT_FIT = "did_not_fit"  # greedy: cost more than what was left
    AFTER_FIRST_MISFIT = "after_first_misfit"  # greedy no-skip: the rule had stopped
    TOO_FEW_VOTES = "too_few_votes"  # below the minimum number of votes
    COSTS_MORE_THAN_BUDGET = "costs_more_than_budget"
    NO_SUPPORTERS = "no_supporters"  # nobody voted for it
    NO_UTILITY = "no_utility"  # equal shares, cost utilities: a free project gains nobody
    FUNDED_FREE = "funded_free"  # equal shares, cardinality: costs nothing, has supporters
    FUNDED_EQUAL_SHARES = "funded_equal_shares"  # bought by its supporters in step k
    FUNDED_BY_COMPLETION = "funded_by_completion"  # bought only once shares were raised
    SUPPORTERS_SHORT = "supporters_short"  # its supporters had less left than its cost


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    cost: Money


@dataclass(frozen=True)
class Instance:
    """What is being decided: the budget, the costed projects, and the ballot's limits.

    ``max_projects``/``min_projects`` bound how many projects one ballot may approve and
    ``max_spend`` the total cost it may approve (a per-ballot spending limit). The rules
    count ballots as they are; ``ballot_problems`` says which ballots break the limits.
    """

    budget: Money
    projects: tuple[Project, ...]
    max_projects: int | None = None
    min_projects: int | None = None
    max_spend: Money | None = None
    _by_id: dict[str, Project] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_money(self.budget, "The budget")
        if self.max_spend is not None:
            _check_money(self.max_spend, "The spending limit")
        for limit in (self.max_projects, self.min_projects):
            if limit is not None and (not isinstance(limit, int) or limit < 0):
                raise InvalidElection("A ballot's project limit must be a whole number.")
        by_id: dict[str, Project] = {}
        for project in self.projects:
            if not isinstance(project.id, str) or not project.id:
                raise InvalidElection("Every project needs an id.")
            if project.id in by_id:
                raise InvalidElection(f"Project {project.id} is listed twice.")
            _check_money(project.cost, f"The cost of project {project.id}")
            by_id[project.id] = project
        object.__setattr__(self, "_by_id", by_id)

    def project(self, project_id: str) -> Project:
        return self._by_id[project_id]

    def __contains__(self, project_id: object) -> bool:
        return project_id in self._by_id

    def cost_of(self, project_ids: Iterable[str]) -> Money:
        return _money(sum((Fraction(self._by_id[i].cost) for i in project_ids), Fraction(0)))


@dataclass(frozen=True)
class Profile:
    """Approval ballots, one a voter: the set of project ids each voter approved."""

    ballots: tuple[frozenset[str], ...]

    def approval_scores(self) -> Counter[str]:
        scores: Counter[str] = Counter()
        for ballot in self.ballots:
            scores.update(ballot)
        return scores


def ballot_problems(instance: Instance, ballot: frozenset[str]) -> list[str]:
    """What is wrong with one ballot under the instance's limits (empty when nothing)."""
    problems = [
        f"Project {pid} is not on the ballot paper."
        for pid in sorted(pid for pid in ballot if pid not in instance)
    ]
    if instance.max_projects is not None and len(ballot) > instance.max_projects:
        problems.append(f"It approves {len(ballot)} projects; at most {instance.max_projects}.")
    if instance.min_projects is not None and len(ballot) < instance.min_projects:
        problems.append(f"It approves {len(ballot)} projects; at least {instance.min_projects}.")
    if instance.max_spend is not None and not problems:
        spend = instance.cost_of(ballot)
        if spend > instance.max_spend:
            limit = show_money(instance.max_spend)
            problems.append(f"Its projects cost {show_money(spend)} together; at most {limit}.")
    return problems


@dataclass(frozen=True)
class Explanation:
    """One project's part in a result, with the figures a results page needs to say why."""

    project_id: str
    funded: bool
    reason: Reason
    votes: int
    cost: Money
    rank: int | None = None  # greedy: its place in the order of votes (1 = most votes)
    left: Money | None = None  # greedy: the money left when its turn came
    min_votes: int | None = None
    stopped_at: str | None = None  # greedy no-skip: the project that did not fit
    step: int | None = None  # equal shares: the step in which it was bought
    rho: Fraction | None = None  # equal shares: price per unit of satisfaction
    max_share: Money | None = None  # equal shares: the most one supporter paid
    supporters_money: Money | None = None  # equal shares: what its supporters had left
    raised_budget: Money | None = None  # completion: the budget its shares added up to

    def describe(self, currency: str = "") -> str:
        """The reason in plain English (the command line's words; pages translate)."""

        def m(amount: Money | None) -> str:
            return show_money(amount or 0, currency)

        votes = f"{self.votes} vote{'' if self.votes == 1 else 's'}"
        match self.reason:
            case Reason.FUNDED_BY_VOTES:
                return f"Funded: {votes}, cost {m(self.cost)} fitted in the {m(self.left)} left."
            case Reason.DID_NOT_FIT:
                return (
                    f"Not funded: cost {m(self.cost)} did not fit in the {m(self.left)} left "
                    "after the projects with more votes."
                )
            case Reason.AFTER_FIRST_MISFIT:
                return (
                    f"Not funded: {votes}, but the count stopped at project {self.stopped_at}, "
                    "the first that did not fit."
                )
            case Reason.TOO_FEW_VOTES:
                return f"Not funded: {votes}, fewer than the minimum {self.min_votes}."
            case Reason.COSTS_MORE_THAN_BUDGET:
                return f"Not funded: cost {m(self.cost)} is more than the whole budget."
            case Reason.NO_SUPPORTERS:
                return "Not funded: nobody voted for it."
            case Reason.NO_UTILITY:
                return "Not funded: it costs nothing, so with cost utilities nobody gains from it."
            case Reason.FUNDED_FREE:
                return f"Funded: {votes} and it costs nothing."
            case Reason.FUNDED_EQUAL_SHARES:
                return (
                    f"Funded in step {self.step} at rho = {_show_rho(self.rho)}: its {votes} "
                    f"paid {m(self.cost)}, none more than {m(self.max_share)}."
                )
            case Reason.FUNDED_BY_COMPLETION:
                return (
                    f"Funded by the add-one completion with the budget raised to "
                    f"{m(self.raised_budget)} (step {self.step}, rho = {_show_rho(self.rho)})."
                )
            case Reason.SUPPORTERS_SHORT:
                return (
                    f"Not funded: its supporters had {m(self.supporters_money)} left between "
                    f"them, less than its cost of {m(self.cost)}."
                )
        raise AssertionError(self.reason)  # pragma: no cover


@dataclass(frozen=True)
class Result:
    """Funded projects in the order they were chosen, and every project's explanation."""

    rule: str
    funded: tuple[str, ...]
    explanations: Mapping[str, Explanation]
    budget: Money
    total_cost: Money
    # Equal shares: each voter's share in the run that gave this result, the budget those
    # shares add up to, and how many times equal shares ran (more than 1 with the completion).
    share: Money | None = None
    raised_budget: Money | None = None
    runs: int = 1

    @property
    def funded_set(self) -> frozenset[str]:
        return frozenset(self.funded)


# ---------------------------------------------------------------------------------------------
# Greedy


def greedy(
    instance: Instance, profile: Profile, *, skip: bool = True, min_votes: int = 0
) -> Result:
    """Fund projects in order of votes (ties: smaller id first) while the money lasts.

    ``skip=True`` goes on past a project that does not fit, ``skip=False`` stops there.
    Projects with fewer than ``min_votes`` votes are left out.
    """
    _check_ballots(instance, profile)
    if min_votes < 0:
        raise InvalidElection("The minimum number of votes cannot be negative.")
    scores = profile.approval_scores()
    order = sorted(instance.projects, key=lambda p: (-scores[p.id], p.id))
    left = Fraction(instance.budget)
    funded: list[str] = []
    explanations: dict[str, Explanation] = {}
    stopped_at: str | None = None
    for rank, project in enumerate(order, start=1):
        votes = scores[project.id]
        base = partial(
            Explanation, project_id=project.id, votes=votes, cost=project.cost, rank=rank
        )
        if votes < min_votes:
            explanations[project.id] = base(
                funded=False, reason=Reason.TOO_FEW_VOTES, min_votes=min_votes
            )
        elif stopped_at is not None:
            explanations[project.id] = base(
                funded=False, reason=Reason.AFTER_FIRST_MISFIT, stopped_at=stopped_at
            )
        elif project.cost <= left:
            explanations[project.id] = base(
                funded=True, reason=Reason.FUNDED_BY_VOTES, left=_money(left)
            )
            funded.append(project.id)
            left -= project.cost
        else:
            reason = (
                Reason.COSTS_MORE_THAN_BUDGET
                if project.cost > instance.budget
                else Reason.DID_NOT_FIT
            )
            explanations[project.id] = base(funded=False, reason=reason, left=_money(left))
            if not skip:
                stopped_at = project.id
    name = "greedy" + ("" if skip else " (no skip)")
    if min_votes:
        name += f", at least {min_votes} votes"
    return Result(
        rule=name,
        funded=tuple(funded),
        explanations=_in_instance_order(instance, explanations),
        budget=instance.budget,
        total_cost=instance.cost_of(funded),
    )


# ---------------------------------------------------------------------------------------------
# The Method of Equal Shares


def equal_shares(
    instance: Instance,
    profile: Profile,
    *,
    utility: Utility = Utility.COST,
    completion: Completion = Completion.NONE,
    raise_by: int = 0,
) -> Result:
    """The Method of Equal Shares, as pabutools computes it, with an optional completion.

    ``raise_by`` runs it once with every voter's share raised by that many currency units
    (the runs the add-one completion makes); the result's budget is still the real one.
    """
    _check_ballots(instance, profile)
    if raise_by < 0:
        raise InvalidElection("A share can only be raised.")
    setup = _Setup(instance, profile, utility)
    name = f"equal shares ({'cost' if utility is Utility.COST else 'cardinality'} utilities)"
    if setup.n == 0:
        # No voters, no shares: pabutools funds nothing at all.
        explanations = {
            p.id: Explanation(
                project_id=p.id, funded=False, votes=0, cost=p.cost, reason=_unsupported(p, 0)
            )
            for p in instance.projects
        }
        return Result(name, (), explanations, instance.budget, 0, share=0, raised_budget=0)
    if completion is Completion.NONE:
        run = setup.run(raise_by, track=False)
        return setup.result(name, run, plain=None, runs=1)
    name += ", add-one completion"
    return _add_one(setup, name)


# A tracked exact run (0.1-0.2 s on the largest elections) is worth it when it skips at least
# this many raises. Otherwise the raises are taken one by one with fast runs (1-2 ms each),
# and a tracked run is tried again only after this many fast runs in a row found the same
# outcome (a sign that the outcome has stopped changing at every raise), twice as many
# after each try that could not jump far.
_JUMP = 32
_STREAK = 32


def _add_one(setup: _Setup, name: str) -> Result:
    """Raise every voter's share 1 unit at a time (in effect) until an outcome overspends.

    The same stopping rule as pabutools' ``voter_budget_increment=1``: stop at the first share
    whose outcome costs more than the budget (keeping the outcome before it), or whose outcome
    leaves no room for any other project that could be bought. Shares in between two runs are
    skipped only when the run before them proved that they give the same outcome; where the
    outcome changes at nearly every raise, each raise is run in checked floating point
    (``pb_fast``), falling back to the exact engine for any raise it cannot be sure of.
    """
    reach = 16  # how far ahead a run's bounds must hold (in raises); adapts as it goes
    plain = setup.run(0, track=True, horizon=reach)
    runs = 1
    k, funded, next_k = 0, plain.funded, plain.next_k
    exact: _Run | None = plain  # the exact run at k, when there is one
    previous: tuple[int, list[int], _Run | None] | None = None
    # Fast runs in a row with the same outcome, and how many to wait for before trying to jump.
    streak, wait = 0, _STREAK if next_k is not None and next_k >= _JUMP else 2 * _STREAK
    while True:
        cost = setup.cost_of(funded)
        if cost > setup.budget_scaled:
            if previous is None:  # pragma: no cover - the first run never overspends
                raise AssertionError("equal shares overspent without any raise")
            chosen_k, chosen_funded, chosen = previous
            if chosen_k < k - 1:
                # The same outcome held up to the raise just before this one: pabutools
                # keeps that run, so its figures (shares, rho) are the ones to explain.
                chosen_k, chosen = k - 1, None
            break
        if setup.exhaustive(funded, cost):
            chosen_k, chosen_funded, chosen = k, funded, exact
            break
        previous = (k, funded, exact)
        if (next_k is not None and next_k - k >= _JUMP) or streak >= wait:
            jumping = next_k is not None and next_k - k >= _JUMP
            target = next_k if jumping and next_k is not None else k + 1
            reach = max(4, 2 * (target - k))
            exact = setup.run(target, track=True, horizon=target + reach)
            k, funded, next_k, streak = target, exact.funded, exact.next_k, 0
            if next_k is None:  # pragma: no cover - a run always finds where it changes
                raise AssertionError("equal shares would not change however much was added")
            wait = _STREAK if next_k - k >= _JUMP else 2 * wait
        else:
            k, next_k = k + 1, None
            found = setup.fast_run(k)
            exact = None
            if found is None:
                exact = setup.run(k, track=False)
                found = exact.funded
            streak = streak + 1 if found == funded else 0
            funded = found
        runs += 1
    if chosen is None:
        chosen = setup.run(chosen_k, track=False)
        runs += 1
        if chosen.funded != chosen_funded:  # pragma: no cover - see pb_fast
            raise AssertionError("the checked floating-point run disagreed with the exact one")
    return setup.result(name, chosen, plain=plain, runs=runs)


@dataclass(slots=True)
class _Eval:
    """A project's payment worked out in floats from the budgets of one step."""

    order: IntArray  # its supporters' ballots, poorest first
    poor: int  # how many of them (from the front) pay all they have
    rich_weight: int  # the number of voters paying the full share
    rho: float
    # The payment per unit of satisfaction as a line in the share, a lower bound of the true
    # one wherever the run's earlier choices still hold (see _Setup.run), with error bounds.
    line: tuple[float, float, float, float]


@dataclass
class _Run:
    k: int
    share: int  # scaled
    funded: list[int]
    steps: dict[int, tuple[int, Fraction, Fraction]]  # project -> (step, t scaled, rho)
    next_k: int | None
    money_left: Callable[[int], Fraction]  # a project's supporters' money at the end (scaled)


class _Setup:
    """What every run of equal shares on one election shares.

    Money is scaled to integers: a unit is 1/(n * L) of the currency (n voters, L the least
    common denominator of the budget and the costs), so each voter's share is an integer and
    raising every share by one currency unit adds ``grid`` units.
    """

    def __init__(self, instance: Instance, profile: Profile, utility: Utility) -> None:
        self.instance = instance
        self.utility = utility
        self.ids = [p.id for p in instance.projects]
        self.n = len(profile.ballots)
        counts = Counter(profile.ballots)
        distinct = list(counts)
        denominators = [Fraction(instance.budget).denominator] + [
            Fraction(p.cost).denominator for p in instance.projects
        ]
        lcm = 1
        for d in denominators:
            lcm = lcm * d // math.gcd(lcm, d)
        self.scale = max(self.n, 1) * lcm
        self.base_share = int(Fraction(instance.budget) * lcm)  # budget / n, scaled
        self.grid = max(self.n, 1) * lcm
        self.budget_scaled = int(Fraction(instance.budget) * self.scale)
        self.cost = [int(Fraction(p.cost) * self.scale) for p in instance.projects]
        index = {pid: i for i, pid in enumerate(self.ids)}
        supporters: list[list[int]] = [[] for _ in self.ids]
        for d, ballot in enumerate(distinct):
            for pid in ballot:
                supporters[index[pid]].append(d)
        self.weights = np.array([counts[b] for b in distinct], dtype=np.int64)
        self.weights_f = self.weights.astype(np.float64)
        self.weights_o = np.array([int(w) for w in self.weights], dtype=object)
        self.supporters = [np.array(s, dtype=np.int64) for s in supporters]
        self.votes = [int(self.weights[s].sum()) if len(s) else 0 for s in self.supporters]
        # Who can be bought: supported and dear. A free project gains its supporters nothing
        # with cost utilities (pabutools leaves it out); with cardinality utilities it is
        # funded before anything else. Satisfaction per supporter: the cost, or 1.
        self.eligible = [i for i in range(len(self.ids)) if self.votes[i] and self.cost[i] > 0]
        self.free = [
            i
            for i in range(len(self.ids))
            if utility is Utility.CARDINALITY and self.votes[i] and self.cost[i] == 0
        ]
        self.satisfaction = [c if utility is Utility.COST else 1 for c in self.cost]
        self.distinct = len(distinct)
        self._fast: FastRuns | None = None

    # -- outcomes -------------------------------------------------------------------------

    def cost_of(self, funded: Iterable[int]) -> int:
        return sum(self.cost[i] for i in funded)

    def exhaustive(self, funded: list[int], cost: int) -> bool:
        """No project that equal shares could buy is left out and would still fit."""
        chosen = set(funded)
        return all(i in chosen or cost + self.cost[i] > self.budget_scaled for i in self.eligible)

    def run(self, k: int, *, track: bool, horizon: int | None = None) -> _Run:
        return _Engine(self, k, track, horizon).run()

    def fast_run(self, k: int) -> list[int] | None:
        """The projects equal shares funds at raise k, in checked floating point (or None)."""
        if self._fast is None:
            # Loaded here, not at the top: numba takes 0.3 s and 120 MB, and only counting
            # (never a page) needs it.
            from grassroots.funding.pb_fast import FastRuns  # noqa: PLC0415

            self._fast = FastRuns(
                weights=[int(w) for w in self.weights],
                supporters=self.supporters,
                cost=self.cost,
                satisfaction=self.satisfaction,
                votes=self.votes,
                ids=self.ids,
                eligible=self.eligible,
                cardinality=self.utility is Utility.CARDINALITY,
                unit=max(self.n, 1),
            )
        return self._fast.run(self.base_share + k * self.grid)

    def result(self, name: str, run: _Run, *, plain: _Run | None, runs: int) -> Result:
        scale = Fraction(self.scale)
        funded = [self.ids[i] for i in self.free] + [self.ids[i] for i in run.funded]
        in_plain = set(plain.funded) if plain is not None else set(run.funded)
        raised = _money(Fraction(run.share * self.n, self.scale))
        explanations: dict[str, Explanation] = {}
        for i, project in enumerate(self.instance.projects):
            base = partial(
                Explanation, project_id=project.id, votes=self.votes[i], cost=project.cost
            )
            if i in self.free:
                explanations[project.id] = base(funded=True, reason=Reason.FUNDED_FREE)
            elif i in run.steps:
                step, t, rho = run.steps[i]
                by_completion = i not in in_plain
                explanations[project.id] = base(
                    funded=True,
                    reason=(
                        Reason.FUNDED_BY_COMPLETION if by_completion else Reason.FUNDED_EQUAL_SHARES
                    ),
                    step=step,
                    rho=rho / scale if self.utility is Utility.CARDINALITY else rho,
                    max_share=_money(t / scale),
                    raised_budget=raised if by_completion else None,
                )
            elif i not in self.eligible:
                explanations[project.id] = base(
                    funded=False, reason=_unsupported(project, self.votes[i])
                )
            elif project.cost > self.instance.budget:
                explanations[project.id] = base(funded=False, reason=Reason.COSTS_MORE_THAN_BUDGET)
            else:
                explanations[project.id] = base(
                    funded=False,
                    reason=Reason.SUPPORTERS_SHORT,
                    supporters_money=_money(run.money_left(i) / scale),
                )
        return Result(
            rule=name,
            funded=tuple(funded),
            explanations=explanations,
            budget=self.instance.budget,
            total_cost=self.instance.cost_of(funded),
            share=_money(Fraction(run.share, self.scale)),
            raised_budget=raised,
            runs=runs,
        )


class _Engine:
    """One run of equal shares at one share, optionally working out where it could change.

    Each voter group (voters with the same ballot) holds money ``(a + b * E) / den`` where E is
    the scaled share: every voter starts with ``E`` (a = 0, b = 1), and paying a share that is
    itself a line in E keeps it a line, as long as the run's choices stay the same. ``den`` is
    kept per group (``step_of``) from a chain where each denominator divides the next.

    With ``track=True`` the run records every comparison it made as a condition "a line in E
    is at least 0" and returns the first raise at which one of them could fail: up to there,
    every run makes the same choices and funds the same projects.
    """

    def __init__(self, setup: _Setup, k: int, track: bool, horizon: int | None = None) -> None:
        self.s = setup
        self.k = k
        self.track = track
        self.share = setup.base_share + k * setup.grid
        # The bounds need only hold up to this raise (the run then reports at most it).
        self.horizon = horizon
        self.far = None if horizon is None else setup.base_share + horizon * setup.grid
        size = setup.distinct
        self.a = np.zeros(size, dtype=object)
        self.b = np.ones(size, dtype=object)
        self.a[:] = 0
        self.b[:] = 1
        # Lower bounds of the money, as lines (used only to bound each payment from above).
        self.la = np.zeros(size, dtype=object)
        self.lb = np.zeros(size, dtype=object)
        self.la[:] = 0
        self.lb[:] = 1
        self.step_of = np.zeros(size, dtype=np.int64)
        self.dens: list[int] = [1]
        self.value = np.full(size, float(self.share))
        self.af = np.zeros(size)
        self.bf = np.ones(size)
        self.next_k = _NEVER
        self.evals: dict[int, _Eval] = {}

    # -- exact money ------------------------------------------------------------------------

    def _exact(self, idx: IntArray, *, lower: bool = False) -> tuple[ObjArray, ObjArray, int]:
        """Exact money lines (upper bounds, or lower ones) of some groups over the newest
        common denominator; both equal the money at this share."""
        den = self.dens[-1]
        factors = np.array([den // d for d in self.dens], dtype=object)
        f = factors[self.step_of[idx]]
        if lower:
            return self.la[idx] * f, self.lb[idx] * f, den
        return self.a[idx] * f, self.b[idx] * f, den

    def _payment_ceiling(
        self, p: int, poor: IntArray, rich: IntArray, t: Fraction
    ) -> tuple[Fraction, Fraction]:
        """An upper bound of p's payment t as a line, valid up to the horizon.

        Money is at least its lower line, and lower lines never fall as the share grows.
        The payment is at most the T that solves: the rich pay T, each poor group pays its
        lower line if that stays at most T up to the horizon, and otherwise what it has now
        (which is less than T, and less than its money later). Lines keep their order over an
        interval if they have it at both ends, so checking at the horizon is enough. When no
        such line falls, t itself bounds the payment (payments only shrink as shares grow).
        """
        s = self.s
        if self.far is None or not len(poor):
            return t, Fraction(0)
        la, lb, den = self._exact(poor, lower=True)
        weights = s.weights_o[poor]
        rich_weight = s.votes[p] - int(s.weights[poor].sum())
        now = la + lb * self.share
        far = self.far
        at_far_lines = la + lb * far
        moving = np.zeros(len(poor), dtype=bool)  # poor groups counted at today's money
        for _ in range(8):
            stay = ~moving
            sum_a = int(np.dot(weights[stay], la[stay])) + int(np.dot(weights[moving], now[moving]))
            sum_b = int(np.dot(weights[stay], lb[stay]))
            ceil_a = Fraction(s.cost[p] * den - sum_a, rich_weight * den)
            ceil_b = Fraction(-sum_b, rich_weight * den)
            if ceil_b >= 0:
                return t, Fraction(0)
            at_far = (ceil_a + ceil_b * far) * den
            crossing = stay & (at_far_lines * at_far.denominator > at_far.numerator).astype(bool)
            if not crossing.any():
                break
            moving |= crossing
        else:
            return t, Fraction(0)
        if moving.any() and max(now[moving]) > at_far:
            return t, Fraction(0)
        return ceil_a, ceil_b

    # -- conditions -------------------------------------------------------------------------

    def _first_grid(self, fa: Fraction, fb: Fraction) -> float:
        """The first raise k at which the line fa + fb * E could be below 0."""
        if fb >= 0:
            return _NEVER
        root = fa / -fb
        k = math.ceil((root - self.s.base_share) / self.s.grid)
        return float(min(k, 2**62))

    def _grid_bounds(
        self, fa: FloatArray, fb: FloatArray, ea: FloatArray, eb: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Bounds (low, high) on the first raise at which each line fa + fb*E could be < 0.

        The lines hold at this share; ea and eb bound the float errors of fa and fb. The
        true first raise lies between the two bounds (inf: never).
        """
        base, grid = float(self.s.base_share), float(self.s.grid)
        low_slope = fb - eb
        high_slope = fb + eb
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            root_lo = np.where(low_slope < 0, (fa - ea) / -low_slope, np.inf)
            root_hi = np.where(high_slope < 0, (fa + ea) / -high_slope, np.inf)
            x_lo = (root_lo - base) / grid
            x_hi = (root_hi - base) / grid
            k_lo = np.ceil(x_lo - 1e-9 * (1 + np.abs(x_lo)))
            k_hi = np.ceil(x_hi + 1e-9 * (1 + np.abs(x_hi)))
        never = low_slope >= 0
        k_lo = np.where(never, np.inf, np.where(np.isnan(k_lo), -np.inf, k_lo))
        k_hi = np.where(never | np.isnan(k_hi), np.inf, k_hi)
        return k_lo, k_hi

    def _conditions(
        self,
        fa: FloatArray,
        fb: FloatArray,
        ea: FloatArray,
        eb: FloatArray,
        exact: Callable[[int], tuple[Fraction, Fraction]],
    ) -> None:
        """Lines fa + fb*E >= 0 (with absolute errors ea, eb) that hold at this share.

        Floats bound where each line could first fail; a bound that falls either side of a
        grid point, or a slope whose sign is unsure, is worked out exactly.
        """
        if not len(fa):
            return
        k_lo, k_hi = self._grid_bounds(fa, fb, ea, eb)
        sure = k_lo == k_hi
        if sure.any():
            self.next_k = min(self.next_k, float(np.min(np.where(sure, k_lo, np.inf))))
        for j in np.flatnonzero(~sure & (k_lo < self.next_k)):
            self.next_k = min(self.next_k, self._first_grid(*exact(int(j))))

    def _out_of_reach(
        self,
        reach: FloatArray,
        cheaper: FloatArray,
        exact: Callable[[int], tuple[Fraction, Fraction]],
    ) -> None:
        """Projects that cannot be afforded now: each is harmless while it stays out of reach
        (``reach``: cost minus money, a line > 0 now) or costs more per unit of satisfaction
        than the chosen project (``cheaper``: its rho's lower bound minus the chosen rho).

        Rows are lines (a, b, error of a, error of b). The first raise where both could fail
        is bounded from below; the reach line is worked out exactly when its bound is unsure.
        """
        if not len(reach):
            return
        base, grid = float(self.s.base_share), float(self.s.grid)
        k1_lo, k1_hi = self._grid_bounds(reach[:, 0], reach[:, 1], reach[:, 2], reach[:, 3])
        ga, gb, gea, geb = cheaper[:, 0], cheaper[:, 1], cheaper[:, 2], cheaper[:, 3]
        now = ga + gb * float(self.share)
        now_err = gea + geb * float(self.share)
        holds_now = now - now_err >= 0
        fails_now = now + now_err < 0
        rising = gb - geb > 0
        falling = gb + geb < 0
        flat_or_rising = gb - geb >= 0
        k2_lo, _ = self._grid_bounds(ga, gb, gea, geb)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            back = (-ga + gea) / (gb - geb)  # the latest it could be cheaper again
            x = (back - base) / grid
            k_back = np.ceil(x + 1e-9 * (1 + np.abs(x)))
        k_back = np.where(np.isnan(k_back), np.inf, k_back)

        def combine(k1: FloatArray) -> FloatArray:
            return np.where(
                holds_now & flat_or_rising,
                np.inf,
                np.where(
                    falling,
                    np.maximum(k1, np.where(fails_now, -np.inf, k2_lo)),
                    np.where(rising & fails_now & (k1 >= k_back), np.inf, k1),
                ),
            )

        found = combine(k1_lo)
        sure = (k1_lo == k1_hi) | (found == np.inf)
        if sure.any():
            self.next_k = min(self.next_k, float(np.min(np.where(sure, found, np.inf))))
        for j in np.flatnonzero(~sure & (found < self.next_k)):
            k1 = np.array([self._first_grid(*exact(int(j)))])
            row = combine(np.full(len(reach), k1[0]))[j]
            self.next_k = min(self.next_k, float(row))

    # -- one project ------------------------------------------------------------------------

    def _evaluate(self, p: int) -> tuple[_Eval, bool]:
        """Float payment of project p from the current money, and whether it is affordable.

        For an unaffordable project the payment is what it would be were it just affordable;
        its line is still a lower bound of its rho for larger shares where it is affordable.
        """
        s = self.s
        idx = s.supporters[p]
        values = self.value[idx]
        weights = s.weights_f[idx]
        cost = float(s.cost[p])
        available = float(np.dot(weights, values))
        if available < cost * (1 - _TOL):
            affordable = False
        elif available > cost * (1 + _TOL):
            affordable = True
        else:
            a, b, den = self._exact(idx)
            money = int(np.dot(s.weights_o[idx], a + b * self.share))
            affordable = money >= s.cost[p] * den
        order = np.argsort(values, kind="stable")
        sorted_values = values[order]
        sorted_weights = weights[order]
        paid = np.cumsum(sorted_weights * sorted_values)
        before = np.concatenate(([0.0], paid[:-1]))
        counted = np.cumsum(sorted_weights)
        rich = float(s.votes[p]) - np.concatenate(([0.0], counted[:-1]))
        shares = (cost - before) / rich
        # Any split gives a lower bound of the payment; the right one gives the largest.
        j = int(np.argmax(shares))
        t = float(shares[j])
        util = float(s.satisfaction[p])
        rich_weight = s.votes[p] - int(s.weights[idx[order[:j]]].sum())
        line = (0.0, 0.0, 0.0, 0.0)
        if self.track:
            poor = idx[order[:j]]
            w = s.weights_f[poor]
            sum_a = float(np.dot(w, self.af[poor]))
            sum_b = float(np.dot(w, self.bf[poor]))
            abs_a = float(np.dot(w, np.abs(self.af[poor])))
            abs_b = float(np.dot(w, np.abs(self.bf[poor])))
            scale = rich_weight * util
            err = 4 * (j + 8) * _ULP
            line = (
                (cost - sum_a) / scale,
                -sum_b / scale,
                err * (cost + abs_a) / scale,
                err * abs_b / scale,
            )
        ev = _Eval(order=idx[order], poor=j, rich_weight=rich_weight, rho=t / util, line=line)
        return ev, affordable

    def _reach_line(self, p: int) -> tuple[float, float, float, float]:
        """Cost minus the supporters' money, as a line with its float errors."""
        s = self.s
        idx = s.supporters[p]
        w = s.weights_f[idx]
        err = 4 * (len(idx) + 8) * _ULP
        return (
            float(s.cost[p]) - float(np.dot(w, self.af[idx])),
            -float(np.dot(w, self.bf[idx])),
            err * (float(s.cost[p]) + float(np.dot(w, np.abs(self.af[idx])))),
            err * float(np.dot(w, np.abs(self.bf[idx]))),
        )

    def _reach_exact(self, p: int) -> tuple[Fraction, Fraction]:
        s = self.s
        idx = s.supporters[p]
        a, b, den = self._exact(idx)
        wo = s.weights_o[idx]
        return (
            Fraction(s.cost[p]) - Fraction(int(np.dot(wo, a)), den),
            -Fraction(int(np.dot(wo, b)), den),
        )

    def _removal_conditions(self, projects: list[int]) -> None:
        """At the end nothing else can be bought: each project left stays out of reach."""
        if not projects:
            return
        table = np.array([self._reach_line(p) for p in projects], dtype=np.float64)
        self._conditions(
            table[:, 0],
            table[:, 1],
            table[:, 2],
            table[:, 3],
            lambda i: self._reach_exact(projects[i]),
        )

    def _exact_payment(
        self, p: int, ev: _Eval
    ) -> tuple[Fraction, Fraction, IntArray, IntArray, ObjArray, ObjArray, int]:
        """The exact share t the rich supporters of p pay, as a line T_a + T_b * E.

        Returns (T_a, T_b, poor groups, rich groups, their a and b over den, den). The float
        split into poor and rich is checked exactly, and worked out exactly if it was wrong.
        """
        s = self.s
        idx = ev.order
        a, b, den = self._exact(idx)
        values = a + b * self.share
        weights = s.weights_o[idx]
        cost = s.cost[p] * den
        j = ev.poor

        def split_ok(j: int) -> tuple[bool, int, int]:
            paid = int(np.dot(weights[:j], values[:j])) if j else 0
            rich = s.votes[p] - int(s.weights[idx[:j]].sum())
            if rich <= 0:
                return False, paid, rich
            need = cost - paid  # t * rich * den
            ok = (j == 0 or max(values[:j]) * rich <= need) and min(values[j:]) * rich >= need
            return ok, paid, rich

        ok, paid, rich = split_ok(j)
        if not ok:
            # Floats misjudged the split: sort exactly and scan as the definition says.
            order = sorted(range(len(idx)), key=lambda i: values[i])
            perm = np.array(order, dtype=np.int64)
            idx, a, b, values, weights = idx[perm], a[perm], b[perm], values[perm], weights[perm]
            paid, remaining = 0, s.votes[p]
            j = 0
            while j < len(idx):
                if cost - paid <= values[j] * remaining:
                    break
                paid += int(weights[j] * values[j])
                remaining -= int(s.weights[idx[j]])
                j += 1
            rich = remaining
        sum_a = int(np.dot(weights[:j], a[:j])) if j else 0
        sum_b = int(np.dot(weights[:j], b[:j])) if j else 0
        t_a = Fraction(cost - sum_a, rich * den)
        t_b = Fraction(-sum_b, rich * den)
        return t_a, t_b, idx[:j], idx[j:], a, b, den

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> _Run:
        s = self.s
        remaining = set(s.eligible)  # not bought, and not yet found unaffordable
        rivals = set(s.eligible)  # not bought
        # A lower bound of each project's rho: its cost over its supporters' full shares.
        bound = {p: s.cost[p] / s.votes[p] / s.satisfaction[p] for p in remaining}
        lines: dict[int, tuple[float, float, float, float]] = {
            p: (bound[p], 0.0, 4 * _ULP * bound[p], 0.0) for p in remaining
        }
        reach: dict[int, tuple[float, float, float, float]] = {}
        funded: list[int] = []
        steps: dict[int, tuple[int, Fraction, Fraction]] = {}
        while remaining:
            best = math.inf
            fresh: list[int] = []
            for p in sorted(remaining, key=lambda q: (bound[q], s.ids[q])):
                if bound[p] > best * (1 + _TOL):
                    break
                ev, affordable = self._evaluate(p)
                self.evals[p] = ev
                lines[p] = ev.line
                if not affordable:  # money only shrinks: it never will be in this run
                    remaining.discard(p)
                    if self.track:
                        # Money at later steps is less, so this stays an upper bound.
                        reach[p] = self._reach_line(p)
                    continue
                bound[p] = ev.rho
                fresh.append(p)
                best = min(best, ev.rho)
            if not fresh:
                break
            candidates = [p for p in fresh if bound[p] <= best * (1 + _TOL)]
            chosen: tuple[Fraction, str, int] | None = None
            payments = {}
            for p in candidates:
                payment = self._exact_payment(p, self.evals[p])
                payments[p] = payment
                t_a, t_b = payment[0], payment[1]
                rho = (t_a + t_b * self.share) / s.satisfaction[p]
                if chosen is None or (rho, s.ids[p]) < (chosen[0], chosen[1]):
                    chosen = (rho, s.ids[p], p)
            assert chosen is not None
            rho, _, p = chosen
            t_a, t_b, poor, rich, a, b, den = payments[p]
            t = t_a + t_b * self.share
            remaining.discard(p)
            rivals.discard(p)
            ceiling = (t, Fraction(0))
            if self.track:
                ceiling = self._payment_ceiling(p, poor, rich, t)
                util = s.satisfaction[p]
                self._choice_conditions(
                    (ceiling[0] / util, ceiling[1] / util), rivals, lines, reach
                )
            self._pay(t_a, t_b, poor, rich, a, b, den, ceiling)
            self.evals.pop(p, None)
            funded.append(p)
            steps[p] = (len(funded), t, rho)
        if self.track:
            self._removal_conditions(sorted(rivals))
        if self.horizon is not None:
            self.next_k = min(self.next_k, float(self.horizon))
        next_k = None
        if self.track and self.next_k != _NEVER:
            next_k = max(self.k + 1, int(self.next_k))
        return _Run(
            k=self.k,
            share=self.share,
            funded=funded,
            steps=steps,
            next_k=next_k,
            money_left=self._money_left,
        )

    def _money_left(self, p: int) -> Fraction:
        idx = self.s.supporters[p]
        a, b, den = self._exact(idx)
        return Fraction(int(np.dot(self.s.weights_o[idx], a + b * self.share)), den)

    def _pay(
        self,
        t_a: Fraction,
        t_b: Fraction,
        poor: IntArray,
        rich: IntArray,
        a: ObjArray,
        b: ObjArray,
        den: int,
        ceiling: tuple[Fraction, Fraction],
    ) -> None:
        """The poor supporters pay all they have; the rich pay t each.

        Each group's money stays exact at this share. As a line it becomes an upper bound for
        larger shares (while the run's choices stay the same, money only grows with the share
        and every payment t only shrinks): what is left is max(0, x) with x = money - T, where
        T is the payment's lower-bound line, and max(0, x) is bounded by x or by its value now
        (whichever grows), or by 0 or a line from 0 now (for the poor, whose x is <= 0 now).
        """
        rich_lower = self._exact(rich, lower=True)[:2] if self.track else None
        new_den = den
        for d in (t_a.denominator, t_b.denominator, ceiling[0].denominator, ceiling[1].denominator):
            new_den = new_den * d // math.gcd(new_den, d)
        up = new_den // den
        far = self.far
        base_den = new_den
        step = len(self.dens)
        self.dens.append(new_den)
        shift_a = t_a.numerator * (base_den // t_a.denominator)
        shift_b = t_b.numerator * (base_den // t_b.denominator)
        groups = np.concatenate((poor, rich))
        x_a = a * up - shift_a
        x_b = b * up - shift_b
        share = self.share
        j = len(poor)
        new_a = x_a.copy()
        new_b = x_b.copy()
        is_poor = np.arange(len(groups)) < j
        rising = (x_b > 0).astype(bool)
        if far is not None:
            # Still nothing left at the horizon, so nothing up to it.
            rising &= ~(is_poor & ((x_a + x_b * far) <= 0).astype(bool))
        # The poor have nothing left now, and at most x's growth from now on.
        nothing = is_poor & ~rising
        new_a[nothing] = 0
        new_b[nothing] = 0
        growing = is_poor & rising
        new_a[growing] = -x_b[growing] * share
        # The rich keep x, or at most what is left now if x falls.
        falling = ~is_poor & (x_b < 0).astype(bool)
        new_a[falling] = x_a[falling] + x_b[falling] * share
        new_b[falling] = 0
        if self.track:
            # Lower lines: the poor keep at least 0, the rich at least lower - ceiling.
            assert rich_lower is not None
            la, lb = rich_lower
            c_a, c_b = ceiling
            self.la[poor] = 0
            self.lb[poor] = 0
            self.la[rich] = la * up - c_a.numerator * (base_den // c_a.denominator)
            self.lb[rich] = lb * up - c_b.numerator * (base_den // c_b.denominator)
        self.a[groups] = new_a
        self.b[groups] = new_b
        self.step_of[groups] = step
        self.value[poor] = 0.0
        self.value[rich] = _floats(new_a[j:] + new_b[j:] * share, new_den)
        self.af[groups] = _floats(new_a, new_den)
        self.bf[groups] = _floats(new_b, new_den)

    def _choice_conditions(
        self,
        rho: tuple[Fraction, Fraction],
        rivals: set[int],
        lines: dict[int, tuple[float, float, float, float]],
        reach: dict[int, tuple[float, float, float, float]],
    ) -> None:
        """Conditions under which p is still the one chosen in this step.

        ``rho`` is a line that bounds the chosen project's rho from above for larger shares;
        every other project's rho stays above its lower-bound line. While each line stays
        above ``rho``, p is still chosen (strictly above for a smaller id, which would win a
        tie). A project that cannot be afforded now is also harmless while out of reach.
        """
        s = self.s
        rho_a, rho_b = rho
        ra, rb = float(rho_a), float(rho_b)

        def cheaper_lines(qs: list[int]) -> FloatArray:
            table = np.array([lines[q] for q in qs], dtype=np.float64).reshape(-1, 4)
            out = table.copy()
            out[:, 0] = table[:, 0] - ra
            out[:, 1] = table[:, 1] - rb
            out[:, 2] = table[:, 2] + 4 * _ULP * (abs(ra) + np.abs(table[:, 0]))
            out[:, 3] = table[:, 3] + 4 * _ULP * (abs(rb) + np.abs(table[:, 1]))
            return out

        def rival_exact(q: int) -> tuple[Fraction, Fraction]:
            ev = self.evals.get(q)
            idx = ev.order if ev is not None else s.supporters[q]
            cut = ev.poor if ev is not None else 0
            qa, qb, qden = self._exact(idx[:cut])
            weights = s.weights_o[idx[:cut]]
            rich_weight = s.votes[q] - int(s.weights[idx[:cut]].sum())
            scale = rich_weight * s.satisfaction[q]
            line_a = Fraction(s.cost[q]) - Fraction(int(np.dot(weights, qa)) if cut else 0, qden)
            line_b = -Fraction(int(np.dot(weights, qb)) if cut else 0, qden)
            return line_a / scale - rho_a, line_b / scale - rho_b

        open_ = sorted(q for q in rivals if q not in reach)
        if open_:
            g = cheaper_lines(open_)
            self._conditions(g[:, 0], g[:, 1], g[:, 2], g[:, 3], lambda i: rival_exact(open_[i]))
        closed = sorted(q for q in rivals if q in reach)
        if closed:
            table = np.array([reach[q] for q in closed], dtype=np.float64).reshape(-1, 4)
            self._out_of_reach(table, cheaper_lines(closed), lambda i: self._reach_exact(closed[i]))


# ---------------------------------------------------------------------------------------------
# Helpers


def _floats(numerators: ObjArray, den: int) -> FloatArray:
    """numerators / den as floats, within a few units in the last place.

    Dividing big integers exactly is slow; dropping the same low bits from both first
    keeps 900 bits of the denominator, far more than a float holds.
    """
    drop = max(0, den.bit_length() - 900)
    if drop:
        numerators = numerators >> drop
        den >>= drop
    return np.array(numerators, dtype=np.float64) / float(den)


def _check_money(amount: object, what: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int | Fraction):
        raise InvalidElection(f"{what} must be a whole number or a fraction, not {amount!r}.")
    if amount < 0:
        raise InvalidElection(f"{what} cannot be negative.")


def _check_ballots(instance: Instance, profile: Profile) -> None:
    for number, ballot in enumerate(profile.ballots, start=1):
        for pid in ballot:
            if pid not in instance:
                raise InvalidElection(
                    f"Ballot {number} approves project {pid}, which is not listed."
                )


def _money(amount: Fraction | int) -> Money:
    amount = Fraction(amount)
    return amount.numerator if amount.denominator == 1 else amount


def show_money(amount: Money, currency: str = "") -> str:
    amount = Fraction(amount)
    whole = amount.denominator == 1
    text = f"{amount.numerator:,}" if whole else f"{float(amount):,.2f}"
    return f"{text} {currency}".strip() if currency else text


def _show_rho(rho: Fraction | None) -> str:
    if rho is None:
        return "-"
    return f"{float(rho):.6g}"


def _unsupported(project: Project, votes: int) -> Reason:
    if votes == 0:
        return Reason.NO_SUPPORTERS
    return Reason.NO_UTILITY


def _in_instance_order(
    instance: Instance, explanations: dict[str, Explanation]
) -> dict[str, Explanation]:
    return {p.id: explanations[p.id] for p in instance.projects}
