"""Reads that may be stale go to the replica; a person's own writes, transactions and what
decides money, votes and permissions read the primary; a replica that is away is left alone.

The `replica` alias here is a real second connection, configured as a test mirror of the test
database (what DATABASE_REPLICA_URL sets up, pointed at the same database), so every query
below really runs on the connection the router chose. "Replica down" is a replica alias at a
port (PostgreSQL) or a file (SQLite) where nothing answers: a real failed connection. "Primary
down" is this process's primary connection at a closed port while the replica alias still
reaches the test database (PostgreSQL only, as in test_database_unavailable.py).
Tests commit (transaction=True): a second connection cannot see a test's open transaction.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import signing
from django.db import connections, transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core import db_router
from grassroots.core.db_router import PRIMARY, REPLICA, replica_reads
from grassroots.core.pagecache import HEADER
from grassroots.core.tests.test_database_unavailable import UNAVAILABLE, primary_at_a_closed_port
from grassroots.core.tests.test_error_pages import assert_in_site_design
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: None) -> Iterator[None]:
    """A `replica` database mirroring the test database, and the router, for this module."""
    replica = copy.deepcopy(connections[PRIMARY].settings_dict)
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": PRIMARY}
    connections.settings[REPLICA] = replica
    routers = override_settings(DATABASE_ROUTERS=["grassroots.core.db_router.PrimaryReplicaRouter"])
    routers.enable()
    db_router.forget_replica_health()
    try:
        yield
    finally:
        routers.disable()
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        db_router.forget_replica_health()


@pytest.fixture(autouse=True)
def _fresh_health() -> Iterator[None]:
    db_router.forget_replica_health()
    db_router.forget_primary_health()
    yield
    db_router.forget_replica_health()
    db_router.forget_primary_health()


def _swap_replica(settings_dict: dict[str, Any]) -> None:
    connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings[REPLICA] = settings_dict


@pytest.fixture
def dead_replica() -> Iterator[None]:
    """The replica alias at a place where nothing answers; put back afterwards."""
    live = connections.settings[REPLICA]
    dead = copy.deepcopy(live)
    if connections[PRIMARY].vendor == "postgresql":
        # Port 1 on this machine: nothing listens there, so connections are refused.
        dead.update(HOST="127.0.0.1", PORT="1")
    else:
        dead["NAME"] = "/nonexistent-directory/replica.sqlite3"
    _swap_replica(dead)
    try:
        yield
    finally:
        _swap_replica(live)


def bring_replica_back() -> None:
    """What an operator does: the replica answers again (the live mirror's settings)."""
    dead = connections.settings[REPLICA]
    live = copy.deepcopy(connections[PRIMARY].settings_dict)
    live["TEST"] = dead["TEST"]
    _swap_replica(live)


class Queries:
    """The SQL each alias ran inside the block (only the one that answers while the other is
    down: capturing connects)."""

    def __init__(self, *, primary: bool = True, replica: bool = True) -> None:
        self.primary = CaptureQueriesContext(connections[PRIMARY]) if primary else None
        self.replica = CaptureQueriesContext(connections[REPLICA]) if replica else None

    def __enter__(self) -> Queries:
        if self.primary is not None:
            self.primary.__enter__()
        if self.replica is not None:
            self.replica.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.replica is not None:
            self.replica.__exit__(kind, value, tb)
        if self.primary is not None:
            self.primary.__exit__(kind, value, tb)

    @staticmethod
    def _touch(captured: CaptureQueriesContext | None, table: str) -> bool:
        assert captured is not None
        return any(table in query["sql"] for query in captured.captured_queries)

    def on_replica(self, table: str) -> bool:
        return self._touch(self.replica, table)

    def on_primary(self, table: str) -> bool:
        return self._touch(self.primary, table)


INITIATIVES = '"initiatives_initiative"'


def read_where(model: type[Model]) -> str:
    """Which alias a read of `model` went to, in a block that lets reads use the replica."""
    with replica_reads(), Queries() as queries:
        list(model._default_manager.all()[:1])
    table = f'"{model._meta.db_table}"'
    assert queries.on_primary(table) != queries.on_replica(table)
    return PRIMARY if queries.on_primary(table) else REPLICA


# --- Where reads go.


def test_a_visitors_page_reads_the_replica() -> None:
    with Queries() as queries:
        response = Client().get("/initiatives/")
    assert response.status_code == 200
    assert queries.on_replica(INITIATIVES)
    assert not queries.on_primary(INITIATIVES)


def test_a_page_the_page_cache_will_keep_is_drawn_from_the_primary(settings: Any) -> None:
    """A replica a moment behind must not store an old page under the newest generation."""
    settings.PAGE_CACHE_SECONDS = 300
    with Queries() as queries:
        response = Client().get("/initiatives/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)
    with Queries() as queries:
        assert Client().get("/initiatives/")["X-Page-Cache"] == "hit"
    assert not queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)


def test_after_signing_in_the_person_reads_the_primary_for_the_pin_window() -> None:
    user = UserFactory()
    person = Client()
    signed_in = person.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    pin = signed_in.cookies[db_router.PIN_COOKIE]
    assert pin["max-age"] == django_settings.REPLICA_PIN_SECONDS
    assert pin["httponly"]
    assert pin["samesite"] == "Lax"

    with Queries() as queries:
        assert person.get("/initiatives/").status_code == 200
    assert queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)

    # Somebody else, who wrote nothing, still reads the replica.
    with Queries() as queries:
        assert Client().get("/initiatives/").status_code == 200
    assert queries.on_replica(INITIATIVES)


def test_a_made_up_pin_cookie_does_not_move_reads_to_the_primary() -> None:
    visitor = Client()
    visitor.cookies[db_router.PIN_COOKIE] = "1"
    with Queries() as queries:
        assert visitor.get("/initiatives/").status_code == 200
    assert queries.on_replica(INITIATIVES)


def test_a_pin_older_than_the_window_no_longer_counts() -> None:
    # Signed as the middleware signs it, an hour ago.
    signer = signing.get_cookie_signer(salt=db_router.PIN_COOKIE + db_router.PIN_SALT)
    an_hour_ago = signing.b62_encode(int(time.time()) - 3600)
    old = signing.Signer.sign(signer, f"1{signer.sep}{an_hour_ago}")
    visitor = Client()
    visitor.cookies[db_router.PIN_COOKIE] = old
    with Queries() as queries:
        assert visitor.get("/initiatives/").status_code == 200
    assert queries.on_replica(INITIATIVES)


def test_any_post_pins_the_browser_even_when_nothing_was_saved() -> None:
    response = Client().post("/accounts/login/", {"login": "nobody@example.org", "password": "x"})
    assert response.status_code == 200
    assert db_router.PIN_COOKIE in response.cookies


def test_a_visitors_get_sets_no_pin() -> None:
    response = Client().get("/initiatives/")
    assert db_router.PIN_COOKIE not in response.cookies


def test_reads_after_a_write_in_the_same_request_or_block_use_the_primary() -> None:
    CouncilFactory()
    with replica_reads(), Queries() as queries:
        CouncilFactory()
        Ward.objects.count()
    assert queries.on_primary('"places_ward"')
    assert not queries.on_replica('"places_ward"')


def test_reads_inside_a_transaction_use_the_primary() -> None:
    with replica_reads(), transaction.atomic(), Queries() as queries:
        Initiative.objects.count()
    assert queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)


def test_tasks_and_commands_read_the_primary_unless_they_opt_in() -> None:
    with Queries() as queries:
        Initiative.objects.count()
    assert queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)
    assert read_where(Initiative) == REPLICA


@pytest.mark.parametrize(
    "label",
    [
        "accounts.User",
        "sessions.Session",
        "mfa.Authenticator",
        "account.EmailAddress",
        "funding.Grant",
        "funding.MotionVote",
        "funding.PBBallot",
        "priorities.Ballot",
        "opinions.Vote",
        "places.CouncillorTerm",
        "initiatives.Membership",
        "support.Support",
        "groups.GroupMembership",
        "conversations.ConversationAccess",
        "moderation.SafeguardingContact",
    ],
)
def test_money_votes_and_permissions_always_read_the_primary(label: str) -> None:
    assert read_where(apps.get_model(label)) == PRIMARY


@pytest.mark.parametrize(
    "label", ["initiatives.Initiative", "places.Ward", "groups.Group", "events.Event"]
)
def test_public_content_reads_the_replica(label: str) -> None:
    assert read_where(apps.get_model(label)) == REPLICA


def test_the_primary_only_lists_name_real_apps_and_models() -> None:
    for app_label in db_router.PRIMARY_ONLY_APPS:
        assert apps.get_app_config(app_label)
    for label in db_router.PRIMARY_ONLY_MODELS:
        assert apps.get_model(label)


def test_the_replica_is_never_migrated() -> None:
    router = db_router.PrimaryReplicaRouter()
    assert router.allow_migrate(REPLICA, "initiatives") is False
    assert router.allow_migrate(PRIMARY, "initiatives") is None


# --- Health.


def test_healthz_reports_a_replica_that_answers() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "replica": "ok",
        "replica_lag_seconds": 0.0,
    }


@pytest.mark.usefixtures("dead_replica")
def test_with_the_replica_down_pages_read_the_primary() -> None:
    with Queries(replica=False) as queries:
        response = Client().get("/initiatives/")
    assert response.status_code == 200
    assert queries.on_primary(INITIATIVES)
    assert db_router.replica_down_for_now()


@pytest.mark.usefixtures("dead_replica")
def test_with_the_replica_down_healthz_still_answers_200_and_says_why() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["replica"] == "unavailable"
    assert body["replica_detail"] == "The replica did not answer (OperationalError)."
    assert "PORT" not in body["replica_detail"]


@pytest.mark.usefixtures("dead_replica")
def test_a_replica_that_failed_is_left_alone_until_the_retry_time(settings: Any) -> None:
    settings.REPLICA_RETRY_SECONDS = 3600
    assert Client().get("/initiatives/").status_code == 200
    bring_replica_back()
    with Queries() as queries:
        assert Client().get("/initiatives/").status_code == 200
    assert queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)


@pytest.mark.usefixtures("dead_replica")
def test_a_replica_that_failed_is_tried_again_after_the_retry_time(settings: Any) -> None:
    settings.REPLICA_RETRY_SECONDS = 0
    assert Client().get("/initiatives/").status_code == 200
    bring_replica_back()
    with Queries() as queries:
        assert Client().get("/initiatives/").status_code == 200
    assert queries.on_replica(INITIATIVES)
    assert not db_router.replica_down_for_now()


def test_a_replica_further_behind_than_the_limit_is_treated_as_down(settings: Any) -> None:
    # The mirror is never behind (lag 0); a limit below zero makes 0 too far behind, which
    # exercises the same path as a standby whose replay stalls (the topology drill has one).
    settings.REPLICA_MAX_LAG_SECONDS = -1
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["replica"] == "lagging"
    with Queries() as queries:
        assert Client().get("/initiatives/").status_code == 200
    assert queries.on_primary(INITIATIVES)
    assert not queries.on_replica(INITIATIVES)


# --- The primary away: signed-out pages the page cache misses come from the replica, unkept.


@pytest.fixture
def page_cache(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 300


def visit(client: Client | None = None) -> tuple[int, str, str, str]:
    """The status, `X-Page-Cache`, `Cache-Control` and text of the initiatives list."""
    response = (client or Client(raise_request_exception=False)).get("/initiatives/")
    return (
        response.status_code,
        response.get(HEADER, ""),
        response.get("Cache-Control", ""),
        response.content.decode(),
    )


@pytest.mark.usefixtures("page_cache")
def test_with_the_primary_away_a_page_not_in_the_cache_comes_from_the_replica_unkept(
    settings: Any,
) -> None:
    settings.PRIMARY_RETRY_SECONDS = 0  # each request asks the primary again
    InitiativeFactory(title="Canal clean-up")
    with primary_at_a_closed_port():
        for _ in range(2):  # the second is drawn again: the first was not kept
            with Queries(primary=False) as queries:
                status, state, control, page = visit()
            assert (status, state) == (200, "miss")
            assert "Canal clean-up" in page
            assert "no-store" in control  # nor kept by a proxy
            assert queries.on_replica(INITIATIVES)


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize(
    ("retry_seconds", "kept"),
    [(0, True), (3600, False)],
    ids=["after-the-retry-time", "within-the-retry-time"],
)
def test_once_the_primary_is_back_pages_are_kept_again_after_the_retry_time(
    settings: Any, retry_seconds: int, kept: bool
) -> None:
    settings.PRIMARY_RETRY_SECONDS = retry_seconds
    InitiativeFactory(title="Canal clean-up")
    with primary_at_a_closed_port():
        assert visit()[:2] == (200, "miss")
    # Within the retry time this process leaves the primary alone: still the replica's copy,
    # still unkept. After it, the page is drawn from the primary and kept.
    with Queries() as queries:
        status, state, control, _ = visit()
    assert (status, state) == (200, "miss")
    assert ("no-store" in control) is not kept
    assert queries.on_primary(INITIATIVES) is kept
    assert queries.on_replica(INITIATIVES) is not kept
    assert visit()[1] == ("hit" if kept else "miss")


@pytest.mark.usefixtures("page_cache")
def test_with_the_primary_away_a_page_in_the_cache_is_still_served_from_it() -> None:
    InitiativeFactory(title="Canal clean-up")
    assert visit()[1] == "miss"
    with primary_at_a_closed_port(), Queries(primary=False) as queries:
        status, state, _, page = visit()
    assert (status, state) == (200, "hit")
    assert "Canal clean-up" in page
    assert not queries.on_replica(INITIATIVES)


@pytest.mark.usefixtures("page_cache")
def test_with_the_primary_away_signed_in_people_still_get_the_unavailable_page() -> None:
    InitiativeFactory(title="Canal clean-up")
    person = Client(raise_request_exception=False)
    person.force_login(UserFactory())
    with primary_at_a_closed_port():
        status, state, control, page = visit(person)
    assert status == 503
    assert_in_site_design(page.encode(), UNAVAILABLE)
    assert state == ""
    assert "no-store" in control


@pytest.mark.usefixtures("page_cache", "dead_replica")
def test_with_the_primary_and_the_replica_away_a_visitor_gets_the_unavailable_page() -> None:
    with primary_at_a_closed_port():
        status, state, _, page = visit()
    assert (status, state) == (503, "")
    assert_in_site_design(page.encode(), UNAVAILABLE)
