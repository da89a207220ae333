"""Benchmark: the daily digest job for 100,000 followers, streamed, in bounded memory.

    python -m bench.digest                       # 100,000 followers, 2 notifications each
    python -m bench.digest --followers 20000     # quicker
    python -m bench.digest --tasks database      # queue each email as a database task row

A fresh PostgreSQL database (BENCH_DIGEST_URL, default
postgres://postgres@127.0.0.1:5432/grassroots_bench_digest) is created, migrated and filled
with COPY: one ward, a public and a safeguarded initiative, N users who follow the ward with
their "following" notifications set to the daily digest, and for each of them a notification
about the ward and one about the public initiative; every 50th also has one about the
safeguarded initiative, which they are not in (the job must drop it: the visibility rule is
asked once for the whole batch, not once per person). Then three runs over the same rows,
each in its own process so that its peak resident set size (getrusage) is its own; each
reports its RSS after a warm-up (imports, URL resolver, database connection) and at its peak,
and with --tracemalloc also the peak of Python allocations (tracemalloc makes every run
several times slower):

- `select`: a bare SELECT of the waiting notifications, iterated with a server-side cursor
  (the floor: reading the rows and nothing else);
- `list`: the same rows as model objects with their places, and the recipients, loaded
  into lists before any digest is built (what the job would cost without streaming);
- `digest`: `manage.py send_digests --daily`'s function, `digests_send`: people in
  keyset-paginated batches (BATCH_SIZE), one email each (to Django's dummy mail backend),
  handed to the task queue EMAILS_PER_TASK at a time (the immediate task backend, which
  sends them at once, unless --tasks database, which only queues the task rows), rows
  marked emailed.

Memory of `digest` should stay near `select` and flat as --followers grows; `list` grows with
it. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg

from bench.national import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grassroots_bench_digest"
DEFAULT_FOLLOWERS = 100_000
PASSWORD_HASH = "!"  # noqa: S105 - an unusable password: nobody signs in to a benchmark


# --- Process plumbing ----------------------------------------------------------------------


def _environment(url: str, tasks: str) -> dict[str, str]:
    # Production settings (DEBUG on would keep every query in memory), no real mail.
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        ALLOWED_HOSTS="localhost",
        EMAIL_URL="dummymail://",
        TASK_BACKEND=tasks,
        SITE_URL="https://grassroots.example.gov.uk",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("GOVUK_NOTIFY_API_KEY", None)
    return env


def _phase(phase: str, url: str, tasks: str, *extra: str) -> dict[str, Any]:
    """Run one phase in a fresh process; it prints one JSON line of figures last."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.digest", "--phase", phase, *extra],
        cwd=ROOT,
        env=_environment(url, tasks),
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        done.check_returncode()
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    import django

    django.setup()


# --- Generating rows ----------------------------------------------------------------------


def _copy(model: Any, fields: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """COPY rows into a model's table; the other columns take their defaults."""
    from django.db import connection

    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in fields]
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        column_list = ", ".join(f'"{c}"' for c in columns)
        with raw.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def generate(followers: int) -> dict[str, Any]:
    _setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.following.models import Follow
    from grassroots.initiatives.models import Initiative, InitiativeWard, Visibility
    from grassroots.notifications.models import Notification, Preference
    from grassroots.places.models import Council, Ward

    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        council = Council.objects.create(
            gss_code="E06999990", name="Benchmark Borough", slug="bench", kind="E06"
        )
        ward = Ward.objects.create(
            gss_code="E05999990", name="Riverside", slug="riverside", council=council
        )
        lead = User.objects.create(email="lead@bench.localhost", password=PASSWORD_HASH)
        public, safeguarded = (
            Initiative.objects.create(
                title=title,
                slug=slug,
                problem="-",
                change_wanted="-",
                who_for="-",
                theme="other",
                visibility=visibility,
                created_by=lead,
            )
            for title, slug, visibility in (
                ("Riverside garden", "riverside-garden", Visibility.PUBLIC),
                ("Quiet circle", "quiet-circle", Visibility.SAFEGUARDED),
            )
        )
        for initiative in (public, safeguarded):
            InitiativeWard.objects.create(initiative=initiative, ward=ward)
        first = lead.pk + 1
        ids = range(first, first + followers)
        _copy(
            User,
            [
                "id",
                "password",
                "email",
                "display_name",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
                "postcode",
                "is_moderator",
            ],
            (
                (
                    i,
                    PASSWORD_HASH,
                    f"follower{i}@bench.localhost",
                    f"Follower {i}",
                    False,
                    False,
                    True,
                    now,
                    "",
                    False,
                )
                for i in ids
            ),
        )
        _copy(Follow, ["user", "ward", "created_at"], ((i, ward.pk, now) for i in ids))
        _copy(Preference, ["user", "kind", "delivery"], ((i, "following", "daily") for i in ids))

        def notifications() -> Iterator[tuple[Any, ...]]:
            for i in ids:
                yield (i, "A new initiative in Riverside", "/riverside/", None, ward.pk)
                yield (i, "Riverside garden is now in action", "/garden/", public.pk, None)
                if i % 50 == 0:  # about somewhere they cannot see: the job must drop it
                    yield (i, "Quiet circle meets on Tuesday", "/quiet/", safeguarded.pk, None)

        count = _copy(
            Notification,
            [
                "recipient",
                "text",
                "url",
                "initiative",
                "ward",
                "kind",
                "created_at",
                "awaiting_digest",
            ],
            ((*row, "following", now, True) for row in notifications()),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)",
                [first + followers],
            )
    with connection.cursor() as cursor:
        for table in (
            "accounts_user",
            "following_follow",
            "notifications_preference",
            "notifications_notification",
        ):
            cursor.execute(f"ANALYZE {table}")
    return {"notifications": count, "seconds": time.perf_counter() - started}


# --- The measured runs --------------------------------------------------------------------


def _measure(run: Any, *, traced: bool) -> dict[str, Any]:
    """Run after a warm-up (imports, URL resolver), so the figures are the run's own."""
    _setup_django()
    from django.urls import reverse

    import grassroots.notifications.digests  # noqa: F401
    from grassroots.accounts.models import User

    reverse("notifications:inbox")
    User.objects.exists()
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    figures: dict[str, Any] = run()
    figures["seconds"] = time.perf_counter() - started
    figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if traced else 0
    tracemalloc.stop()
    figures["baseline_rss_mb"] = baseline_rss
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def run_select() -> dict[str, Any]:
    from django.db import connection, transaction

    rows = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT n.id, n.recipient_id, n.text, n.url, n.initiative_id, n.ward_id "
            "FROM notifications_notification n WHERE n.awaiting_digest"
        )
        while batch := cursor.fetchmany(2000):
            rows += len(batch)
    return {"rows": rows}


def run_list() -> dict[str, Any]:
    from grassroots.accounts.models import User
    from grassroots.notifications.digests import due

    notifications = list(
        due("daily").select_related("initiative", "conversation__initiative", "group", "ward")
    )
    people = list(User.objects.filter(pk__in={n.recipient_id for n in notifications}))
    return {"rows": len(notifications), "people": len(people)}


def run_digest(batch_size: int | None) -> dict[str, Any]:
    from grassroots.notifications.digests import BATCH_SIZE, digests_send

    result = digests_send(frequency="daily", batch_size=batch_size or BATCH_SIZE)
    return {
        "rows": result.notifications + result.skipped,
        "people": result.emails,
        "skipped": result.skipped,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.digest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--followers", type=int, default=DEFAULT_FOLLOWERS)
    parser.add_argument("--batch-size", type=int, default=None, help="people a batch")
    parser.add_argument("--tasks", choices=["immediate", "database"], default="immediate")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations (their peak; runs several times slower)",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        if args.phase == "generate":
            figures = generate(args.followers)
        elif args.phase == "select":
            figures = _measure(run_select, traced=args.tracemalloc)
        elif args.phase == "list":
            figures = _measure(run_list, traced=args.tracemalloc)
        else:
            figures = _measure(lambda: run_digest(args.batch_size), traced=args.tracemalloc)
        print(json.dumps(figures))
        return 0

    url = os.environ.get("BENCH_DIGEST_URL", DEFAULT_URL)
    try:
        create_database(url)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL is needed and was not reachable: {error}", file=sys.stderr)
        return 1
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=_environment(url, args.tasks),
            check=True,
        )
        made = _phase("generate", url, args.tasks, "--followers", str(args.followers))
        extra_ref = ["--tracemalloc"] if args.tracemalloc else []
        print(
            f"Generated {args.followers:,} followers and {made['notifications']:,} waiting "
            f"notifications in {made['seconds']:.0f} s",
            flush=True,
        )
        extra = ["--batch-size", str(args.batch_size)] if args.batch_size else []
        extra += ["--tracemalloc"] if args.tracemalloc else []
        results = [
            ("select (reference: bare SELECT)", _phase("select", url, args.tasks, *extra_ref)),
            ("list (reference: all in lists)", _phase("list", url, args.tasks, *extra_ref)),
            (f"digest (streamed, tasks={args.tasks})", _phase("digest", url, args.tasks, *extra)),
        ]
        again = _phase("digest", url, args.tasks, *extra)
    finally:
        if not args.keep:
            drop_database(url)
    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Daily digest, {args.followers:,} followers; {os.cpu_count()} CPUs, load {load}")
    print(
        f"{'run':<38} {'rows':>9} {'emails':>8} {'seconds':>8} {'RSS before':>11} "
        f"{'peak RSS':>9} {'growth':>7} {'traced':>7}"
    )
    for name, r in results:
        emails = f"{r['people']:,}" if name.startswith("digest") else ""
        traced = f"{r['traced_peak_mb']:.1f}" if args.tracemalloc else "-"
        print(
            f"{name:<38} {r['rows']:>9,} {emails:>8} {r['seconds']:>8.1f} "
            f"{r['baseline_rss_mb']:>8.0f} MB {r['max_rss_mb']:>6.0f} MB "
            f"{r['max_rss_mb'] - r['baseline_rss_mb']:>4.0f} MB {traced:>7}"
        )
    print(f"Second digest run: {again['people']} emails (idempotent), {again['seconds']:.1f} s")
    return 0 if again["people"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
