"""Data migrations of support: repeat help requests found in the data, and internal notes
given to the department that wrote them."""

from __future__ import annotations

import pytest

from grassroots.core.tests.migrations import migrate, migrate_to_latest
from grassroots.support.tests.conftest import build_support_town

# It migrates the test database back and forward: make test runs it once, on PostgreSQL
# (docs/decisions/0019-slow-tests-once.md).
pytestmark = pytest.mark.data_migration

BEFORE = [("support", "0002_support_description_may_wait")]
LATEST = [("support", "0004_case_transfer_and_note_department")]


@pytest.mark.django_db(transaction=True)
def test_repeat_requests_already_waiting_keep_only_the_first() -> None:
    town = build_support_town()
    case = town.case()
    try:
        apps = migrate(BEFORE)
        HelpRequest = apps.get_model("support", "HelpRequest")
        CaseMessage = apps.get_model("support", "CaseMessage")
        common = {"initiative_id": town.initiative.pk, "kind": "connect"}
        first = HelpRequest.objects.create(
            **common, message="Who runs the hall?", requested_by_id=town.lead.pk
        )
        again = HelpRequest.objects.create(
            **common, message="who runs  the hall", requested_by_id=town.lead.pk
        )
        other = HelpRequest.objects.create(
            **common, message="Who cuts the grass?", requested_by_id=town.lead.pk
        )
        note = CaseMessage.objects.create(
            case_id=case.pk, author_id=town.person("officer").pk, text="Budget", internal=True
        )

        apps = migrate(LATEST)
        HelpRequest = apps.get_model("support", "HelpRequest")
        status = dict(HelpRequest.objects.values_list("pk", "status"))
        assert status == {first.pk: "waiting", again.pk: "withdrawn", other.pk: "waiting"}
        assert HelpRequest.objects.exclude(message_key="").count() == 3
        CaseMessage = apps.get_model("support", "CaseMessage")
        assert CaseMessage.objects.get(pk=note.pk).department_id == town.department.pk
    finally:
        migrate_to_latest()
