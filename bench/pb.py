"""Benchmark: the participatory budgeting rules next to pabutools, on every real election.

    python -m bench pb                                   # every file and rule, pabutools 60 s cap
    python -m bench.pb --timeout 600                     # give pabutools longer
    python -m bench.pb --files Wola Mokotow --rules mes-cost-add1
    python -m bench.pb --no-pabutools                    # ours only

For each file in ``shared/data/pabulib`` and each rule (greedy; equal shares with cost and
with cardinality utilities; both with the add-one completion) it times ours
(``grassroots.funding.pb``, after ``pabulib.read``) and pabutools (after its own parser), in
the same run, and says whether the funded sets are identical. pabutools runs in a child
process per file and rule, so one that takes too long is stopped at ``--timeout`` seconds and
reported as such (not compared). Reading the file is timed apart from the rule: ours reads
Łódź 2022 (90,000 ballots) in about 0.3 s, pabutools in about 5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT.parent / "shared" / "data" / "pabulib"
RULES = ["greedy", "mes-cost", "mes-card", "mes-cost-add1", "mes-card-add1"]


def _worker(path: str, rule: str) -> None:
    """In a child process: pabutools on one file and rule, printed as JSON."""
    from grassroots.funding.tests import reference

    election = reference.load(Path(path))
    started = time.process_time()
    funded = reference.RULES[rule][0](election)
    seconds = time.process_time() - started
    print(json.dumps({"seconds": seconds, "funded": sorted(funded)}))


def _theirs(path: Path, rule: str, timeout: float) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.pb", "--worker", str(path), rule],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout + 30,  # reading the file and importing pabutools come first
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["seconds"] > timeout:
        return None
    return result


def _ours(path: Path, rule: str) -> tuple[float, float, list[str], int]:
    from grassroots.funding import pabulib
    from grassroots.funding.tests import reference

    started = time.process_time()
    election = pabulib.read(path)
    reading = time.process_time() - started
    started = time.process_time()
    result = reference.RULES[rule][1](election.instance, election.profile)
    seconds = time.process_time() - started
    return reading, seconds, sorted(result.funded), result.runs


def _warm_up() -> float:
    """Load (or, the first time, compile) the fast runs the completion uses, and time it."""
    from grassroots.funding import pb_fast

    started = time.process_time()
    pb_fast.prepare()
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", nargs="*", help="only files whose names contain these")
    parser.add_argument("--rules", nargs="*", choices=RULES, default=RULES)
    parser.add_argument("--timeout", type=float, default=60.0, help="pabutools' cap, seconds")
    parser.add_argument("--no-pabutools", action="store_true")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        _worker(*args.worker)
        return 0
    if not FOLDER.is_dir():
        print(f"No pabulib files at {FOLDER}; nothing to measure.")
        return 0
    files = sorted(FOLDER.glob("*.pb"))
    if args.files:
        files = [f for f in files if any(part in f.name for part in args.files)]
    print(
        "CPU seconds of the rule alone; ratio = pabutools / ours; runs = equal shares runs "
        f"(the completion); pabutools capped at {args.timeout:.0f} s.\n"
    )
    print(f"Loading the compiled fast runs, once per process: {_warm_up():.3f} s.\n")
    print("| file | rule | ours s | runs | pabutools s | ratio | same |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    rows: list[dict[str, Any]] = []
    for path in files:
        for rule in args.rules:
            reading, seconds, funded, runs = _ours(path, rule)
            theirs = None if args.no_pabutools else _theirs(path, rule, args.timeout)
            row: dict[str, Any] = {
                "file": path.name,
                "rule": rule,
                "ours": seconds,
                "reading": reading,
            }
            row["theirs"] = theirs["seconds"] if theirs else None
            row["same"] = None if theirs is None else theirs["funded"] == funded
            rows.append(row)
            their_text = f"{row['theirs']:.3f}" if theirs else f"> {args.timeout:.0f}"
            ratio = f"{row['theirs'] / max(seconds, 1e-6):.0f}x" if theirs else ""
            same = {True: "yes", False: "**NO**", None: "not compared"}[row["same"]]
            print(
                f"| {path.stem[:48]} | {rule} | {seconds:.3f} | {runs} | {their_text} | "
                f"{ratio} | {same} |",
                flush=True,
            )
    print(
        "\n| rule | ours max s | ours median s | pabutools max s | pabutools median s "
        "| identical | pabutools over the cap |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    failed = False
    for rule in args.rules:
        mine = [r for r in rows if r["rule"] == rule]
        our_times = [float(r["ours"]) for r in mine]
        their_times = [float(r["theirs"]) for r in mine if r["theirs"] is not None]
        compared = [r for r in mine if r["same"] is not None]
        identical = sum(bool(r["same"]) for r in compared)
        failed |= identical != len(compared)
        their_max = f"{max(their_times):.3f}" if their_times else "-"
        their_median = f"{statistics.median(their_times):.3f}" if their_times else "-"
        print(
            f"| {rule} | {max(our_times):.3f} | {statistics.median(our_times):.3f} | "
            f"{their_max} | {their_median} | {identical}/{len(compared)} | "
            f"{len(mine) - len(their_times)} |"
        )
    readings = {r["file"]: float(r["reading"]) for r in rows}
    print(f"\nReading a file (ours): max {max(readings.values()):.3f} s.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
