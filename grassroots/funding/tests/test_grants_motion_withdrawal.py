"""Withdrawing a motion that will not reach a decision: who may, the reason it needs, what it
records (the votes stay), who is told, what the application page shows, and proposing again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    MemberRole,
    Membership,
    Motion,
    MotionKind,
    MotionOutcome,
    MotionVote,
    VoteChoice,
)
from grassroots.funding.services.applications import application_withdraw, interest_declare
from grassroots.funding.services.decisions import (
    MAX_WITHDRAWAL_REASON,
    motion_propose,
    motion_withdraw,
)
from grassroots.funding.tests.factories import Area, make_area
from grassroots.funding.tests.grants_factories import (
    decide,
    lead_of,
    make_application,
    vote,
    voters,
)
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db

REASON = "Not enough members come to meetings for a quorum."


def _proposer(area: Area) -> Membership:
    """A member who is neither the chair nor the treasurer, and not one of `voters(area, 3)`."""
    return next(m for m in area.members[3:] if m.role == MemberRole.MEMBER)


def _open_motion(area: Area, application: Application | None = None) -> Motion:
    """A motion proposed by an ordinary member, with three votes for: no quorum (8 members)."""
    application = application or make_application(area)
    motion = motion_propose(
        actor=_proposer(area).user, application=application, kind=MotionKind.APPROVE
    )
    vote(motion, voters(area, 3), VoteChoice.FOR)
    return motion


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _told(motion: Motion) -> set[int]:
    return set(
        Notification.objects.filter(
            kind=Kind.FUNDING, text__contains="the motion you voted on was withdrawn"
        ).values_list("recipient_id", flat=True)
    )


# --- The service -------------------------------------------------------------------------------


def test_the_chair_withdraws_and_the_votes_stay_on_the_record() -> None:
    area = make_area()
    motion = _open_motion(area)
    withdrawn = motion_withdraw(actor=area.chair, motion=motion, reason=f"  {REASON}\u200b ")
    assert withdrawn.outcome == MotionOutcome.WITHDRAWN
    assert withdrawn.withdrawal_reason == REASON  # trimmed, the invisible character taken out
    assert withdrawn.closed_by == area.chair
    assert withdrawn.closed_at is not None
    assert not withdrawn.is_open
    assert MotionVote.objects.filter(motion=motion, choice=VoteChoice.FOR).count() == 3
    application = motion.application
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.decided_at is None
    entry = AuditEntry.objects.get(action="funding.motion_withdraw")
    assert entry.actor_id == area.chair.pk
    assert entry.data["reason"] == REASON
    assert entry.data["votes"] == 3
    assert entry.data["application"] == application.pk


def test_the_proposer_withdraws_their_own_motion() -> None:
    area = make_area()
    motion = _open_motion(area)
    proposer = _proposer(area).user
    withdrawn = motion_withdraw(actor=proposer, motion=motion, reason=REASON)
    assert withdrawn.outcome == MotionOutcome.WITHDRAWN
    assert withdrawn.closed_by == proposer


def test_a_new_motion_can_be_proposed_after_a_withdrawal_and_decides() -> None:
    area = make_area()
    motion = _open_motion(area)
    application = motion.application
    with pytest.raises(ServiceError, match="already open"):
        motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    motion_withdraw(actor=area.chair, motion=motion, reason=REASON)
    decided = decide(area, application)
    assert decided.outcome == MotionOutcome.PASSED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    outcomes = list(application.motions.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [MotionOutcome.WITHDRAWN, MotionOutcome.PASSED]


def test_nobody_else_may_withdraw_and_nothing_changes() -> None:
    area = make_area()
    other = make_area()
    motion = _open_motion(area)
    application = motion.application
    assert application.initiative is not None
    bystander = next(
        m for m in area.members if m.role == MemberRole.MEMBER and m != _proposer(area)
    )
    refused: list[Any] = [
        AnonymousUser(),
        make_resident(ward=area.wards[0]),
        bystander.user,
        area.treasurer,
        lead_of(application.initiative),
        other.chair,
    ]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            motion_withdraw(actor=actor, motion=motion, reason=REASON)
    motion.refresh_from_db()
    assert motion.is_open
    assert not AuditEntry.objects.filter(action="funding.motion_withdraw").exists()


def test_a_proposer_who_left_or_declared_an_interest_may_not_withdraw() -> None:
    area = make_area()
    motion = _open_motion(area)
    proposer = _proposer(area)
    interest_declare(
        actor=proposer.user, application=motion.application, interest="My neighbour leads it."
    )
    with pytest.raises(PermissionDenied):
        motion_withdraw(actor=proposer.user, motion=motion, reason=REASON)
    Membership.objects.filter(pk=proposer.pk).update(left_on=proposer.joined_on)
    with pytest.raises(PermissionDenied):
        motion_withdraw(actor=proposer.user, motion=motion, reason=REASON)
    motion.refresh_from_db()
    assert motion.is_open


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why the motion is being withdrawn"),
        ("   \u200b ", "Say why the motion is being withdrawn"),
        ("x" * (MAX_WITHDRAWAL_REASON + 1), "must be 500 characters or fewer"),
        ("No quorum\x07", "control characters"),
    ],
)
def test_a_missing_or_bad_reason_is_refused_and_nothing_changes(reason: str, message: str) -> None:
    area = make_area()
    motion = _open_motion(area)
    with pytest.raises(ServiceError, match=message):
        motion_withdraw(actor=area.chair, motion=motion, reason=reason)
    motion.refresh_from_db()
    assert motion.is_open
    assert motion.withdrawal_reason == ""
    assert not AuditEntry.objects.filter(action="funding.motion_withdraw").exists()
    assert not _told(motion)


def test_a_reason_of_the_longest_length_is_kept_whole() -> None:
    area = make_area()
    motion = _open_motion(area)
    reason = "y" * MAX_WITHDRAWAL_REASON
    assert motion_withdraw(actor=area.chair, motion=motion, reason=reason).withdrawal_reason == (
        reason
    )


def test_a_closed_motion_cannot_be_withdrawn() -> None:
    area = make_area()
    application = make_application(area)
    failed = decide(area, application, choice=VoteChoice.AGAINST)
    with pytest.raises(ServiceError, match="already been closed"):
        motion_withdraw(actor=area.chair, motion=failed, reason=REASON)
    withdrawn = motion_withdraw(
        actor=area.chair, motion=_open_motion(area, application), reason=REASON
    )
    with pytest.raises(ServiceError, match="already been closed"):
        motion_withdraw(actor=area.chair, motion=withdrawn, reason="Again.")
    passed = decide(area, application)
    with pytest.raises(ServiceError, match="already been closed"):
        motion_withdraw(actor=area.chair, motion=passed, reason=REASON)
    # A motion closed because the applicant withdrew the application.
    other = make_application(area)
    taken_back = motion_propose(actor=area.chair, application=other, kind=MotionKind.APPROVE)
    assert other.initiative is not None
    application_withdraw(actor=lead_of(other.initiative), application=other)
    with pytest.raises(ServiceError, match="already been closed"):
        motion_withdraw(actor=area.chair, motion=taken_back, reason=REASON)
    assert AuditEntry.objects.filter(action="funding.motion_withdraw").count() == 1
    failed.refresh_from_db()
    assert (failed.outcome, failed.withdrawal_reason) == (MotionOutcome.FAILED, "")


def test_the_members_who_voted_are_told_and_nobody_else() -> None:
    area = make_area()
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    present = voters(area, 4)  # the chair among them
    vote(motion, present, VoteChoice.FOR)
    gone = present[3]
    Membership.objects.filter(pk=gone.pk).update(left_on=gone.joined_on)
    motion_withdraw(actor=area.chair, motion=motion, reason=REASON)
    # Not the chair who withdrew it, nor a voter who has since left; nobody who did not vote.
    assert _told(motion) == {m.user_id for m in present[1:3]}
    notice = Notification.objects.filter(text__contains="was withdrawn").first()
    assert notice is not None
    assert notice.url == application.get_absolute_url()
    assert f"“{application.title}”" in notice.text


def test_a_safeguarded_applicant_is_not_named_in_the_notice() -> None:
    area = make_area()
    application = make_application(area, safeguarded=True, title="Refuge garden")
    motion = _open_motion(area, application)
    motion_withdraw(actor=area.chair, motion=motion, reason=REASON)
    notices = Notification.objects.filter(text__contains="was withdrawn")
    assert {n.recipient_id for n in notices} == {m.user_id for m in voters(area, 3)} - {
        area.chair.pk
    }
    for notice in notices:
        assert "Refuge garden" not in notice.text
        assert area.fund.name in notice.text


def test_the_database_keeps_a_withdrawal_final_and_never_without_a_reason() -> None:
    area = make_area()
    motion = motion_withdraw(actor=area.chair, motion=_open_motion(area), reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Motion.objects.filter(pk=motion.pk).update(withdrawal_reason="Something else")
    with pytest.raises(IntegrityError), transaction.atomic():
        Motion.objects.filter(pk=motion.pk).update(outcome=MotionOutcome.FAILED)
    open_one = _open_motion(area, make_application(area))
    with pytest.raises(IntegrityError), transaction.atomic():
        Motion.objects.filter(pk=open_one.pk).update(
            closed_at=motion.closed_at, outcome=MotionOutcome.WITHDRAWN
        )
    motion.refresh_from_db()
    assert motion.withdrawal_reason == REASON


# --- The pages ---------------------------------------------------------------------------------


def test_withdrawing_through_the_page_and_the_decision_record() -> None:
    area = make_area()
    motion = _open_motion(area)
    application = motion.application
    url = reverse("funding:withdraw_motion", args=[motion.pk])
    client = _as(area.chair)
    page = client.get(application.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page
    form = client.get(url).content.decode()
    assert "Withdraw the motion" in form
    assert "The motion to approve £3,000 will be closed as withdrawn" in form
    response = client.post(url, {"reason": REASON}, follow=True)
    assert response.redirect_chain[-1][0] == f"{application.get_absolute_url()}#decision"
    record = response.content.decode()
    assert "The motion is withdrawn: a new motion can now be proposed" in record
    assert 'data-outcome="withdrawn">Withdrawn<' in record
    assert "Why it was withdrawn" in record
    assert REASON in record
    assert f"by {area.chair}" in record
    assert "3 for" in record  # the votes cast stay in the record
    assert f'href="{url}"' not in record
    assert reverse("funding:propose", args=[application.pk]) in record  # a new one may be put
    # Again: the motion is closed; a clear message, nothing changes.
    again = client.post(url, {"reason": "Twice."})
    assert again.status_code == 200
    assert "This motion has already been closed" in again.content.decode()
    motion.refresh_from_db()
    assert motion.withdrawal_reason == REASON


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why the motion is being withdrawn"),
        ("   ", "Say why the motion is being withdrawn"),
        ("x" * (MAX_WITHDRAWAL_REASON + 1), "The reason must be 500 characters or fewer"),
        ("No quorum\x07", "Remove the control characters"),
    ],
)
def test_a_bad_reason_on_the_page_gets_a_clear_message(reason: str, message: str) -> None:
    area = make_area()
    motion = _open_motion(area)
    response = _as(area.chair).post(
        reverse("funding:withdraw_motion", args=[motion.pk]), {"reason": reason}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert message in text
    motion.refresh_from_db()
    assert motion.is_open


def test_the_link_and_the_page_are_for_the_chair_and_the_proposer_only() -> None:
    area = make_area()
    motion = _open_motion(area)
    application = motion.application
    url = reverse("funding:withdraw_motion", args=[motion.pk])
    bystander = next(
        m.user for m in area.members if m.role == MemberRole.MEMBER and m != _proposer(area)
    )
    for user, allowed in (
        (area.chair, True),
        (_proposer(area).user, True),
        (bystander, False),
        (area.treasurer, False),
    ):
        client = _as(user)
        page = client.get(application.get_absolute_url()).content.decode()
        assert (f'href="{url}"' in page) is allowed, user
        assert client.get(url).status_code == (200 if allowed else 403), user
        if not allowed:
            assert client.post(url, {"reason": REASON}).status_code == 403
    outsider = _as(make_resident(ward=area.wards[0]))
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"reason": REASON}).status_code == 404
    signed_out = Client().post(url, {"reason": REASON})
    assert signed_out.status_code == 302
    assert "/login" in signed_out["Location"]
    motion.refresh_from_db()
    assert motion.is_open
