"""An initiative's page is drawn from rows shared by everyone who may see it (`pagecache.shared`),
with the page cache on as in production: a change shows at once on a signed-in page, a
safeguarded initiative or conversation reaches nobody outside it whoever asked first, and
what is personal (what the viewer may do, their own backing) stays theirs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.initiatives.models import Initiative, Milestone, Stage, Visibility
from grassroots.initiatives.services import lifecycle, progress
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.support import services
from grassroots.support.models import SupportKind
from grassroots.testing.people import make_councillor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]


def visit(user: User | None, initiative: Initiative) -> tuple[int, str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(initiative.get_absolute_url())
    return response.status_code, response.content.decode()


def page(user: User | None, initiative: Initiative) -> str:
    status, html = visit(user, initiative)
    assert status == 200
    return html


def test_a_support_offer_shows_at_once_on_a_signed_in_page() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    ward = initiative.wards.get()
    councillor = make_councillor(ward, name="Alex Ash")
    resident = UserFactory()
    assert "Alex Ash" not in page(resident, initiative)
    services.support_offer(
        actor=councillor,
        initiative=initiative,
        kind=SupportKind.CONNECT,
        description="I can introduce you to the canal trust.",
    )
    assert "I can introduce you to the canal trust." in page(resident, initiative)


def test_a_new_conversation_and_a_new_title_show_at_once() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    resident = UserFactory()
    page(resident, initiative)
    ConversationFactory(ward=None, initiative=initiative, question="Which Saturday suits you?")
    Initiative.objects.filter(pk=initiative.pk).update(title="River clean-up")
    html = page(resident, initiative)
    assert "Which Saturday suits you?" in html
    assert "River clean-up" in html


@pytest.mark.parametrize("insider_first", [True, False])
def test_a_safeguarded_initiative_never_reaches_an_outsider(insider_first: bool) -> None:
    refuge = InitiativeFactory(title="Refuge garden", visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=refuge).user
    order = [member, UserFactory(), None] if insider_first else [None, UserFactory(), member]
    for _round in range(2):  # the second round is served from the shared rows
        for viewer in order:
            status, html = visit(viewer, refuge)
            if viewer == member:
                assert status == 200
                assert "Refuge garden" in html
            else:
                assert status == 404
                assert "Refuge garden" not in html


@pytest.mark.parametrize("insider_first", [True, False])
def test_a_safeguarded_conversation_never_reaches_an_outsider(insider_first: bool) -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    ConversationFactory(ward=None, initiative=initiative, question="Open to all?")
    ConversationFactory(
        ward=None, initiative=initiative, question="Who holds the keys?", is_safeguarded=True
    )
    member = MembershipFactory(initiative=initiative).user
    order = [member, UserFactory(), None] if insider_first else [None, UserFactory(), member]
    for _round in range(2):
        for viewer in order:
            html = page(viewer, initiative)
            assert "Open to all?" in html
            assert ("Who holds the keys?" in html) is (viewer == member)


def test_what_the_viewer_may_do_and_their_backing_stay_theirs() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    lead = initiative.created_by
    backer = UserFactory()
    BackingFactory(initiative=initiative, user=backer)
    edit = "Change the initiative"
    for _round in range(2):
        lead_page, backer_page, stranger_page = (
            page(viewer, initiative) for viewer in (lead, backer, UserFactory())
        )
        assert edit in lead_page
        assert edit not in backer_page
        assert edit not in stranger_page
        assert "Stop backing this" in backer_page
        assert "Stop backing this" not in stranger_page
        assert "1 person backs this" in stranger_page


@pytest.mark.parametrize("lead_first", [True, False])
def test_the_buttons_that_manage_needs_milestones_and_members_stay_with_the_leads(
    lead_first: bool,
) -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    lead = initiative.created_by
    NeedFactory(initiative=initiative, description="Spades and gloves")
    Milestone.objects.create(
        initiative=initiative, title="First dig", due_on=datetime.date(2027, 3, 1)
    )
    MembershipFactory(initiative=initiative, user=UserFactory(display_name="Sam Member"))
    order = [lead, UserFactory()] if lead_first else [UserFactory(), lead]
    for _round in range(2):
        for viewer in order:
            html = page(viewer, initiative)
            assert "Spades and gloves" in html
            assert "First dig" in html
            assert "Sam Member" in html
            for button in ("Mark as met", "Mark as done", "Make a lead"):
                assert (button in html) is (viewer == lead), (button, viewer == lead)
    NeedFactory(initiative=initiative, description="A wheelbarrow")
    assert "A wheelbarrow" in page(UserFactory(), initiative)


def queries_of(user: User, initiative: Initiative) -> list[str]:
    client = Client()
    client.force_login(user)
    client.get(initiative.get_absolute_url())  # draws and keeps the shared rows
    with CaptureQueriesContext(connection) as queries:
        assert client.get(initiative.get_absolute_url()).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_signed_in_initiative_page_with_the_rows_kept_costs_few_queries() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    for n in range(3):
        MembershipFactory(initiative=initiative)
        ConversationFactory(ward=None, initiative=initiative, question=f"Question {n}")
    councillor = make_councillor(initiative.wards.get())
    services.support_offer(
        actor=councillor, initiative=initiative, kind=SupportKind.CONNECT, description="Hello"
    )
    resident = queries_of(UserFactory(), initiative)
    # The person's session, account and roles, and what is theirs alone (backing, following,
    # unread count, whether they lead it or are a councillor): no rows of the page's blocks.
    assert len(resident) <= 12, "\n".join(resident)
    for table in ("initiatives_initiative", "initiatives_membership", "support_support"):
        assert not any(q.startswith(f'SELECT "{table}"."id"') for q in resident)
    assert not any(q.startswith('SELECT "conversations_conversation"."id"') for q in resident)


def story_drawn(user: User | None, initiative: Initiative, **extra: Any) -> bool:
    """Whether the updates and timeline were drawn for this request (else their kept HTML)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(initiative.get_absolute_url(), **extra)
    assert response.status_code == 200
    return "initiatives/includes/updates.html" in [t.name for t in response.templates]


def test_the_updates_are_drawn_once_and_a_new_update_or_stage_shows_at_once() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    lead = MembershipFactory(initiative=initiative, role="lead").user
    reader, other = UserFactory(), UserFactory()
    assert story_drawn(reader, initiative)
    assert not story_drawn(reader, initiative)
    assert not story_drawn(other, initiative)
    assert story_drawn(other, initiative, HTTP_ACCEPT_LANGUAGE="cy")
    progress.update_create(initiative=initiative, author=lead, text="Forty bags collected.")
    assert "Forty bags collected." in page(other, initiative)
    lifecycle.initiative_change_stage(
        initiative=initiative, actor=lead, to_stage=Stage.GATHERING_SUPPORT, note="Off we go."
    )
    assert "Off we go." in page(reader, initiative)
    assert not story_drawn(other, initiative)


def test_a_safeguarded_initiatives_updates_are_drawn_for_each_request() -> None:
    initiative = InitiativeFactory(title="Refuge circle", visibility=Visibility.SAFEGUARDED)
    lead = MembershipFactory(initiative=initiative, role="lead").user
    progress.update_create(initiative=initiative, author=lead, text="We met on Tuesday.")
    assert "We met on Tuesday." in page(lead, initiative)
    assert story_drawn(lead, initiative)
    assert story_drawn(lead, initiative)
