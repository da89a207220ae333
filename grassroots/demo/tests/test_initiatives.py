"""The demo borough shows initiatives and councillor support in every state."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from grassroots.core.slugs import is_slug
from grassroots.demo.borough import COUNCIL_GSS, Borough
from grassroots.demo.seed import seed_demo
from grassroots.initiatives.models import (
    Initiative,
    Membership,
    MembershipStatus,
    NeedStatus,
    Stage,
    Theme,
    Update,
    Visibility,
)
from grassroots.initiatives.selectors import pending_invitations
from grassroots.initiatives.sitemaps import SITEMAPS
from grassroots.initiatives.visibility import can_view
from grassroots.places.models import Ward
from grassroots.support.models import (
    AdvocacyCase,
    CaseStatus,
    Decision,
    HelpRequest,
    Support,
    SupportKind,
    SupportStatus,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (i.title, i.stage, i.theme, i.visibility, i.memberships.count(), i.needs.count())
        for i in Initiative.objects.all()
    )


@override_settings(DEBUG=True)
def test_the_demo_has_every_stage_theme_support_and_case_status(seeded: Borough) -> None:
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
    councillor = seeded.accounts["councillor"]
    assert Support.objects.filter(councillor__user=councillor).exists()


@override_settings(DEBUG=True)
@pytest.mark.usefixtures("seeded")
def test_running_the_demo_twice_gives_the_same_initiatives() -> None:
    first = _content()
    seed_demo()
    assert _content() == first


@override_settings(DEBUG=True)
def test_the_safeguarded_demo_initiative_grows_by_invitation(seeded: Borough) -> None:
    borough = seeded
    safeguarded = Initiative.objects.get(visibility=Visibility.SAFEGUARDED)
    rows = Membership.objects.filter(initiative=safeguarded)
    waiting = rows.get(status=MembershipStatus.INVITED)
    # Nobody outside can find it to ask: every member but the lead joined by invitation.
    joined = rows.filter(status=MembershipStatus.APPROVED).exclude(user=safeguarded.created_by)
    assert joined
    for member in joined:
        assert member.invited_by == safeguarded.created_by
        assert member.decided_by == member.user  # they accepted it themselves
    assert waiting.invited_by == safeguarded.created_by
    assert not rows.filter(status=MembershipStatus.REQUESTED).exists()
    # The demo resident holds the waiting invitation, so it can be tried out: they see the
    # initiative while deciding, and find the invitation on their invitations page.
    resident = borough.accounts["resident"]
    assert waiting.user == resident
    assert can_view(resident, safeguarded)
    assert [m.initiative for m in pending_invitations(resident)] == [safeguarded]
    # Re-running rebuilds the same invitations rather than adding more.
    seed_demo()
    again = Membership.objects.filter(initiative__visibility=Visibility.SAFEGUARDED)
    assert again.filter(status=MembershipStatus.INVITED).count() == 1
    assert again.filter(invited_by__isnull=False).count() == joined.count() + 1


@override_settings(DEBUG=True)
@pytest.mark.usefixtures("seeded")
def test_the_demo_is_believable() -> None:
    ward_names = set(
        Ward.objects.filter(council__gss_code=COUNCIL_GSS).values_list("name", flat=True)
    )
    for initiative in Initiative.objects.prefetch_related("wards"):
        # Every address works, and a safeguarded one gives nothing of its title away.
        assert is_slug(initiative.slug), initiative.slug
        if initiative.visibility == Visibility.SAFEGUARDED:
            assert initiative.slug.startswith("private-")
        # An initiative whose title names a ward is in that ward.
        named = {name for name in ward_names if name in initiative.title}
        if named:
            assert {w.name for w in initiative.wards.all()} == named, initiative.title
    achieved = Initiative.objects.filter(stage=Stage.ACHIEVED)
    assert achieved
    for initiative in achieved:
        assert not initiative.needs.filter(status=NeedStatus.OPEN).exists()
        assert not HelpRequest.objects.filter(initiative=initiative, status="waiting").exists()
        assert not initiative.supports.filter(
            status__in=[SupportStatus.OFFERED, SupportStatus.PLANNED, SupportStatus.IN_PROGRESS]
        ).exists()
    texts = list(Update.objects.values_list("text", flat=True))
    assert texts
    assert len(texts) == len(set(texts))
    # Each step happened in the past, in order.
    for initiative in Initiative.objects.all():
        changes = list(initiative.stage_changes.order_by("changed_at", "pk"))
        assert [c.to_stage for c in changes][-1] == initiative.stage
        assert changes[0].changed_at <= changes[-1].changed_at <= timezone.now()


@override_settings(DEBUG=True)
@pytest.mark.usefixtures("seeded")
def test_the_demo_leads_live_in_their_initiatives_wards() -> None:
    for initiative in Initiative.objects.prefetch_related("wards").select_related("created_by"):
        assert initiative.created_by.ward in set(initiative.wards.all()), initiative.title


@override_settings(DEBUG=True)
@pytest.mark.usefixtures("seeded")
def test_every_demo_list_and_page_opens(client: Client) -> None:
    pages = ["/initiatives/", "/initiatives/map/", "/initiatives/feed.atom", "/sitemap.xml"]
    pages += [f"/sitemap-{section}.xml" for section in SITEMAPS]
    pages += ["/api/initiatives", "/initiatives/export.csv"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    for initiative in Initiative.objects.filter(visibility=Visibility.PUBLIC):
        assert client.get(initiative.get_absolute_url()).status_code == 200, initiative.slug
    for ward in Ward.objects.filter(council__gss_code=COUNCIL_GSS):
        assert client.get(ward.get_absolute_url()).status_code == 200, ward.slug
