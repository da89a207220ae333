"""Synthetic votes with planted groups, for the engine's tests, the benchmark and demo data.

Each planted group has a stance on each statement (agree or disagree); on a share of the
statements every group takes the same stance (common ground). A participant votes on a random
set of statements (on average `density` of them, at least `min_votes`), passes with
probability `pass_rate`, and otherwise follows their group's stance with probability
`loyalty`. Memory stays proportional to the number of votes (no dense participants x statements
array), so 50,000 x 2,000 is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class PlantedVotes:
    participants: npt.NDArray[np.int64]
    statements: npt.NDArray[np.int64]
    values: npt.NDArray[np.int64]
    planted: npt.NDArray[np.int64]  # per participant, their planted group
    shape: tuple[int, int]


def planted_votes(
    n_participants: int,
    n_statements: int,
    *,
    n_groups: int = 3,
    density: float = 0.05,
    min_votes: int = 7,
    pass_rate: float = 0.1,
    loyalty: float = 0.85,
    common_share: float = 0.2,
    seed: int = 0,
) -> PlantedVotes:
    """Votes from participants in `n_groups` planted groups (sizes roughly 1 : 1/2 : 1/3 ...)."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, n_groups + 1)
    planted = rng.choice(n_groups, size=n_participants, p=weights / weights.sum()).astype(np.int64)
    stance = rng.choice(np.array([-1, 1]), size=(n_groups, n_statements))
    common = rng.random(n_statements) < common_share
    stance[:, common] = stance[0, common]
    # How many votes each participant casts, then which statements (with replacement; repeats
    # are dropped, which costs about density / 2 of the votes).
    wanted = max(min_votes, 1) if n_statements else 0
    counts = np.clip(rng.poisson(density * n_statements, size=n_participants), wanted, n_statements)
    rows = np.repeat(np.arange(n_participants, dtype=np.int64), counts)
    cols = rng.integers(0, max(n_statements, 1), size=len(rows), dtype=np.int64)
    keys = np.unique(rows * max(n_statements, 1) + cols)
    rows, cols = keys // max(n_statements, 1), keys % max(n_statements, 1)
    follows = np.where(rng.random(len(rows)) < loyalty, 1, -1)
    values = stance[planted[rows], cols] * follows
    values[rng.random(len(rows)) < pass_rate] = 0
    return PlantedVotes(
        participants=rows,
        statements=cols,
        values=values.astype(np.int64),
        planted=planted,
        shape=(n_participants, n_statements),
    )
