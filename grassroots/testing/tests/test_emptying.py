"""After a test with real commits, the next test finds the database as Django's flush leaves it:
every table empty, the content types and permissions in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection

from grassroots.funding.ledger_guard import WIPE_SETTING
from grassroots.funding.models import Entry, Transaction
from grassroots.funding.tests.factories import make_area
from grassroots.funding.tests.grants_factories import approved_grant
from grassroots.testing import emptying

pytestmark = pytest.mark.django_db(transaction=True)


def _kept() -> tuple[list[Any], list[Any]]:
    content_types = list(ContentType.objects.order_by("pk").values_list())
    permissions = list(Permission.objects.order_by("pk").values_list())
    return content_types, permissions


def _tables_with_rows() -> set[str]:
    return set(emptying.tables_with_rows(DEFAULT_DB_ALIAS))


def test_every_table_written_is_emptied_the_ledger_too() -> None:
    emptying.empty(DEFAULT_DB_ALIAS)  # the first of a process is Django's own flush
    kept = _kept()
    grant = approved_grant(make_area())
    assert Entry.objects.filter(grant=grant).exists()
    assert {"accounts_user", "funding_entry", "funding_transaction"} <= _tables_with_rows()

    emptying.empty(DEFAULT_DB_ALIAS)

    assert _tables_with_rows() == set(emptying.REWRITTEN_TABLES)
    assert not Transaction.objects.exists()
    # What post_migrate writes was left as it was, ids and all.
    assert _kept() == kept
    # The ledger's guard is back on once the emptying has committed.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [WIPE_SETTING])
            assert cursor.fetchone()[0] in {None, "", "off"}


def test_changed_permissions_are_written_again_as_after_a_flush() -> None:
    emptying.empty(DEFAULT_DB_ALIAS)
    view_user = Permission.objects.get(codename="view_user")
    view_user.delete()
    ContentType.objects.create(app_label="gone", model="model")

    emptying.empty(DEFAULT_DB_ALIAS)

    assert Permission.objects.filter(codename="view_user").exists()
    assert not ContentType.objects.filter(app_label="gone").exists()
    assert _tables_with_rows() == set(emptying.REWRITTEN_TABLES)
