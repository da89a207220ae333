"""/healthz for load balancers: 200 when the database answers, 503 saying so when it does not.

The 503 cases run the real application under gunicorn, configured for production, with
DATABASE_URL pointing at a database that cannot be reached: nothing is mocked.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import TaskOutbox
from grassroots.notifications.mailing import send_emails

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def production_server(database_url: str, log: Path, workers: int = 1) -> Iterator[str]:
    """Run the site under gunicorn with production settings; yield its base URL."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "healthz-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:grassroots.gunicorn_conf",
                "grassroots.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if server.poll() is not None:
                    pytest.fail(f"gunicorn exited early:\n{log.read_text()}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def get(url: str) -> tuple[int, str, dict[str, Any]]:
    """GET `url`; return status, content type and the JSON body."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - local http
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.load(error)


@pytest.mark.django_db
def test_it_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_head_requests_from_load_balancers(client: Client) -> None:
    assert client.head("/healthz").status_code == 200


def test_the_production_server_answers_200_with_a_database(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'up.sqlite3'}"
    with production_server(database, tmp_path / "server.log") as base:
        status, content_type, body = get(base + "/healthz")
    assert (status, content_type) == (200, "application/json")
    assert body == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_the_production_server_hands_each_request_to_a_free_worker(tmp_path: Path) -> None:
    """A connection kept open by a visitor or a proxy never ties its next requests to one busy
    worker: each worker answers one request and closes the connection (decision 0026)."""
    database = f"sqlite:///{tmp_path / 'up.sqlite3'}"
    with production_server(database, tmp_path / "server.log", workers=2) as base:
        conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=20)
        try:
            for _ in range(2):
                conn.request("GET", "/healthz", headers={"Connection": "keep-alive"})
                response = conn.getresponse()
                response.read()
                assert response.status == 200
                assert response.getheader("Connection") == "close"
                assert response.will_close
        finally:
            conn.close()


@pytest.mark.django_db
def test_the_production_server_answers_200_with_this_test_database(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in this process's memory")
    db = connection.settings_dict
    login = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    url = f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with production_server(url, tmp_path / "server.log") as base:
        status, _, body = get(base + "/healthz")
    assert (status, body) == (200, {"status": "ok", "database": "ok"})


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("sqlite:////nonexistent-directory/grassroots.sqlite3", id="sqlite-no-file"),
        # Port 1 on this machine: nothing listens there, so connections are refused.
        pytest.param("postgres://postgres@127.0.0.1:1/grassroots", id="postgres-refused"),
    ],
)
def test_it_answers_503_saying_the_database_is_unavailable(
    tmp_path: Path, database_url: str
) -> None:
    log = tmp_path / "server.log"
    with production_server(database_url, log) as base:
        status, content_type, body = get(base + "/healthz")
        # The server itself stays up: it answers again, the same way.
        again, _, _ = get(base + "/healthz")
    assert (status, again, content_type) == (503, 503, "application/json")
    assert body["status"] == "error"
    assert body["database"] == "unavailable"
    assert body["detail"] == "The database did not answer (OperationalError)."
    # The reason is logged for the operator, without the password-bearing URL in the body.
    assert "Health check failed: database unavailable" in log.read_text()
    assert "127.0.0.1:1" not in json.dumps(body)


def _failed_and_waiting_tasks() -> None:
    """One task that failed an hour ago, one from two days ago, and one waiting 10 minutes."""

    now = timezone.now()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for _ in range(3):
            send_emails.enqueue(messages=[])
    recent, old, waiting = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status="FAILED", finished_at=now - timedelta(hours=1)
    )
    DBTaskResult.objects.filter(pk=old.pk).update(
        status="FAILED", finished_at=now - timedelta(days=2)
    )
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - timedelta(minutes=10))


@pytest.mark.django_db
def test_site_admins_see_failed_and_waiting_tasks(client: Client) -> None:
    _failed_and_waiting_tasks()
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/healthz?detail=1").json()
    assert body["status"] == "ok"
    tasks = body["tasks"]
    assert (tasks["failed_last_24h"], tasks["waiting"]) == (1, 1)
    assert 600 <= tasks["oldest_waiting_seconds"] < 700
    # Load balancers still get the short answer.
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_a_monitor_with_the_token_sees_the_detail(client: Client, settings: Any) -> None:
    settings.HEALTHZ_TOKEN = "s3cret-monitor-token"
    _failed_and_waiting_tasks()
    auth = {"Authorization": "Bearer s3cret-monitor-token"}
    assert client.get("/healthz?detail=1", headers=auth).json()["tasks"]["failed_last_24h"] == 1
    wrong = {"Authorization": "Bearer guess"}
    assert client.get("/healthz?detail=1", headers=wrong).status_code == 403


@pytest.mark.django_db
def test_nobody_else_sees_the_detail(client: Client, settings: Any) -> None:
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz?detail=1").status_code == 403
    assert client.get("/healthz?detail=1", headers={"Authorization": "Bearer "}).status_code == 403
    client.force_login(UserFactory())
    response = client.get("/healthz?detail=1")
    assert response.status_code == 403
    assert "tasks" not in response.json()


@pytest.mark.django_db
def test_site_admins_find_failed_tasks_in_the_admin(client: Client, mfa_totp: Any) -> None:
    _failed_and_waiting_tasks()
    admin = UserFactory(is_staff=True, is_superuser=True)
    mfa_totp(admin)
    client.force_login(admin)
    response = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert "send_emails" in response.content.decode()


@pytest.mark.django_db
def test_the_detail_counts_tasks_waiting_for_redis(client: Client) -> None:
    row = TaskOutbox.objects.create(key="k", task_path="grassroots.core.tasks.send_email")
    TaskOutbox.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    client.force_login(UserFactory(is_staff=True))
    tasks = client.get("/healthz?detail=1").json()["tasks"]
    assert tasks["waiting_for_redis"] == 1
    assert 300 <= tasks["oldest_waiting_for_redis_seconds"] < 400
