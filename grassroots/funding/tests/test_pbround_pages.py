"""Every participatory-budgeting page, in every phase, for each kind of visitor: no errors,
the right "what you can do now", and valid HTML (the Nu Html Checker, once over them all)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.conftest import require
from grassroots.demo.tests.crawl import html_checker_missing, validate_html
from grassroots.funding.models import COUNT_PATIENCE, CountState, ProposalStatus, Round, RoundPhase
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.pbround_helpers import (
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)
from grassroots.testing.people import make_site_admin

pytestmark = pytest.mark.django_db

EXPECT = {
    RoundPhase.NOT_OPEN: "Proposals open on",
    RoundPhase.PROPOSALS: "Propose a project",
    RoundPhase.CHECKING: "The partnership is checking them",
    RoundPhase.VOTING: "Vote",
    RoundPhase.CLOSED: "Voting has closed",
    RoundPhase.COUNTED: "See the results",
}


def _count_states(round_: Round, people: dict[str, User]) -> dict[str, str]:
    """The round's page and the count page while a count is queued, not finished in time and
    failed (the background count: test_pbround_count_task.py)."""
    now = timezone.now()
    states: dict[CountState, dict[str, object]] = {
        CountState.QUEUED: {"count_requested_at": now},
        CountState.STALLED: {"count_requested_at": now - 2 * COUNT_PATIENCE},
        CountState.FAILED: {
            "count_requested_at": now,
            "count_failed_at": now,
            "count_error": "The partnership cannot decide <yet>.",
        },
    }
    pages: dict[str, str] = {}
    for state, fields in states.items():
        blank: dict[str, object] = {"count_failed_at": None, "count_error": ""}
        Round.objects.filter(pk=round_.pk).update(
            count_requested_by=people["chair"], **(blank | fields)
        )
        assert Round.objects.get(pk=round_.pk).count_state == state
        for who, user in people.items():
            client = Client()
            client.force_login(user)
            paths = [f"/funds/rounds/{round_.pk}/"]
            if who == "chair":
                paths.append(f"/funds/rounds/{round_.pk}/count/")
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (state, who, path)
                pages[f"closed-{state}:{who}:{path}"] = response.content.decode()
    Round.objects.filter(pk=round_.pk).update(
        count_requested_by=None, count_requested_at=None, count_failed_at=None, count_error=""
    )
    return pages


def test_every_page_in_every_phase() -> None:
    place = build_pb_place(RoundPhase.VOTING, ballot_limit_pence=500_000)
    round_ = place.round
    ps = add_proposals(round_, place.resident, 100_000, 200_000, 300_000)
    add_proposals(round_, place.resident, 50_000, status=ProposalStatus.SUBMITTED)
    (refused,) = add_proposals(round_, place.resident, 50_000, status=ProposalStatus.INELIGIBLE)
    refused.eligibility_note = "Not in the area."
    refused.save()
    add_ballots(round_, ps[:2], ps[1:])
    pages: dict[str, str] = {}
    people = {
        "anonymous": None,
        "resident": place.resident,
        "outsider": place.outsider,
        "member": place.member,
        "chair": place.chair,
        "admin": make_site_admin(),
    }
    fund = place.area.fund
    for phase in RoundPhase:
        if phase == RoundPhase.COUNTED:
            set_phase(round_, RoundPhase.CLOSED)
            services.round_count(actor=place.chair, round_=round_)
            round_.refresh_from_db()
        else:
            set_phase(round_, phase)
        for who, user in people.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            paths = [f"/funds/rounds/{round_.pk}/", f"/funds/{fund.slug}/rounds/"]
            if who in ("member", "chair"):
                paths.append(f"/funds/rounds/{round_.pk}/proposals/")
                paths.append(f"/funds/rounds/{round_.pk}/proposals/{refused.pk}/check/")
            if who == "chair":
                paths.append(f"/funds/{fund.slug}/rounds/new/")
                paths.append(f"/funds/rounds/{round_.pk}/count/")
            if who == "resident" and phase == RoundPhase.PROPOSALS:
                paths.append(f"/funds/rounds/{round_.pk}/propose/")
            if who == "resident" and phase in (RoundPhase.PROPOSALS, RoundPhase.CHECKING):
                paths.append(f"/funds/rounds/{round_.pk}/proposals/{refused.pk}/withdraw/")
            if who == "resident" and phase == RoundPhase.VOTING:
                paths.append(f"/funds/rounds/{round_.pk}/ballot/")
            if phase == RoundPhase.COUNTED:
                paths.append(f"/funds/rounds/{round_.pk}/results/")
            for path in paths:
                response = client.get(path)
                if path.endswith("/count/") and phase == RoundPhase.COUNTED:
                    assert response.status_code == 302
                    continue
                assert response.status_code == 200, (phase, who, path, response.status_code)
                pages[f"{phase}:{who}:{path}"] = response.content.decode()
        if phase == RoundPhase.CLOSED:
            pages.update(_count_states(round_, {"resident": place.resident, "chair": place.chair}))
            failed = pages[f"closed-failed:chair:/funds/rounds/{round_.pk}/"]
            assert "The count failed: The partnership cannot decide &lt;yet&gt;." in failed
        detail = pages[f"{phase}:resident:/funds/rounds/{round_.pk}/"]
        assert EXPECT[phase] in detail, phase
        if phase != RoundPhase.NOT_OPEN:
            assert "Not in the area." in detail  # the proposer sees why
            assert "Not in the area." not in pages[f"{phase}:outsider:/funds/rounds/{round_.pk}/"]
    missing = html_checker_missing()
    require(missing is None, missing or "")
    assert validate_html(pages) == []
