"""The multi-machine topology on one machine, and its fault drills (scripts/topology.sh).

Everything listens on 127.0.0.1 only, on ports of its own (never the machine's PostgreSQL on
5432 or Redis on 6379), and keeps its state under var/topology/:

    nginx :8100  ->  gunicorn :8101, gunicorn :8102      (web)
    PostgreSQL primary :5440  ->  streaming replica :5441 (pg_basebackup -R, a slot)
    Redis :6390 (cache, sessions, rate limits, RQ queue)  <-  rqworker x2

Commands: up, down, status, env, destroy, drill [web|primary|replica|redis|all].
Each drill drives load through the proxy with a small load generator (threads, http.client,
keep-alive), breaks one part, and prints what the clients saw. Standard library only (plus
psycopg from the project's virtualenv), so it runs wherever the site does.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "topology"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_BIN = Path(os.environ.get("TOPOLOGY_PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("TOPOLOGY_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
HOST = "127.0.0.1"

PROXY_PORT = 8100
WEB_PORTS = (8101, 8102)
PRIMARY_PORT = 5440
REPLICA_PORT = 5441
REDIS_PORT = 6390
WORKERS = ("worker-1", "worker-2")
DB_NAME = "grassroots_topology"
# Each gunicorn instance: sync workers (grassroots/gunicorn_conf.py), one request at a time each.
WEB_WORKERS = int(os.environ.get("TOPOLOGY_WEB_WORKERS", "2"))

PG_DIR = STATE / "pg"
PRIMARY_DATA = PG_DIR / "primary"
REPLICA_DATA = PG_DIR / "replica"
REDIS_DIR = STATE / "redis"
NGINX_DIR = STATE / "nginx"
MAIL_DIR = STATE / "mail"
LOG_DIR = STATE / "log"
RUN_DIR = STATE / "run"

DEMO_PASSWORD = "grassroots-demo"  # noqa: S105 - the demo's published password (README.md)


# --- small helpers ------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, flush=True)


def run(
    cmd: list[str], *, as_postgres: bool = False, check: bool = True, quiet: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run `cmd` (as the postgres user for PostgreSQL's tools: initdb refuses root)."""
    if as_postgres and os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if check and result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    if not quiet and result.stdout.strip():
        say(result.stdout.rstrip())
    return result


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def wait_until(test: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not test():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def read_pid(name: str) -> int | None:
    try:
        pid = int((RUN_DIR / f"{name}.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def stop_pid(name: str, *, sig: int = signal.SIGTERM, seconds: float = 20) -> bool:
    """Stop the process group we started as `name`; True if it was running."""
    pid = read_pid(name)
    if pid is None:
        (RUN_DIR / f"{name}.pid").unlink(missing_ok=True)
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        # Reap it if it is our own child (a drill restarting a web instance).
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    (RUN_DIR / f"{name}.pid").unlink(missing_ok=True)
    return True


def spawn(name: str, cmd: list[str]) -> None:
    """Start `cmd` in a session of its own (so a stop reaches all its processes), logging
    to var/topology/log/<name>.log, unless it is already running."""
    if read_pid(name) is not None:
        return
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with (LOG_DIR / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            cmd,
            cwd=ROOT,
            env=app_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (RUN_DIR / f"{name}.pid").write_text(str(process.pid))


def secret(name: str) -> str:
    path = STATE / name
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def app_env() -> dict[str, str]:
    """The environment every app process (web, worker, manage.py) gets."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@{HOST}:{PRIMARY_PORT}/{DB_NAME}",
            "DATABASE_REPLICA_URL": f"postgres://postgres@{HOST}:{REPLICA_PORT}/{DB_NAME}",
            "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
            "TASK_BACKEND": "rq",
            "DEBUG": "false",
            "SECRET_KEY": secret("secret_key"),
            "HEALTHZ_TOKEN": secret("healthz_token"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://{HOST}:{PROXY_PORT}",
            # Plain http on loopback: no redirect to https, cookies without the Secure flag.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXIES": "1",
            # Four slashes: django-environ reads the path after the third as relative.
            "EMAIL_URL": f"filemail:///{MAIL_DIR}",
            "STATIC_ROOT": str(STATE / "static"),
            "COUNCIL_NAME": "Brookmere Borough Council",
            "LOG_LEVEL": "WARNING",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
    )
    return env


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=app_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


# --- PostgreSQL ----------------------------------------------------------------------------


def pg_ctl(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(
        [str(PG_BIN / "pg_ctl"), "-D", str(data), *args],
        as_postgres=True,
        check=check,
        quiet=True,
    )


def pg_running(data: Path) -> bool:
    return data.exists() and pg_ctl(data, "status", check=False).returncode == 0


def pg_settings(port: int) -> str:
    return (
        "\n# --- topology (scripts/topology.py)\n"
        f"port = {port}\n"
        f"listen_addresses = '{HOST}'\n"
        f"unix_socket_directories = '{PG_DIR}'\n"
        "shared_buffers = 64MB\n"
        "max_connections = 60\n"
        "wal_level = replica\n"
        "max_wal_senders = 4\n"
        "max_replication_slots = 4\n"
        "hot_standby = on\n"
        "hot_standby_feedback = on\n"
        "jit = off\n"
    )


def pg_start(data: Path, name: str) -> None:
    if pg_running(data):
        return
    log = LOG_DIR / f"{name}.log"
    log.touch()
    shutil.chown(log, "postgres")
    pg_ctl(data, "-l", str(log), "-w", "-t", "60", "start")


def pg_stop(data: Path, mode: str = "fast") -> bool:
    if not pg_running(data):
        return False
    pg_ctl(data, "-m", mode, "-w", "-t", "60", "stop")
    return True


def psql(port: int, sql: str, db: str = DB_NAME) -> str:
    result = run(
        [
            str(PG_BIN / "psql"),
            "-h",
            HOST,
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            db,
            "-Atqc",
            sql,
        ],
        quiet=True,
    )
    return result.stdout.strip()


def up_postgres() -> None:
    PG_DIR.mkdir(parents=True, exist_ok=True)
    shutil.chown(PG_DIR, "postgres", "postgres")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if not (PRIMARY_DATA / "PG_VERSION").exists():
        say("PostgreSQL: initdb the primary")
        run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(PRIMARY_DATA),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            as_postgres=True,
            quiet=True,
        )
        with (PRIMARY_DATA / "postgresql.conf").open("a") as conf:
            conf.write(pg_settings(PRIMARY_PORT))
        # initdb's trust lines already allow replication from 127.0.0.1; say so explicitly.
        with (PRIMARY_DATA / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
    pg_start(PRIMARY_DATA, "pg-primary")
    exists = f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"  # noqa: S608 - a constant
    if not psql(PRIMARY_PORT, exists, "postgres"):
        run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                HOST,
                "-p",
                str(PRIMARY_PORT),
                "-U",
                "postgres",
                DB_NAME,
            ]
        )
    if not (REPLICA_DATA / "PG_VERSION").exists():
        say("PostgreSQL: the replica, from pg_basebackup -R of the primary")
        slot = psql(
            PRIMARY_PORT,
            "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'replica_1'",
            "postgres",
        )
        run(
            [str(PG_BIN / "pg_basebackup"), "-h", HOST, "-p", str(PRIMARY_PORT), "-U", "postgres"]
            + ["-D", str(REPLICA_DATA), "-R", "-X", "stream", "-c", "fast", "-S", "replica_1"]
            + ([] if slot else ["-C"]),
            as_postgres=True,
        )
        with (REPLICA_DATA / "postgresql.conf").open("a") as conf:
            conf.write(f"\n# --- the replica's own port\nport = {REPLICA_PORT}\n")
    pg_start(REPLICA_DATA, "pg-replica")


# --- Redis, web, workers, proxy --------------------------------------------------------------


def redis_cli(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return run(["redis-cli", "-h", HOST, "-p", str(REDIS_PORT), *args], check=check, quiet=True)


def up_redis() -> None:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if listening(REDIS_PORT):
        return
    # Append-only file: jobs waiting in the queue survive a restart of Redis.
    conf = REDIS_DIR / "redis.conf"
    conf.write_text(
        f"bind {HOST}\nport {REDIS_PORT}\ndaemonize yes\n"
        f"pidfile {REDIS_DIR / 'redis.pid'}\nlogfile {LOG_DIR / 'redis.log'}\n"
        f'dir {REDIS_DIR}\nappendonly yes\nappendfsync everysec\nsave ""\n'
        "maxmemory 128mb\nmaxmemory-policy noeviction\n"
    )
    run([REDIS_SERVER, str(conf)])
    wait_until(lambda: listening(REDIS_PORT), 15, "Redis")


def stop_redis() -> bool:
    if not listening(REDIS_PORT):
        return False
    redis_cli("shutdown")
    wait_until(lambda: not listening(REDIS_PORT), 15, "Redis to stop")
    return True


def web_name(port: int) -> str:
    return f"web-{port}"


def up_web(port: int) -> None:
    spawn(
        web_name(port),
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            "python:grassroots.gunicorn_conf",
            "grassroots.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(WEB_WORKERS),
            "--graceful-timeout",
            "10",
            "--access-logfile",
            str(LOG_DIR / f"web-{port}-access.log"),
        ],
    )


def worker_command() -> list[str]:
    command = [PYTHON, "manage.py", "rqworker", "default", "--with-scheduler"]
    # RQ's own Job class cannot run a django-tasks Task (it calls it: "'Task' object is not
    # callable"): the worker needs django-tasks-rq's, unless the settings name one (RQ's
    # JOB_CLASS).
    if '"JOB_CLASS"' not in (ROOT / "grassroots" / "settings.py").read_text():
        command += ["--job-class", "django_tasks_rq.backend.Job"]
    return command


def nginx_conf(
    proxy_port: int = PROXY_PORT,
    web_ports: tuple[int, ...] = WEB_PORTS,
    nginx_dir: Path = NGINX_DIR,
    log_dir: Path = LOG_DIR,
) -> str:
    """The proxy's configuration (core/tests/test_topology_proxy.py runs it too)."""
    servers = "\n".join(
        f"        server {HOST}:{port} max_fails=1 fail_timeout=5s;" for port in web_ports
    )
    return f"""# Written by scripts/topology.py: the reverse proxy in front of the web instances.
worker_processes 1;
pid {nginx_dir}/nginx.pid;
error_log {log_dir}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {log_dir}/nginx-access.log;
    client_body_temp_path {nginx_dir}/temp/body;
    proxy_temp_path {nginx_dir}/temp/proxy;
    fastcgi_temp_path {nginx_dir}/temp/fastcgi;
    uwsgi_temp_path {nginx_dir}/temp/uwsgi;
    scgi_temp_path {nginx_dir}/temp/scgi;
    upstream grassroots {{
        # Passive health: an instance that refuses or drops a connection once is left out
        # for fail_timeout, then tried again.
{servers}
    }}
    server {{
        listen {HOST}:{proxy_port};
        client_max_body_size 10m;
        location / {{
            # A new connection for each request: gunicorn's sync workers close theirs after
            # each answer, so the next request goes to whichever worker is free.
            proxy_pass http://grassroots;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Try the other instance when one cannot be reached or drops the connection. nginx
            # never resends a POST that reached an instance (non_idempotent is not set). Not
            # http_503: the site answers 503 when its database is down, the same on every
            # instance, and counting it as a failure would mark both down.
            proxy_next_upstream error timeout http_502 http_504;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


def nginx_pid() -> int | None:
    try:
        pid = int((NGINX_DIR / "nginx.pid").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def up_nginx() -> None:
    (NGINX_DIR / "temp").mkdir(parents=True, exist_ok=True)
    conf = NGINX_DIR / "nginx.conf"
    conf.write_text(nginx_conf())
    base = [NGINX, "-p", str(NGINX_DIR), "-e", str(LOG_DIR / "nginx-error.log"), "-c", str(conf)]
    run([*base, "-t", "-q"], quiet=True)
    if nginx_pid() is None:
        run(base)
    else:
        run([*base, "-s", "reload"])
    wait_until(lambda: listening(PROXY_PORT), 15, "nginx")


def stop_nginx() -> bool:
    pid = nginx_pid()
    if pid is None:
        return False
    os.kill(pid, signal.SIGQUIT)
    wait_until(lambda: nginx_pid() is None, 15, "nginx to stop")
    return True


def get(
    path: str, port: int = PROXY_PORT, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def healthz(port: int = PROXY_PORT) -> str:
    try:
        status, body = get(
            "/healthz?detail=1", port, {"Authorization": f"Bearer {secret('healthz_token')}"}
        )
    except OSError as error:
        return f"unreachable ({error})"
    return f"{status} {body.strip()}"


def answers(port: int) -> bool:
    try:
        return get("/healthz", port)[0] in (200, 503)
    except OSError:
        return False


# --- up / down / status ----------------------------------------------------------------------


def up() -> None:
    for path in (STATE, MAIL_DIR, LOG_DIR, RUN_DIR):
        path.mkdir(parents=True, exist_ok=True)
    up_postgres()
    up_redis()
    marker = STATE / "seeded"
    if not marker.exists():
        say("Database: migrate and seed_demo on the primary")
        manage("migrate", "--noinput")
        manage("seed_demo", "--force")  # DEBUG is off here: the demo on purpose
        marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ\n", time.gmtime()))
    else:
        manage("migrate", "--noinput")
    if not (STATE / "static" / "staticfiles.json").exists():
        say("Static files: collectstatic")
        manage("collectstatic", "--noinput", "--verbosity", "0")
    for port in WEB_PORTS:
        up_web(port)
    for name in WORKERS:
        spawn(name, worker_command())
    for port in WEB_PORTS:
        wait_until(partial(answers, port), 60, f"gunicorn on {port}")
    up_nginx()
    status()


def down() -> None:
    stopped = []
    if stop_nginx():
        stopped.append("nginx")
    for name in [*WORKERS, *(web_name(p) for p in WEB_PORTS)]:
        if stop_pid(name):
            stopped.append(name)
    if stop_redis():
        stopped.append("redis")
    # The replica first, so it does not log the primary going away.
    if pg_stop(REPLICA_DATA):
        stopped.append("pg-replica")
    if pg_stop(PRIMARY_DATA):
        stopped.append("pg-primary")
    say("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    left = [PROXY_PORT, *WEB_PORTS, PRIMARY_PORT, REPLICA_PORT, REDIS_PORT]
    busy = [port for port in left if listening(port)]
    if busy:
        raise SystemExit(f"still listening: {busy}")


def destroy() -> None:
    down()
    shutil.rmtree(STATE, ignore_errors=True)
    say(f"removed {STATE}")


def status() -> None:
    rows: list[tuple[str, str, str]] = [
        ("nginx (proxy)", str(PROXY_PORT), "up" if nginx_pid() else "down"),
    ]
    for port in WEB_PORTS:
        rows.append((f"gunicorn {web_name(port)}", str(port), up_down(web_name(port))))
    rows.append(("PostgreSQL primary", str(PRIMARY_PORT), state(pg_running(PRIMARY_DATA))))
    replica = "down"
    if pg_running(REPLICA_DATA):
        replica = "up, not streaming"
        if pg_running(PRIMARY_DATA):
            streaming = psql(
                PRIMARY_PORT,
                "SELECT state || ', replay lag ' || coalesce(replay_lag::text, '0')"
                " FROM pg_stat_replication LIMIT 1",
                "postgres",
            )
            replica = f"up, {streaming}" if streaming else replica
    rows.append(("PostgreSQL replica", str(REPLICA_PORT), replica))
    rows.append(("Redis", str(REDIS_PORT), state(listening(REDIS_PORT))))
    for name in WORKERS:
        rows.append((f"rqworker {name}", "-", up_down(name)))
    width = max(len(r[0]) for r in rows)
    for name, where, what in rows:
        say(f"  {name:<{width}}  {where:>5}  {what}")
    if nginx_pid():
        say(f"  /healthz through the proxy: {healthz()}")
    say(f"  site: http://{HOST}:{PROXY_PORT}/   state and logs: {STATE.relative_to(ROOT)}/")


def state(up: bool) -> str:
    return "up" if up else "down"


def up_down(name: str) -> str:
    pid = read_pid(name)
    return f"up (pid {pid})" if pid else "down"


def print_env() -> None:
    keys = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "TASK_BACKEND", "DEBUG")
    env = app_env()
    for key in (*keys, "ALLOWED_HOSTS", "SITE_URL", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"):
        say(f"export {key}={env[key]}")
    for key in ("TRUSTED_PROXIES", "EMAIL_URL", "STATIC_ROOT"):
        say(f"export {key}={env[key]}")
    say(f"export SECRET_KEY=$(cat {STATE / 'secret_key'})")


# --- load generator --------------------------------------------------------------------------


@dataclass
class Sample:
    at: float  # seconds since the load started
    status: int  # 0: no answer (connection refused, reset, timed out)
    kind: str  # what answered: "ok", "site-503", "site-500", "proxy-502", ...
    took: float = 0.0  # seconds
    # The signed-out page cache: "hit", "miss" (drawn and stored), "unkept" (drawn from the
    # replica while the primary was away, not stored), "" (not a page it takes).
    page: str = ""


def classify(status: int, body: str) -> str:
    if status == 0:
        return "no answer"
    if status < 400:
        return "ok"
    # nginx's own error pages name it; the site's pages carry the site's layout.
    if "<center>nginx" in body:
        return f"proxy-{status}"
    if "Grassroots" in body or "govuk-" in body:
        return f"site-{status}"
    return f"other-{status}"


def page_cache_state(response: http.client.HTTPResponse) -> str:
    state = response.getheader("X-Page-Cache", "")
    if state == "miss" and "no-store" in response.getheader("Cache-Control", ""):
        return "unkept"
    return state


@dataclass
class Browser:
    """One visitor at one loopback address, through the proxy, keeping cookies."""

    address: str = HOST
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, timeout: float = 15
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PROXY_PORT}{path}"
        conn = http.client.HTTPConnection(
            HOST, PROXY_PORT, timeout=timeout, source_address=(self.address, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text, dict(response.headers.items())
        finally:
            conn.close()

    def sign_in(self, email: str) -> bool:
        self.request("GET", "/accounts/login/")
        status, _, _headers = self.request(
            "POST", "/accounts/login/", {"login": email, "password": DEMO_PASSWORD}
        )
        return status == 302 and "sessionid" in self.cookies


class Load:
    """`clients` threads, each on its own keep-alive connection through the proxy, fetching
    `paths` in turn until stopped; every answer is a Sample."""

    def __init__(self, paths: list[str], clients: int, cookies: str = "") -> None:
        self.paths = paths
        self.clients = clients
        self.cookies = cookies
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.started = 0.0

    def __enter__(self) -> Load:
        self.started = time.monotonic()
        for n in range(self.clients):
            thread = threading.Thread(target=self._client, args=(n,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def now(self) -> float:
        return time.monotonic() - self.started

    def _client(self, n: int) -> None:
        conn: http.client.HTTPConnection | None = None
        i = n
        headers = {"Cookie": self.cookies} if self.cookies else {}
        while not self.stopping.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            if conn is None:
                conn = http.client.HTTPConnection(HOST, PROXY_PORT, timeout=15)
            began = time.monotonic()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read().decode(errors="replace")
                sample = Sample(
                    self.now(),
                    response.status,
                    classify(response.status, body),
                    time.monotonic() - began,
                    page_cache_state(response),
                )
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                sample = Sample(self.now(), 0, "no answer")
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
            with self.lock:
                self.samples.append(sample)
        if conn is not None:
            conn.close()

    def window(self, start: float, end: float) -> tuple[int, int, float, dict[str, int]]:
        """Answers in [start, end): (ok, failed, ok per second, kinds)."""
        with self.lock:
            chosen = [s for s in self.samples if start <= s.at < end]
        kinds: dict[str, int] = {}
        for sample in chosen:
            kinds[sample.kind] = kinds.get(sample.kind, 0) + 1
        ok = kinds.get("ok", 0)
        return ok, len(chosen) - ok, ok / max(end - start, 1e-9), kinds


def report_window(load: Load, label: str, start: float, end: float) -> float:
    _ok, failed, rate, kinds = load.window(start, end)
    detail = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    say(
        f"  {label:<34} {start:5.1f}-{end:5.1f} s  {rate:7.1f} req/s ok"
        f"  failed {failed:4d}  ({detail})"
    )
    return rate


def reading_paths() -> list[str]:
    """Signed-out pages that answer 200 now (the demo's main pages)."""
    wanted = ["/", "/initiatives/", "/conversations/", "/events/", "/wards/", "/groups/"]
    found = [path for path in wanted if get(path)[0] == 200]
    if not found:
        raise SystemExit("no page answers 200 through the proxy: is the topology up?")
    return found


class Prober:
    """/healthz through the proxy every `every` seconds, keeping each distinct answer."""

    def __init__(self, load: Load, every: float = 0.5) -> None:
        self.load = load
        self.every = every
        self.seen: list[tuple[float, str]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Prober:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        last = ""
        while not self.stopping.is_set():
            answer = healthz()
            # A change of state, not of a figure (the replica's lag, say).
            shape = re.sub(r"[0-9.]+", "#", answer)
            if shape != last:
                self.seen.append((self.load.now(), answer))
                last = shape
            time.sleep(self.every)

    def report(self) -> None:
        say("  /healthz?detail=1 through the proxy, each change:")
        for at, answer in self.seen:
            say(f"    {at:5.1f} s  {answer[:300]}")


# --- drills ----------------------------------------------------------------------------------

MAKE_PEOPLE = """
import json, sys
from allauth.account.models import EmailAddress
from grassroots.accounts.models import User
from grassroots.conversations.models import Conversation
emails = json.loads(sys.argv[-1]) if False else EMAILS
people = []
for email in emails:
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    people.append(user)
target = None
for conversation in Conversation.objects.order_by("pk"):
    if all(p.has_perm("conversations.reply", conversation) for p in people):
        target = conversation.pk
        break
print(json.dumps({"conversation": target}))
"""


def make_people(emails: list[str]) -> int | None:
    """Accounts for a drill (verified address, the demo password) and a conversation they may
    all reply in."""
    code = MAKE_PEOPLE.replace("EMAILS", json.dumps(emails)).replace(
        "PASSWORD", json.dumps(DEMO_PASSWORD)
    )
    out = manage("shell", "-c", code).stdout.strip().splitlines()[-1]
    conversation: int | None = json.loads(out)["conversation"]
    return conversation


def require_up() -> None:
    if not listening(PROXY_PORT):
        raise SystemExit("the topology is not up: scripts/topology.sh up")


def drill_web() -> None:
    """Crash one web instance (SIGKILL to gunicorn and its workers) under load."""
    require_up()
    say("\n== Drill: one web instance stops under load (SIGKILL of gunicorn on 8102) ==")
    paths = reading_paths()
    say(f"  load: 6 clients, keep-alive, through nginx :{PROXY_PORT}, pages {paths}")
    killed_at = 8.0
    with Load(paths, clients=6) as load:
        time.sleep(killed_at)
        stop_pid(web_name(WEB_PORTS[1]), sig=signal.SIGKILL)
        killed_at = load.now()
        time.sleep(12)
        end = load.now()
    before = report_window(load, "both instances", 2.0, killed_at)
    report_window(load, "the second after the crash", killed_at, killed_at + 1)
    after = report_window(load, "one instance", killed_at + 1, end)
    _, failed, _, _ = load.window(0, end)
    say(f"  requests failed in all: {failed} of {len(load.samples)}")
    say(f"  requests/s: {before:.1f} before, {after:.1f} after ({after / max(before, 1e-9):.0%})")
    say("  restarting it:")
    up_web(WEB_PORTS[1])
    wait_until(lambda: answers(WEB_PORTS[1]), 60, "gunicorn to come back")
    access = LOG_DIR / f"web-{WEB_PORTS[1]}-access.log"
    lines_before = len(access.read_text().splitlines())
    time.sleep(6)  # nginx tries it again after fail_timeout
    with Load(paths, clients=4) as load:
        time.sleep(5)
    served = len(access.read_text().splitlines()) - lines_before
    _, failed, rate, _ = load.window(0, 5)
    say(f"  back: {rate:.1f} req/s, failed {failed}, the restarted instance served {served}")


def drill_primary() -> None:
    """Stop the PostgreSQL primary for ~8 s under load (readers and writers), then start it."""
    require_up()
    say("\n== Drill: the PostgreSQL primary stops under load and comes back ==")
    run_id = time.strftime("%H%M%S")
    emails = [f"drill-{run_id}-{n}@topology.localhost" for n in range(8)]
    conversation = make_people(emails)
    if conversation is None:
        say("  SKIPPED: no conversation the drill's accounts may reply in")
        return
    writers = []
    for n, email in enumerate(emails):
        browser = Browser(address=f"127.0.1.{n + 1}")
        if not browser.sign_in(email):
            raise SystemExit(f"could not sign in as {email}")
        writers.append(browser)
    count_sql = f"SELECT reply_count FROM conversations_conversation WHERE id = {conversation:d}"  # noqa: S608
    count_before = int(psql(PRIMARY_PORT, count_sql))
    sent: list[tuple[str, int, str]] = []  # (marker, status, kind)
    sent_lock = threading.Lock()
    stop_writing = threading.Event()

    def write(browser: Browser, number: int) -> None:
        n = 0
        while not stop_writing.is_set() and n < 5:  # under the 6 replies a minute limit
            marker = f"drill {run_id} writer {number} reply {n}"
            n += 1
            try:
                status, body, _ = browser.request(
                    "POST", f"/conversations/{conversation}/reply/", {"body": marker}
                )
                kind = classify(status, body)
            except (OSError, http.client.HTTPException):
                status, kind = 0, "no answer"
            with sent_lock:
                sent.append((marker, status, kind))
            time.sleep(3)

    paths = reading_paths()
    say(
        f"  load: 4 reading clients {paths}; 8 signed-in people replying in conversation"
        f" {conversation}"
    )
    down_for = 8.0
    reader = Browser(address="127.0.1.100")
    if not reader.sign_in(emails[0]):
        raise SystemExit("could not sign in")
    session = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
    say("  and 2 signed-in clients reading /account/")
    with (
        Load(paths, clients=4) as load,
        Load(["/account/"], 2, session) as signed_in,
        Prober(load) as prober,
    ):
        threads = [
            threading.Thread(target=write, args=(b, n), daemon=True) for n, b in enumerate(writers)
        ]
        time.sleep(4)
        for thread in threads:
            thread.start()
        time.sleep(2)
        stopped_at = load.now()
        pg_stop(PRIMARY_DATA, mode="fast")
        stopped = load.now()
        time.sleep(down_for)
        started_at = load.now()
        pg_start(PRIMARY_DATA, "pg-primary")
        started = load.now()
        time.sleep(10)
        stop_writing.set()
        for thread in threads:
            thread.join(timeout=30)
        end = load.now()
    say(
        f"  primary stopping at {stopped_at:.1f} s (stopped {stopped:.1f} s), starting at "
        f"{started_at:.1f} s (accepting {started:.1f} s)"
    )
    report_window(load, "before", 0.5, stopped_at)
    report_window(load, "primary down", stopped, started_at)
    report_window(load, "first 2 s after it is back", started, started + 2)
    report_window(load, "after", started + 2, end)
    report_window(signed_in, "signed in, before", 0.5, stopped_at)
    report_window(signed_in, "signed in, primary down", stopped, started_at)
    report_window(signed_in, "signed in, after", started + 2, end)
    with load.lock:
        back = [s.at for s in load.samples if s.at > started and s.kind == "ok"]
        down_kinds = [s for s in load.samples if stopped <= s.at < started_at]
    if back:
        say(
            f"  first page answered again {back[0] - started:.2f} s after the primary accepted"
            " connections (gunicorn not restarted)"
        )
    with signed_in.lock:
        down_kinds += [s for s in signed_in.samples if stopped <= s.at < started_at]
    site_503 = sum(1 for s in down_kinds if s.kind == "site-503")
    served = sum(1 for s in down_kinds if s.kind == "ok")
    from_cache = sum(1 for s in down_kinds if s.kind == "ok" and s.page == "hit")
    say(
        f"  while down, of {len(down_kinds)} page requests: {served} answered ({from_cache}"
        f" from the page cache, {served - from_cache} drawn from the replica), {site_503} the"
        f" site's own 503 page, {len(down_kinds) - served - site_503} anything else"
    )
    with load.lock:
        unkept = [s.at for s in load.samples if s.page == "unkept"]
    if unkept:
        say(
            f"  signed-out pages drawn from the replica and not stored: {len(unkept)}, from"
            f" {unkept[0]:.1f} s to {unkept[-1]:.1f} s"
        )
    prober.report()
    # Every reply the site acknowledged is there whole (the post, its audit record, the count);
    # one whose answer was lost is either whole or absent.
    rows = psql(
        PRIMARY_PORT,
        "SELECT p.body, (SELECT count(*) FROM core_auditentry a WHERE a.action ="  # noqa: S608
        " 'conversations.post_create' AND a.object_id = p.id::text) FROM conversations_post p"
        f" WHERE p.conversation_id = {conversation} AND p.body LIKE 'drill {run_id} %'",
    )
    stored = {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines() if line}
    count_after = int(psql(PRIMARY_PORT, count_sql))
    acknowledged = [m for m, status, _ in sent if status == 302]
    refused = [(m, k) for m, status, k in sent if status != 302]
    lost = [m for m in acknowledged if m not in stored]
    half = [m for m, audits in stored.items() if audits != 1]
    say(
        f"  replies sent {len(sent)}: acknowledged {len(acknowledged)}, refused or unanswered "
        f"{len(refused)} ({', '.join(sorted({k for _, k in refused})) or '-'})"
    )
    say(
        f"  stored {len(stored)}: acknowledged but missing {len(lost)}, without exactly one audit"
        f" record {len(half)}, refused but stored anyway"
        f" {sum(1 for m, _ in refused if m in stored)}"
    )
    say(
        f"  reply_count rose by {count_after - count_before} for {len(stored)} stored replies: "
        + ("consistent" if count_after - count_before == len(stored) else "INCONSISTENT")
    )


def drill_replica() -> None:
    """Stop the replica for ~10 s under load, then start it again."""
    require_up()
    say("\n== Drill: the replica stops under load and comes back ==")
    routed = "DATABASE_REPLICA_URL" in (ROOT / "grassroots" / "settings.py").read_text()
    if not routed:
        say(
            "  NOTE: this code has no database router (settings.py never reads"
            " DATABASE_REPLICA_URL): every read goes to the primary, so this drill only shows"
            " the replica is not on the request path"
        )
    paths = reading_paths()
    say(f"  load: 6 clients {paths}")
    with Load(paths, clients=6) as load, Prober(load) as prober:
        time.sleep(6)
        stopped_at = load.now()
        pg_stop(REPLICA_DATA, mode="fast")
        stopped = load.now()
        time.sleep(10)
        started_at = load.now()
        pg_start(REPLICA_DATA, "pg-replica")
        started = load.now()
        time.sleep(8)
        end = load.now()
    report_window(load, "before", 1, stopped_at)
    report_window(load, "replica stopping", stopped_at, stopped)
    report_window(load, "replica down", stopped, started_at)
    report_window(load, "replica back", started, end)
    _, failed, _, _ = load.window(0, end)
    say(f"  requests failed in all: {failed} of {len(load.samples)}")
    prober.report()
    lag = psql(PRIMARY_PORT, "SELECT state FROM pg_stat_replication", "postgres")
    say(f"  replication after the drill: {lag or 'NOT STREAMING'}")


def mail_to(prefix: str) -> dict[str, int]:
    """How many emails each address starting with `prefix` got (Django's file backend writes
    each message's headers, messages separated by a line of dashes)."""
    counts: dict[str, int] = {}
    for path in MAIL_DIR.glob("*.log"):
        for message in path.read_text(errors="replace").split("-" * 79):
            found = re.search(r"^To: (.+)$", message, re.MULTILINE)
            if found and found.group(1).strip().startswith(prefix):
                address = found.group(1).strip()
                counts[address] = counts.get(address, 0) + 1
    return counts


def drill_redis() -> None:
    """Stop Redis under load: pages signed out and signed in, sign-in, and emails asked for
    while it is down (password resets), which must arrive once each when it is back."""
    require_up()
    say("\n== Drill: Redis stops under load and comes back ==")
    run_id = time.strftime("%H%M%S")
    prefix = f"redis-{run_id}-"
    emails = [f"{prefix}{n}@topology.localhost" for n in range(6)]
    make_people(emails)
    reader = Browser(address="127.0.2.1")
    if not reader.sign_in(emails[0]):
        raise SystemExit("could not sign in")
    session = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
    paths = reading_paths()
    say(f"  load: 4 signed-out clients {paths}, 2 signed-in clients /account/")
    outcomes: list[str] = []
    with Load(paths, clients=4) as load, Load(["/account/"], 2, session) as signed_in:
        time.sleep(5)
        stopped_at = load.now()
        stop_redis()
        stopped = load.now()
        time.sleep(2)
        # While Redis is down: sign in afresh, and ask for password resets (one email each).
        fresh = Browser(address="127.0.2.2")
        try:
            outcomes.append(
                f"sign-in during the outage: {'ok' if fresh.sign_in(emails[1]) else 'FAILED'}"
            )
        except (OSError, http.client.HTTPException) as error:
            outcomes.append(f"sign-in during the outage: no answer ({error})")
        asked = []
        for n, email in enumerate(emails[2:]):
            browser = Browser(address=f"127.0.3.{n + 1}")
            try:
                browser.request("GET", "/accounts/password/reset/")
                status, body, _ = browser.request(
                    "POST", "/accounts/password/reset/", {"email": email}
                )
                asked.append((email, status, classify(status, body)))
            except (OSError, http.client.HTTPException):
                asked.append((email, 0, "no answer"))
        time.sleep(4)
        started_at = load.now()
        up_redis()
        started = load.now()
        back_at = time.monotonic()
        time.sleep(6)
        end = load.now()
    report_window(load, "signed out, before", 1, stopped_at)
    report_window(load, "signed out, Redis down", stopped, started_at)
    report_window(load, "signed out, Redis back", started, end)
    report_window(signed_in, "signed in, before", 1, stopped_at)
    report_window(signed_in, "signed in, Redis down", stopped, started_at)
    report_window(signed_in, "signed in, Redis back", started, end)
    for line in outcomes:
        say(f"  {line}")
    for email, status, kind in asked:
        say(f"  password reset asked for {email} during the outage: {status} ({kind})")
    accepted = [email for email, status, _ in asked if status == 302]
    # Wait for the workers (and any relay) to send them.
    deadline = time.monotonic() + 60
    last = 0.0
    while time.monotonic() < deadline:
        got = mail_to(prefix)
        if all(got.get(email, 0) >= 1 for email in accepted):
            last = time.monotonic() - back_at
            break
        time.sleep(1)
    time.sleep(5)  # anything sent twice would arrive by now
    got = mail_to(prefix)
    lost = [e for e in accepted if got.get(e, 0) == 0]
    twice = [e for e, n in got.items() if n > 1]
    say(
        f"  emails asked for while Redis was down: {len(asked)} ({len(accepted)} accepted);"
        f" delivered {sum(got.values())} (the last {last:.1f} s after Redis was back);"
        f" lost {len(lost)},"
        f" sent twice {len(twice)}"
    )


def measure(seconds: float = 10, clients: int = 8) -> None:
    """Requests a second through the proxy, one page at a time, for the sizing table."""
    require_up()
    cores = os.cpu_count() or 1
    say(
        f"\n== Through nginx to both instances: {clients} clients, {seconds:.0f} s a page,"
        f" {cores} cores (shared with everything else on this machine) =="
    )
    resident = Browser(address="127.0.4.1")
    if not resident.sign_in("resident@demo.grassroots.localhost"):
        raise SystemExit("could not sign in as the demo resident")
    session = "; ".join(f"{k}={v}" for k, v in resident.cookies.items())
    say(f"  {'page':<28} {'req/s':>7} {'per core':>9} {'p50 ms':>7} {'p95 ms':>7} {'failed':>6}")
    pages = [(path, "") for path in ["/healthz", *reading_paths()]]
    for path, cookies in [*pages, ("/account/ (signed in)", session)]:
        with Load([path.split(" ")[0]], clients, cookies) as load:
            time.sleep(seconds)
            end = load.now()
        _, failed, rate, _ = load.window(1, end)
        with load.lock:
            took = sorted(s.took for s in load.samples if s.at >= 1 and s.kind == "ok")
        p50 = took[len(took) // 2] * 1000 if took else 0
        p95 = took[int(len(took) * 0.95)] * 1000 if took else 0
        say(f"  {path:<28} {rate:7.1f} {rate / cores:9.1f} {p50:7.0f} {p95:7.0f} {failed:6d}")


DRILLS: dict[str, Callable[[], None]] = {
    "web": drill_web,
    "primary": drill_primary,
    "replica": drill_replica,
    "redis": drill_redis,
}


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", choices=["up", "down", "status", "env", "destroy", "drill", "measure"]
    )
    parser.add_argument("drill", nargs="?", default="all", help="web, primary, replica, redis, all")
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.command == "up":
        up()
    elif args.command == "down":
        down()
    elif args.command == "destroy":
        destroy()
    elif args.command == "status":
        status()
    elif args.command == "env":
        print_env()
    elif args.command == "measure":
        measure()
    else:
        names = list(DRILLS) if args.drill == "all" else [args.drill]
        for name in names:
            if name not in DRILLS:
                raise SystemExit(f"no drill called {name!r}: {', '.join(DRILLS)}")
        for name in names:
            DRILLS[name]()


if __name__ == "__main__":
    main()
