"""Properties of the opinion-map engine, on synthetic votes (no database)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from grassroots.opinions import engine
from grassroots.opinions.synthetic import PlantedVotes, planted_votes

PROPERTY_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _compute(votes: PlantedVotes, previous: engine.State | None = None) -> engine.Result:
    return engine.compute(
        (votes.participants, votes.statements, votes.values), previous, shape=votes.shape
    )


# About 1 random planted set in 150 comes back with a few participants in the other group
# (agreement just under 0.8; seen with seed 2014, 2 groups, 254 participants): the same 15 sets
# are tried in every run, so that a run passes or fails by the code alone.
@settings(PROPERTY_SETTINGS, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    n_groups=st.integers(2, 3),
    n_participants=st.integers(120, 300),
)
def test_planted_groups_are_recovered(seed: int, n_groups: int, n_participants: int) -> None:
    votes = planted_votes(
        n_participants, 40, n_groups=n_groups, density=0.5, loyalty=0.95, seed=seed
    )
    result = _compute(votes)
    grouped = result.group >= 0
    assert np.array_equal(grouped, result.in_conversation)
    assert grouped.mean() > 0.95
    # Not 1.0: with 20 votes each a few participants sit nearer another group's centre.
    assert adjusted_rand_score(votes.planted[grouped], result.group[grouped]) >= 0.8


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 10_000), n_participants=st.integers(40, 200))
def test_storage_order_does_not_matter(seed: int, n_participants: int) -> None:
    votes = planted_votes(n_participants, 30, n_groups=3, density=0.4, seed=seed)
    rng = np.random.default_rng(seed)
    person = rng.permutation(n_participants)  # old index -> new index
    statement = rng.permutation(30)
    shuffled = rng.permutation(len(votes.values))
    plain = _compute(votes)
    moved = engine.compute(
        (
            person[votes.participants][shuffled],
            statement[votes.statements][shuffled],
            votes.values[shuffled],
        ),
        shape=votes.shape,
    )
    assert moved.k == plain.k
    assert np.array_equal(moved.in_conversation[person], plain.in_conversation)
    assert adjusted_rand_score(plain.group, moved.group[person]) == pytest.approx(1.0)
    assert np.allclose(moved.x[person], plain.x, atol=1e-6)


@st.composite
def sparse_votes(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    n_participants = draw(st.integers(5, 60))
    n_statements = draw(st.integers(1, 25))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, n_statements + 1, size=n_participants)
    rows = np.repeat(np.arange(n_participants), counts)
    cols = np.concatenate([rng.permutation(n_statements)[:c] for c in counts]).astype(np.int64)
    values = rng.integers(-1, 2, size=len(rows))
    return rows, cols, values, n_participants, n_statements


@PROPERTY_SETTINGS
@given(first=sparse_votes(), more=st.integers(0, 10_000))
def test_joining_rule(
    first: tuple[np.ndarray, np.ndarray, np.ndarray, int, int], more: int
) -> None:
    rows, cols, values, n_participants, n_statements = first
    result = engine.compute((rows, cols, values), shape=(n_participants, n_statements))
    counts = np.bincount(rows, minlength=n_participants)
    threshold = min(engine.MIN_VOTES, n_statements)
    qualified = counts >= threshold
    # Everyone qualified is in; nobody without a vote is; the rest only to make up 15.
    assert result.in_conversation[qualified].all()
    assert not result.in_conversation[counts == 0].any()
    expected = max(int(qualified.sum()), min(engine.MIN_PARTICIPANTS, int((counts > 0).sum())))
    assert int(result.in_conversation.sum()) == expected
    if result.in_conversation.sum() > expected - qualified.sum():
        topped_up = result.in_conversation & ~qualified
        if topped_up.any() and (~result.in_conversation & (counts > 0)).any():
            assert counts[topped_up].min() >= counts[~result.in_conversation].max()
    # Nobody outside is in a group.
    assert (result.group[~result.in_conversation] == -1).all()

    # Next run, with more statements and more participants: whoever was in stays in.
    rng = np.random.default_rng(more)
    extra = 5
    new_rows = rng.integers(0, n_participants + extra, size=20)
    new_cols = rng.integers(0, n_statements + 10, size=20)
    later = engine.compute(
        (
            np.concatenate([rows, new_rows]),
            np.concatenate([cols, new_cols]),
            np.concatenate([values, rng.integers(-1, 2, size=20)]),
        ),
        result.state,
        shape=(n_participants + extra, n_statements + 10),
    )
    assert later.in_conversation[:n_participants][result.in_conversation].all()
    assert (later.group[~later.in_conversation] == -1).all()


@PROPERTY_SETTINGS
@given(
    n_statements=st.integers(1, 40),
    voted=st.sets(st.integers(0, 45)),
    excluded=st.sets(st.integers(0, 45), max_size=3),
    seed=st.integers(0, 2**32 - 1),
    with_result=st.booleans(),
)
def test_next_statement_is_never_one_already_voted(
    n_statements: int, voted: set[int], excluded: set[int], seed: int, with_result: bool
) -> None:
    result = None
    if with_result:
        votes = planted_votes(60, max(n_statements - 3, 1), density=0.5, seed=seed % 1000)
        result = _compute(votes)
    chosen = engine.next_statement(n_statements, voted, result=result, excluded=excluded, seed=seed)
    left = set(range(n_statements)) - voted - excluded
    if not left:
        assert chosen is None
    else:
        assert chosen in left
        again = engine.next_statement(
            n_statements, voted, result=result, excluded=excluded, seed=seed
        )
        assert again == chosen


def test_next_statement_favours_few_votes_and_division() -> None:
    votes = planted_votes(300, 30, n_groups=2, density=0.5, common_share=0.3, seed=3)
    result = _compute(votes)
    picks = [engine.next_statement(31, [], result=result, seed=seed) for seed in range(400)]
    # Statement 30 is new (no votes): it should come up far more often than 1 in 31.
    assert picks.count(30) > 400 / 31 * 2
    # Among the voted ones, those the groups split on weigh more than common ground, and the
    # draw follows the weights.
    ids = np.array([p for p in picks if p is not None and p < 30])
    priority = result.statement_priority[:30]
    common = np.array([len(votes_by_group(votes, j)) == 1 for j in range(30)])
    assert priority[~common].mean() > priority[common].mean()
    assert np.mean(priority[ids]) > np.mean(priority)


def votes_by_group(votes: PlantedVotes, statement: int) -> set[int]:
    """The majority vote of each planted group on a statement."""
    majorities: set[int] = set()
    for group in np.unique(votes.planted):
        cast = votes.values[
            (votes.statements == statement) & (votes.planted[votes.participants] == group)
        ]
        majorities.add(int(np.sign(cast.sum())))
    return majorities


def test_warm_start_keeps_group_ids() -> None:
    votes = planted_votes(600, 60, n_groups=3, density=0.3, seed=11)
    rng = np.random.default_rng(0)
    early = rng.random(len(votes.values)) < 0.7
    first = engine.compute(
        (votes.participants[early], votes.statements[early], votes.values[early]),
        shape=votes.shape,
    )
    second = _compute(votes, first.state)
    both = (first.group >= 0) & (second.group >= 0)
    assert both.sum() > 500
    # With 30 % more votes some participants rightly move; the ids must not be shuffled: no
    # other naming of the new groups keeps more participants under their old id.
    same = np.mean(first.group[both] == second.group[both])
    assert same > 0.85
    old_ids = sorted(set(first.group[both].tolist()))
    new_ids = sorted(set(second.group[both].tolist()))
    for naming in itertools.permutations(old_ids, len(new_ids)):
        renamed = np.array([dict(zip(new_ids, naming, strict=True))[g] for g in second.group[both]])
        assert np.mean(first.group[both] == renamed) <= same
    assert {g.id for g in second.groups} == {g.id for g in first.groups}
    # And once more with nothing new: nothing moves.
    third = _compute(votes, second.state)
    assert np.array_equal(third.group, second.group)
    assert third.k == second.k


def test_k_switches_only_after_winning_four_runs() -> None:
    three = planted_votes(400, 40, n_groups=3, density=0.5, loyalty=0.95, seed=5)
    first = _compute(three)
    assert first.k == 3
    # Pretend the map had settled on 2 groups: 3 must win 4 runs running before it shows.
    state = first.state
    forced = engine.State(**{**state.__dict__, "smoothed_k": 2, "last_k": 2, "last_k_count": 9})
    ks = []
    for _ in range(5):
        result = _compute(three, forced)
        ks.append(result.k)
        forced = result.state
    assert ks == [2, 2, 2, 3, 3]


def test_representative_and_consensus_statements() -> None:
    votes = planted_votes(300, 40, n_groups=2, density=0.6, loyalty=0.9, seed=8)
    result = _compute(votes)
    stance_agree = {}
    for j in range(40):
        cast = votes.values[votes.statements == j]
        stance_agree[j] = np.mean(cast == 1)
    assert result.k == 2
    for group in result.groups:
        assert 1 <= len(group.representative) <= engine.PICK_MAX
        for stat in group.representative:
            assert stat.p_test > engine.Z_90
            assert stat.repness_test > engine.Z_90
            assert stat.repness > 1
    assert result.consensus
    for stat in result.consensus:
        members = votes.statements == stat.statement
        share = np.mean(votes.values[members] == (1 if stat.direction == "agree" else -1))
        assert share > 0.6  # every group leans the same way


def test_passes_are_votes_and_later_votes_win() -> None:
    matrix = engine.vote_matrix([0, 0, 1, 0], [0, 1, 1, 1], [0, 1, -1, -1], shape=(3, 2))
    assert matrix.nnz == 3
    assert matrix[[0], [0]].tolist() == [0.0]
    assert matrix.toarray().tolist() == [[0, -1], [0, -1], [0, 0]]
    with pytest.raises(ValueError, match="votes must be"):
        engine.vote_matrix([0], [0], [2])
    with pytest.raises(ValueError, match="outside"):
        engine.vote_matrix([5], [0], [1], shape=(2, 2))


def test_sparse_input_and_exclusions() -> None:
    votes = planted_votes(200, 30, density=0.5, seed=2)
    triplets = _compute(votes)
    matrix = sp.csr_array(
        (votes.values.astype(float), (votes.participants, votes.statements)), shape=votes.shape
    )
    assert adjusted_rand_score(_compute_sparse(matrix).group, triplets.group) == 1.0
    excluded = engine.compute(
        (votes.participants, votes.statements, votes.values),
        shape=votes.shape,
        excluded_statements=[0, 1, 2],
    )
    listed = {s.statement for g in excluded.groups for s in g.representative}
    listed |= {s.statement for s in excluded.consensus}
    assert not listed & {0, 1, 2}
    assert excluded.statement_priority[:3].tolist() == [0, 0, 0]


def _compute_sparse(matrix: sp.csr_array) -> engine.Result:
    return engine.compute(matrix)


def test_tiny_and_empty_maps() -> None:
    empty = engine.compute(([], [], []), shape=(0, 0))
    assert empty.k == 0
    assert not empty.groups
    one = engine.compute(([0, 1, 2], [0, 0, 0], [1, -1, 1]))
    assert one.k <= 1 or len(one.groups) == one.k
    assert engine.State.from_dict(one.state.as_dict()).as_dict() == one.state.as_dict()
