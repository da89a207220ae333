"""In a real browser (JavaScript off and on), every page checked with axe-core: an organiser
lets a member of the group into a safeguarded conversation, then takes the access away."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.conversations import services
from grassroots.conversations.models import ConversationAccess
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.groups.models import Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import make_group_member

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
    assert errors == [], "console errors (a CSP violation shows here)"


def test_an_organiser_lets_a_member_in_and_out(live_server: Any, page: Any) -> None:
    organiser = UserFactory(email="ada@example.org", display_name="Ada")
    group = GroupFactory(joining=Joining.OPEN, name="Carers together", created_by=organiser)
    conversation = services.conversation_start(
        actor=organiser, group=group, question="How are you coping?", is_safeguarded=True
    )
    sam = make_group_member(group, UserFactory(display_name="Sam"))
    base = live_server.url

    visit(page, f"{base}/accounts/login/?next={conversation.get_absolute_url()}")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Choose who can see this conversation").click()
    assert_accessible(page)
    page.get_by_label("Member of the group").select_option(label="Sam")
    with page.expect_navigation():
        page.get_by_role("button", name="Let them see it").click()
    assert_accessible(page)
    assert page.get_by_text("Sam can now see this conversation").is_visible()
    assert ConversationAccess.objects.filter(conversation=conversation, user=sam).exists()

    with page.expect_navigation():
        page.get_by_role("button", name="Remove Sam").click()
    assert_accessible(page)
    assert page.get_by_text("Sam can no longer see this conversation").is_visible()
    assert not ConversationAccess.objects.filter(conversation=conversation, user=sam).exists()
