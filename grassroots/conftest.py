"""Fixtures every test can use. Read grassroots/core/tests/test_example.py for a tour."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from freezegun import freeze_time

from grassroots.accounts.models import User
from grassroots.core import pagecache
from grassroots.testing import emptying, snapshots, template_db
from grassroots.testing.worlds import Town, build_town

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip when a real part is missing on a laptop; fail instead under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


# Tests with real commits end by emptying only the tables they filled, not with a flush of
# every table (grassroots/testing/emptying.py).
emptying.install()


# The longest test of a run (minutes): started first, so that the other worker is not left
# waiting for it at the end (docs/decisions/0019-slow-tests-once.md).
FIRST_MODULES = ("grassroots.demo.tests.test_crawl_demo",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The demo crawl first. pytest-xdist hands a worker its tests in collection order, and
    every worker must collect the same list: a stable sort on a fixed key keeps it so."""

    def later(item: pytest.Item) -> bool:
        module = getattr(item, "module", None)
        return not (
            item.get_closest_marker("browser") is not None
            and getattr(module, "__name__", "") in FIRST_MODULES
        )

    items.sort(key=later)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before the test's fixtures: open or close the worlds built once per module
    # (grassroots/testing/snapshots.py) as this test needs.
    snapshots.before_test(item)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """PostgreSQL: a commit in the tests does not wait for its WAL to reach the disk.

    A test database need not outlive a crash of the server, and what any session sees is the
    same (`synchronous_commit` only delays durability). It saves a disk flush on each commit of
    the tests with real commits (the browser journeys build their world one service call, one
    commit, at a time), of the migrations and of the emptying after each of those tests.
    """
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    # Under `make test`, each worker's test database is a copy of one migrated once for the run
    # (grassroots/testing/template_db.py); otherwise each worker migrates its own.
    template_db.install()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Rate limits live in the cache: each test starts with a clean slate.
    cache.clear()
    pagecache.forget_near()
    yield
    cache.clear()
    pagecache.forget_near()


@pytest.fixture
def held_clock() -> Iterator[None]:
    """The clock held still for the test. Rate limits count requests in fixed windows
    (django-ratelimit, each ending at a moment of its own), so on a slow machine a window could
    end between a test's requests and let one more through: with the clock held, they all
    fall in one window."""
    with freeze_time(timezone.now()):
        yield


@pytest.fixture
def page_cache_on(settings: Any) -> None:
    """Whole signed-out pages and shared values kept in the cache, as in production
    (`core/pagecache.py`); tests otherwise run with it off, to read `response.context`."""
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def town(db: None) -> Town:
    """One town built through the services (see grassroots/testing/worlds.py)."""
    return build_town()


@pytest.fixture
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def mfa_totp() -> Callable[[User], str]:
    """Give a user a TOTP authenticator; returns a function(user) -> secret."""

    def activate(user: User) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return str(secret)

    return activate


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Playwright is loaded only when a browser test asks for Chromium.
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def browser(chromium: Browser) -> Iterator[Browser]:
    """Chromium for one test; the windows the test opened are closed when it ends.

    Closing them while the live server still runs lets its request threads finish their
    keep-alive connections then, not after the server and its shared database have gone.
    """
    yield chromium
    for context in chromium.contexts:
        context.close()
