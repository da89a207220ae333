"""The data migration from email on/off to delivery: on → immediately, off → off, and back."""

from __future__ import annotations

import pytest

from grassroots.core.tests.migrations import migrate, migrate_to_latest

# It migrates the test database back and forward: make test runs it once, on PostgreSQL
# (docs/decisions/0019-slow-tests-once.md).
pytestmark = pytest.mark.data_migration

BEFORE = [("notifications", "0004_preference_add_delivery_notification_digest_fields")]
AFTER = [("notifications", "0005_preference_backfill_delivery_from_email")]


@pytest.mark.django_db(transaction=True)
def test_email_choices_become_deliveries_and_back() -> None:
    try:
        apps = migrate(BEFORE)
        User = apps.get_model("accounts", "User")
        Preference = apps.get_model("notifications", "Preference")
        person = User.objects.create(email="old@example.org")
        Preference.objects.create(user=person, kind="stage_change", email=True)
        Preference.objects.create(user=person, kind="case_update", email=False)

        apps = migrate(AFTER)
        Preference = apps.get_model("notifications", "Preference")
        assert dict(Preference.objects.values_list("kind", "delivery")) == {
            "stage_change": "immediately",
            "case_update": "off",
        }
        # Going back keeps the meaning: anything emailed (now or in a digest) is "on".
        Preference.objects.create(user_id=person.pk, kind="following", delivery="daily")
        apps = migrate(BEFORE)
        Preference = apps.get_model("notifications", "Preference")
        assert dict(Preference.objects.values_list("kind", "email")) == {
            "stage_change": True,
            "case_update": False,
            "following": True,
        }
    finally:
        migrate_to_latest()
