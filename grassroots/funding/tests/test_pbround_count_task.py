"""Counting a round in the background: who may ask, asking twice, the task run by the real
database worker and by the immediate backend, a refusal recorded on the round and shown on its
page, a fault that does not leave the page waiting for ever, a task that runs twice doing
nothing the second time, and what the pages say while the count is queued, failed or done."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.html import escape
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import (
    COUNT_PATIENCE,
    CountState,
    Grant,
    MemberRole,
    Proposal,
    Round,
    RoundPhase,
    Transaction,
    TransactionKind,
)
from grassroots.funding.services import pbround as services
from grassroots.funding.services import pbround_counting as counting
from grassroots.funding.tasks import count_round
from grassroots.funding.tests.factories import make_grant
from grassroots.funding.tests.pbround_helpers import (
    WHO,
    PBPlace,
    add_ballots,
    add_proposals,
    build_pb_place,
    person,
    set_phase,
)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
MAY_COUNT = {"chair", "admin"}
QUEUED_TEXT = "The votes are being counted. This page will show the result when it is ready."
COUNT_BUTTON = "Count the votes and record the grants"

Capture = Callable[..., Any]


def _closed() -> tuple[PBPlace, list[Proposal]]:
    """A closed round: votes a 3, b 2, c 1; a budget of £1,000 funds a (£600) and b (£300)."""
    place = build_pb_place(RoundPhase.VOTING, budget_pence=100_000)
    ps = add_proposals(place.round, place.resident, 60_000, 30_000, 30_000)
    a, b, c = ps
    add_ballots(place.round, [a, b], [a, c], [a], [b])
    set_phase(place.round, RoundPhase.CLOSED)
    return place, ps


def _round(place: PBPlace) -> Round:
    return Round.objects.get(pk=place.round.pk)


def _count_url(place: PBPlace) -> str:
    return f"/funds/rounds/{place.round.pk}/count/"


def _page(client: Client, place: PBPlace) -> str:
    response = client.get(place.round.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=f"funding.{action}").count()


@pytest.fixture
def queued() -> Iterator[list[Any]]:
    """The tasks enqueued while the test runs (a backend that only keeps them)."""
    with override_settings(TASKS=DUMMY_TASKS):
        results: list[Any] = default_task_backend.results  # type: ignore[attr-defined]
        results.clear()
        yield results


# --- Asking for the count -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_who_may_ask_for_a_count(
    who: str, queued: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    place, _ps = _closed()
    user = person(place, who)
    with django_capture_on_commit_callbacks(execute=True):
        if who in MAY_COUNT:
            assert counting.count_request(actor=user, round_=place.round) is True
        else:
            with pytest.raises(PermissionDenied):
                counting.count_request(actor=user, round_=place.round)
    round_ = _round(place)
    if who in MAY_COUNT:
        assert round_.count_requested_by == user
        assert round_.count_requested_at is not None
        assert round_.count_state == CountState.QUEUED
        assert [task.args for task in queued] == [[round_.pk]]
        assert _audits("round_count_request") == 1
    else:
        assert round_.count_requested_at is None
        assert round_.count_state == CountState.NOT_ASKED
        assert queued == []
        assert _audits("round_count_request") == 0
    # Asking is not counting: that is the worker's.
    assert round_.counted_at is None
    assert not Grant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", [*WHO, "anonymous"])
def test_the_count_page_lets_only_those_who_may_ask(
    who: str, client: Client, queued: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    place, _ps = _closed()
    if who != "anonymous":
        client.force_login(person(place, who))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_count_url(place))
    round_ = _round(place)
    if who in MAY_COUNT:
        assert response.status_code == 302
        assert response["Location"] == round_.get_absolute_url()
        assert round_.count_state == CountState.QUEUED
        assert len(queued) == 1
        assert "You have asked for the votes to be counted" in _page(client, place)
    else:
        # Signed out: to sign in; a site admin without two-factor: to set it up first.
        away = {"anonymous": "/accounts/login/", "admin_no_totp": "/accounts/2fa/"}
        if who in away:
            assert response.status_code == 302
            assert away[who] in response["Location"]
        else:
            assert response.status_code == 403
        assert round_.count_state == CountState.NOT_ASKED
        assert queued == []


@pytest.mark.django_db
def test_asking_twice_while_queued_changes_nothing(
    client: Client, queued: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    place, _ps = _closed()
    client.force_login(place.chair)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_count_url(place)).status_code == 302
    first = _round(place)
    admin = person(place, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert counting.count_request(actor=admin, round_=place.round) is False
        response = client.post(_count_url(place), follow=True)
    assert "The votes are already being counted. Nothing has changed." in (
        response.content.decode()
    )
    again = _round(place)
    assert (again.count_requested_by, again.count_requested_at) == (
        place.chair,
        first.count_requested_at,
    )
    assert len(queued) == 1
    assert _audits("round_count_request") == 1


@pytest.mark.django_db
def test_asking_is_refused_before_voting_closes_after_counting_and_without_standing() -> None:
    place, _ps = _closed()
    set_phase(place.round, RoundPhase.VOTING)
    with pytest.raises(ServiceError, match="once voting has closed"):
        counting.count_request(actor=place.chair, round_=place.round)
    set_phase(place.round, RoundPhase.CLOSED)
    seats = place.area.members[4:]
    for seat in seats:
        seat.left_on = timezone.localdate()
        seat.save()
    with pytest.raises(ServiceError, match="cannot decide"):
        counting.count_request(actor=place.chair, round_=place.round)
    assert _round(place).count_requested_at is None
    for seat in seats:
        seat.left_on = None
        seat.save()
    services.round_count(actor=place.chair, round_=place.round)
    with pytest.raises(ServiceError, match="already been counted"):
        counting.count_request(actor=place.chair, round_=place.round)
    assert _round(place).count_requested_at is None
    assert _audits("round_count_request") == 0


# --- The task -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_counts_as_the_person_who_asked(client: Client) -> None:
    place, (a, b, _c) = _closed()
    client.force_login(place.chair)
    with override_settings(TASKS=DATABASE_TASKS):
        assert client.post(_count_url(place)).status_code == 302
        [task] = DBTaskResult.objects.all()
        assert task.status == "READY"
        assert task.args_kwargs["args"] == [place.round.pk]
        # Nothing is counted in the request: the page says it is under way.
        assert _round(place).counted_at is None
        assert QUEUED_TEXT in _page(client, place)
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "counted"
    round_ = _round(place)
    assert round_.count_state == CountState.COUNTED
    assert round_.result["funded"] == [str(a.pk), str(b.pk)]
    assert set(Grant.objects.values_list("proposal_id", flat=True)) == {a.pk, b.pk}
    assert Transaction.objects.filter(kind=TransactionKind.COMMIT).count() == 2
    [entry] = AuditEntry.objects.filter(action="funding.round_count")
    assert entry.actor_id == place.chair.pk
    assert round_.count_requested_by == place.chair
    page = _page(client, place)
    assert "See the results" in page
    assert QUEUED_TEXT not in page


@pytest.mark.django_db
def test_the_immediate_backend_counts_once_the_request_commits(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    place, (a, b, _c) = _closed()
    admin = person(place, "admin")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(_count_url(place)).status_code == 302
    assert _round(place).counted_at is None  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    round_ = _round(place)
    assert round_.result["funded"] == [str(a.pk), str(b.pk)]
    [entry] = AuditEntry.objects.filter(action="funding.round_count")
    assert entry.actor_id == admin.pk
    assert "See the results" in _page(client, place)


@pytest.mark.django_db
def test_a_task_that_runs_twice_counts_once() -> None:
    place, _ps = _closed()
    counting.count_request(actor=place.chair, round_=place.round)
    assert count_round.call(place.round.pk) == "counted"
    counted_at = _round(place).counted_at
    assert count_round.call(place.round.pk) == "nothing to do"
    assert _round(place).counted_at == counted_at
    assert Grant.objects.count() == 2
    assert Transaction.objects.filter(kind=TransactionKind.COMMIT).count() == 2
    assert _audits("round_count") == 1


@pytest.mark.django_db
def test_the_task_leaves_alone_a_round_counted_already_or_never_asked_for() -> None:
    counted, _ps = _closed()
    services.round_count(actor=counted.chair, round_=counted.round)
    result = _round(counted).result
    assert count_round.call(counted.round.pk) == "nothing to do"
    assert _round(counted).result == result
    never, _ps = _closed()
    assert count_round.call(never.round.pk) == "nothing to do"
    assert _round(never).counted_at is None
    assert count_round.call(999_999) == "nothing to do"
    assert Grant.objects.filter(proposal__round=never.round).count() == 0
    assert _audits("round_count") == 1


@pytest.mark.django_db
def test_a_count_the_fund_cannot_cover_records_only_the_failure(client: Client) -> None:
    place, _ps = _closed()
    make_grant(place.area, 100_000_000 - 50_000)  # leaves £500
    counting.count_request(actor=place.chair, round_=place.round)
    assert count_round.call(place.round.pk) == "failed"
    round_ = _round(place)
    assert round_.count_state == CountState.FAILED
    assert round_.counted_at is None
    assert round_.result == {}
    assert round_.count_failed_at is not None
    assert round_.count_error.startswith("The count was not recorded:")
    assert "£500 left" in round_.count_error
    assert not Grant.objects.filter(proposal__isnull=False).exists()
    assert Transaction.objects.filter(kind=TransactionKind.COMMIT).count() == 1
    assert _audits("round_count") == 0
    # The chair sees why, and the button again; residents see the round waiting for its count.
    client.force_login(place.chair)
    page = _page(client, place)
    assert f"The count failed: {escape(round_.count_error)}" in page
    assert f'href="{_count_url(place)}"' in page
    assert QUEUED_TEXT not in page
    count_page = client.get(_count_url(place)).content.decode()
    assert "The count failed:" in count_page
    assert COUNT_BUTTON in count_page
    client.force_login(place.resident)
    page = _page(client, place)
    assert "The count failed" not in page
    assert "Voting has closed" in page
    # The same task run again (a retry, a duplicate) leaves the failure as it was.
    assert count_round.call(place.round.pk) == "nothing to do"
    assert _round(place).count_failed_at == round_.count_failed_at


@pytest.mark.django_db
def test_a_failed_count_can_be_asked_for_again(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    place, (a, b, _c) = _closed()
    counting.count_request(actor=place.chair, round_=place.round)
    # The partnership loses its standing between the click and the count.
    seats = place.area.members[4:]
    for seat in seats:
        seat.left_on = timezone.localdate()
        seat.save()
    assert count_round.call(place.round.pk) == "failed"
    assert "cannot decide" in _round(place).count_error
    assert not Grant.objects.exists()
    for seat in seats:
        seat.left_on = None
        seat.save()
    client.force_login(place.chair)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_count_url(place)).status_code == 302
    round_ = _round(place)
    assert round_.count_state == CountState.COUNTED
    assert (round_.count_error, round_.count_failed_at) == ("", None)
    assert round_.result["funded"] == [str(a.pk), str(b.pk)]
    again = AuditEntry.objects.filter(action="funding.round_count_request").order_by("pk")
    assert [entry.data["again"] for entry in again] == [False, True]


@pytest.mark.django_db
def test_a_count_asked_for_by_someone_who_may_no_longer_count_fails() -> None:
    place, _ps = _closed()
    chair = place.chair
    counting.count_request(actor=chair, round_=place.round)
    seat = place.area.member(MemberRole.CHAIR)
    seat.left_on = timezone.localdate()
    seat.save()
    assert count_round.call(place.round.pk) == "failed"
    round_ = _round(place)
    assert round_.count_error == "The person who asked for the count may no longer count the votes"
    assert round_.counted_at is None
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_a_fault_is_shown_on_the_page_and_fails_the_task(client: Client) -> None:
    place, (a, _b, _c) = _closed()
    # A grant that already claims a funded proposal: the count breaks a database rule.
    Grant.objects.create(
        fund=place.area.fund, proposal=a, title=a.title, awarded_on=timezone.localdate()
    )
    counting.count_request(actor=place.chair, round_=place.round)
    with pytest.raises(IntegrityError):
        count_round.call(place.round.pk)
    round_ = _round(place)
    assert round_.count_state == CountState.FAILED
    assert round_.count_error.startswith("Something went wrong while counting")
    assert round_.counted_at is None
    assert Grant.objects.count() == 1
    client.force_login(place.chair)
    assert "The count failed: Something went wrong" in _page(client, place)


# --- What the pages say -------------------------------------------------------------------------


@pytest.mark.django_db
def test_while_queued_the_pages_say_so_and_offer_a_refresh(client: Client) -> None:
    place, _ps = _closed()
    counting.count_request(actor=place.chair, round_=place.round)
    url = place.round.get_absolute_url()
    for user in (place.resident, place.chair):
        client.force_login(user)
        page = _page(client, place)
        assert QUEUED_TEXT in page
        assert f'<a class="govuk-link" href="{url}">Refresh this page</a>' in page
        assert f'href="{_count_url(place)}"' not in page
    count_page = client.get(_count_url(place)).content.decode()
    assert QUEUED_TEXT in count_page
    assert f'href="{_count_url(place)}">Refresh this page</a>' in count_page
    assert COUNT_BUTTON not in count_page
    client.logout()
    assert QUEUED_TEXT in _page(client, place)


@pytest.mark.django_db
def test_a_count_that_has_not_finished_in_time_can_be_asked_for_again(
    client: Client, queued: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    place, _ps = _closed()
    with django_capture_on_commit_callbacks(execute=True):
        counting.count_request(actor=place.chair, round_=place.round)
    late = timezone.now() - COUNT_PATIENCE - datetime.timedelta(minutes=1)
    Round.objects.filter(pk=place.round.pk).update(count_requested_at=late)
    assert _round(place).count_state == CountState.STALLED
    client.force_login(place.resident)
    assert QUEUED_TEXT in _page(client, place)
    client.force_login(place.chair)
    page = _page(client, place)
    assert "has not finished. You can ask for it again." in page
    assert f'href="{_count_url(place)}"' in page
    assert COUNT_BUTTON in client.get(_count_url(place)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_count_url(place)).status_code == 302
    assert _round(place).count_state == CountState.QUEUED
    assert len(queued) == 2
    # Both tasks run in the end: the first counts, the second finds nothing to do.
    assert [count_round.call(*task.args) for task in queued] == ["counted", "nothing to do"]
    assert Grant.objects.count() == 2
