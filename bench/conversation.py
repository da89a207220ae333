"""Benchmark: a conversation page with thousands of threaded replies, and a long events list.

    python -m bench.conversation                         # SQLite file in var/, about a minute
    python -m bench.conversation --postgres              # PostgreSQL (BENCH_CONVERSATION_URL)
    python -m bench.conversation --replies 100 1000 --events 50 --repeats 10
    python -m bench.conversation --profile               # cProfile of the largest thread

The two pages of issue 4 whose cost grows with the data:

- `/conversations/<pk>/`: one ward conversation per size in --replies, its replies made with
  bulk_create as `services.post_create` makes them (the path is the parent's path plus the
  zero-padded id; depth at most MAX_DEPTH - 1): a fifth of them top-level, the rest answering
  an earlier reply, every tenth quoting one, one in fifty removed by its author, and 0-3
  agrees each from 200 residents. Each reply's body carries a marker, so the benchmark counts
  how many replies the page shows (a page of threads, each cut to its first answers).
- `/conversations/<pk>/threads/<post_pk>/`: the busiest thread of each conversation on its
  own page, the first page and the last.
- `/events/`: the upcoming events list with each size in --events (groups, initiatives and
  wards as hosts, at venues in 30 wards, 0-5 RSVPs each), first page and last page.

Each page is fetched anonymously and signed in as a resident who may reply, through the
product's whole middleware with Django's test Client, in one process: --warmup requests, then
one with the queries captured (their count and the SQL time the database reported), then
--repeats timed ones (median, p95). The reference is bench.refapp's minimal view
(HttpResponse("ok")) through the same client and middleware, anonymous and signed in.

The database is a fresh SQLite file in a temporary folder under var/ (or, with --postgres,
BENCH_CONVERSATION_URL, default postgres://postgres@127.0.0.1:5432/grassroots_bench_conversation,
created and dropped), migrated, filled and measured in a subprocess with DEBUG off; it is
removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from bench.load import PLAIN_STATIC_STORAGE, collect_static
from bench.national import create_database, drop_database

if TYPE_CHECKING:  # Django is set up inside main(), so models are imported there for real.
    from grassroots.accounts.models import User
    from grassroots.events.models import Venue
    from grassroots.groups.models import Group
    from grassroots.initiatives.models import Initiative
    from grassroots.places.models import Ward

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/grassroots_bench_conversation"
DEFAULT_REPLIES = [100, 1_000, 5_000]
DEFAULT_EVENTS = [50, 2_000]
RESIDENTS = 200
WARDS = 30
PASSWORD_HASH = "!"  # noqa: S105 - an unusable password: the viewer is signed in by the client
EVENT_TITLE = re.compile(r"Park clean-up \d+")
SLOW_MS = 500.0  # a page whose median is slower than this gets a cProfile top-10


# --- Process plumbing ----------------------------------------------------------------------


def _environment(url: str) -> dict[str, str]:
    # Production settings (DEBUG on would keep every query in memory), the test client's host.
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        EMAIL_URL="dummymail://",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("GOVUK_NOTIFY_API_KEY", None)
    return env


# --- Generating rows -----------------------------------------------------------------------


@dataclass
class World:
    wards: list[Ward]
    residents: list[User]
    viewer: User
    groups: list[Group]
    initiatives: list[Initiative]
    venues: list[Venue]


def make_world() -> World:
    from allauth.account.models import EmailAddress
    from django.db import transaction

    from grassroots.accounts.models import User
    from grassroots.events.models import Venue
    from grassroots.groups.models import Group
    from grassroots.initiatives.models import Initiative, InitiativeWard
    from grassroots.places.models import Council, Ward

    with transaction.atomic():
        council = Council.objects.create(
            gss_code="E06999991", name="Benchmark Borough", slug="bench-borough", kind="E06"
        )
        wards = Ward.objects.bulk_create(
            Ward(
                gss_code=f"E05{999000 + n:06d}",
                name=f"Ward {n}",
                slug=f"bench-ward-{n}",
                council=council,
            )
            for n in range(WARDS)
        )
        residents = User.objects.bulk_create(
            User(
                email=f"resident{n}@bench.localhost",
                display_name=f"Resident {n}",
                password=PASSWORD_HASH,
            )
            for n in range(RESIDENTS)
        )
        viewer = residents[0]
        EmailAddress.objects.create(user=viewer, email=viewer.email, verified=True, primary=True)
        groups = Group.objects.bulk_create(
            Group(
                council=council,
                name=f"Friends of park {n}",
                slug=f"bench-friends-{n}",
                description="Neighbours who look after the park.",
                created_by=residents[n],
            )
            for n in range(10)
        )
        initiatives = Initiative.objects.bulk_create(
            Initiative(
                title=f"Community garden {n}",
                slug=f"bench-garden-{n}",
                problem="-",
                change_wanted="-",
                who_for="-",
                theme="other",
                created_by=residents[n],
            )
            for n in range(10)
        )
        InitiativeWard.objects.bulk_create(
            InitiativeWard(initiative=initiative, ward=wards[n % WARDS])
            for n, initiative in enumerate(initiatives)
        )
        venues = Venue.objects.bulk_create(
            Venue(council=council, name=f"Hall {n}", ward=wards[n], step_free=True)
            for n in range(WARDS)
        )
    return World(wards, residents, viewer, groups, initiatives, venues)


def make_conversation(world: World, replies: int, rng: random.Random) -> Any:
    """A ward conversation with `replies` threaded replies, as post_create would leave them."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from grassroots.conversations.models import MAX_DEPTH, PATH_DIGITS, Conversation, Post, Reaction

    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            ward=world.wards[0],
            question=f"Where should the new benches go? ({replies:,} replies)",
            description="Tell us the spot you would sit in.",
            started_by=world.residents[1],
            reply_count=replies,
            last_reply_at=now,
        )
        next_id = (Post.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        posts: list[Post] = []
        for n in range(replies):
            pk = next_id + n
            parent = None
            if posts and rng.random() >= 0.2:
                parent = rng.choice(posts[-200:])  # answers tend to be to recent replies
                if parent.depth >= MAX_DEPTH - 1:
                    parent = posts[parent.parent_id - next_id] if parent.parent_id else None
            segment = f"{pk:0{PATH_DIGITS}d}"
            posts.append(
                Post(
                    id=pk,
                    conversation=conversation,
                    parent=parent,
                    path=segment if parent is None else f"{parent.path}.{segment}",
                    depth=0 if parent is None else parent.depth + 1,
                    author=rng.choice(world.residents[1:]),
                    body=f"Reply marker-{n}-end. By the pond, facing the sun, near the bus stop.",
                    quoted=rng.choice(posts) if posts and n % 10 == 0 else None,
                    removed_by_author_at=now if n % 50 == 49 else None,
                    created_at=now,
                )
            )
        Post.objects.bulk_create(posts, batch_size=500)
        reactions = [
            Reaction(post=post, user=user)
            for post in posts
            for user in rng.sample(world.residents[1:], rng.randrange(4))
        ]
        Reaction.objects.bulk_create(reactions, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Post]):
                cursor.execute(sql)
    return conversation


def add_events(world: World, count: int, rng: random.Random) -> None:
    """`count` more upcoming events, hosted in turn by a group, an initiative and a ward."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from grassroots.events.models import Event, EventKind, Rsvp, RsvpStatus

    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    kinds = [EventKind.MEETING, EventKind.ACTIVITY]
    with transaction.atomic():
        events = []
        for n in range(count):
            host: dict[str, Any]
            if n % 3 == 0:
                host = {"group": world.groups[n % len(world.groups)]}
            elif n % 3 == 1:
                host = {"initiative": world.initiatives[n % len(world.initiatives)]}
            else:
                host = {"ward": world.wards[n % WARDS]}
            starts = start + datetime.timedelta(days=1 + rng.randrange(365), hours=n % 5)
            events.append(
                Event(
                    **host,
                    kind=kinds[n % 2],
                    title=f"Park clean-up {n}",
                    description="Bring gloves; we provide bags and tea.",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                    venue=world.venues[n % WARDS],
                    capacity=20 if n % 4 == 0 else None,
                )
            )
        events = Event.objects.bulk_create(events, batch_size=500)
        Rsvp.objects.bulk_create(
            (
                Rsvp(event=event, user=user, status=RsvpStatus.GOING)
                for event in events
                for user in rng.sample(world.residents[1:], rng.randrange(6))
            ),
            batch_size=1000,
        )


# --- Measuring -----------------------------------------------------------------------------


@dataclass
class Row:
    page: str
    size: str
    viewer: str
    status: int
    queries: int
    sql_ms: float
    median_ms: float
    p95_ms: float
    kb: float
    note: str = ""


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    client: Any, path: str, *, page: str, size: str, viewer: str, warmup: int, repeats: int
) -> tuple[Row, str]:
    """Warm up, capture one request's queries, then time `repeats` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    captured = list(queries.captured_queries)  # the next request resets the log
    html = response.content.decode(errors="replace")
    sql_ms = sum(float(q["time"]) for q in captured) * 1000
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    row = Row(
        page=page,
        size=size,
        viewer=viewer,
        status=response.status_code,
        queries=len(captured),
        sql_ms=sql_ms,
        median_ms=statistics.median(times),
        p95_ms=_percentile(times, 0.95),
        kb=len(response.content) / 1024,
    )
    return row, html


def profile(client: Any, path: str, out: io.StringIO) -> None:
    """cProfile of one request: where its time goes, and the ten functions with the most
    time of their own."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    spent: dict[str, float] = {}
    parts = {
        "the view's selectors (thread(): query and building the tree)": (
            "conversations/selectors.py",
            "thread",
        ),
        "events selectors (event_list)": ("events/selectors.py", "event_list"),
        "render() (template, including lazy queries)": ("django/shortcuts.py", "render"),
        "SQL (cursor execute, in both)": ("django/db/backends/utils.py", "_execute"),
    }
    total = max(row[3] for row in stats.stats.values())  # type: ignore[attr-defined]
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, (where, name) in parts.items():
            if filename.endswith(where) and function == name:
                spent[label] = spent.get(label, 0.0) + row[3]
    out.write(f"  whole request (under cProfile): {total * 1000:.0f} ms\n")
    for label, seconds in spent.items():
        out.write(f"  {label}: {seconds * 1000:.0f} ms\n")
    stats.sort_stats("tottime").print_stats(10)


def _print_table(rows: Sequence[Row], *, header: bool = True) -> None:
    if header:
        print(
            f"{'page':<22}{'size':>14}{'viewer':>11}{'status':>7}{'queries':>8}{'SQL ms':>8}"
            f"{'median ms':>10}{'p95 ms':>8}{'KB':>8}  note"
        )
    for r in rows:
        print(
            f"{r.page:<22}{r.size:>14}{r.viewer:>11}{r.status:>7}{r.queries:>8}"
            f"{r.sql_ms:>8.1f}{r.median_ms:>10.1f}{r.p95_ms:>8.1f}{r.kb:>8.1f}  {r.note}",
            flush=True,
        )


def busiest_thread(conversation: Any) -> tuple[int, int]:
    """The thread start with the most answers in `conversation`, and how many it has."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from grassroots.conversations.models import PATH_DIGITS, Post

    top = (
        Post.objects.filter(conversation=conversation)
        .annotate(thread=Substr("path", 1, PATH_DIGITS))
        .order_by()
        .values("thread")
        .annotate(size=Count("pk"))
        .order_by("-size", "thread")
        .first()
    )
    assert top is not None
    return int(top["thread"]), top["size"] - 1


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    sys.path.insert(0, str(ROOT))
    from django.db import connection
    from django.test import Client

    # Importing refapp sets Django up, with its URLconf: the product plus the reference view.
    from bench.refapp import REFERENCE_PATH
    from grassroots.conversations.selectors import ANSWERS_PER_PAGE
    from grassroots.events.views import PAGE_SIZE as EVENTS_PAGE_SIZE

    rng = random.Random(args.seed)
    started = time.perf_counter()
    world = make_world()
    conversations = [(n, make_conversation(world, n, rng)) for n in args.replies]
    print(
        f"Generated {len(conversations)} conversations ({sum(args.replies):,} replies) "
        f"in {time.perf_counter() - started:.1f} s ({connection.vendor})",
        flush=True,
    )
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(world.viewer)
    clients = [("anonymous", anonymous), ("resident", signed_in)]
    timing = {"warmup": args.warmup, "repeats": args.repeats}
    rows: list[Row] = []
    profiles: list[tuple[str, str]] = []

    def reference() -> None:
        for viewer, client in clients:
            row, _ = measure(
                client, REFERENCE_PATH, page="reference: ok view", size="", viewer=viewer, **timing
            )
            rows.append(row)
            _print_table(rows[-1:], header=False)

    print()
    _print_table([])
    reference()
    for replies, conversation in conversations:
        path = conversation.get_absolute_url()
        for viewer, client in clients:
            row, html = measure(
                client, path, page="conversation", size=f"{replies:,} replies", viewer=viewer,
                **timing,
            )  # fmt: skip
            shown = html.count('<li id="post-')
            agree = html.count("csrfmiddlewaretoken")
            row.note = f"{shown:,} of {replies:,} replies shown" + (
                f", {agree:,} forms" if viewer != "anonymous" else ""
            )
            rows.append(row)
            _print_table(rows[-1:], header=False)
            slow = row.median_ms > SLOW_MS
            if replies == max(args.replies) and (args.profile or slow):
                out = io.StringIO()
                profile(client, path, out)
                profiles.append((f"conversation, {replies:,} replies, {viewer}", out.getvalue()))
        # The busiest thread on its own page: the first page and the last.
        start, answers = busiest_thread(conversation)
        last = max(1, (answers + ANSWERS_PER_PAGE - 1) // ANSWERS_PER_PAGE)
        for number in sorted({1, last}):
            thread_path = f"{path}threads/{start}/?page={number}"
            for viewer, client in clients:
                row, html = measure(
                    client, thread_path, page=f"thread page p{number}",
                    size=f"{replies:,} replies", viewer=viewer, **timing,
                )  # fmt: skip
                shown = html.count('<li id="post-')
                row.note = f"{shown:,} shown of the busiest thread's {answers + 1:,}"
                rows.append(row)
                _print_table(rows[-1:], header=False)

    made = 0
    for events in sorted(args.events):
        add_events(world, events - made, rng)
        made = events
        for viewer, client in clients:
            row, html = measure(
                client, "/events/", page="events list", size=f"{events:,} events", viewer=viewer,
                **timing,
            )  # fmt: skip
            row.note = f"{len(set(EVENT_TITLE.findall(html)))} events shown"
            rows.append(row)
            _print_table(rows[-1:], header=False)
            last = (events + EVENTS_PAGE_SIZE - 1) // EVENTS_PAGE_SIZE
            if last > 1:
                row, html = measure(
                    client, f"/events/?page={last}", page=f"events list p{last}",
                    size=f"{events:,} events", viewer=viewer, **timing,
                )  # fmt: skip
                row.note = f"{len(set(EVENT_TITLE.findall(html)))} events shown"
                rows.append(row)
                _print_table(rows[-1:], header=False)
    reference()

    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Conversation page and events list, {connection.vendor}, in-process test Client, "
        f"{args.warmup} warm-up + {args.repeats} timed requests each; "
        f"{os.cpu_count()} CPUs, load average now {load}"
    )
    _print_table(rows)
    for title, text in profiles:
        print(f"\ncProfile: {title}")
        print(_trim(text))
    return 0 if all(r.status == 200 for r in rows) else 1


def _trim(text: str) -> str:
    """pstats' output without its header lines and long paths."""
    lines = [
        re.sub(r"\S*/site-packages/", "", line.replace(str(ROOT) + "/", ""))
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith(("Ordered by", "List reduced"))
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.conversation", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--replies", type=int, nargs="+", default=DEFAULT_REPLIES)
    parser.add_argument("--events", type=int, nargs="+", default=DEFAULT_EVENTS)
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests a page")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests a page")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest thread")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "run":
        return run(args)

    workdir: Path | None = None
    if args.postgres:
        url = os.environ.get("BENCH_CONVERSATION_URL", DEFAULT_POSTGRES_URL)
        try:
            create_database(url)
        except psycopg.OperationalError as error:
            print(f"PostgreSQL is needed and was not reachable: {error}", file=sys.stderr)
            return 1
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="bench-conversation-", dir=ROOT / "var"))
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = _environment(url)
    try:
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"Migrated in {time.perf_counter() - began:.0f} s: {url}", flush=True)
        # DEBUG off: pages name their static files through the manifest, as in production.
        static_note = collect_static(env)
        if static_note:
            print(static_note, flush=True)
            env["BENCH_STATIC_STORAGE"] = PLAIN_STATIC_STORAGE
        forwarded = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--keep"]
        done = subprocess.run(
            [sys.executable, "-m", "bench.conversation", *forwarded, "--phase", "run"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        return done.returncode
    finally:
        if args.keep:
            print(f"Kept: {url}")
        elif workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
