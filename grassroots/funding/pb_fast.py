"""A fast, self-checking run of the Method of Equal Shares in floating point (issue 12).

The add-one completion runs equal shares at many shares; on some real elections the outcome
changes at nearly every raise, so hundreds of runs are needed. The exact engine in ``pb``
takes about 0.1 s a run. This module runs the same rule in compiled floating point (numba)
in about a millisecond, and **proves each of its decisions** on the way: it keeps a bound on
the error of every voter's money, and every comparison (can a project be afforded, which
project is cheapest per unit of satisfaction) must be decided with that error allowed for.
When a decision is too close to call in floats, the run says so and the caller uses the
exact engine for that share instead. A run that says it is sure funds exactly what the exact
engine funds, in the same order.

Ties that floats cannot see are still decided here where they can be decided exactly:

- two projects with the same cost and the same supporters always cost their supporters the
  same, so the smaller id wins (the reference's tie-breaking);
- when every supporter of both projects can pay an equal part of the cost, a project's cost
  per unit of satisfaction is ``1 / votes`` (cost utilities) or ``cost / votes``
  (cardinality), compared on integers.

Bounds used (money in the scaled units of ``pb._Setup``; ``err[g]`` bounds the error of
group g's money, and starts at the rounding of the share):

- the supporters' money ``S = sum(w * m)`` is within ``sum(w * err) + r`` of the true sum
  (``r`` bounds the rounding of a sum of that many terms);
- the payment ``t`` solves ``sum(w * min(m, t)) = cost``. When every group that pays all it
  has is surely below ``t - e`` and every other group surely above ``t + e``, the true
  payment is within ``e = (errors of the first groups + r) / (weight of the others)``: over
  ``[t - e, t + e]`` the sum moves by that weight times the distance. Otherwise the payment's
  error is bounded the same way over the groups surely richer than it, or the run gives up;
- after paying, a group that surely paid all it had holds exactly nothing; any other holds
  its money less ``t``, within its own error plus ``e`` plus one rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit
from scipy import sparse

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_ULP = 2.0**-52
# Every rounding bound is multiplied by this: the analysis above counts roundings loosely.
_SAFETY = 8.0


# What evaluating a project can find.
_AFFORDABLE, _UNAFFORDABLE, _UNSURE = 0, 1, 2


@njit(cache=True, nogil=True)
def _payment(
    p: int,
    money: FloatArray,
    err: FloatArray,
    weights: FloatArray,
    indptr: IntArray,
    groups: IntArray,
    cost: FloatArray,
    votes: FloatArray,
    ulp: float,
) -> tuple[int, float, float, bool]:
    """(what was found, the payment t each richer supporter makes, its error, all rich).

    Water-filling: the poorest pay all they have, the rest pay t each, with t found by
    Newton's method on the concave ``sum(w * min(m, t))`` from below (each pass fixes who
    pays in full; no sorting). A pass that finds each group surely on its side of the next
    t, by more than t's error, has found the payment, and its error is known at once.
    """
    start, stop = indptr[p], indptr[p + 1]
    size = stop - start
    c = cost[p]
    g = 2.0 * (size + 4) * ulp
    t = c / votes[p]
    total = 0.0
    total_err = 0.0
    for n in range(size + 2):
        paid = 0.0  # by the groups with at most t, who pay all they have
        paid_err = 0.0  # the errors of their money
        rich = 0.0  # the weight of the others
        most_poor = -np.inf  # the most money (with its error) among those paying all
        least_rich = np.inf  # the least money (less its error) among the others
        for i in range(start, stop):
            gi = groups[i]
            m, w, e = money[gi], weights[gi], err[gi]
            if n == 0:
                total += w * m
                total_err += w * e
            if m <= t:
                paid += w * m
                paid_err += w * e
                most_poor = max(most_poor, m + e)
            else:
                rich += w
                least_rich = min(least_rich, m - e)
        if n == 0:
            total_err += g * (total + c)
            if total + total_err < c:
                return _UNAFFORDABLE, 0.0, 0.0, False
            if total - total_err < c:
                return _UNSURE, 0.0, 0.0, False
            if most_poor == -np.inf and least_rich > t * (1.0 + 2.0 * ulp):
                return _AFFORDABLE, t, t * 2.0 * ulp, True  # all pay the same
        if rich <= 0.0:
            return _UNSURE, 0.0, 0.0, False
        following = (c - paid) / rich
        t_err = (paid_err + g * (c + total)) / rich + following * 2.0 * ulp
        if following >= t and most_poor < following - t_err < following + t_err < least_rich:
            return _AFFORDABLE, following, t_err, False
        if following <= t:  # no further progress in floats: check t below
            break
        t = following
    # How far t can be from the truth: the sum's miss at t (with its rounding), plus the
    # errors of the groups that might pay less than t, over the weight of the groups surely
    # richer than t by more than that (the margin that says "surely richer" must cover it).
    margin = t * 2.0**-30
    t_err = np.inf
    for _ in range(3):
        spread = g * (c + total)
        reached = 0.0
        sure = 0.0
        for i in range(start, stop):
            gi = groups[i]
            reached += weights[gi] * min(money[gi], t)
            if money[gi] - err[gi] > t + margin:
                sure += weights[gi]
            else:
                spread += weights[gi] * err[gi]
        spread += abs(reached - c)
        if sure > 0.0:
            t_err = spread / sure + t * ulp
        if t_err <= margin:
            return _AFFORDABLE, t, t_err, False
        margin = 2.0 * t_err
    return _UNSURE, 0.0, 0.0, False


@njit(cache=True, nogil=True)
def _run(
    share: float,
    weights: FloatArray,
    indptr: IntArray,
    groups: IntArray,
    overlap: npt.NDArray[np.bool_],
    cost: FloatArray,
    satisfaction: FloatArray,
    votes: FloatArray,
    rank: IntArray,
    twin: IntArray,
    key_num: IntArray,
    key_den: IntArray,
    exact_keys: bool,
    eligible: IntArray,
) -> tuple[IntArray, int, bool]:
    """Equal shares at one share: (funded projects in order, how many, sure)."""
    ulp = _ULP * _SAFETY
    money = np.full(weights.shape[0], share)
    err = np.full(weights.shape[0], share * ulp)  # a bound of each group's money error
    n_projects = cost.shape[0]
    lower = np.full(n_projects, np.inf)  # a lower bound of each project's rho; inf: out
    # A project none of whose supporters has paid since it was evaluated keeps its figures.
    fresh = np.zeros(n_projects, dtype=np.bool_)
    rhos = np.zeros(n_projects)
    rho_errs = np.zeros(n_projects)
    payments = np.zeros(n_projects)
    payment_errs = np.zeros(n_projects)
    all_rich = np.zeros(n_projects, dtype=np.bool_)
    for p in eligible:
        lower[p] = cost[p] / votes[p] / satisfaction[p] * (1.0 - 4.0 * ulp)
    funded = np.empty(eligible.shape[0], dtype=np.int64)
    n_funded = 0
    while True:
        best = -1
        for p in np.argsort(lower):
            if lower[p] == np.inf:
                break
            if best >= 0 and lower[p] > rhos[best] + rho_errs[best]:
                break
            if not fresh[p]:
                found, t, t_err, rich = _payment(
                    p, money, err, weights, indptr, groups, cost, votes, ulp
                )
                if found == _UNSURE:
                    return funded, n_funded, False
                if found == _UNAFFORDABLE:  # money only shrinks: it never will be
                    lower[p] = np.inf
                    continue
                fresh[p] = True
                payments[p], payment_errs[p], all_rich[p] = t, t_err, rich
                rhos[p] = t / satisfaction[p]
                rho_errs[p] = t_err / satisfaction[p] + rhos[p] * 2.0 * ulp
                lower[p] = rhos[p] - rho_errs[p]
            if best < 0 or rhos[p] + rho_errs[p] < rhos[best] - rho_errs[best]:
                best = p
            elif rhos[p] - rho_errs[p] > rhos[best] + rho_errs[best]:
                continue
            elif twin[p] == twin[best]:
                if rank[p] < rank[best]:
                    best = p
            elif exact_keys and all_rich[p] and all_rich[best]:
                left = key_num[p] * key_den[best]
                right = key_num[best] * key_den[p]
                if left < right or (left == right and rank[p] < rank[best]):
                    best = p
            else:
                return funded, n_funded, False  # a near tie floats cannot settle
        if best < 0:
            break
        t, t_err = payments[best], payment_errs[best]
        for i in range(indptr[best], indptr[best + 1]):
            gi = groups[i]
            m = money[gi]
            if m + err[gi] <= t - t_err:
                money[gi] = 0.0  # surely pays all it has: exactly nothing is left
                err[gi] = 0.0
            else:
                money[gi] = max(m - t, 0.0)
                err[gi] += t_err + m * ulp
        for q in range(n_projects):
            if overlap[best, q]:
                fresh[q] = False
        lower[best] = np.inf
        funded[n_funded] = best
        n_funded += 1
    return funded, n_funded, True


class FastRuns:
    """The election laid out for ``_run``: built once, then run at any share."""

    def __init__(
        self,
        *,
        weights: list[int],
        supporters: list[IntArray],
        cost: list[int],
        satisfaction: list[int],
        votes: list[int],
        ids: list[str],
        eligible: list[int],
        cardinality: bool,
        unit: int,
    ) -> None:
        """``cost`` and ``satisfaction`` in scaled units; ``unit`` scaled units make the
        smallest unit of the costs (so ``cost // unit`` is an exact integer)."""
        self.weights = np.array(weights, dtype=np.float64)
        sizes = [len(s) for s in supporters]
        self.indptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.groups = (
            np.concatenate(supporters).astype(np.int64) if supporters else np.zeros(0, np.int64)
        )
        self.cost = np.array(cost, dtype=np.float64)
        self.satisfaction = np.array([max(s, 1) for s in satisfaction], dtype=np.float64)
        self.votes = np.array([max(v, 1) for v in votes], dtype=np.float64)
        self.rank = np.empty(len(ids), dtype=np.int64)
        for position, i in enumerate(sorted(range(len(ids)), key=lambda i: ids[i])):
            self.rank[i] = position
        twins: dict[tuple[int, bytes], int] = {}
        self.twin = np.array(
            [twins.setdefault((cost[i], supporters[i].tobytes()), i) for i in range(len(ids))],
            dtype=np.int64,
        )
        # rho of a project every supporter can pay in full: 1 / votes, or cost / votes.
        whole = [c // unit for c in cost]
        numerators = whole if cardinality else [1] * len(cost)
        self.key_num = np.array(numerators, dtype=np.int64)
        self.key_den = np.array(votes, dtype=np.int64)
        largest = max(numerators, default=1) * max(votes, default=1)
        self.exact_keys = largest < 2**62 and all(c % unit == 0 for c in cost)
        self.eligible = np.array(eligible, dtype=np.int64)
        # Which projects share a supporter (paying for one changes the other's figures).
        # (Sparse, so that no multi-threaded matrix product runs for a small table.)
        incidence = sparse.csr_array(
            (np.ones(len(self.groups), dtype=np.int32), self.groups, self.indptr),
            shape=(len(ids), len(weights)),
        )
        self.overlap = (incidence @ incidence.T).toarray() > 0

    def run(self, share: int) -> list[int] | None:
        """The funded projects in the order bought, or None when floats could not be sure."""
        args: tuple[Any, ...] = (
            float(share),
            self.weights,
            self.indptr,
            self.groups,
            self.overlap,
            self.cost,
            self.satisfaction,
            self.votes,
            self.rank,
            self.twin,
            self.key_num,
            self.key_den,
            self.exact_keys,
            self.eligible,
        )
        funded, count, sure = _run(*args)
        if not sure:
            return None
        return [int(p) for p in funded[:count]]


def prepare() -> None:
    """Load the compiled runs (compiling them the first time, a few seconds) ahead of use."""
    one = np.zeros(1, dtype=np.int64)
    FastRuns(
        weights=[1],
        supporters=[one],
        cost=[1],
        satisfaction=[1],
        votes=[1],
        ids=["a"],
        eligible=[0],
        cardinality=False,
        unit=1,
    ).run(1)
