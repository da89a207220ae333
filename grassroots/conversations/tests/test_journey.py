"""In a real browser, checked with axe-core on every page: a group hosts a conversation, a
councillor replies under their label, and the host records an agreed action."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation, Post
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.people import make_councillor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(java_script_enabled=False)
    try:
        yield ctx
    finally:
        ctx.close()


def signed_in_page(context: Any, live_server: Any, user: User) -> Any:
    """A tab signed in as `user` (a session made on the server side, as after sign-in)."""
    client = Client()
    client.force_login(user)
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_a_group_hosts_a_councillor_replies_and_an_action_is_agreed(
    context: Any, live_server: Any
) -> None:
    ward = WardFactory(name="Riverside")
    organiser = UserFactory(display_name="Gita Organiser", ward=ward)
    group = GroupFactory(name="Riverside park friends", council=ward.council, created_by=organiser)
    group.wards.set([ward])
    GroupMembershipFactory(group=group)
    councillor = make_councillor(ward, name="Cllr Rivers")
    councillor.display_name = "Sam Rivers"
    councillor.save(update_fields=["display_name"])
    base = live_server.url

    # The organiser starts the conversation, first making a mistake.
    page = signed_in_page(context, live_server, organiser)
    visit(page, f"{base}/conversations/start/group/{group.slug}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the conversation").click()
    assert_accessible(page)
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Question").fill("Where should the new benches go?")
    page.get_by_label("Description (optional)").fill("The council has offered three benches.")
    page.get_by_label("Residents of the area").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the conversation").click()
    assert_accessible(page)
    conversation = Conversation.objects.get()
    assert conversation.group == group
    assert page.get_by_role("heading", name="Where should the new benches go?").is_visible()
    page.close()

    # The ward councillor replies, under their label.
    page = signed_in_page(context, live_server, councillor)
    visit(page, base + conversation.get_absolute_url())
    page.get_by_label("Your reply").fill("I will ask Parks which spots they can fix benches to.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post your reply").click()
    assert_accessible(page)
    assert page.get_by_text("Councillor for Riverside ward").first.is_visible()
    post = Post.objects.get()
    assert post.speaker_label == "Councillor for Riverside ward"
    page.close()

    # The organiser answers in the thread, agrees, and records the agreed action.
    page = signed_in_page(context, live_server, organiser)
    visit(page, base + conversation.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="Agree with this reply").click()
    assert_accessible(page)
    assert page.get_by_text("1 person agrees").is_visible()
    visit(page, f"{base}/conversations/{conversation.pk}/reply/?to={post.pk}")
    page.get_by_label("Your reply").fill("Thank you! One by the pond, please.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post your reply").click()
    assert_accessible(page)
    # The thread on its own page (visit checks it with axe too).
    visit(page, f"{base}/conversations/{conversation.pk}/threads/{post.pk}/")
    assert page.get_by_text("Thank you! One by the pond, please.").is_visible()
    visit(page, f"{base}/conversations/{conversation.pk}/actions/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the action").click()
    assert_accessible(page)
    assert page.locator(".govuk-error-summary").is_visible()
    due = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("What was agreed").fill("Ask Parks where benches can go")
    page.get_by_label("Who will do it: someone taking part").select_option(label="Sam Rivers")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    with page.expect_navigation():
        page.get_by_role("button", name="Record the action").click()
    assert_accessible(page)
    action = conversation.action_items.get()  # an agreed action (actions.ActionItem)
    assert action.owner == councillor
    assert action.due_on == due
    assert page.get_by_role("cell", name="Ask Parks where benches can go", exact=True).is_visible()

    # A pinned summary, and the list of conversations.
    visit(page, f"{base}/conversations/{conversation.pk}/summary/")
    page.get_by_label("Summary").fill("Most people want a bench by the pond.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the summary").click()
    assert_accessible(page)
    visit(page, f"{base}/conversations/")
    assert page.get_by_role("link", name="Where should the new benches go?").is_visible()
    visit(page, base + ward.get_absolute_url())
