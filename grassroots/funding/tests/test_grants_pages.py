"""The pages: applying, the application page and its decision record, the members' forms, the
grant's money page and the treasurer's forms; bad input on every form gets a clear message
and changes nothing; query counts stay bounded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.events.tests.factories import EventFactory
from grassroots.funding import ledger
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    Declaration,
    Entry,
    Grant,
    GrantStatus,
    Motion,
    MotionKind,
    MotionVote,
    PlanLine,
    PlanRevision,
    Transaction,
    VoteChoice,
)
from grassroots.funding.money import pounds
from grassroots.funding.services.applications import interest_declare
from grassroots.funding.services.decisions import motion_propose
from grassroots.funding.services.grant_money import grant_pay, grant_take_back
from grassroots.funding.tests.factories import Area, make_area
from grassroots.funding.tests.grants_factories import (
    approved_grant,
    lead_of,
    make_application,
    make_group,
    make_initiative,
    vote,
    voters,
)
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus
from grassroots.initiatives.models import Membership as InitiativeMembership
from grassroots.testing.people import make_councillor

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def _apply_data(**changes: str) -> dict[str, str]:
    return {"title": "Planters", "outcomes": "Greener streets.", **changes}


def _with(base: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    return {**base, **changes}


def _line(area: Area) -> str:
    return str(area.line.pk)


# --- Applying ------------------------------------------------------------------------------------


def test_applying_through_the_form(django_assert_max_num_queries: Any) -> None:
    area = make_area()
    initiative = make_initiative(area)
    group = make_group(area)
    client = Client()
    client.force_login(lead_of(initiative))
    url = reverse("funding:apply", args=[area.fund.slug])
    chooser = client.get(url)
    assert initiative.title in _text(chooser)
    form = client.get(f"{url}?for=initiative:{initiative.pk}")
    assert "The fund has £1,000,000 available" in _text(form)
    assert "Green spaces" in _text(form)
    data = _apply_data(
        plan_line=_line(area),
        item_1="Planters",
        cost_1="1,250.50",
        item_3="Soil",
        cost_3="£49.50",
    )
    response = client.post(f"{url}?for=initiative:{initiative.pk}", data)
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    assert application.amount_pence == 130_000
    assert [line.item for line in application.budget_lines.all()] == ["Planters", "Soil"]
    # A group's organiser sees their group among the choices too.
    group_client = _as(lead_of(group))
    assert group.name in _text(group_client.get(url))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item_1": "Planters", "cost_1": "-50"}, "Enter an amount in pounds"),
        ({"item_1": "Planters", "cost_1": "fifty"}, "Enter an amount in pounds"),
        ({"item_1": "Planters", "cost_1": "0"}, "Enter an amount of at least"),
        ({"item_1": "Planters", "cost_1": "12.345"}, "Enter an amount in pounds"),
        ({"item_1": "Planters"}, "Enter the cost of item 1"),
        ({"cost_2": "50"}, "Enter what item 2 is"),
        ({}, "Enter at least one item and its cost"),
        (
            {"item_1": "Hall", "cost_1": "600000", "item_2": "Roof", "cost_2": "400000.01"},
            "the fund has £1,000,000 available",
        ),
        ({"item_1": "Planters", "cost_1": "50", "plan_line": "999999"}, "Choose one of the"),
        ({"item_1": "Planters", "cost_1": "50", "plan_line": ""}, "Choose the priority"),
        ({"item_1": "Planters", "cost_1": "50", "title": ""}, "Enter what the money is for"),
        ({"item_1": "Planters", "cost_1": "50", "outcomes": " "}, "Enter what it will achieve"),
    ],
)
def test_bad_applications_get_clear_messages_and_save_nothing(
    data: dict[str, str], message: str
) -> None:
    area = make_area()
    initiative = make_initiative(area)
    client = _as(lead_of(initiative))
    url = f"{reverse('funding:apply', args=[area.fund.slug])}?for=initiative:{initiative.pk}"
    posted = _with(_apply_data(plan_line=_line(area)), data)
    response = client.post(url, posted)
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert message in _text(response)
    assert not Application.objects.exists()


def test_a_line_of_an_old_plan_revision_is_refused() -> None:
    area = make_area()
    old_line = area.line

    revision = PlanRevision.objects.create(fund=area.fund, number=2)
    PlanLine.objects.create(revision=revision, ref="green-spaces", title="Green spaces")
    initiative = make_initiative(area)
    client = _as(lead_of(initiative))
    url = f"{reverse('funding:apply', args=[area.fund.slug])}?for=initiative:{initiative.pk}"
    response = client.post(
        url, _apply_data(plan_line=str(old_line.pk), item_1="Planters", cost_1="50")
    )
    assert "Choose one of the" in _text(response)
    assert not Application.objects.exists()


def test_only_leads_reach_the_form_and_a_hidden_initiative_is_a_404() -> None:
    area = make_area()
    initiative = make_initiative(area)
    hidden = make_initiative(area, safeguarded=True)
    url = reverse("funding:apply", args=[area.fund.slug])
    stranger = _as(area.chair)
    assert stranger.get(f"{url}?for=initiative:{initiative.pk}").status_code == 403
    assert stranger.get(f"{url}?for=initiative:{hidden.pk}").status_code == 404
    assert stranger.get(f"{url}?for=nonsense").status_code == 404


# --- Safeguarded applicants -----------------------------------------------------------------------


def test_a_safeguarded_applicant_stays_unnamed_to_members_outside_it() -> None:
    area = make_area()
    application = make_application(area, safeguarded=True)
    initiative = application.initiative
    assert isinstance(initiative, Initiative)
    url = application.get_absolute_url()
    member_page = _text(_as(area.chair).get(url))
    assert "A safeguarded initiative (its name is kept private)" in member_page
    assert initiative.title not in member_page
    assert initiative.slug not in member_page
    listing = _text(_as(area.chair).get(reverse("funding:applications", args=[area.fund.slug])))
    assert application.title in listing
    assert initiative.title not in listing
    # Its leads see their own name.
    lead_page = _text(_as(lead_of(initiative)).get(url))
    assert initiative.title in lead_page


def test_a_safeguarded_applicant_approved_stays_unnamed_on_the_money_page() -> None:
    area = make_area()
    application = make_application(area, safeguarded=True)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    vote(motion, voters(area), VoteChoice.FOR)
    _as(area.chair).post(reverse("funding:close_motion", args=[motion.pk]))
    grant = Grant.objects.get()
    page = _text(_as(area.treasurer).get(reverse("funding:grant_money", args=[grant.pk])))
    assert application.initiative is not None
    assert application.initiative.title not in page


# --- Deciding ------------------------------------------------------------------------------------


def test_declaring_proposing_voting_and_closing_through_the_pages() -> None:
    area = make_area()
    application = make_application(area, costs=(300_000,))
    meeting = EventFactory(group=area.partnership.group)
    declared = area.members[6].user
    response = _as(declared).post(
        reverse("funding:declare", args=[application.pk]), {"interest": "I chair the applicant."}
    )
    assert response.status_code == 302
    response = _as(area.chair).post(
        reverse("funding:propose", args=[application.pk]),
        {
            "kind": "approve",
            "amount": "2500",
            "reasons": "The hire costs less.",
            "meeting": str(meeting.pk),
        },
    )
    assert response.status_code == 302
    motion = Motion.objects.get()
    assert (motion.amount_pence, motion.meeting) == (250_000, meeting)
    for membership in voters(area):
        assert (
            _as(membership.user)
            .post(reverse("funding:vote", args=[motion.pk]), {"choice": "for"})
            .status_code
            == 302
        )
    page = _text(_as(area.members[3].user).get(application.get_absolute_url()))
    assert "I chair the applicant." in page
    assert "5 members have voted: that is a quorum." in page
    response = _as(area.chair).post(reverse("funding:close_motion", args=[motion.pk]), follow=True)
    assert "the grant is approved" in _text(response)
    record = _text(response)
    assert "Passed" in record
    assert "5 for" in record
    assert "Did not vote (declared an interest)" in record
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert ledger.grant_balances(application.grant).committed_pence == 250_000
    # Nothing edits a decision afterwards: there is no form for it, and the closed motion's
    # pages refuse.
    again = _as(area.chair).post(reverse("funding:close_motion", args=[motion.pk]), follow=True)
    assert "already been closed" in _text(again)
    vote_again = _as(area.members[3].user).post(
        reverse("funding:vote", args=[motion.pk]), {"choice": "against"}, follow=True
    )
    assert "Voting on this motion has closed" in _text(vote_again)
    assert not MotionVote.objects.filter(choice="against").exists()


def test_a_refused_close_says_why_and_changes_nothing() -> None:
    area = make_area()
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    vote(motion, voters(area, 2), VoteChoice.FOR)
    response = _as(area.chair).post(reverse("funding:close_motion", args=[motion.pk]), follow=True)
    assert "There is no quorum yet" in _text(response)
    motion.refresh_from_db()
    assert motion.is_open


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose whether to approve or decline"),
        ({"kind": "maybe"}, "Choose whether to approve or decline"),
        ({"kind": "approve", "amount": "-5"}, "Enter an amount in pounds"),
        ({"kind": "approve", "amount": "abc"}, "Enter an amount in pounds"),
        ({"kind": "approve", "amount": "3000.01"}, "cannot be more than the £3,000 asked for"),
        ({"kind": "approve", "amount": "100"}, "Give the reasons for approving a lower amount"),
        ({"kind": "decline"}, "Give the reasons for declining"),
        ({"kind": "decline", "amount": "5", "reasons": "No."}, "Leave the amount empty"),
        ({"kind": "approve", "meeting": "999999"}, "Choose one of the partnership"),
    ],
)
def test_bad_motions_get_clear_messages(data: dict[str, str], message: str) -> None:
    area = make_area()
    application = make_application(area)
    response = _as(area.chair).post(reverse("funding:propose", args=[application.pk]), data)
    assert response.status_code == 200
    assert message in _text(response)
    assert not Motion.objects.exists()


def test_bad_declarations_and_votes_get_clear_messages() -> None:
    area = make_area()
    application = make_application(area)
    response = _as(area.chair).post(
        reverse("funding:declare", args=[application.pk]), {"interest": "  "}
    )
    assert "Describe the interest" in _text(response)
    assert not Declaration.objects.exists()
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    response = _as(area.chair).post(
        reverse("funding:vote", args=[motion.pk]), {"choice": "perhaps"}, follow=True
    )
    assert "Choose for, against or abstain" in _text(response)
    assert not MotionVote.objects.exists()


def test_withdrawing_through_the_page() -> None:
    area = make_area()
    application = make_application(area)
    assert application.initiative is not None
    client = _as(lead_of(application.initiative))
    url = reverse("funding:withdraw", args=[application.pk])
    assert "Withdraw this application?" in _text(client.get(url))
    client.post(url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    again = client.post(url, follow=True)
    assert "already been decided or withdrawn" in _text(again)


def test_the_application_page_costs_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    def page_queries(size: int) -> int:
        area = make_area()
        application = make_application(area, costs=tuple(1000 + n for n in range(size)))
        for membership in area.members[5 : 5 + size // 3]:
            interest_declare(actor=membership.user, application=application, interest="Friend.")
        motion = motion_propose(
            actor=area.chair, application=application, kind=MotionKind.DECLINE, reasons="No."
        )
        vote(motion, voters(area), VoteChoice.AGAINST)
        client = _as(area.chair)

        with CaptureQueriesContext(connection) as queries:
            assert client.get(application.get_absolute_url()).status_code == 200
        return len(queries)

    small, large = page_queries(1), page_queries(6)
    assert small == large
    assert large <= 16


# --- The grant's money ---------------------------------------------------------------------------


def _date(day: datetime.date) -> dict[str, str]:
    return {"paid_on_0": str(day.day), "paid_on_1": str(day.month), "paid_on_2": str(day.year)}


def test_the_treasurer_pays_varies_takes_back_corrects_and_closes() -> None:
    area = make_area()
    grant = approved_grant(area, costs=(500_000,))
    client = _as(area.treasurer)
    today = datetime.date.today()
    ok = client.post(
        reverse("funding:pay", args=[grant.pk]),
        {"amount": "1000", "note": "First instalment", **_date(today)},
    )
    assert ok.status_code == 302
    client.post(
        reverse("funding:pay", args=[grant.pk]),
        {"amount": "300", "note": "Typed the wrong figure", **_date(today)},
    )
    assert (
        client.post(
            reverse("funding:vary", args=[grant.pk]), {"amount": "6000", "reason": "Extra chairs"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("funding:take_back", args=[grant.pk]), {"amount": "200", "note": "Unspent"}
        ).status_code
        == 302
    )
    payment = Transaction.objects.filter(kind="pay").order_by("pk").last()
    assert payment is not None
    assert (
        client.post(
            reverse("funding:correct", args=[grant.pk, payment.pk]),
            {"reason": "Paid to the wrong account"},
        ).status_code
        == 302
    )
    balances = ledger.grant_balances(grant)
    assert (balances.committed_pence, balances.paid_pence, balances.returned_pence) == (
        500_000,
        100_000,
        20_000,
    )
    page = _text(client.get(reverse("funding:grant_money", args=[grant.pk])))
    assert "Paid to the wrong account" in page
    assert "Corrected" in page
    assert client.post(reverse("funding:close_grant", args=[grant.pk]), {"note": ""}).status_code
    grant.refresh_from_db()
    assert grant.status == GrantStatus.CLOSED
    assert ledger.grant_balances(grant).committed_pence == 0
    assert ledger.fund_balances(area.fund).available_pence == 100_000_000 - 100_000 + 20_000
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "funding.grant_pay",
        "funding.grant_vary",
        "funding.grant_take_back",
        "funding.transaction_correct",
        "funding.grant_close",
    } <= actions
    # A closed grant takes no more payments.
    refused = client.post(reverse("funding:pay", args=[grant.pk]), {"amount": "1", **_date(today)})
    assert "This grant is closed" in _text(refused)


@pytest.mark.parametrize(
    ("view", "data", "message"),
    [
        ("pay", {"amount": "-10"}, "Enter an amount in pounds"),
        ("pay", {"amount": "ten"}, "Enter an amount in pounds"),
        ("pay", {"amount": "0"}, "Enter an amount of at least"),
        ("pay", {"amount": "5000.01"}, "more than the £5,000 committed and not yet paid"),
        ("pay", {"amount": "10", "paid_on_0": ""}, "The date paid must include a day"),
        ("pay", {"amount": "10", "paid_on_2": "2999"}, "today or in the past"),
        ("vary", {"amount": "", "reason": "x"}, "This field is required"),
        ("vary", {"amount": "6000"}, "Say why the grant is changing"),
        ("vary", {"amount": "5000", "reason": "Same"}, "differs from the current one"),
        ("vary", {"amount": "2000000", "reason": "More"}, "needs more than the"),
        ("take_back", {"amount": "1"}, "more than the £0 paid to the grant"),
        ("take_back", {"amount": "-1"}, "Enter an amount in pounds"),
    ],
)
def test_bad_money_input_gets_clear_messages_and_changes_nothing(
    view: str, data: dict[str, str], message: str
) -> None:
    area = make_area(total_pence=2_000_000)
    grant = approved_grant(area, costs=(500_000,))
    entries = Entry.objects.count()
    posted = dict(data)
    if view == "pay":
        posted = {**_date(datetime.date.today()), **data}
    response = _as(area.treasurer).post(reverse(f"funding:{view}", args=[grant.pk]), posted)
    assert response.status_code == 200
    assert message in _text(response)
    assert Entry.objects.count() == entries


def test_corrections_need_a_reason_and_happen_once() -> None:
    area = make_area()
    grant = approved_grant(area, costs=(500_000,))
    payment = grant_pay(
        actor=area.treasurer, grant=grant, amount_pence=100, paid_on=datetime.date.today()
    )
    client = _as(area.treasurer)
    url = reverse("funding:correct", args=[grant.pk, payment.pk])
    assert "Say why this is being corrected" in _text(client.post(url, {"reason": ""}))
    client.post(url, {"reason": "Twice"})
    assert "already been corrected" in _text(client.post(url, {"reason": "Again"}))
    commitment = Transaction.objects.get(kind="commit")
    refused = client.post(
        reverse("funding:correct", args=[grant.pk, commitment.pk]), {"reason": "Undo"}
    )
    assert "Only payments, money returned and variations" in _text(refused)
    other = approved_grant(area)
    wrong = client.post(reverse("funding:correct", args=[other.pk, payment.pk]), {"reason": "Undo"})
    assert wrong.status_code == 404
    assert Transaction.objects.filter(kind="reversal").count() == 1


def test_the_money_page_shows_running_balances_equal_to_the_ledger(
    django_assert_max_num_queries: Any,
) -> None:
    def page(payments: int) -> tuple[str, int]:
        area = make_area()
        grant = approved_grant(area, costs=(500_000,))
        for n in range(payments):
            grant_pay(
                actor=area.treasurer,
                grant=grant,
                amount_pence=1000 + n,
                paid_on=datetime.date.today(),
            )
        if payments:
            grant_take_back(actor=area.treasurer, grant=grant, amount_pence=500)
        client = _as(area.chair)

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("funding:grant_money", args=[grant.pk]))
        balances = ledger.grant_balances(grant)
        text = _text(response)

        assert f'data-total="committed">{pounds(balances.committed_pence)}' in text
        assert f'data-total="paid">{pounds(balances.paid_pence)}' in text
        last_row = text.rsplit("data-transaction=", 1)[1]
        assert f'data-balance="committed">{pounds(balances.committed_pence)}' in last_row
        assert f'data-balance="paid">{pounds(balances.paid_pence)}' in last_row
        assert f'data-balance="returned">{pounds(balances.returned_pence)}' in last_row
        return text, len(queries)

    _small, few = page(1)
    _large, many = page(8)
    assert few == many
    assert many <= 12


def test_the_initiative_page_offers_its_leads_the_area_funds() -> None:
    area = make_area()
    initiative = make_initiative(area)
    url = initiative.get_absolute_url()
    page = _text(_as(lead_of(initiative)).get(url))
    apply_url = reverse("funding:apply", args=[area.fund.slug])
    assert f"{apply_url}?for=initiative:{initiative.pk}" in page
    assert apply_url not in _text(_as(area.chair).get(url))


def test_a_councillor_in_the_back_seat_does_not_act_for_the_applicant() -> None:
    area = make_area()
    application = make_application(area)
    assert application.initiative is not None
    councillor = make_councillor(area.wards[0])
    InitiativeMembership.objects.create(
        initiative=application.initiative,
        user=councillor,
        role=MemberRole.LEAD,
        status=MembershipStatus.APPROVED,
    )
    client = _as(councillor)
    assert client.get(application.get_absolute_url()).status_code == 404
    listing = _text(client.get(reverse("funding:applications", args=[area.fund.slug])))
    assert application.title not in listing
    assert client.post(reverse("funding:withdraw", args=[application.pk])).status_code == 404
