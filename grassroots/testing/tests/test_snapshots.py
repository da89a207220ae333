"""A world built once per module looks, to every test, as if it had been built just before it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection

from grassroots.core import request_cache
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.snapshots import needs_commits, shared_world

BUILT = "Built once"


def build_little_world() -> dict[str, Any]:
    mail.send_mail("Built", "The world is built.", "town@example.org", ["you@example.org"])
    return {"ward": WardFactory(name=BUILT), "notes": []}


little_world_snapshot, little_world = shared_world(build_little_world, name="little_world")


def _assert_as_built_then_change(world: dict[str, Any]) -> None:
    # Whatever another test of the module did to its copy or to the database is gone.
    assert world["notes"] == []
    assert world["ward"].name == BUILT
    assert list(Ward.objects.values_list("name", flat=True)) == [BUILT]
    assert [message.subject for message in mail.outbox] == ["Built"]
    world["notes"].append("changed")
    world["ward"].name = "Changed"
    world["ward"].save()
    WardFactory(name="Another")
    mail.send_mail("Test", "A test wrote.", "town@example.org", ["you@example.org"])


@pytest.mark.django_db
@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_each_test_gets_a_fresh_copy_and_the_database_as_built(
    little_world: dict[str, Any], little_world_snapshot: Any, attempt: int
) -> None:
    assert little_world_snapshot.is_open
    _assert_as_built_then_change(little_world)


@pytest.mark.django_db
def test_a_copy_forgets_what_the_request_cache_remembered(
    little_world: dict[str, Any], little_world_snapshot: Any
) -> None:
    _assert_as_built_then_change(little_world)
    with request_cache.scope():
        request_cache.remember(("test", 1), "remembered")
        little_world_snapshot.copy()
        assert request_cache.cached(("test", 1), lambda: "computed") == "computed"


@pytest.mark.django_db
def test_a_database_test_without_the_world_does_not_see_it() -> None:
    assert not Ward.objects.filter(name=BUILT).exists()


@pytest.mark.django_db(transaction=True)
def test_a_test_with_real_commits_gets_a_world_of_its_own(
    little_world: dict[str, Any], little_world_snapshot: Any
) -> None:
    assert not little_world_snapshot.is_open
    assert not connection.in_atomic_block  # its writes are committed, as a live server needs
    _assert_as_built_then_change(little_world)


@pytest.mark.django_db
def test_after_it_the_snapshot_is_built_again(little_world: dict[str, Any]) -> None:
    _assert_as_built_then_change(little_world)


def test_which_tests_need_real_commits(request: pytest.FixtureRequest) -> None:
    item = request.node
    assert not needs_commits(item)
    item.add_marker(pytest.mark.django_db(transaction=True))
    assert needs_commits(item)
