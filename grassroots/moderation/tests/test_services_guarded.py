"""Each moderation service checks its own permission: called directly (as the API or a task
would) by someone not allowed, it refuses and changes nothing; the right person still can."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.conversations.models import Post
from grassroots.core.models import AuditEntry
from grassroots.moderation import services
from grassroots.moderation.models import ConcernStatus, Report, ReportStatus, SafeguardingConcern
from grassroots.moderation.tests.factories import make_post, report_as
from grassroots.testing.worlds import Town


def test_only_moderators_hide_restore_and_dismiss(town: Town) -> None:
    report_as(town.person("resident"), town.post(), "abuse")
    for outsider in (town.person("resident"), town.person("ward councillor")):
        with pytest.raises(PermissionDenied):
            services.item_hide(moderator=outsider, item=town.post(), reason="No")
        with pytest.raises(PermissionDenied):
            services.reports_dismiss(moderator=outsider, item=town.post(), note="Fine")
    assert town.post().hidden_at is None
    assert Report.objects.get().status == ReportStatus.OPEN

    services.item_hide(moderator=town.person("moderator"), item=town.post(), reason="Abuse")
    assert town.post().hidden_at is not None
    with pytest.raises(PermissionDenied):
        services.item_restore(moderator=town.person("resident"), item=town.post(), reason="Back")
    assert town.post().hidden_at is not None
    services.item_restore(moderator=town.person("moderator"), item=town.post(), reason="Mistake")
    assert town.post().hidden_at is None


def test_only_moderators_approve_or_reject_a_held_reply(town: Town) -> None:
    held = make_post(town.conversation(), town.person("resident"), "Wait", held_for_review=True)
    with pytest.raises(PermissionDenied):
        services.held_post_approve(moderator=town.person("author"), post=held)
    with pytest.raises(PermissionDenied):
        services.held_post_reject(moderator=town.person("author"), post=held, reason="No")
    held.refresh_from_db()
    assert held.held_for_review
    assert held.hidden_at is None
    services.held_post_approve(moderator=town.person("moderator"), post=held)
    assert not Post.objects.get(pk=held.pk).held_for_review


def test_only_the_councils_contacts_handle_a_concern(town: Town) -> None:
    concern = report_as(town.person("resident"), town.post(), reason="safeguarding")
    assert isinstance(concern, SafeguardingConcern)
    for outsider in (town.person("moderator"), town.person("other council's contact")):
        with pytest.raises(PermissionDenied):
            services.concern_acknowledge(user=outsider, concern=concern)
        with pytest.raises(PermissionDenied):
            services.concern_close(user=outsider, concern=concern, note="Done")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW
    services.concern_acknowledge(user=town.person("safeguarding contact"), concern=concern)
    services.concern_close(user=town.person("safeguarding contact"), concern=concern, note="Done")
    assert concern.status == ConcernStatus.CLOSED


def test_nobody_reports_what_they_cannot_see(town: Town) -> None:
    outsider = town.person("ward councillor")
    with pytest.raises(PermissionDenied):
        services.report_create(
            reporter=outsider, item=town.post("private", "organiser"), reason="spam"
        )
    with pytest.raises(PermissionDenied):
        services.concern_create(reporter=outsider, item=town.post("private", "organiser"))
    assert not SafeguardingConcern.objects.exists()
    assert not Report.objects.exists()
    services.report_create(reporter=outsider, item=town.post(), reason="spam")
    assert Report.objects.count() == 1


def test_only_site_admins_record_an_audit_export(town: Town) -> None:
    day = datetime.date(2026, 1, 1)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.audit_export_record(admin=town.person("moderator"), start=day, end=day)
    assert AuditEntry.objects.count() == before
    services.audit_export_record(admin=town.person("site admin"), start=day, end=day)
    assert AuditEntry.objects.count() == before + 1
