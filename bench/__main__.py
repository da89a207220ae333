"""Run the benchmarks in bench/ (each module with a `main(argv)`), at their default sizes.

    python -m bench                  # every benchmark except the opt-in ones below
    python -m bench national load    # the named ones only (national data set, then load)

The national data set, the load benchmark on it and the digest job (bench.digest) take
minutes and need PostgreSQL, and the conversation and events pages (bench.conversation) take
a few minutes, and so do the opinion-map engine (bench.opinions) and the budgeting rules
next to pabutools (bench.pb), so they run only when named; bench.refapp is the load
benchmark's WSGI module, not a benchmark.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

OPT_IN = {
    "national",
    "load",
    "refapp",
    "digest",
    "conversation",
    "opinions",
    "pb",
    "directory_search",
}


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    available = [
        module.name
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not module.name.startswith("_")
    ]
    unknown = [name for name in names if name not in available]
    if unknown:
        print(f"No benchmark named {', '.join(unknown)}; there are {', '.join(available)}")
        return 2
    failed = 0
    for name in names or [name for name in available if name not in OPT_IN]:
        bench = importlib.import_module(f"bench.{name}")
        run = getattr(bench, "main", None)
        if callable(run):
            print(f"== bench.{name}", flush=True)
            failed += run([]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
