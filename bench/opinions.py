"""Benchmark: the opinion-map engine next to red-dwarf (a Python reproduction of Polis's pipeline).

    python -m bench.opinions                          # real conversations, 10k x 1k, 50k x 2k
    python -m bench.opinions --sizes 10000x1000       # only the smaller synthetic matrix
    python -m bench.opinions --skip-reddwarf 50000x2000   # ours only at that size

Two parts, each with red-dwarf measured in the same run:

- The real Polis conversations in the shared data (`shared/data/polis/*`): seconds, number of
  groups, and the adjusted Rand index (ARI) between each side's groups and Polis's own
  `group-id`, over the participants both placed in a group. red-dwarf runs its Polis entry
  point (`reddwarf.implementations.polis.run_pipeline`, k-means with silhouette over every
  participant, random_state 0); both leave out moderated statements.
- Synthetic matrices (participants x statements, about 5 % of cells voted, three planted groups
  from `grassroots.opinions.synthetic`): each implementation runs in its own subprocess, which
  generates the votes, notes its peak memory so far, then times the pipeline end to end (votes
  in, groups out) and reports the peak resident memory (ru_maxrss) and the ARI against the
  planted groups. red-dwarf gets the votes as columns (it builds a pandas frame from them),
  which spares it a list of millions of dicts.

BLAS/OpenMP threads are set to 1 (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS): on
this 2-core machine threaded k-means can be far slower under load, and workers run with 1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
for _name in THREAD_VARIABLES:
    os.environ[_name] = "1"

import numpy as np  # noqa: E402 - after the thread settings, which BLAS reads on import
import numpy.typing as npt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POLIS_DATA = ROOT.parent / "shared" / "data" / "polis"
DEFAULT_SIZES = ["10000x1000", "50000x2000"]
SEED = 1
WORKER_TIMEOUT = 1800  # seconds


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ari(reference: npt.NDArray[np.int64], found: npt.NDArray[np.int64]) -> tuple[float, int]:
    from sklearn.metrics import adjusted_rand_score

    both = (reference >= 0) & (found >= 0)
    return float(adjusted_rand_score(reference[both], found[both])), int(both.sum())


def _run_ours(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    values: npt.NDArray[np.int64],
    shape: tuple[int, int],
    excluded: list[int],
) -> npt.NDArray[np.int64]:
    from grassroots.opinions import engine

    result = engine.compute((rows, cols, values), shape=shape, excluded_statements=excluded)
    return result.group


def _run_reddwarf(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    values: npt.NDArray[np.int64],
    shape: tuple[int, int],
    excluded: list[int],
) -> npt.NDArray[np.int64]:
    from reddwarf.implementations.polis import run_pipeline

    votes: Any = {"participant_id": rows, "statement_id": cols, "vote": values}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(votes=votes, mod_out_statement_ids=excluded, random_state=0)
    clusters = result.participants_df["cluster_id"]
    placed = clusters.notna().to_numpy()
    groups = np.full(shape[0], -1, dtype=np.int64)
    groups[clusters.index.to_numpy()[placed].astype(np.int64)] = clusters.to_numpy()[placed].astype(
        np.int64
    )
    return groups


RUNNERS = {"ours": _run_ours, "red-dwarf": _run_reddwarf}


def real_conversations() -> list[dict[str, Any]]:
    """Both implementations on each real conversation, in this process (they are small)."""
    from grassroots.opinions.polis import read_export
    from grassroots.opinions.synthetic import planted_votes

    rows: list[dict[str, Any]] = []
    small = planted_votes(60, 12, density=0.8)
    for run in RUNNERS.values():  # warm up: imports and first calls are not timed
        run(small.participants, small.statements, small.values, small.shape, [])
    if not POLIS_DATA.is_dir():
        print(f"No Polis conversations at {POLIS_DATA}; skipping them.")
        return rows
    for folder in sorted(POLIS_DATA.iterdir()):
        if not (folder / "participants-votes.csv").exists():
            continue
        export = read_export(folder)
        polis_k = len(set(export.polis_group[export.polis_group >= 0].tolist()))
        row: dict[str, Any] = {"conversation": folder.name, "polis_k": polis_k}
        for name, run in RUNNERS.items():
            started = time.perf_counter()
            groups = run(
                export.participants,
                export.statements,
                export.values,
                export.shape,
                export.moderated_out,
            )
            row[f"{name} s"] = time.perf_counter() - started
            row[f"{name} k"] = len(set(groups[groups >= 0].tolist()))
            row[f"{name} ari"], row[f"{name} compared"] = _ari(export.polis_group, groups)
        rows.append(row)
    return rows


def worker(name: str, n_participants: int, n_statements: int) -> dict[str, Any]:
    """One implementation on one synthetic matrix (run in a subprocess of its own)."""
    from grassroots.opinions.synthetic import planted_votes

    votes = planted_votes(n_participants, n_statements, density=0.05, seed=SEED)
    # Import both sides' libraries before the clock starts.
    import reddwarf.implementations.polis  # noqa: F401
    import sklearn.metrics  # noqa: F401

    import grassroots.opinions.engine  # noqa: F401

    before = _peak_mib()
    started = time.perf_counter()
    groups = RUNNERS[name](votes.participants, votes.statements, votes.values, votes.shape, [])
    seconds = time.perf_counter() - started
    ari, compared = _ari(votes.planted, groups)
    return {
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "data_mib": before,
        "k": len(set(groups[groups >= 0].tolist())),
        "ari": ari,
        "compared": compared,
        "votes": len(votes.values),
    }


def synthetic(size: str, name: str) -> dict[str, Any] | None:
    n_participants, n_statements = (int(part) for part in size.lower().split("x"))
    command = [sys.executable, "-m", "bench.opinions", "--worker", name, size]
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=WORKER_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        print(f"  {name} at {size}: stopped after {WORKER_TIMEOUT} s")
        return None
    if done.returncode != 0:
        print(f"  {name} at {size}: failed ({done.returncode})\n{done.stderr[-2000:]}")
        return None
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["size"] = f"{n_participants:,} x {n_statements:,}"
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="*", default=DEFAULT_SIZES, help="e.g. 10000x1000")
    parser.add_argument("--skip-reddwarf", nargs="*", default=[], help="sizes ours runs alone")
    parser.add_argument("--no-real", action="store_true", help="skip the real conversations")
    parser.add_argument(
        "--worker", nargs=2, metavar=("IMPLEMENTATION", "SIZE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        name, size = args.worker
        n_participants, n_statements = (int(part) for part in size.lower().split("x"))
        print(json.dumps(worker(name, n_participants, n_statements)))
        return 0

    if not args.no_real:
        rows = real_conversations()
        if rows:
            print("Real Polis conversations: groups (k) and ARI against Polis's group-id")
            print(
                f"{'conversation':28} {'Polis k':>7} | {'ours k':>6} {'ARI':>6} {'s':>6} |"
                f" {'red-dwarf k':>11} {'ARI':>6} {'s':>6}"
            )
            for row in rows:
                print(
                    f"{row['conversation']:28} {row['polis_k']:>7} |"
                    f" {row['ours k']:>6} {row['ours ari']:>6.3f} {row['ours s']:>6.2f} |"
                    f" {row['red-dwarf k']:>11} {row['red-dwarf ari']:>6.3f}"
                    f" {row['red-dwarf s']:>6.2f}"
                )
            for name in RUNNERS:
                mean = float(np.mean([row[f"{name} ari"] for row in rows]))
                matched = sum(row[f"{name} k"] == row["polis_k"] for row in rows)
                seconds = sum(row[f"{name} s"] for row in rows)
                print(
                    f"  {name}: mean ARI {mean:.3f}, number of groups matched in {matched} of"
                    f" {len(rows)}, {seconds:.2f} s in all"
                )

    for size in args.sizes:
        print(f"\nSynthetic {size} (about 5 % voted, 3 planted groups), one subprocess each:")
        results: dict[str, dict[str, Any]] = {}
        for name in RUNNERS:
            if name == "red-dwarf" and size in args.skip_reddwarf:
                print("  red-dwarf: skipped")
                continue
            figures = synthetic(size, name)
            if figures is None:
                continue
            results[name] = figures
            print(
                f"  {name:9} {figures['seconds']:8.2f} s  peak {figures['peak_mib']:7.0f} MiB"
                f" (votes generated: {figures['data_mib']:.0f} MiB)  k {figures['k']}"
                f"  ARI vs planted {figures['ari']:.3f}  ({figures['votes']:,} votes)",
                flush=True,
            )
        if len(results) == 2:
            ours, theirs = results["ours"], results["red-dwarf"]
            print(
                f"  ours is {theirs['seconds'] / ours['seconds']:.1f}x faster, in"
                f" {ours['peak_mib'] / theirs['peak_mib']:.2f} of red-dwarf's peak memory"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
