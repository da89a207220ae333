"""Where one request's time goes, for each page that `bench.load` measures.

    python -m bench.profile                    # every page, on the national data set
    python -m bench.profile --only "ward page" --explain 3

For each page, in this process (Django's test client, production settings, the page cache
off so the page is drawn; with `--shared` on, in this process's memory, so that signed-in
pages are drawn with the shared values the warm-up kept), after one warm-up request: the
request's wall time, the time in SQL (summed from Django's query log) and so the time in
Python, the number of queries, and pyinstrument's view of the Python time (the frames with
the most time of their own, by module). `--explain N` also runs `EXPLAIN (ANALYZE, BUFFERS)`
on the N slowest queries and prints each plan's first lines. The reference view's figures
are printed first, so the rest read as multiples of it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.load import HOST, PLAIN_STATIC_STORAGE, REFERENCE_PATH, Target, collect_static, plan
from bench.national import DEFAULT_URL, environment, setup_django


def profile_page(target: Target, cookie: str, explain: int, top: int, tree: bool = False) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client(HTTP_HOST=HOST)
    if target.signed_in and cookie:
        name, _, value = cookie.partition("=")
        client.cookies[name] = value
    client.get(target.path)  # warm: templates compiled, connection open
    profiler = Profiler(interval=0.0005)
    with CaptureQueriesContext(connection) as queries:
        profiler.start()
        began = time.perf_counter()
        response = client.get(target.path)
        total = (time.perf_counter() - began) * 1000
        profiler.stop()
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(
        f"\n== {target.name} ({response.status_code}) {target.path}\n"
        f"   {total:.1f} ms: SQL {sql_ms:.1f} ms in {len(queries.captured_queries)} queries, "
        f"Python {total - sql_ms:.1f} ms"
    )
    own: Counter[str] = Counter()
    session = profiler.last_session
    if session is not None:
        root = session.root_frame()

        def walk(frame: Any) -> None:
            module = (frame.file_path_short or "?").split("site-packages/")[-1]
            own[module] += frame.total_self_time
            for child in frame.children:
                walk(child)

        if root is not None:
            walk(root)
        if tree:
            # The call tree, our frames only (Django's and the libraries' folded into them).
            print(
                profiler.output_text(
                    show_all=False,
                    time="percent_of_total",
                    processor_options={"hide_regex": r".*/(site-packages|lib/python[0-9.]+)/.*"},
                )
            )
        spent = sum(own.values()) or 1
        for module, seconds in own.most_common(top):
            print(f"   {100 * seconds / spent:5.1f}%  {module}")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:explain]
    for query in slowest:
        sql = query["sql"]
        print(f"   -- {float(query['time']) * 1000:.1f} ms: {sql[:160]}")
        if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            for (line,) in cursor.fetchall()[:8]:
                print(f"      {line}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--only", nargs="*", help="profile only pages whose name has one of these")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest queries")
    parser.add_argument("--top", type=int, default=8, help="modules shown a page (8)")
    parser.add_argument("--tree", action="store_true", help="print the call tree of our code")
    parser.add_argument(
        "--shared",
        action="store_true",
        help="page cache on (this process's memory): after the warm-up, signed-out pages come "
        "whole from it and signed-in pages are drawn with the shared values kept, as under load",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_NATIONAL_URL", DEFAULT_URL)
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["PAGE_CACHE_SECONDS"] = "300" if args.shared else "0"
    os.environ.pop("REDIS_URL", None)  # the local-memory cache: nothing shared with anyone else
    if collect_static(environment(url)):
        os.environ["BENCH_STATIC_STORAGE"] = PLAIN_STATIC_STORAGE
    setup_django(url)
    importlib.import_module("bench.refapp")
    chosen = plan()
    try:
        for target in chosen.targets:
            wanted = not args.only or any(o in target.name for o in args.only)
            if not wanted and target.path != REFERENCE_PATH:
                continue
            profile_page(target, chosen.cookie, args.explain, args.top, args.tree)
    finally:
        chosen.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
