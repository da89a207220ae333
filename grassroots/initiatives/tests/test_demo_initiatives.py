"""The demo borough shows initiatives and councillor support in every state."""

from __future__ import annotations

import pytest
from django.test import override_settings

from grassroots.core import demo
from grassroots.initiatives.models import Initiative, Stage, Theme, Visibility
from grassroots.support.models import (
    AdvocacyCase,
    CaseStatus,
    Decision,
    HelpRequest,
    Support,
    SupportKind,
    SupportStatus,
)

pytestmark = pytest.mark.django_db


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (i.slug, i.stage, i.theme, i.visibility, i.memberships.count(), i.needs.count())
        for i in Initiative.objects.all()
    )


@override_settings(DEBUG=True)
def test_the_demo_has_every_stage_theme_support_and_case_status() -> None:
    demo.seed_demo()
    initiatives = Initiative.objects.all()
    assert {i.stage for i in initiatives} == set(Stage)
    assert {i.theme for i in initiatives} == set(Theme)
    assert initiatives.filter(visibility=Visibility.SAFEGUARDED).count() == 1
    supports = Support.objects.all()
    assert {s.kind for s in supports} == set(SupportKind)
    assert {s.status for s in supports} >= {
        SupportStatus.OFFERED,
        SupportStatus.PLANNED,
        SupportStatus.IN_PROGRESS,
        SupportStatus.DONE,
        SupportStatus.DECLINED,
    }
    assert all(s.helped for s in supports.filter(status=SupportStatus.DONE))
    assert {r.status for r in HelpRequest.objects.all()} == {"waiting", "taken"}
    assert HelpRequest.objects.filter(overdue_since__isnull=False).exists()
    cases = AdvocacyCase.objects.all()
    assert {c.status for c in cases} == set(CaseStatus)
    assert {c.decision for c in cases if c.decision} == set(Decision)
    # The demo councillor has support to show on their record.
    councillor = demo.seed_demo().accounts["councillor"]
    assert Support.objects.filter(councillor__user=councillor).exists()


@override_settings(DEBUG=True)
def test_running_the_demo_twice_gives_the_same_initiatives() -> None:
    demo.seed_demo()
    first = _content()
    demo.seed_demo()
    assert _content() == first


@override_settings(DEBUG=True)
def test_the_safeguarded_demo_initiative_grows_by_invitation() -> None:
    from grassroots.initiatives.models import Membership, MembershipStatus
    from grassroots.initiatives.selectors import pending_invitations
    from grassroots.initiatives.visibility import can_view

    borough = demo.seed_demo()
    safeguarded = Initiative.objects.get(visibility=Visibility.SAFEGUARDED)
    rows = Membership.objects.filter(initiative=safeguarded)
    waiting = rows.get(status=MembershipStatus.INVITED)
    joined = rows.get(status=MembershipStatus.APPROVED, invited_by__isnull=False)
    assert waiting.invited_by == joined.invited_by == safeguarded.created_by
    assert joined.decided_by == joined.user  # they accepted it themselves
    # The demo resident holds the waiting invitation, so it can be tried out: they see the
    # initiative while deciding, and find the invitation on their invitations page.
    resident = borough.accounts["resident"]
    assert waiting.user == resident
    assert can_view(resident, safeguarded)
    assert [m.initiative for m in pending_invitations(resident)] == [safeguarded]
    # Re-running rebuilds the same invitations rather than adding more.
    demo.seed_demo()
    again = Membership.objects.filter(initiative__slug=safeguarded.slug)
    assert again.filter(status=MembershipStatus.INVITED).count() == 1
    assert again.filter(invited_by__isnull=False).count() == 2
