"""In a real browser (JavaScript off and on), every page checked with axe-core:

a resident follows their ward from its page, sees it under "What you follow", chooses a daily
digest for news from what they follow, and later stops digest emails from the link in one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.following.models import Follow
from grassroots.notifications import unsubscribe
from grassroots.notifications.selectors import deliveries
from grassroots.places.tests.factories import WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[False, True], ids=["no-js", "js"])
def page(browser: Any, request: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=bool(request.param))
    errors: list[str] = []
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        yield tab
    finally:
        context.close()
    # The bad link's page answers 400 on purpose; Chromium logs that as a failed load.
    errors = [e for e in errors if "status of 400" not in e]
    assert errors == [], "console errors (a CSP violation shows here)"


def _click(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    assert_accessible(page)


def test_follow_a_ward_choose_a_daily_digest_and_stop_it_from_the_email(
    page: Any, live_server: Any
) -> None:
    ward = WardFactory(name="Riverside")
    ada = UserFactory(email="ada@example.org", display_name="Ada", ward=ward)
    base = live_server.url

    visit(page, f"{base}/accounts/login/?next={ward.get_absolute_url()}")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)
    assert page.get_by_role("heading", name="Riverside").is_visible()
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href").endswith(f"/{ward.slug}.atom")

    _click(page, "Follow Riverside")
    assert page.get_by_text("You are now following Riverside").is_visible()
    assert Follow.objects.filter(user=ada, ward=ward).exists()

    visit(page, f"{base}/following/")
    assert page.get_by_role("link", name="Riverside").is_visible()

    visit(page, f"{base}/notifications/settings")
    page.get_by_role(
        "group", name="News from initiatives, wards, groups and conversations you follow"
    ).get_by_label("In a daily digest email").check()
    _click(page, "Save settings")
    assert page.get_by_text("Your email settings have been saved").is_visible()
    assert deliveries(ada)["following"] == "daily"

    # Later, signed out, from the link at the foot of a digest.
    page.context.clear_cookies()
    link = unsubscribe.unsubscribe_url(user_id=ada.pk, scope=unsubscribe.DIGESTS)
    visit(page, base + urlsplit(link).path)
    assert deliveries(ada)["following"] == "daily"  # looking changes nothing
    _click(page, "Stop these emails")
    assert page.get_by_role("heading", name="You will not get these emails any more").is_visible()
    assert deliveries(ada)["following"] == "off"

    assert visit(page, f"{base}/notifications/unsubscribe/not-a-real-link").status == 400
    assert page.get_by_role("heading", name="This unsubscribe link does not work").is_visible()
