"""In a real browser (JavaScript off and on), every page checked with axe-core: a group's
organiser follows a place and nominates it; the council's officer sees the nomination, lists
the place and records the owner's notice of sale; the organiser asks to be treated as a
bidder, and sees the dates that matter and the news of each step."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from grassroots.accounts.tests.factories import DepartmentFactory
from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.directory import acv
from grassroots.directory.models_assets import AcvStatus, BidderRequest, SaleNotice
from grassroots.directory.tests.assets_world import AssetFactory
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.people import make_officer, make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_group_nominates_a_place_and_follows_it_through_a_sale_notice(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    ward = WardFactory(name="Riverside")
    organiser = make_resident(ward=ward, name="Olive Organiser")
    group = GroupFactory(council=ward.council, name="Save the Red Lion", created_by=organiser)
    officer = make_officer(DepartmentFactory(council=ward.council, name="Planning"))
    asset = AssetFactory(ward=ward, name="The Red Lion")
    base = live_server.url

    page = page_as(browser, live_server, organiser, javascript=javascript)
    visit(page, f"{base}/assets/")
    follow(page.get_by_role("link", name="The Red Lion"))
    assert_accessible(page)
    follow(page.get_by_role("button", name="Follow"))
    follow(page.get_by_role("link", name="Nominate it as an Asset of Community Value"))
    assert_accessible(page)
    page.get_by_label("Save the Red Lion").check()
    page.get_by_label("A community group that is not a company or a charity").check()
    page.get_by_label("How many of its members").fill("20")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("How does the place further").fill("Our last pub and meeting room.")
    page.get_by_label("I confirm").check()
    follow(page.get_by_role("button", name="Send the nomination"))
    assert_accessible(page)
    assert "at least 21 members" in page.content()
    page.get_by_label("How many of its members").fill("34")
    page.get_by_label("I confirm").check()
    follow(page.get_by_role("button", name="Send the nomination"))
    assert_accessible(page)
    asset.refresh_from_db()
    assert asset.acv_status == AcvStatus.NOMINATED
    nomination = asset.nominations.get()
    deadline = date_format(acv.nomination_decision_deadline(nomination.received_at), "l j F Y")
    assert page.locator("[data-deadline]").inner_text() == deadline

    officer_page = page_as(browser, live_server, officer, javascript=javascript)
    visit(officer_page, f"{base}/assets/nominations/")
    follow(officer_page.get_by_role("link", name="Decide The Red Lion"))
    assert_accessible(officer_page)
    officer_page.get_by_label("Listed", exact=True).check()
    officer_page.get_by_label("Reasons for the decision").fill("A pub that is a community hub.")
    follow(officer_page.get_by_role("button", name="Record the decision"))
    assert_accessible(officer_page)
    assert "Listed on" in officer_page.content()
    follow(officer_page.get_by_role("link", name="Record the owner's notice of sale"))
    assert_accessible(officer_page)
    today = timezone.localdate()
    officer_page.get_by_label("Day").fill(str(today.day))
    officer_page.get_by_label("Month").fill(str(today.month))
    officer_page.get_by_label("Year").fill(str(today.year))
    follow(officer_page.get_by_role("button", name="Record the notice"))
    assert_accessible(officer_page)
    notice = SaleNotice.objects.get(asset=asset)

    visit(page, f"{base}/assets/{asset.pk}/")
    follow(page.get_by_role("link", name="Ask to be treated as a bidder"))
    assert_accessible(page)
    page.get_by_label("Save the Red Lion").check()
    follow(page.get_by_role("button", name="Send the request"))
    assert_accessible(page)
    assert BidderRequest.objects.filter(notice=notice, group=group).exists()
    dates = notice.dates()
    assert dates.full_end is not None
    assert page.locator("[data-interim-end]").inner_text() == date_format(
        dates.interim_end, "l j F Y"
    )
    assert page.locator("[data-full-end]").inner_text() == date_format(dates.full_end, "l j F Y")
    assert page.locator("[data-protected-end]").inner_text() == date_format(
        dates.protected_end, "l j F Y"
    )

    visit(page, f"{base}/notifications/")
    text = page.content()
    assert "The council listed The Red Lion" in text
    assert "The owner of The Red Lion wants to sell it" in text
