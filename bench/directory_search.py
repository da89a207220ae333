"""Benchmark: "within 2 miles of a postcode" in the directory, at national scale (PostgreSQL).

    python -m bench directory_search                  # 100,000 services
    python -m bench.directory_search --services 20000 # quicker

A fresh PostgreSQL database (BENCH_DIRECTORY_URL, default
postgres://postgres@127.0.0.1:5432/grassroots_bench_directory) is created and migrated, then
filled: 2,000 organisations and N approved services, each at its own location. 90% of the
locations are spread over Great Britain's extent, 10% crowd a town-sized area (10 miles
across) round the search point, so the circle holds a few hundred services, as in a city.
After ANALYZE, in the same run and process, each query is timed (median of --repeats after a
warm-up):

- reference: one public service by primary key (`visibility.visible_services`), the cheapest
  query a page makes;
- search: the directory page's query, `selectors.search_services` within 2 miles of the point,
  its count and first page (20), nearest first; and the same for 10 miles.

The plan of the 2-mile query is printed, to show the (latitude, longitude) B-tree at work.
The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg

from bench.national import create_database, drop_database, environment

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grassroots_bench_directory"
CENTRE = (52.2, -1.1)
BATCH = 5_000


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(services: int, repeats: int, seed: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from grassroots.directory import selectors
    from grassroots.directory.models import (
        ListingStatus,
        Location,
        Organization,
        Service,
        ServiceAtLocation,
    )
    from grassroots.directory.search import Point
    from grassroots.directory.visibility import visible_services

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    started = time.perf_counter()
    orgs = [
        Organization(name=f"Organisation {n}", listing_status=ListingStatus.APPROVED)
        for n in range(2_000)
    ]
    Organization.objects.bulk_create(orgs, batch_size=BATCH)
    first_id: uuid.UUID | None = None
    for start in range(0, services, BATCH):
        size = min(BATCH, services - start)
        rows, places, links = [], [], []
        for n in range(start, start + size):
            if rng.random() < 0.1:
                lat = CENTRE[0] + rng.uniform(-0.072, 0.072)
                lon = CENTRE[1] + rng.uniform(-0.118, 0.118)
            else:
                lat, lon = rng.uniform(50.0, 58.5), rng.uniform(-5.5, 1.7)
            service = Service(
                id=uuid.uuid4(),
                organization=orgs[n % len(orgs)],
                name=f"Service {n}",
                description="Help for people who need it.",
                listing_status=ListingStatus.APPROVED,
            )
            location = Location(id=uuid.uuid4(), name=f"Place {n}", latitude=lat, longitude=lon)
            rows.append(service)
            places.append(location)
            links.append(ServiceAtLocation(service=service, location=location))
        Service.objects.bulk_create(rows)
        Location.objects.bulk_create(places)
        ServiceAtLocation.objects.bulk_create(links)
        first_id = first_id or rows[0].pk
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - started
    centre = Point(*CENTRE)

    def reference() -> object:
        assert first_id is not None
        return visible_services(None).filter(pk=first_id).first()

    def search(miles: float) -> Callable[[], object]:
        def go() -> object:
            qs = selectors.search_services(None, centre=centre, miles=miles)
            return qs.count(), list(qs[:20])

        return go

    found_2 = selectors.search_services(None, centre=centre, miles=2).count()
    found_10 = selectors.search_services(None, centre=centre, miles=10).count()
    with connection.cursor() as cursor:
        sql, params = selectors.search_services(None, centre=centre, miles=2)[
            :20
        ].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "services": services,
        "load_s": round(load_s, 1),
        "reference_ms": round(_median_ms(reference, repeats), 2),
        "search_2_ms": round(_median_ms(search(2), repeats), 2),
        "search_10_ms": round(_median_ms(search(10), repeats), 2),
        "found_2": found_2,
        "found_10": found_10,
        "plan": plan,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.directory_search")
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "run":
        print(json.dumps(run(args.services, args.repeats, args.seed)))
        return 0
    url = os.environ.get("BENCH_DIRECTORY_URL", DEFAULT_URL)
    try:
        create_database(url)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL is needed and was not reachable: {error}", file=sys.stderr)
        return 1
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.directory_search",
                "--phase",
                "run",
                "--services",
                str(args.services),
                "--repeats",
                str(args.repeats),
                "--seed",
                str(args.seed),
            ],
            cwd=ROOT,
            env=environment(url),
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if not args.keep:
            drop_database(url)
    print(f"{figures['services']:,} services loaded in {figures['load_s']} s")
    print(f"reference (a service by primary key): {figures['reference_ms']} ms")
    print(f"within 2 miles (count + first 20 of {figures['found_2']}): {figures['search_2_ms']} ms")
    print(
        f"within 10 miles (count + first 20 of {figures['found_10']}): {figures['search_10_ms']} ms"
    )
    print("plan of the 2-mile page:")
    print(figures["plan"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
