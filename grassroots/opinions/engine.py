"""The opinion-map engine: groups of like-minded participants, and what each group and everyone
agrees on, computed from agree / disagree / pass votes the way Polis computes its maps.

Pure numpy, scipy and scikit-learn; nothing here knows about Django. The steps:

1. **Who is in.** A participant joins the computation once they have voted on
   min(7, number of statements) statements and stays in from then on (`State` remembers who is
   in). If fewer than 15 are in, the heaviest voters are added until there are 15.
2. **Projection.** Each statement is centred on the mean of the votes actually cast on it, so a
   statement someone has not seen counts as "no opinion" (zero after centring), never as
   disagreement. The centred matrix has exactly the same cells as the votes, so it stays sparse,
   and its top two right singular vectors (scipy's sparse `svds`) are the principal components.
   A participant's position is their centred votes projected on those two axes, scaled by
   sqrt(number of statements / number of their votes), which pushes people who saw only a few
   statements out from the centre as far as their votes would if they had seen them all.
3. **Base clusters.** k-means with about 100 clusters over the positions of the participants who
   are in, started from last run's clusters (recentred on their members' new positions).
4. **Groups.** Size-weighted k-means over the base-cluster centres for k = 2..5 (fewer for small
   conversations); the k with the best silhouette on those centres wins, but the map switches to
   a new k only after it has won 4 recomputations running (`State` keeps the count). Each
   participant then joins the group whose centre is nearest (Polis keeps whole base clusters
   together; with thousands of participants a base cluster can straddle two groups, and this
   one step puts its members right at the cost of a pass over the positions). New groups
   are matched to last run's by how many members they share (Hungarian assignment), so a group
   keeps its id from one run to the next.
5. **Statements.** For each group, its representative statements: where it agrees (or
   disagrees) more than the rest, with pseudocounts, a ratio and two one-sided z-tests, kept
   when both pass at 90 %. Consensus statements: agreed (or disagreed) by a majority of every
   group, significantly, ranked by the product of the groups' agreement probabilities.
6. **What to show next** (`next_statement`): a weighted draw among the statements a participant
   has not voted on, favouring statements with few votes, few passes, and statements that
   separate the groups.

Results depend on the votes, not on the order participants or statements are stored in, and are
deterministic for a seed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.linalg import svds
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
SparseMatrix: TypeAlias = sp.csr_array
Direction: TypeAlias = Literal["agree", "disagree"]

AGREE = 1
PASS = 0
DISAGREE = -1

#: A participant is in once they have voted on this many statements (or on all, if fewer).
MIN_VOTES = 7
#: At least this many participants are kept in (the heaviest voters are added).
MIN_PARTICIPANTS = 15
#: Number of base clusters (fewer when there are fewer distinct positions).
BASE_CLUSTERS = 100
#: Largest number of groups.
MAX_GROUPS = 5
#: A new number of groups must win this many recomputations running before the map switches.
K_BUFFER = 4
#: One-sided z for 90 % confidence.
Z_90 = 1.2816
#: Statements kept per group, and consensus statements kept per direction.
PICK_MAX = 5
#: Iterations for the k-means steps.
KMEANS_ITERATIONS = 100
#: Below this many cells, the projection uses a dense SVD (exact and quick for small maps).
DENSE_SVD_CELLS = 2_000_000


@dataclass(frozen=True)
class State:
    """What one run hands the next: who is in, where the clusters were, how groups were labelled.

    Arrays are indexed by participant (or statement) index; a later run may have more of either.
    """

    in_conversation: BoolArray
    components: FloatArray  # 2 x statements: last run's principal axes
    base_cluster: IntArray  # per participant, -1 when not in
    base_centres: FloatArray  # base clusters x 2
    group: IntArray  # per participant, the group id, -1 when not in a group
    group_centres: dict[int, FloatArray] = field(default_factory=dict)  # k -> k x 2 centres
    last_k: int = 0  # the k that won the last run's silhouette contest
    last_k_count: int = 0  # how many runs running it has won
    smoothed_k: int = 0  # the k in use
    next_group_id: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain lists and numbers (for JSON storage)."""
        return {
            "in_conversation": self.in_conversation.astype(int).tolist(),
            "components": self.components.tolist(),
            "base_cluster": self.base_cluster.tolist(),
            "base_centres": self.base_centres.tolist(),
            "group": self.group.tolist(),
            "group_centres": {str(k): c.tolist() for k, c in self.group_centres.items()},
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
            "next_group_id": self.next_group_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        """The inverse of `as_dict`."""
        return cls(
            in_conversation=np.asarray(data["in_conversation"], dtype=bool),
            components=np.asarray(data["components"], dtype=np.float64).reshape(2, -1),
            base_cluster=np.asarray(data["base_cluster"], dtype=np.int64),
            base_centres=np.asarray(data["base_centres"], dtype=np.float64).reshape(-1, 2),
            group=np.asarray(data["group"], dtype=np.int64),
            group_centres={
                int(k): np.asarray(c, dtype=np.float64).reshape(-1, 2)
                for k, c in data["group_centres"].items()
            },
            last_k=int(data["last_k"]),
            last_k_count=int(data["last_k_count"]),
            smoothed_k=int(data["smoothed_k"]),
            next_group_id=int(data["next_group_id"]),
        )


@dataclass(frozen=True)
class StatementStat:
    """How one group (or, for consensus, every group) voted on one statement.

    `n_success` of the group's `n_trials` votes went `direction`; `p_success` is that share with
    a pseudocount ((n + 1) / (trials + 2)) and `p_test` its z against an even split. For a
    representative statement, `repness` is p_success over the same share among everyone else
    in a group, and `repness_test` the z of that difference. For a consensus statement both are
    the product of the groups' p_success (Polis's group-aware consensus) and the smallest of the
    groups' p_test.
    """

    statement: int
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float


@dataclass(frozen=True)
class Group:
    id: int
    size: int  # participants in the group
    x: float  # the size-weighted centre of its base clusters
    y: float
    representative: tuple[StatementStat, ...]


@dataclass(frozen=True)
class Result:
    """One computation of a map. Participant arrays are indexed by participant index."""

    x: FloatArray
    y: FloatArray
    n_votes: IntArray
    in_conversation: BoolArray
    base_cluster: IntArray  # -1 when not in
    group: IntArray  # group id, -1 when not in a group
    groups: tuple[Group, ...]
    consensus: tuple[StatementStat, ...]  # agreed by every group first, then disagreed
    k: int
    statement_priority: FloatArray  # per statement, for next_statement
    state: State

    def group_of(self, participant: int) -> int | None:
        """The group id of a participant, or None when they are not in a group."""
        if participant >= len(self.group) or self.group[participant] < 0:
            return None
        return int(self.group[participant])


VoteInput: TypeAlias = sp.sparray | sp.spmatrix | tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]


def vote_matrix(
    participants: npt.ArrayLike,
    statements: npt.ArrayLike,
    values: npt.ArrayLike,
    shape: tuple[int, int] | None = None,
) -> SparseMatrix:
    """A participants x statements sparse matrix from vote triplets.

    A pass is kept as an explicitly stored 0. When a pair appears twice the later vote counts.
    """
    rows = np.asarray(participants, dtype=np.int64).ravel()
    cols = np.asarray(statements, dtype=np.int64).ravel()
    vals = np.asarray(values, dtype=np.float64).ravel()
    if not (len(rows) == len(cols) == len(vals)):
        raise ValueError("participants, statements and values must have the same length")
    if len(rows) and (rows.min() < 0 or cols.min() < 0):
        raise ValueError("participant and statement indexes must not be negative")
    if not np.isin(vals, (DISAGREE, PASS, AGREE)).all():
        raise ValueError("votes must be -1 (disagree), 0 (pass) or 1 (agree)")
    n_rows = int(rows.max()) + 1 if len(rows) else 0
    n_cols = int(cols.max()) + 1 if len(cols) else 0
    if shape is not None:
        if shape[0] < n_rows or shape[1] < n_cols:
            raise ValueError("a vote lies outside the given shape")
        n_rows, n_cols = shape
    # Keep the last vote for each (participant, statement): unique over the reversed keys.
    keys = rows * max(n_cols, 1) + cols
    _, last = np.unique(keys[::-1], return_index=True)
    keep = len(keys) - 1 - last
    # Build CSR directly (sorted by row, then column) so explicit zeros (passes) survive.
    order = keep[np.lexsort((cols[keep], rows[keep]))]
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[order], minlength=n_rows), out=indptr[1:])
    return sp.csr_array((vals[order], cols[order], indptr), shape=(n_rows, n_cols))


def _as_matrix(votes: VoteInput, shape: tuple[int, int] | None) -> SparseMatrix:
    if isinstance(votes, tuple):
        participants, statements, values = votes
        return vote_matrix(participants, statements, values, shape=shape)
    matrix = sp.csr_array(votes, dtype=np.float64)
    matrix.sum_duplicates()
    matrix.sort_indices()
    if not np.isin(matrix.data, (DISAGREE, PASS, AGREE)).all():
        raise ValueError("votes must be -1 (disagree), 0 (pass) or 1 (agree)")
    if shape is not None and shape != matrix.shape:
        if shape[0] < matrix.shape[0] or shape[1] < matrix.shape[1]:
            raise ValueError("the matrix is larger than the given shape")
        matrix.resize(shape)
    return matrix


def _pad(array: npt.NDArray[Any], length: int, fill: Any) -> npt.NDArray[Any]:
    if len(array) >= length:
        return array[:length]
    return np.concatenate([array, np.full(length - len(array), fill, dtype=array.dtype)])


def _in_conversation(n_votes: IntArray, n_statements: int, previous: BoolArray | None) -> BoolArray:
    n = len(n_votes)
    members = np.zeros(n, dtype=bool) if previous is None else _pad(previous, n, False).copy()
    members |= n_votes >= min(MIN_VOTES, n_statements)
    members &= n_votes > 0
    missing = MIN_PARTICIPANTS - int(members.sum())
    if missing > 0:
        # The heaviest voters not yet in; ties go to the lower index.
        candidates = np.flatnonzero(~members & (n_votes > 0))
        heaviest = candidates[np.argsort(-n_votes[candidates], kind="stable")[:missing]]
        members[heaviest] = True
    return members


def _components(centred: SparseMatrix, previous: FloatArray | None, seed: int) -> FloatArray:
    """The top two right singular vectors of the centred vote matrix (2 x statements)."""
    n_rows, n_cols = centred.shape
    comps = np.zeros((2, n_cols))
    if n_rows < 2 or n_cols < 1 or centred.nnz == 0:
        return comps
    if n_rows * n_cols <= DENSE_SVD_CELLS or min(n_rows, n_cols) <= 3:
        _, _, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        found = vt[:2]
    else:
        # ARPACK, started from last run's first axis when there is one (a warm start).
        start = (
            previous[0]
            if previous is not None and n_cols <= n_rows and np.any(previous[0])
            else np.random.default_rng(seed).standard_normal(min(n_rows, n_cols))
        )
        _, values, vt = svds(centred, k=2, v0=start, random_state=seed)
        found = vt[np.argsort(-values)]
    comps[: len(found)] = found
    # An axis's sign is arbitrary: keep last run's, or else point it at the heavier tail.
    for i in range(2):
        if previous is not None and float(previous[i] @ comps[i]) < 0:
            comps[i] = -comps[i]
        elif previous is None or not np.any(previous[i]):
            scores = centred @ comps[i]
            if float(np.sum(scores**3)) < 0:
                comps[i] = -comps[i]
    return comps


def _canonical_order(points: FloatArray) -> IntArray:
    """Sort rows by x then y, so clustering does not depend on storage order."""
    rounded = np.round(points, 9)
    return np.lexsort((rounded[:, 1], rounded[:, 0])).astype(np.int64)


def _farthest_points(points: FloatArray, centres: FloatArray, k: int) -> FloatArray:
    """Add points farthest from every centre until there are k centres (Polis's way)."""
    chosen = list(centres)
    if chosen:
        nearest = np.min(((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1), axis=1)
    else:
        chosen.append(points[0])
        nearest = ((points - points[0]) ** 2).sum(-1)
    while len(chosen) < k:
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            break
        chosen.append(points[far])
        nearest = np.minimum(nearest, ((points - points[far]) ** 2).sum(-1))
    return np.asarray(chosen, dtype=np.float64)


def _base_clusters(
    points: FloatArray, previous_labels: IntArray | None, seed: int
) -> tuple[IntArray, FloatArray]:
    """About 100 k-means clusters over the participants' positions: labels and centres.

    Labels are numbered by centre (x, then y), so they do not depend on storage order.
    """
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    order = _canonical_order(points)
    # Rounded, so floating-point noise from the storage order (1e-14) cannot break a tie.
    sorted_points = np.round(points[order], 9)
    n_distinct = len(np.unique(np.round(sorted_points, 9), axis=0))
    k = min(BASE_CLUSTERS, n_distinct)
    if k <= 1:
        return np.zeros(n, dtype=np.int64), points.mean(axis=0, keepdims=True)
    init: FloatArray | str = "k-means++"
    if previous_labels is not None:
        # Recentre last run's clusters on their members' new positions, then top them up.
        kept = previous_labels[order]
        known = kept >= 0
        if known.any():
            ids, inverse = np.unique(kept[known], return_inverse=True)
            counts = np.bincount(inverse, minlength=len(ids)).astype(np.float64)
            centres = np.column_stack(
                [np.bincount(inverse, weights=sorted_points[known, d]) / counts for d in (0, 1)]
            )
            centres = np.unique(np.round(centres, 12), axis=0)[:k]
            centres = _farthest_points(sorted_points, centres, k)
            if len(centres) == k:
                init = centres
    with warnings.catch_warnings():
        # Fewer distinct clusters than asked for is handled below (empty ones are dropped).
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(
            n_clusters=k, init=init, n_init=1, max_iter=KMEANS_ITERATIONS, random_state=seed
        ).fit(sorted_points)
    labels_sorted = model.labels_.astype(np.int64)
    used = np.unique(labels_sorted)
    centres = model.cluster_centers_[used]
    # Renumber by centre position, dropping any empty cluster.
    rank = np.empty(len(used), dtype=np.int64)
    rank[_canonical_order(centres)] = np.arange(len(used))
    relabel = np.full(k, -1, dtype=np.int64)
    relabel[used] = rank
    labels = np.empty(n, dtype=np.int64)
    labels[order] = relabel[labels_sorted]
    ordered_centres = np.empty_like(centres)
    ordered_centres[rank] = centres
    return labels, ordered_centres


@dataclass(frozen=True)
class _Clustering:
    labels: IntArray  # per base cluster
    centres: FloatArray
    silhouette: float


def _group_clusterings(
    centres: FloatArray, weights: FloatArray, previous: dict[int, FloatArray], seed: int
) -> dict[int, _Clustering]:
    """Size-weighted k-means over the base-cluster centres for each candidate k."""
    n = len(centres)
    max_k = min(MAX_GROUPS, 2 + n // 12, n - 1)
    found: dict[int, _Clustering] = {}
    for k in range(2, max_k + 1):
        model = KMeans(n_clusters=k, n_init=10, max_iter=KMEANS_ITERATIONS, random_state=seed)
        model.fit(centres, sample_weight=weights)
        warm = previous.get(k)
        if warm is not None and warm.shape == (k, 2):
            # Last run's groups, unless a fresh start fits clearly better.
            warm_model = KMeans(n_clusters=k, init=warm, n_init=1, max_iter=KMEANS_ITERATIONS)
            warm_model.fit(centres, sample_weight=weights)
            if warm_model.inertia_ <= model.inertia_ * 1.02:
                model = warm_model
        labels = model.labels_.astype(np.int64)
        score = -1.0 if len(np.unique(labels)) < 2 else float(silhouette_score(centres, labels))
        found[k] = _Clustering(labels, model.cluster_centers_.astype(np.float64), score)
    return found


def _stable_ids(
    internal: IntArray,
    sizes: IntArray,
    centres: FloatArray,
    previous: IntArray | None,
    next_id: int,
) -> tuple[IntArray, int]:
    """Map internal group numbers to ids, keeping last run's id for the group sharing most members.

    `internal` is per participant (-1 for none). Returns id per internal group and the next
    unused id.
    """
    k = len(sizes)
    ids = np.full(k, -1, dtype=np.int64)
    if previous is not None:
        both = (internal >= 0) & (previous >= 0)
        if both.any():
            old_ids, old_index = np.unique(previous[both], return_inverse=True)
            overlap = np.zeros((k, len(old_ids)), dtype=np.int64)
            np.add.at(overlap, (internal[both], old_index), 1)
            rows, cols = linear_sum_assignment(-overlap)
            for row, col in zip(rows, cols, strict=True):
                if overlap[row, col] > 0:
                    ids[row] = old_ids[col]
            next_id = max(next_id, int(old_ids.max()) + 1)
    # New groups: largest first, ties by position.
    fresh = [g for g in range(k) if ids[g] < 0]
    fresh.sort(key=lambda g: (-int(sizes[g]), float(centres[g, 0]), float(centres[g, 1])))
    for g in fresh:
        ids[g] = next_id
        next_id += 1
    return ids, next_id


def _prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """z of a share (with a pseudocount) against one half."""
    result: FloatArray = 2 * np.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5)
    return result


def _two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, n_in: FloatArray, n_out: FloatArray
) -> FloatArray:
    """z of the difference between two shares (with pseudocounts), group minus the rest."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, n_in + 1, n_out + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(spread > 0, (s1 / n1 - s2 / n2) / spread, 0.0)
    result: FloatArray = z.astype(np.float64)
    return result


def _counts(
    matrix: SparseMatrix, members: SparseMatrix
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Agree, disagree and total votes per (row of `members`, statement)."""
    agree = sp.csr_array(
        ((matrix.data == AGREE).astype(np.float64), matrix.indices, matrix.indptr),
        shape=matrix.shape,
    )
    disagree = sp.csr_array(
        ((matrix.data == DISAGREE).astype(np.float64), matrix.indices, matrix.indptr),
        shape=matrix.shape,
    )
    seen = sp.csr_array((np.ones(matrix.nnz), matrix.indices, matrix.indptr), shape=matrix.shape)
    return (
        np.asarray((members @ agree).toarray(), dtype=np.float64),
        np.asarray((members @ disagree).toarray(), dtype=np.float64),
        np.asarray((members @ seen).toarray(), dtype=np.float64),
    )


def _representative(
    na: FloatArray, nd: FloatArray, ns: FloatArray, active: BoolArray
) -> list[tuple[StatementStat, ...]]:
    """Representative statements for each group (rows of the count arrays)."""
    chosen: list[tuple[StatementStat, ...]] = []
    for g in range(len(na)):
        rest_a, rest_d, rest_s = na.sum(0) - na[g], nd.sum(0) - nd[g], ns.sum(0) - ns[g]
        pa, pd = (na[g] + 1) / (ns[g] + 2), (nd[g] + 1) / (ns[g] + 2)
        pat, pdt = _prop_test(na[g], ns[g]), _prop_test(nd[g], ns[g])
        ra = pa / ((rest_a + 1) / (rest_s + 2))
        rd = pd / ((rest_d + 1) / (rest_s + 2))
        rat = _two_prop_test(na[g], rest_a, ns[g], rest_s)
        rdt = _two_prop_test(nd[g], rest_d, ns[g], rest_s)
        agree = rat > rdt
        n_success = np.where(agree, na[g], nd[g])
        p = np.where(agree, pa, pd)
        pt = np.where(agree, pat, pdt)
        r = np.where(agree, ra, rd)
        rt = np.where(agree, rat, rdt)
        voted = active & (ns[g] > 0)
        passes = voted & (((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90)))
        if passes.any():
            candidates = np.flatnonzero(passes)
            metric = (r * rt * p * pt)[candidates]
            picked = candidates[np.argsort(-metric, kind="stable")[:PICK_MAX]]
            # Agrees before disagrees, each in metric order.
            picked = np.concatenate([picked[agree[picked]], picked[~agree[picked]]])
        elif voted.any():
            candidates = np.flatnonzero(voted)
            picked = candidates[[int(np.argmax(rt[candidates]))]]
        else:
            picked = np.zeros(0, dtype=np.int64)
        chosen.append(
            tuple(
                StatementStat(
                    statement=int(j),
                    direction="agree" if agree[j] else "disagree",
                    n_success=int(n_success[j]),
                    n_trials=int(ns[g, j]),
                    p_success=float(p[j]),
                    p_test=float(pt[j]),
                    repness=float(r[j]),
                    repness_test=float(rt[j]),
                )
                for j in picked
            )
        )
    return chosen


def _consensus(
    na: FloatArray, nd: FloatArray, ns: FloatArray, active: BoolArray
) -> tuple[StatementStat, ...]:
    """Statements a majority of every group agrees (or disagrees) with, significantly."""
    if len(na) == 0:
        return ()
    found: list[StatementStat] = []
    for direction, n in (("agree", na), ("disagree", nd)):
        p = (n + 1) / (ns + 2)
        z = _prop_test(n, ns)
        every = active & np.all((p > 0.5) & (z > Z_90), axis=0)
        product = np.prod(p, axis=0)
        candidates = np.flatnonzero(every)
        picked = candidates[np.argsort(-product[candidates], kind="stable")[:PICK_MAX]]
        for j in picked:
            n_success, n_trials = int(n[:, j].sum()), int(ns[:, j].sum())
            found.append(
                StatementStat(
                    statement=int(j),
                    direction="agree" if direction == "agree" else "disagree",
                    n_success=n_success,
                    n_trials=n_trials,
                    p_success=(n_success + 1) / (n_trials + 2),
                    p_test=float(z[:, j].min()),
                    repness=float(product[j]),
                    repness_test=float(z[:, j].min()),
                )
            )
    return tuple(found)


#: The priority of a statement nobody has voted on (as Polis scores it).
NEW_STATEMENT_PRIORITY = (0.25 * 9) ** 2


def _priorities(
    agrees: FloatArray,
    disagrees: FloatArray,
    seen: FloatArray,
    extremity: FloatArray,
    separation: FloatArray,
) -> FloatArray:
    """Polis's statement priority, times (1 + how far apart the groups' agreement is)."""
    passes = seen - agrees - disagrees
    p_pass = (passes + 1) / (seen + 2)
    p_agree = (agrees + 1) / (seen + 2)
    importance = (1 - p_pass) * (extremity + 1) * p_agree * (1 + separation)
    novelty = 1 + 8 * np.power(2.0, -seen / 5)
    result: FloatArray = (importance * novelty) ** 2
    return result


def compute(
    votes: VoteInput,
    previous: State | None = None,
    *,
    shape: tuple[int, int] | None = None,
    excluded_statements: Iterable[int] = (),
    seed: int = 0,
    threads: int | None = 1,
) -> Result:
    """Compute an opinion map.

    `votes` is a participants x statements sparse matrix (every stored entry is a vote, a pass
    being an explicitly stored 0) or (participant indexes, statement indexes, values) arrays.
    `previous` is the state of the last run, for warm starts and stable group ids.
    `excluded_statements` (moderated out) are left out of the projection and the statement
    lists, but votes on them still count towards joining. `threads` caps BLAS/OpenMP threads
    while computing (None leaves them as they are).
    """
    if threads is None:
        return _compute(votes, previous, shape, excluded_statements, seed)
    with threadpool_limits(limits=threads):
        return _compute(votes, previous, shape, excluded_statements, seed)


def _compute(
    votes: VoteInput,
    previous: State | None,
    shape: tuple[int, int] | None,
    excluded_statements: Iterable[int],
    seed: int,
) -> Result:
    matrix = _as_matrix(votes, shape)
    n_participants, n_statements = matrix.shape
    active = np.ones(n_statements, dtype=bool)
    excluded = np.fromiter(excluded_statements, dtype=np.int64)
    active[excluded[(excluded >= 0) & (excluded < n_statements)]] = False

    n_votes = np.diff(matrix.indptr).astype(np.int64)
    in_conv = _in_conversation(
        n_votes, n_statements, None if previous is None else previous.in_conversation
    )

    # Centre each statement on the votes cast on it; unseen cells stay out of the matrix.
    active_entries = active[matrix.indices]
    seen_per_statement = np.bincount(matrix.indices[active_entries], minlength=n_statements).astype(
        np.float64
    )
    sums = np.bincount(
        matrix.indices[active_entries], weights=matrix.data[active_entries], minlength=n_statements
    )
    means = np.divide(
        sums, seen_per_statement, out=np.zeros(n_statements), where=seen_per_statement > 0
    )
    centred_data = np.where(active_entries, matrix.data - means[matrix.indices], 0.0)
    centred = sp.csr_array((centred_data, matrix.indices, matrix.indptr), shape=matrix.shape)

    previous_components = None
    if previous is not None and previous.components.size:
        previous_components = np.zeros((2, n_statements))
        width = min(n_statements, previous.components.shape[1])
        previous_components[:, :width] = previous.components[:, :width]
        previous_components[:, ~active] = 0.0
    components = _components(centred, previous_components, seed)

    # Project, scaled for how few statements each participant has seen.
    active_votes = np.bincount(
        np.repeat(np.arange(n_participants), np.diff(matrix.indptr))[active_entries],
        minlength=n_participants,
    )
    scale = np.sqrt(int(active.sum()) / np.maximum(active_votes, 1))
    projection = np.asarray(centred @ components.T) * scale[:, None]

    # Base clusters over the participants who are in.
    members = np.flatnonzero(in_conv)
    previous_base = None
    if previous is not None:
        previous_base = _pad(previous.base_cluster, n_participants, -1)[members]
    base_labels, base_centres = _base_clusters(projection[members], previous_base, seed)
    base_cluster = np.full(n_participants, -1, dtype=np.int64)
    base_cluster[members] = base_labels
    base_sizes = np.bincount(base_labels, minlength=len(base_centres)).astype(np.float64)

    # Groups: clusterings for each k, then the smoothed choice of k.
    clusterings = _group_clusterings(
        base_centres, base_sizes, {} if previous is None else previous.group_centres, seed
    )
    last_k = 0 if previous is None else previous.last_k
    last_k_count = 0 if previous is None else previous.last_k_count
    smoothed_k = 0 if previous is None else previous.smoothed_k
    if clusterings:
        this_k = max(clusterings, key=lambda k: (clusterings[k].silhouette, -k))
        this_k_count = last_k_count + 1 if this_k == last_k else 1
        if this_k_count >= K_BUFFER or smoothed_k not in clusterings:
            smoothed_k = this_k
        last_k, last_k_count = this_k, this_k_count
        chosen = clusterings[smoothed_k]
        group_of_base = chosen.labels
        k = smoothed_k
    else:
        # Too few distinct positions to split: everyone who is in forms one group.
        group_of_base = np.zeros(len(base_centres), dtype=np.int64)
        k = 1 if len(members) else 0
    internal = np.full(n_participants, -1, dtype=np.int64)
    if len(members):
        internal[members] = group_of_base[base_labels]
    group_centres = np.zeros((k, 2))
    for g in range(k):
        in_g = group_of_base == g
        if base_sizes[in_g].sum() > 0:
            group_centres[g] = np.average(base_centres[in_g], axis=0, weights=base_sizes[in_g])
    if k >= 2 and len(members):
        # Each participant joins the group whose centre is nearest, so a base cluster that
        # straddles a boundary between groups (common with thousands of participants) is split.
        distances = ((projection[members][:, None, :] - group_centres[None]) ** 2).sum(-1)
        internal[members] = np.argmin(distances, axis=1)
    sizes = np.bincount(internal[members], minlength=k).astype(np.int64)
    ids, next_group_id = _stable_ids(
        internal,
        sizes,
        group_centres,
        None if previous is None else _pad(previous.group, n_participants, -1),
        0 if previous is None else previous.next_group_id,
    )
    group = np.where(internal >= 0, ids[np.maximum(internal, 0)], -1).astype(np.int64)

    # Vote counts per group and statement.
    membership = sp.csr_array(
        (np.ones(len(members)), (internal[members], members)), shape=(k, n_participants)
    )
    na, nd, ns = _counts(matrix, membership)
    representative = _representative(na, nd, ns, active)
    consensus = _consensus(na, nd, ns, active)
    # Groups ordered by id.
    order = np.argsort(ids, kind="stable")
    groups = tuple(
        Group(
            id=int(ids[g]),
            size=int(sizes[g]),
            x=float(group_centres[g, 0]),
            y=float(group_centres[g, 1]),
            representative=representative[g],
        )
        for g in order
    )

    # Priorities for choosing what to show next.
    everyone = sp.csr_array(np.ones((1, n_participants)))
    all_a, all_d, all_s = (c[0] for c in _counts(matrix, everyone))
    centre_extremity = np.abs(-1 - means) * np.sqrt(max(int(active.sum()), 1))
    extremity = centre_extremity * np.hypot(components[0], components[1])
    if k >= 2:
        p_agree = (na + 1) / (ns + 2)
        separation = p_agree.max(axis=0) - p_agree.min(axis=0)
    else:
        separation = np.zeros(n_statements)
    priority = _priorities(all_a, all_d, all_s, extremity, separation)
    priority[~active] = 0.0

    state = State(
        in_conversation=in_conv,
        components=components,
        base_cluster=base_cluster,
        base_centres=base_centres,
        group=group,
        group_centres={key: c.centres for key, c in clusterings.items()},
        last_k=last_k,
        last_k_count=last_k_count,
        smoothed_k=smoothed_k,
        next_group_id=next_group_id,
    )
    return Result(
        x=projection[:, 0].copy(),
        y=projection[:, 1].copy(),
        n_votes=n_votes,
        in_conversation=in_conv,
        base_cluster=base_cluster,
        group=group,
        groups=groups,
        consensus=consensus,
        k=k,
        statement_priority=priority,
        state=state,
    )


def next_statement(
    n_statements: int,
    voted: Iterable[int],
    *,
    result: Result | None = None,
    priority: npt.ArrayLike | None = None,
    excluded: Iterable[int] = (),
    seed: int = 0,
) -> int | None:
    """The statement to show a participant next, or None when they have voted on every one.

    A weighted draw (deterministic for a seed) among the statements they have not voted on and
    that are not excluded: statements with few votes, few passes, and those that separate the
    groups weigh most. Statements added since `result` was computed count as brand new.
    `priority` (one weight per statement, as stored from an earlier result) may stand in for
    `result`.
    """
    available = np.ones(n_statements, dtype=bool)
    for indexes in (voted, excluded):
        taken = np.fromiter(indexes, dtype=np.int64)
        available[taken[(taken >= 0) & (taken < n_statements)]] = False
    candidates = np.flatnonzero(available)
    if not len(candidates):
        return None
    weights = np.full(n_statements, NEW_STATEMENT_PRIORITY)
    known_priority = result.statement_priority if result is not None else priority
    if known_priority is not None:
        given = np.asarray(known_priority, dtype=np.float64)
        known = min(n_statements, len(given))
        weights[:known] = given[:known]
    chances = weights[candidates]
    total = float(chances.sum())
    rng = np.random.default_rng(seed)
    if total <= 0 or not math.isfinite(total):
        return int(candidates[rng.integers(len(candidates))])
    return int(rng.choice(candidates, p=chances / total))
