"""Load benchmark: the main pages on the national data set, served by gunicorn on PostgreSQL.

    python -m bench.national --scale 0.01    # first: the data set (or at 1.0, the whole country)
    python -m bench.load                      # then: 8 clients, 15 s a page
    python -m bench.load --clients 16 --duration 30 --workers 6
    python -m bench.load --worker-class gthread --workers 2 --threads 4 --proxy

It migrates the national database (BENCH_NATIONAL_URL, as bench.national), picks the busiest
ward, initiative, councillor and advocacy case in it, starts gunicorn on a free port of
127.0.0.1 with production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no SSL
redirect; grassroots/gunicorn_conf.py's sync workers, 4 of them) serving bench.refapp - the
product unchanged, plus /bench/ok, a minimal Django view returning "ok" through the same
middleware, measured in the same run as the reference. With --proxy the clients go through
nginx, configured as scripts/topology.py configures the production proxy. Each page is then
fetched for a fixed time by several concurrent clients (threads, each with its own connection,
kept alive when the server allows it; http.client, no other dependency), after a short
warm-up, and at most --max-requests times. A page whose URL is not built yet (no
route, or a 404) is skipped with a note. The case page is fetched as an officer of the
case's department, signed in through a session created with Django's SessionStore and
holding a TOTP authenticator (roles need one); the session is removed at the end, the
authenticator kept (overlapping runs share the officer).

Prints p50/p95/p99 latency (ms), requests a second and errors per page; the CPU time each
request cost the machine (gunicorn, PostgreSQL's processes for the bench's database, Redis and
the clients), a figure that holds when the machine is shared, where requests a second do not;
the SQL queries and time of one request to the same page made beforehand in this process
(Django's test client, same settings); and how the connections were spread over gunicorn's
workers half way through (a kept-alive connection stays with the worker that took it). It
writes the same as JSON to var/bench/. Only loopback addresses are used; every loop is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import importlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.national import DEFAULT_URL, ROOT, database_name, environment, setup_django, street

HOST = "127.0.0.1"
REFERENCE_PATH = "/bench/ok"
# The cache, as in production; this Redis database is emptied when gunicorn starts.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


@dataclass(frozen=True)
class Server:
    """How gunicorn runs: by default as grassroots/gunicorn_conf.py and the README run it."""

    workers: int = 4
    worker_class: str = "sync"
    threads: int = 1  # gthread only

    def __str__(self) -> str:
        if self.worker_class == "gthread":
            return f"{self.workers} workers x {self.threads} threads (gthread)"
        return f"{self.workers} {self.worker_class} workers"


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    signed_in: bool = False


@dataclass
class Result:
    name: str
    path: str
    signed_in: bool
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    bytes_per_response: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    note: str = ""
    queries: int | None = None  # SQL queries for one request, counted in this process
    single_ms: float = 0.0  # that one request's time, with no other load from the benchmark
    cached: int = 0  # answers served from the signed-out page cache (X-Page-Cache: hit)
    # CPU time a request cost the machine (gunicorn, the database's server processes for the
    # bench's database, Redis and the clients), warm-up included: unlike requests a second,
    # it holds when other work shares the machine (`ServerCPU`).
    cpu_ms: float = 0.0
    # How the clients' connections (the proxy's, with --proxy) were spread over gunicorn's
    # workers, busiest first (for example [5, 3]), read half way through the run.
    spread: list[int] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        del data["latencies_ms"]
        data.update(
            p50_ms=round(self.percentile(50), 1),
            p95_ms=round(self.percentile(95), 1),
            p99_ms=round(self.percentile(99), 1),
            requests_per_second=round(self.per_second, 1),
        )
        return data


# --- Choosing the pages (in this process, with Django set up against the national db) ----------


def _reverse(name: str, *kwarg_options: dict[str, Any]) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for kwargs in kwarg_options or ({},):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


@dataclass
class Plan:
    targets: list[Target]
    skipped: list[Result]
    cookie: str
    cleanup: Callable[[], None]


def plan() -> Plan:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count, Q

    from grassroots.accounts.models import OfficerPost, User
    from grassroots.initiatives.models import Initiative, InitiativeWard, Update, Visibility
    from grassroots.places.models import Councillor, Ward
    from grassroots.support.models import AdvocacyCase

    targets = [Target("reference: minimal view", REFERENCE_PATH)]
    skipped: list[Result] = []

    def add(name: str, path: str | None, *, signed_in: bool = False, why: str = "") -> None:
        if path is None:
            skipped.append(Result(name, "", signed_in, note=why or "no URL for it yet"))
        else:
            targets.append(Target(name, path, signed_in))

    busiest = (
        InitiativeWard.objects.values("ward").annotate(n=Count("id")).order_by("-n", "ward")[:1]
    )
    ward = Ward.objects.select_related("council").get(pk=busiest[0]["ward"]) if busiest else None
    if ward is None:
        raise SystemExit("The national data set is empty: run python -m bench.national first")
    add("ward page", ward.get_absolute_url())

    listing = _reverse("initiatives:list")
    add("initiative list", listing)
    if listing:
        add(
            "list: theme + stage",
            f"{listing}?{urlencode({'theme': 'green_spaces'})}&stage=planning",
        )
        add("list: ward", f"{listing}?{urlencode({'ward': ward.pk})}")
        add("list: open need", f"{listing}?{urlencode({'need': 'volunteers'})}")
        add("list: search, rare", f"{listing}?{urlencode({'q': street(7).split()[0]})}")
        # Two words each in about two thirds of the initiatives: ~45,000 matches.
        add("list: search, common", f"{listing}?{urlencode({'q': 'community garden'})}")
        add(
            "list: search, common, p50",
            f"{listing}?{urlencode({'q': 'community garden', 'page': 50})}",
        )
        add("list: page 50", f"{listing}?page=50")
        add("list: page 500", f"{listing}?page=500")
        # Signed in, the visibility rule adds its insider conditions to every query.
        add("list: signed in", f"{listing}?{urlencode({'q': 'community garden'})}", signed_in=True)

    public = Initiative.objects.filter(visibility=Visibility.PUBLIC)
    top = (
        Update.objects.filter(initiative__in=public.filter(pk__lte=2000))
        .values("initiative")
        .annotate(n=Count("id"))
        .order_by("-n", "initiative")[:1]
    )
    initiative = Initiative.objects.get(pk=top[0]["initiative"]) if top else public.first()
    if initiative is not None:
        add("initiative detail", _reverse("initiatives:detail", {"slug": initiative.slug}))

    councillor = Councillor.objects.annotate(n=Count("supports")).order_by("-n", "pk").first()
    if councillor is not None:
        add("councillor page", councillor.get_absolute_url())

    add("home page", _reverse("home"))
    add("council page", ward.council.get_absolute_url())
    add("events list", _reverse("events:list"))
    # The busiest conversation and group that anyone may read.
    from grassroots.conversations.models import Conversation
    from grassroots.groups.models import Group

    conversation = (
        Conversation.objects.filter(is_safeguarded=False, audience="everyone", hidden_at=None)
        .filter(Q(initiative=None) | Q(initiative__visibility=Visibility.PUBLIC))
        .order_by("-reply_count", "pk")
        .first()
    )
    add("conversation page", conversation.get_absolute_url() if conversation else None)
    group = Group.objects.annotate(n=Count("events")).order_by("-n", "pk").first()
    add("group page", group.get_absolute_url() if group else None)

    case = (
        AdvocacyCase.objects.filter(support__initiative__visibility=Visibility.PUBLIC)
        .annotate(n=Count("messages"))
        .order_by("-n", "pk")
        .first()
    )
    cookie = ""
    session_key = ""
    officer: User | None = None
    if case is not None:
        post = OfficerPost.objects.filter(department=case.department_id).first()
        officer = post.user if post else None
        options = [{"pk": case.pk}, {"case_id": case.pk}, {"id": case.pk}]
        path = None
        for name in ("support:case", "support:case_detail", "support:advocacy_case"):
            path = path or _reverse(name, *options)
        if officer is None:
            add("case page (officer)", None, why="no officer in the case's department")
        else:
            add("case page (officer)", path, signed_in=True)
            add("reference (signed in)", REFERENCE_PATH, signed_in=True)
            add("home page (signed in)", _reverse("home"), signed_in=True)
            if initiative is not None:
                detail = _reverse("initiatives:detail", {"slug": initiative.slug})
                add("initiative detail (signed in)", detail, signed_in=True)
            add("ward page (signed in)", ward.get_absolute_url(), signed_in=True)
            from allauth.mfa.models import Authenticator
            from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

            # Kept afterwards: runs that overlap (bench.load, bench.profile) share this officer,
            # and one run's clean-up must not sign the other's session out of its role.
            if not Authenticator.objects.filter(user=officer, type="totp").exists():
                TOTP.activate(officer, generate_totp_secret())
            store = import_module(settings.SESSION_ENGINE).SessionStore()
            store[SESSION_KEY] = str(officer.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = officer.get_session_auth_hash()
            store.create()
            session_key = store.session_key or ""
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    else:
        add("case page (officer)", None, why="no advocacy case in the data set")

    def cleanup() -> None:
        if session_key:
            import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()

    return Plan(targets, skipped, cookie, cleanup)


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def collect_static(env: dict[str, str]) -> str:
    """Run the release step `collectstatic`; "" when it worked, else what the bench did instead.

    DEBUG off means hashed static file names from the manifest, as in production. If the
    manifest can't be built, pages would fail on {% static %}; the bench then serves them with
    Django's plain storage (unhashed names: a dictionary lookup less a tag) and says so.
    """
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return ""
    last = [line for line in done.stderr.splitlines() if line.strip()][-6:]
    reason = next((line for line in last if "Error" in line), last[-1] if last else "")
    return f"collectstatic failed ({reason.strip()}); static storage: {PLAIN_STATIC_STORAGE}"


def server_environment(url: str, static_note: str, pgoptions: str = "") -> dict[str, str]:
    env = dict(
        environment(url),
        SECURE_SSL_REDIRECT="false",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        # As in production: the cache (and the signed-out page cache) in Redis.
        REDIS_URL=REDIS_URL,
        PAGE_CACHE_SECONDS=os.environ.get("BENCH_PAGE_CACHE_SECONDS", "300"),
    )
    if static_note:
        env["BENCH_STATIC_STORAGE"] = PLAIN_STATIC_STORAGE
    if pgoptions:
        env["PGOPTIONS"] = pgoptions  # libpq reads it: server settings for every connection
    return env


def start_gunicorn(
    url: str, port: int, server: Server, static_note: str, pgoptions: str
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:grassroots.gunicorn_conf",
        "bench.refapp:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(server.workers),
        "--worker-class",
        server.worker_class,
        "--log-level",
        "warning",
    ]
    if server.worker_class == "gthread":
        command += ["--threads", str(server.threads), "--keep-alive", "30"]
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # nothing cached by an earlier run
    process = subprocess.Popen(
        command, cwd=ROOT, env=server_environment(url, static_note, pgoptions)
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {process.returncode})")
        with contextlib.suppress(OSError):
            status, _, _ = fetch_once(port, REFERENCE_PATH, "")
            if status == 200:
                return process
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def start_proxy(port: int, upstream: int, directory: str) -> subprocess.Popen[bytes]:
    """nginx on `port` in front of gunicorn on `upstream`, configured as scripts/topology.py
    configures the production proxy."""
    spec = importlib.util.spec_from_file_location("topology", ROOT / "scripts" / "topology.py")
    assert spec is not None
    assert spec.loader is not None
    topology = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, topology)  # its dataclasses look their module up
    spec.loader.exec_module(topology)
    folder = Path(directory)
    (folder / "temp").mkdir()
    conf = folder / "nginx.conf"
    conf.write_text(topology.nginx_conf(port, (upstream,), folder, folder))
    base = [topology.NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
    process = subprocess.Popen([*base, "-g", "daemon off;"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if fetch_once(port, REFERENCE_PATH, "")[0] == 200:
                return process
        if process.poll() is not None:
            break
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"nginx did not answer: see {folder / 'error.log'}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- CPU time ---------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float | None:
    """Seconds of CPU that process `pid` has used (user and system), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _proc_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat", encoding="ascii") as s:
                if int(s.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


def connections_by_worker(
    gunicorn: int, port: int, client_ports: Sequence[int] | None
) -> list[int]:
    """How many of the clients' connections (by their local ports; None: every connection,
    such as the proxy's) each worker of `gunicorn` holds, busiest first. Linux only: a
    connection's socket inode, read from /proc/net/tcp, is matched to the worker holding that
    socket open; elsewhere it reads []."""
    workers = _children(gunicorn)
    owner: dict[str, int] = {}
    for pid in workers:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link.startswith("socket:["):
                        owner[link[8:-1]] = pid
    wanted = None if client_ports is None else set(client_ports)
    held: dict[int, int] = dict.fromkeys(workers, 0)
    with contextlib.suppress(OSError), open("/proc/net/tcp", encoding="ascii") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            ours = int(local.rsplit(":", 1)[1], 16) == port
            theirs = wanted is None or int(remote.rsplit(":", 1)[1], 16) in wanted
            if ours and theirs and inode in owner:
                held[owner[inode]] += 1
    return sorted(held.values(), reverse=True) if any(held.values()) else []


class ServerCPU:
    """The CPU used by everything that answers the benchmark's requests: gunicorn and its
    workers, PostgreSQL's processes serving the bench's database (their title names it),
    redis-server, the proxy's nginx with --proxy, and this process (the clients). Linux only
    (/proc); elsewhere it reads 0."""

    def __init__(self, gunicorn: int, database: str, proxy: int | None = None) -> None:
        self.gunicorn = gunicorn
        self.database = database
        self.proxy = proxy

    def _pids(self) -> list[int]:
        if not os.path.isdir("/proc"):
            return []
        pids = [self.gunicorn, *_children(self.gunicorn)]
        if self.proxy:
            pids += [self.proxy, *_children(self.proxy)]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                line = _proc_line(int(entry))
                ours = line.startswith("postgres: ") and f" {self.database} " in line
                if ours or line.startswith("redis-server"):
                    pids.append(int(entry))
        return pids

    def snapshot(self) -> dict[int, float]:
        used = {pid: _proc_cpu(pid) for pid in self._pids()}
        used[0] = time.process_time()  # this process: the clients
        return {pid: seconds for pid, seconds in used.items() if seconds is not None}

    def since(self, before: dict[int, float]) -> float:
        """Seconds used since `before` (a process that started since counts whole)."""
        now = self.snapshot()
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())


# --- The clients ------------------------------------------------------------------------------


def fetch_once(port: int, path: str, cookie: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Location") or ""
    finally:
        conn.close()


def run_target(
    port: int,
    target: Target,
    cookie: str,
    *,
    clients: int,
    duration: float,
    warmup: float,
    max_requests: int,
    cpu: ServerCPU | None = None,
    upstream: int | None = None,
) -> Result:
    """Fetch `target` from `port` for `duration` seconds; `upstream` is gunicorn's port when
    `port` is a proxy's (the connections counted in `Result.spread` are then the proxy's)."""
    result = Result(target.name, target.path, target.signed_in)
    answered = [0]  # every request, warm-up included, for the CPU time per request
    headers = {"Cookie": cookie} if target.signed_in and cookie else {}
    lock = threading.Lock()
    sizes: list[int] = []
    start_at = time.monotonic() + warmup
    stop_at = start_at + duration
    budget = [max_requests]

    ports: dict[int, int] = {}  # each client's current connection, by its local port

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        latencies: list[float] = []
        errors = 0
        cached = 0
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            measured = now >= start_at
            if measured:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
            began = time.perf_counter()
            try:
                conn.request("GET", target.path, headers=headers)
                if conn.sock is not None:
                    ports[threading.get_ident()] = conn.sock.getsockname()[1]
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200
                hit = response.getheader("X-Page-Cache") == "hit"
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok, body, hit = False, b"", False
                conn.close()
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                answered[0] += 1
            if measured:
                if ok:
                    latencies.append(elapsed)
                    cached += hit
                    if len(sizes) < 10:
                        sizes.append(len(body))
                else:
                    errors += 1
        conn.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.errors += errors
            result.cached += cached

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    before = cpu.snapshot() if cpu else {}
    for thread in threads:
        thread.start()
    if cpu:
        time.sleep(max(0.0, start_at + duration / 2 - time.monotonic()))
        if upstream:
            result.spread = connections_by_worker(cpu.gunicorn, upstream, None)
        else:
            result.spread = connections_by_worker(cpu.gunicorn, port, list(ports.values()))
    for thread in threads:
        thread.join(timeout=warmup + duration + 120)
    if cpu and answered[0]:
        result.cpu_ms = cpu.since(before) * 1000 / answered[0]
    result.seconds = max(0.0, min(duration, time.monotonic() - start_at))
    result.requests = len(result.latencies_ms) + result.errors
    result.bytes_per_response = round(sum(sizes) / len(sizes)) if sizes else 0
    return result


def single_request(target: Target, cookie: str) -> tuple[int | None, float]:
    """Queries and time of one request, in this process (Django's test client), warmed up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    if target.signed_in and cookie:
        name, _, value = cookie.partition("=")
        client.cookies[name] = value
    client.get(target.path)
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = client.get(target.path)
        elapsed = (time.perf_counter() - began) * 1000
    return (len(queries.captured_queries) if response.status_code == 200 else None), elapsed


def preflight(port: int, target: Target, cookie: str) -> str:
    """Why this page can't be measured, or "" when it answers 200."""
    status, _, location = fetch_once(port, target.path, cookie if target.signed_in else "")
    if status == 200:
        return ""
    if status == 404:
        return "404: not built yet (skipped)"
    return f"{status}{' to ' + location if location else ''} (skipped)"


# --- Report -----------------------------------------------------------------------------------


def print_table(results: Sequence[Result], out: Callable[[str], None] = print) -> None:
    out(
        f"{'page':<26}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'KB':>6}{'queries':>8}{'1 req ms':>9}{'cached':>7}{'CPU ms':>8}"
        f"{'spread':>8}  path"
    )
    for r in results:
        if not r.requests:
            out(f"{r.name:<26}{r.note}  {r.path}".rstrip())
            continue
        out(
            f"{r.name:<26}{r.requests:>9,}{r.errors:>7}{r.per_second:>8.1f}"
            f"{r.percentile(50):>8.1f}{r.percentile(95):>8.1f}{r.percentile(99):>8.1f}"
            f"{r.bytes_per_response / 1024:>6.0f}"
            f"{'' if r.queries is None else r.queries:>8}{r.single_ms:>9.0f}"
            f"{100 * r.cached / max(1, r.requests - r.errors):>6.0f}%"
            f"{r.cpu_ms:>8.2f}{'/'.join(map(str, r.spread)):>8}"
            f"  {r.path}  {r.note}".rstrip()
        )


def row_counts() -> dict[str, int]:
    from django.db import connection

    from grassroots.accounts.models import User
    from grassroots.initiatives.models import Initiative, Update
    from grassroots.places.models import Councillor, Ward

    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in (Ward, Councillor, User, Initiative, Update):
            # The planner's estimate: exact counts of millions of rows take seconds.
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                [model._meta.db_table],
            )
            row = cursor.fetchone()
            counts[model._meta.db_table] = int(row[0]) if row else 0
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds a page (15)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds not measured (2)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap a page (50,000)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="sync",
        help="gunicorn's worker class (sync, as grassroots/gunicorn_conf.py sets it)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads a gthread worker (4)")
    parser.add_argument("--only", nargs="*", help="measure only pages whose name has one of these")
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="clients go through nginx, configured as scripts/topology.py's proxy",
    )
    parser.add_argument(
        "--pgoptions",
        default="",
        help='PostgreSQL settings for the server\'s connections, e.g. "-c jit=off" (PGOPTIONS)',
    )
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_NATIONAL_URL", DEFAULT_URL)
    env = environment(url)
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        print(
            f"Could not migrate {database_name(url)} ({error}): "
            "create it first with python -m bench.national",
            file=sys.stderr,
        )
        return 1
    static_note = collect_static(env)
    # This process serves single requests too (to count their queries), as gunicorn will, but
    # draws each page: its queries and time are those of a page not in the page cache.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    if args.pgoptions:
        os.environ["PGOPTIONS"] = args.pgoptions
    if static_note:
        os.environ["BENCH_STATIC_STORAGE"] = PLAIN_STATIC_STORAGE
    setup_django(url)
    importlib.import_module("bench.refapp")  # its URLconf (and static storage) here too
    chosen = plan()
    counts = row_counts()
    targets = [t for t in chosen.targets if not args.only or any(o in t.name for o in args.only)]
    single = {t.name: single_request(t, chosen.cookie) for t in targets}
    results: list[Result] = []
    port = free_port()
    if static_note:
        print(f"NOTE: {static_note}", flush=True)
    threads = args.threads if args.worker_class == "gthread" else 1
    shape = Server(args.workers, args.worker_class, threads)
    server = start_gunicorn(url, port, shape, static_note, args.pgoptions)
    proxy: subprocess.Popen[bytes] | None = None
    folder = tempfile.TemporaryDirectory(prefix="bench-proxy-") if args.proxy else None
    upstream = None
    try:
        if folder:
            upstream, port = port, free_port()
            proxy = start_proxy(port, upstream, folder.name)
        cpu = ServerCPU(server.pid, database_name(url), proxy.pid if proxy else None)
        for target in targets:
            note = preflight(port, target, chosen.cookie)
            if note:
                results.append(Result(target.name, target.path, target.signed_in, note=note))
                print(f"{target.name}: {note}", flush=True)
                continue
            result = run_target(
                port,
                target,
                chosen.cookie,
                clients=args.clients,
                duration=args.duration,
                warmup=args.warmup,
                max_requests=args.max_requests,
                cpu=cpu,
                upstream=upstream,
            )
            result.queries, result.single_ms = single[target.name]
            results.append(result)
            print_table([result])
    finally:
        if proxy:
            stop(proxy)
        if folder:
            folder.cleanup()
        stop(server)
        chosen.cleanup()
    results += chosen.skipped

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    sized = ", ".join(f"{table} ~{n:,}" for table, n in counts.items())
    print()
    print(
        f"Load on {database_name(url)} ({sized}); gunicorn {shape}"
        + (" behind nginx" if args.proxy else "")
        + f", {args.clients} clients, {args.duration:.0f} s a page "
        f"after {args.warmup:.0f} s warm-up; {os.cpu_count()} CPUs shared by server, clients "
        f"and PostgreSQL; load average now {load}"
        + (f"; PGOPTIONS={args.pgoptions}" if args.pgoptions else "")
    )
    print_table(results)
    if static_note:
        print(f"NOTE: {static_note}")
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = out_dir / f"load-{stamp}.json"
    report.write_text(
        json.dumps(
            {
                "database": database_name(url),
                "rows": counts,
                "clients": args.clients,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "gunicorn": asdict(shape),
                "proxy": args.proxy,
                "pgoptions": args.pgoptions,
                "cpus": os.cpu_count(),
                "note": static_note,
                "load_average": os.getloadavg(),
                "results": [r.summary() for r in results],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"Written to {report.relative_to(ROOT)}")
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
