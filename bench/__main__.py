"""Run every benchmark in bench/ (each module with a `main(argv)`), at its default size."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    failed = 0
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        bench = importlib.import_module(f"bench.{module.name}")
        run = getattr(bench, "main", None)
        if callable(run):
            print(f"== bench.{module.name}", flush=True)
            failed += run([]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
