"""The issue's journey in Chromium: an initiative applies, a member declares an interest, the
partnership decides, the treasurer pays, and the grant is in the fund's 360Giving download.
Every page and every form's error summary is axe-clean (WCAG 2.2 AA), with and without
JavaScript, and the forms work without a script."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.funding.models import Application, Grant, Motion, VoteChoice
from grassroots.funding.tests.factories import make_area
from grassroots.funding.tests.grants_factories import lead_of, make_initiative, vote, voters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_applying_deciding_and_paying_are_accessible(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    area = make_area()
    initiative = make_initiative(area)
    fund = area.fund

    # The lead applies: first with nothing filled in, then properly.
    page = page_as(browser, live_server, lead_of(initiative), javascript=javascript)
    visit(page, f"{live_server.url}/funds/{fund.slug}/")
    follow(page.get_by_role("button", name="Apply for money"))
    follow(page.get_by_role("link", name=initiative.title))
    visit(page, page.url)
    follow(page.get_by_role("button", name="Send the application"))
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("What the money is for").fill("Planters for Mill Lane")
    page.get_by_label("What it will achieve").fill("Greener streets neighbours look after.")
    page.get_by_label("Green spaces").check()
    page.get_by_label("Item 1", exact=True).fill("Planters")
    page.get_by_label("Cost of item 1, in pounds").fill("1200")
    page.get_by_label("Item 2", exact=True).fill("Soil")
    page.get_by_label("Cost of item 2, in pounds").fill("300.50")
    follow(page.get_by_role("button", name="Send the application"))
    application = Application.objects.get()
    assert application.amount_pence == 150_050
    assert_accessible(page)

    # A member declares an interest; the chair proposes (an error first), members vote.
    member = page_as(browser, live_server, area.members[6].user, javascript=javascript)
    visit(member, f"{live_server.url}/funds/applications/{application.pk}/declare/")
    follow(member.get_by_role("button", name="Declare the interest"))
    assert_accessible(member)
    member.get_by_label("Your interest").fill("My neighbour leads it.")
    follow(member.get_by_role("button", name="Declare the interest"))
    chair = page_as(browser, live_server, area.chair, javascript=javascript)
    visit(chair, f"{live_server.url}/funds/applications/{application.pk}/motion/")
    chair.get_by_label("Decline", exact=True).check()
    follow(chair.get_by_role("button", name="Put the motion"))
    assert chair.get_by_text("Give the reasons for declining").first.is_visible()
    assert_accessible(chair)
    chair.get_by_label("Approve", exact=True).check()
    follow(chair.get_by_role("button", name="Put the motion"))
    motion = Motion.objects.get()
    voter = page_as(browser, live_server, area.members[3].user, javascript=javascript)
    visit(voter, f"{live_server.url}/funds/applications/{application.pk}/")
    voter.get_by_label("For", exact=True).check()
    follow(voter.get_by_role("button", name="Vote"))
    vote(motion, [m for m in voters(area) if m.pk != area.members[3].pk], VoteChoice.FOR)
    visit(chair, f"{live_server.url}/funds/motions/{motion.pk}/close/")
    follow(chair.get_by_role("button", name="Yes, close the vote"))
    assert chair.get_by_text("the grant is approved").is_visible()
    assert_accessible(chair)

    # The treasurer pays: too much first, then the right amount.
    grant = Grant.objects.get()
    treasurer = page_as(browser, live_server, area.treasurer, javascript=javascript)
    visit(treasurer, f"{live_server.url}/funds/grants/{grant.pk}/money/")
    follow(treasurer.get_by_role("button", name="Record a payment"))
    visit(treasurer, treasurer.url)
    today = datetime.date.today()
    treasurer.get_by_label("Amount paid, in pounds").fill("2000")
    treasurer.get_by_label("Day").fill(str(today.day))
    treasurer.get_by_label("Month").fill(str(today.month))
    treasurer.get_by_label("Year").fill(str(today.year))
    follow(treasurer.get_by_role("button", name="Record the payment"))
    assert treasurer.get_by_text("committed and not yet paid").first.is_visible()
    assert_accessible(treasurer)
    treasurer.get_by_label("Amount paid, in pounds").fill("500")
    follow(treasurer.get_by_role("button", name="Record the payment"))
    assert treasurer.get_by_text("The payment is recorded").is_visible()
    assert_accessible(treasurer)

    # Anyone can see the grant in the fund's list and in its 360Giving download.
    visitor = page_as(browser, live_server, None, javascript=javascript)
    visit(visitor, f"{live_server.url}/funds/{fund.slug}/grants/")
    assert_accessible(visitor)
    link = visitor.get_by_role("link", name="Download the grants in the 360Giving format (JSON)")
    download = visitor.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert download.ok
    awarded = {item["id"]: item["amountAwarded"] for item in download.json()["grants"]}
    assert awarded == {grant.identifier: 1500.5}
    for tab in (page, member, chair, voter, treasurer, visitor):
        tab.context.close()
