"""A database that cannot be reached: pages answer 503 with the site's page, not a 500.

The site runs for real with its database at a place where nothing answers (gunicorn with
production settings, or this process's connection pointed at a closed port): nothing mocked.
Also the settings that turn a replica on, read in a fresh process as the site would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from grassroots.core.tests.test_error_pages import assert_in_site_design
from grassroots.core.tests.test_healthz import REPO, production_server
from grassroots.core.views import database_unavailable

UNAVAILABLE = "Sorry, the service is unavailable"


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - local http
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files as a production site serves them (the pages name them by their hashes)."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-" + "x" * 50,
        "STATIC_ROOT": str(root),
        "DATABASE_URL": f"sqlite:///{root / 'unused.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )
    return root


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("sqlite:////nonexistent-directory/grassroots.sqlite3", id="sqlite-no-file"),
        # Port 1 on this machine: nothing listens there, so connections are refused.
        pytest.param("postgres://postgres@127.0.0.1:1/grassroots", id="postgres-refused"),
    ],
)
def test_pages_answer_503_with_the_sites_page_when_the_database_is_away(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, collected_static: Path
) -> None:
    # Plain http on loopback, as behind the proxy that ends TLS.
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "false")
    monkeypatch.setenv("STATIC_ROOT", str(collected_static))
    with production_server(database_url, tmp_path / "server.log") as base:
        answers = {path: fetch(base + path) for path in ("/", "/initiatives/", "/groups/")}
    for path, (status, headers, page) in answers.items():
        assert status == 503, path
        # Production names static files by their hashes (app.<hash>.css).
        assert_in_site_design(re.sub(r"app\.\w+\.css", "app.css", page).encode(), UNAVAILABLE)
        assert "Try again in a few minutes." in page
        assert headers["Retry-After"] == "120"
        assert "no-store" in headers["Cache-Control"]
        assert "127.0.0.1:1" not in page
        assert "nonexistent-directory" not in page
    assert "Service Unavailable: /initiatives/" in (tmp_path / "server.log").read_text()


@contextmanager
def primary_at_a_closed_port() -> Iterator[None]:
    """This process's connection to the test database, pointed at a closed port for a while."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in this process's memory: closing it loses it")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def primary_away(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), primary_at_a_closed_port():
        yield


@pytest.mark.usefixtures("primary_away")
@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_a_page_answers_503_when_the_primary_refuses_connections(
    settings: Any, debug: bool
) -> None:
    # Development (`make run`) shows the site's pages too, unless DEBUG_ERROR_PAGES is set.
    settings.DEBUG = debug
    settings.DEBUG_ERROR_PAGES = False
    response = Client(raise_request_exception=False).get("/initiatives/")
    assert response.status_code == 503
    assert_in_site_design(response.content, UNAVAILABLE)


@pytest.mark.usefixtures("primary_away")
def test_healthz_says_the_database_is_unavailable() -> None:
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_a_failing_query_on_a_database_that_answers_is_still_a_500_kind_of_error() -> None:
    if connection.vendor == "postgresql":
        # Cancelled by the server, which is up: a fault in the query, not an outage.
        sql = "SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)"
    else:
        sql = "SELECT * FROM no_such_table"
    with connection.cursor() as cursor, pytest.raises(OperationalError) as failure:
        cursor.execute(sql)
    assert not database_unavailable(failure.value)


# --- Settings.


def settings_with(**environment: str) -> dict[str, Any]:
    """DATABASES, DATABASE_ROUTERS and the replica settings as a fresh process reads them."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'DATABASES': settings.DATABASES,"
        " 'ROUTERS': settings.DATABASE_ROUTERS, 'PIN': settings.REPLICA_PIN_SECONDS,"
        " 'LAG': settings.REPLICA_MAX_LAG_SECONDS}, default=str))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REPLICA_"))},
        "DJANGO_SETTINGS_MODULE": "grassroots.settings",
        **environment,
    }
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    if done.returncode:
        return {"error": done.stderr}
    loaded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


PRIMARY_URL = "postgres://grassroots@127.0.0.1:5432/grassroots"
REPLICA_URL = "postgres://grassroots@127.0.0.1:5433/grassroots"


def test_without_a_replica_there_is_one_database_and_no_router() -> None:
    loaded = settings_with(DATABASE_URL=PRIMARY_URL)
    assert list(loaded["DATABASES"]) == ["default"]
    assert loaded["ROUTERS"] == []


def test_a_replica_url_adds_the_replica_with_the_primarys_options_and_the_router() -> None:
    loaded = settings_with(DATABASE_URL=PRIMARY_URL, DATABASE_REPLICA_URL=REPLICA_URL)
    primary, replica = loaded["DATABASES"]["default"], loaded["DATABASES"]["replica"]
    assert (replica["HOST"], replica["PORT"]) == ("127.0.0.1", 5433)
    for option in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        assert replica[option] == primary[option]
    assert replica["OPTIONS"]["options"] == "-c jit=off"
    # Shorter than the primary's: an absent replica costs little before reads move over.
    assert replica["OPTIONS"]["connect_timeout"] < primary["OPTIONS"]["connect_timeout"]
    assert replica["TEST"]["MIRROR"] == "default"
    assert loaded["ROUTERS"] == ["grassroots.core.db_router.PrimaryReplicaRouter"]
    assert (loaded["PIN"], loaded["LAG"]) == (10, 5)


def test_a_lag_limit_beyond_the_pin_window_is_refused() -> None:
    loaded = settings_with(
        DATABASE_URL=PRIMARY_URL,
        DATABASE_REPLICA_URL=REPLICA_URL,
        REPLICA_PIN_SECONDS="5",
        REPLICA_MAX_LAG_SECONDS="30",
    )
    assert "REPLICA_MAX_LAG_SECONDS must not be above REPLICA_PIN_SECONDS" in loaded["error"]
