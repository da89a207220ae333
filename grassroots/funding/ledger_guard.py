"""The ledger's rules held by the database itself, beneath the ORM and `ledger.py`.

- Append-only: on PostgreSQL a row trigger refuses every UPDATE and DELETE of `funding_entry`
  and `funding_transaction`; on SQLite every UPDATE (not DELETE: Django empties SQLite test
  databases with DELETE, while PostgreSQL's flush is a TRUNCATE, which row triggers do not
  see; the tests' own emptying, grassroots/testing/emptying.py, deletes under
  `WIPE_SETTING`). The one update let through is the database's own `SET NULL` when the
  person who recorded a transaction is deleted.
- Balanced: on PostgreSQL a constraint trigger, deferred to COMMIT, refuses a transaction
  whose entries do not sum to zero or that has fewer than two entries.
- The decision record: a closed `Motion` is never updated (its withdrawal reason included,
  from migration 0003), nor (once its motion is closed) a `MotionVote`, on either database.

Changing these statements needs a new migration that drops and creates them again.

`allow_wipe()` lets a test that rebuilds a whole town (the demo's) delete ledger rows on
PostgreSQL, for the rest of its database transaction only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

WIPE_SETTING = "grassroots.ledger_wipe"
_DEFERRED = "funding_transaction_has_entries, funding_entry_balanced"

_TRANSACTION_COLUMNS = ("id", "fund_id", "grant_id", "kind", "memo", "reverses_id", "created_at")


def _same(columns: tuple[str, ...]) -> str:
    new = ", ".join(f"NEW.{c}" for c in columns)
    old = ", ".join(f"OLD.{c}" for c in columns)
    return f"({new}) IS NOT DISTINCT FROM ({old})"


POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION funding_ledger_refuse() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('{WIPE_SETTING}', true) = 'on' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = 'The ledger is '
        || 'append-only: ' || TG_OP || ' of ' || TG_TABLE_NAME || ' refused (record a correction)';
    END $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE FUNCTION funding_transaction_refuse() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.created_by_id IS NOT NULL AND NEW.created_by_id IS NULL
         AND {_same(_TRANSACTION_COLUMNS)} THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'DELETE' AND current_setting('{WIPE_SETTING}', true) = 'on' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = 'The ledger is '
        || 'append-only: ' || TG_OP || ' of ' || TG_TABLE_NAME || ' refused (record a correction)';
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER funding_entry_append_only BEFORE UPDATE OR DELETE ON funding_entry
      FOR EACH ROW EXECUTE FUNCTION funding_ledger_refuse();
    """,
    """
    CREATE TRIGGER funding_transaction_append_only BEFORE UPDATE OR DELETE
      ON funding_transaction FOR EACH ROW EXECUTE FUNCTION funding_transaction_refuse();
    """,
    """
    CREATE OR REPLACE FUNCTION funding_entry_balanced() RETURNS trigger AS $$
    DECLARE total bigint;
    BEGIN
      SELECT COALESCE(SUM(amount_pence), 0) INTO total FROM funding_entry
        WHERE transaction_id = NEW.transaction_id;
      IF total <> 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'Ledger transaction '
          || NEW.transaction_id || ' does not balance: its entries sum to ' || total;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER funding_entry_balanced AFTER INSERT ON funding_entry
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funding_entry_balanced();
    """,
    """
    CREATE OR REPLACE FUNCTION funding_transaction_has_entries() RETURNS trigger AS $$
    DECLARE legs integer;
    BEGIN
      SELECT COUNT(*) INTO legs FROM funding_entry WHERE transaction_id = NEW.id;
      IF legs < 2 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'Ledger transaction '
          || NEW.id || ' has ' || legs || ' entries: it needs at least two';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER funding_transaction_has_entries AFTER INSERT
      ON funding_transaction DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION funding_transaction_has_entries();
    """,
]

# A closed motion and its votes are the decision record: never changed. The only updates let
# through are the database's own SET NULL when the meeting or the person who closed it goes.
_MOTION_COLUMNS = (
    "id",
    "application_id",
    "kind",
    "amount_pence",
    "reasons",
    "proposed_by_id",
    "opened_at",
    "closed_at",
    "outcome",
)


def _motion_changed(same: str) -> str:
    return (
        f"OLD.closed_at IS NOT NULL AND NOT ({same} "
        "AND (NEW.meeting_id IS NULL OR NEW.meeting_id = OLD.meeting_id) "
        "AND (NEW.closed_by_id IS NULL OR NEW.closed_by_id = OLD.closed_by_id))"
    )


# Migration 0003 adds the reason a motion was withdrawn: a closed motion's reason is final too.
# Migration 0002 keeps creating the trigger over the columns it knew (`_MOTION_COLUMNS`);
# 0003 replaces it with one over these.
MOTION_COLUMNS_0003 = (*_MOTION_COLUMNS, "withdrawal_reason")


def _postgresql_motion_trigger(columns: tuple[str, ...]) -> str:
    return f"""
    CREATE TRIGGER funding_motion_closed_is_final BEFORE UPDATE ON funding_motion
      FOR EACH ROW WHEN ({_motion_changed(_same(columns))})
      EXECUTE FUNCTION funding_ledger_refuse();
    """


def _sqlite_motion_trigger(columns: tuple[str, ...]) -> str:
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    return f"""
    CREATE TRIGGER funding_motion_closed_is_final BEFORE UPDATE ON funding_motion
      WHEN {_motion_changed(same)}
    BEGIN
      SELECT RAISE(ABORT, 'A closed motion is final: UPDATE refused');
    END
    """


POSTGRESQL_INSTALL += [
    _postgresql_motion_trigger(_MOTION_COLUMNS),
    """
    CREATE OR REPLACE FUNCTION funding_vote_refuse() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM funding_motion WHERE id = OLD.motion_id
                 AND closed_at IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
          MESSAGE = 'A closed motion''s votes are final: ' || TG_OP || ' refused';
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER funding_vote_closed_is_final BEFORE UPDATE ON funding_motionvote
      FOR EACH ROW EXECUTE FUNCTION funding_vote_refuse();
    """,
]

POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS funding_vote_closed_is_final ON funding_motionvote",
    "DROP FUNCTION IF EXISTS funding_vote_refuse()",
    "DROP TRIGGER IF EXISTS funding_motion_closed_is_final ON funding_motion",
    "DROP TRIGGER IF EXISTS funding_transaction_has_entries ON funding_transaction",
    "DROP TRIGGER IF EXISTS funding_entry_balanced ON funding_entry",
    "DROP TRIGGER IF EXISTS funding_transaction_append_only ON funding_transaction",
    "DROP TRIGGER IF EXISTS funding_entry_append_only ON funding_entry",
    "DROP FUNCTION IF EXISTS funding_transaction_has_entries()",
    "DROP FUNCTION IF EXISTS funding_entry_balanced()",
    "DROP FUNCTION IF EXISTS funding_transaction_refuse()",
    "DROP FUNCTION IF EXISTS funding_ledger_refuse()",
]

_SQLITE_TRANSACTION_SET_NULL = " AND ".join(
    ["OLD.created_by_id IS NOT NULL", "NEW.created_by_id IS NULL"]
    + [f"NEW.{c} IS OLD.{c}" for c in _TRANSACTION_COLUMNS]
)

SQLITE_INSTALL = [
    """
    CREATE TRIGGER funding_entry_append_only BEFORE UPDATE ON funding_entry
    BEGIN
      SELECT RAISE(ABORT, 'The ledger is append-only: UPDATE of funding_entry refused');
    END
    """,
    f"""
    CREATE TRIGGER funding_transaction_append_only BEFORE UPDATE ON funding_transaction
      WHEN NOT ({_SQLITE_TRANSACTION_SET_NULL})
    BEGIN
      SELECT RAISE(ABORT, 'The ledger is append-only: UPDATE of funding_transaction refused');
    END
    """,
]

_SQLITE_VOTE_TRIGGER = """
    CREATE TRIGGER funding_vote_closed_is_final BEFORE UPDATE ON funding_motionvote
      WHEN EXISTS (SELECT 1 FROM funding_motion WHERE id = OLD.motion_id
                   AND closed_at IS NOT NULL)
    BEGIN
      SELECT RAISE(ABORT, 'A closed motion''s votes are final: UPDATE refused');
    END
    """

SQLITE_INSTALL += [_sqlite_motion_trigger(_MOTION_COLUMNS), _SQLITE_VOTE_TRIGGER]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS funding_vote_closed_is_final",
    "DROP TRIGGER IF EXISTS funding_motion_closed_is_final",
    "DROP TRIGGER IF EXISTS funding_transaction_append_only",
    "DROP TRIGGER IF EXISTS funding_entry_append_only",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def install(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def remove(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE})


# Migration 0003 changes `funding_motion`. SQLite makes such a change by building a new table
# and renaming it over the old one: that drops the table's own trigger, and the rename is
# refused while the votes' trigger names the table. So on SQLite both triggers are lifted
# before the change and made again after it; on PostgreSQL only the motion's trigger is
# replaced (before a column it names is dropped, when going back).
_SQLITE_LIFT = [
    "DROP TRIGGER IF EXISTS funding_vote_closed_is_final",
    "DROP TRIGGER IF EXISTS funding_motion_closed_is_final",
]


def _motion_guards(columns: tuple[str, ...]) -> dict[str, list[str]]:
    """The closed-motion trigger over `columns`, and on SQLite the votes' trigger too."""
    return {
        "postgresql": [
            "DROP TRIGGER IF EXISTS funding_motion_closed_is_final ON funding_motion",
            _postgresql_motion_trigger(columns),
        ],
        "sqlite": [*_SQLITE_LIFT, _sqlite_motion_trigger(columns), _SQLITE_VOTE_TRIGGER],
    }


def lift_motion_guards(apps: Any, schema_editor: Any) -> None:
    """Migration 0003, first step forwards: SQLite's triggers out of the way."""
    _run(schema_editor, {"sqlite": _SQLITE_LIFT})


def restore_motion_guards(apps: Any, schema_editor: Any) -> None:
    """Migration 0003, last step backwards: the triggers as migration 0002 made them."""
    _run(schema_editor, _motion_guards(_MOTION_COLUMNS))


def install_withdrawal_guard(apps: Any, schema_editor: Any) -> None:
    """Migration 0003, last step forwards: the motion's trigger covers `withdrawal_reason`."""
    _run(schema_editor, _motion_guards(MOTION_COLUMNS_0003))


def remove_withdrawal_guard(apps: Any, schema_editor: Any) -> None:
    """Migration 0003, first step backwards: on PostgreSQL the trigger as 0002 made it (it no
    longer names `withdrawal_reason`, about to be dropped); on SQLite, lifted."""
    _run(
        schema_editor,
        {
            "postgresql": _motion_guards(_MOTION_COLUMNS)["postgresql"],
            "sqlite": _SQLITE_LIFT,
        },
    )


@contextmanager
def allow_wipe() -> Iterator[None]:
    """Let ledger rows be deleted until the surrounding database transaction ends
    (PostgreSQL; SQLite never refuses a DELETE). For tests that rebuild everything."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [WIPE_SETTING])
                # Check now the ledger rows written earlier in this database transaction (a
                # test that builds the town twice): once deleted, their deferred checks would
                # find no entries at commit.
                cursor.execute(f"SET CONSTRAINTS {_DEFERRED} IMMEDIATE")
                cursor.execute(f"SET CONSTRAINTS {_DEFERRED} DEFERRED")
        try:
            yield
        finally:
            if connection.vendor == "postgresql" and not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', true)", [WIPE_SETTING])
