"""In a real browser (JavaScript off and on), every page checked with axe-core: a lead accepts
a matching offer. The lead sees the offer under the initiative's need, asks for an
introduction, the offerer accepts it, and both then see each other's contact details."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.directory.models_offers import Introduction, IntroductionStatus
from grassroots.directory.tests.factories_offers import offers_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_lead_accepts_a_matching_offer(browser: Any, live_server: Any, javascript: bool) -> None:
    world = offers_world()
    base = live_server.url
    lead = page_as(browser, live_server, world.lead, javascript=javascript)
    visit(lead, f"{base}{world.initiative.get_absolute_url()}")
    assert (
        lead.locator("#offers-for-needs")
        .get_by_role("link", name="Garden tools to lend", exact=True)
        .count()
        == 1
    )
    follow(lead.get_by_role("link", name="Ask for an introduction to “Garden tools to lend”"))
    assert_accessible(lead)
    lead.get_by_label("Message (optional)").fill("Could we borrow spades on Saturday?")
    follow(lead.get_by_role("button", name="Send the introduction"))
    assert_accessible(lead)
    assert "omar@example.org" not in lead.content()
    introduction = Introduction.objects.get()

    offerer = page_as(browser, live_server, world.offerer, javascript=javascript)
    visit(offerer, f"{base}/offers/mine/")
    follow(offerer.get_by_role("link", name="About your offer “Garden tools to lend”"))
    assert_accessible(offerer)
    assert "lena@example.org" not in offerer.content()
    assert "Could we borrow spades on Saturday?" in offerer.content()
    follow(offerer.get_by_role("button", name="Accept and share contact details"))
    assert_accessible(offerer)
    assert "lena@example.org" in offerer.content()

    visit(lead, f"{base}{introduction.get_absolute_url()}")
    assert "omar@example.org" in lead.locator("#contact-details + p + dl").inner_text()
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    lead.context.close()
    offerer.context.close()
