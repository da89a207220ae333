"""Rate limits behind a real reverse proxy: nginx in front of gunicorn, both on loopback.

Behind a proxy every request reaches gunicorn from the proxy's address; the visitor's own is
in X-Forwarded-For. With `TRUSTED_PROXIES=1` the limits must apply to each visitor, not to the
proxy (which would let one visitor lock everybody out), and a header the visitor made up must
not get them round the limits. Distinct visitors are distinct loopback addresses (the whole of
127.0.0.0/8 is loopback on Linux): each client socket is bound to its own before connecting.
"""

from __future__ import annotations

import http.client
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from grassroots.conftest import require
from grassroots.core.tests.test_healthz import REPO, _free_port

pytestmark = [pytest.mark.proxy, pytest.mark.django_db(transaction=True)]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BLOCKED = "You have tried to sign in too many times"
WRONG = "The email address or password is not correct"

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            # Stream answers through: nginx's workers (nobody, when run as root) never need to
            # write temporary files in this test's private directory.
            proxy_buffering off;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _database_url(tmp: Path) -> str:
    """A database gunicorn can open with this test's schema: the PostgreSQL test database
    itself, or a copy of the in-memory SQLite one in a file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        login = quote(db["USER"], safe="") + (
            f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        )
        return f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    connection.ensure_connection()
    copy = sqlite3.connect(tmp / "site.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{tmp / 'site.sqlite3'}"


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path, name: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} exited early:\n{log.read_text()}")
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            probe.close()
        if time.monotonic() > deadline:
            pytest.fail(f"nothing answered on port {port}:\n{log.read_text()}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def proxied_site(tmp_path: Path) -> Iterator[int]:
    """gunicorn (one worker, so one cache) behind nginx; yields nginx's port."""
    require(Path(NGINX).exists(), f"nginx not found at {NGINX}")
    upstream, port = _free_port(), _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": _database_url(tmp_path),
        "CONN_MAX_AGE": "0",
        "TRUSTED_PROXIES": "1",
        # Fast password hashing and email printed, not queued (settings.TESTING).
        "GRASSROOTS_TESTING": "true",
        "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
    }
    site_log = tmp_path / "gunicorn.log"
    proxy_log = tmp_path / "nginx.log"
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, port=port, upstream=upstream))
    with site_log.open("wb") as site_out, proxy_log.open("wb") as proxy_out:
        site = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:grassroots.gunicorn_conf",
                "grassroots.wsgi:application",
                "--bind",
                f"127.0.0.1:{upstream}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=REPO,
            env=env,
            stdout=site_out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(upstream, site, site_log, "gunicorn")
            proxy = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    NGINX,
                    "-p",
                    str(tmp_path),
                    "-e",
                    str(tmp_path / "nginx-error.log"),
                    "-c",
                    str(conf),
                    "-g",
                    "daemon off;",
                ],
                stdout=proxy_out,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_for(port, proxy, proxy_log, "nginx")
                yield port
            finally:
                _stop(proxy)
        finally:
            _stop(site)


@dataclass
class Visitor:
    """A browser at one loopback address, going through the proxy, keeping its cookies."""

    address: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    # What the visitor itself puts in X-Forwarded-For (a lie: the proxy appends the truth).
    claims: str | None = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        if self.claims:
            headers["X-Forwarded-For"] = self.claims
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            conn.close()

    def sign_in(self, email: str) -> tuple[int, str]:
        if "csrftoken" not in self.cookies:
            self.request("GET", "/accounts/login/")
        return self.request("POST", "/accounts/login/", {"login": email, "password": "wrong one"})

    def sign_up(self, email: str) -> int:
        if "csrftoken" not in self.cookies:
            self.request("GET", "/accounts/signup/")
        password = "a long passphrase"
        status, _ = self.request(
            "POST",
            "/accounts/signup/",
            {"email": email, "password1": password, "password2": password},
        )
        self.cookies.pop("sessionid", None)
        return status


def test_one_visitors_failed_sign_ins_do_not_block_another(proxied_site: int) -> None:
    a = Visitor("127.0.0.2", proxied_site)
    outcomes = []
    for n in range(21):
        # Each time visitor A claims to be somebody else; the proxy says who it really is.
        a.claims = f"192.0.2.{n}"
        status, body = a.sign_in(f"guess{n}@example.org")
        assert status == 200
        outcomes.append(BLOCKED in body)
    assert outcomes == [False] * 20 + [True]

    b = Visitor("127.0.0.3", proxied_site)
    status, body = b.sign_in("guess0@example.org")
    assert status == 200
    assert WRONG in body
    assert BLOCKED not in body


def test_one_visitors_sign_ups_do_not_block_another(proxied_site: int) -> None:
    a = Visitor("127.0.0.2", proxied_site)
    assert [a.sign_up(f"new{n}@example.org") for n in range(10)] == [302] * 10
    assert a.sign_up("one-more@example.org") == 429
    b = Visitor("127.0.0.3", proxied_site)
    assert b.sign_up("neighbour@example.org") == 302
