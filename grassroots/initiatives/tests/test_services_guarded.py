"""Every public service of initiatives checks its own permission: called directly (as the API,
a task or a script would) by somebody its rule leaves out, it raises PermissionDenied and
changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeEmailInvitation,
    Membership,
    MembershipStatus,
    Milestone,
    Need,
    NeedKind,
    Outcome,
    Stage,
    Update,
)
from grassroots.initiatives.services import invitations, lifecycle, people, progress
from grassroots.initiatives.tests.invitations import invitation_town
from grassroots.notifications.models import Notification
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town() -> Town:
    """The invitation tests' town (a lead, a member, a resident, an invitee waiting, and the
    town's safeguarded initiative), with a request to join waiting, a need, a milestone, and the
    initiative achieved (so that only who calls stands in the way of recording its outcome)."""
    town = invitation_town()
    initiative, lead = town.initiative, town.lead
    people.membership_request(initiative=initiative, user=UserFactory())
    progress.need_create(
        initiative=initiative, actor=lead, kind=NeedKind.SKILLS, description="A gardener"
    )
    progress.milestone_create(
        initiative=initiative, actor=lead, title="First dig", due_on=datetime.date(2030, 1, 1)
    )
    lifecycle.initiative_change_stage(initiative=initiative, actor=lead, to_stage=Stage.IN_ACTION)
    lifecycle.initiative_change_stage(initiative=initiative, actor=lead, to_stage=Stage.ACHIEVED)
    town.initiative = Initiative.objects.get(pk=initiative.pk)
    return town


def _safeguarded(w: Town) -> Initiative:
    return Initiative.objects.get(pk=w.safeguarded.pk)


def _request(w: Town) -> Membership:
    return Membership.objects.get(initiative=w.initiative, status=MembershipStatus.REQUESTED)


def _need(w: Town) -> Need:
    return Need.objects.get(initiative=w.initiative)


def _milestone(w: Town) -> Milestone:
    return Milestone.objects.get(initiative=w.initiative)


def _member(w: Town) -> User:
    return w.person("member")


def _outsider(w: Town) -> User:
    return w.person("resident")


def _everything() -> list[Any]:
    """What a refused call must leave as it was."""
    return [
        list(Initiative.objects.order_by("pk").values_list("pk", "title", "stage", "version")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "status", "role")),
        list(Need.objects.order_by("pk").values_list("pk", "kind", "description", "status")),
        list(Milestone.objects.order_by("pk").values_list("pk", "title", "done_on")),
        list(Backing.objects.values_list("pk", flat=True)),
        list(Update.objects.values_list("pk", flat=True)),
        list(Outcome.objects.values_list("pk", flat=True)),
        list(InitiativeEmailInvitation.objects.values_list("pk", flat=True)),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    ]


CALLS: dict[str, Callable[[Town], object]] = {
    "start an initiative (not signed in: an inactive account)": lambda w: (
        lifecycle.initiative_create(
            creator=UserFactory(is_active=False),
            title="Mine",
            problem="p",
            change_wanted="c",
            who_for="w",
            theme=w.initiative.theme,
            wards=list(w.initiative.wards.all()),
        )
    ),
    "edit it (a member)": lambda w: lifecycle.initiative_update(
        initiative=w.initiative,
        actor=_member(w),
        version=w.initiative.version,
        wards=list(w.initiative.wards.all()),
        title="Taken over",
    ),
    "change its stage (a member)": lambda w: lifecycle.initiative_change_stage(
        initiative=w.initiative, actor=_member(w), to_stage=Stage.CLOSED
    ),
    "ask to join a safeguarded one (an outsider)": lambda w: people.membership_request(
        initiative=_safeguarded(w), user=_outsider(w)
    ),
    "answer a request to join (a member)": lambda w: people.membership_decide(
        membership=_request(w), actor=_member(w), approve=True
    ),
    "make somebody a lead (a member)": lambda w: people.membership_make_lead(
        membership=Membership.objects.get(initiative=w.initiative, user=_member(w)),
        actor=_member(w),
    ),
    "step down (a member who is no lead)": lambda w: people.membership_step_down(
        initiative=w.initiative, user=_member(w)
    ),
    "leave (an outsider)": lambda w: people.membership_leave(
        initiative=w.initiative, user=_outsider(w)
    ),
    "back a safeguarded one (an outsider)": lambda w: people.backing_toggle(
        initiative=_safeguarded(w), user=_outsider(w)
    ),
    "invite somebody (a member)": lambda w: invitations.invitation_create(
        initiative=w.initiative, actor=_member(w), invitee=_outsider(w)
    ),
    "invite an address (a member)": lambda w: invitations.invitation_by_email(
        initiative=w.initiative, actor=_member(w), email="nobody@example.org"
    ),
    "accept somebody else's invitation": lambda w: invitations.invitation_accept(
        membership=w.invitation, user=_outsider(w)
    ),
    "turn down somebody else's invitation": lambda w: invitations.invitation_decline(
        membership=w.invitation, user=_outsider(w)
    ),
    "withdraw an invitation (a member)": lambda w: invitations.invitation_withdraw(
        membership=w.invitation, actor=_member(w)
    ),
    "add a need (a member)": lambda w: progress.need_create(
        initiative=w.initiative, actor=_member(w), kind=NeedKind.SKILLS, description="x"
    ),
    "change a need (a member)": lambda w: progress.need_update(
        need=_need(w), actor=_member(w), kind=NeedKind.SKILLS, description="x"
    ),
    "mark a need met (a member)": lambda w: progress.need_set_status(
        need=_need(w), actor=_member(w), met=True
    ),
    "post an update (an outsider)": lambda w: progress.update_create(
        initiative=w.initiative, author=_outsider(w), text="Hello"
    ),
    "add a milestone (an outsider)": lambda w: progress.milestone_create(
        initiative=w.initiative, actor=_outsider(w), title="x", due_on=datetime.date(2030, 1, 1)
    ),
    "mark a milestone done (an outsider)": lambda w: progress.milestone_set_done(
        milestone=_milestone(w), actor=_outsider(w), done=True
    ),
    "record the outcome (a member)": lambda w: progress.outcome_record(
        initiative=w.initiative, actor=_member(w), what_changed="a", for_whom="b", evidence="c"
    ),
}


@pytest.mark.parametrize("call", CALLS)
def test_a_service_called_by_somebody_not_allowed_refuses_and_changes_nothing(
    town: Town, call: str
) -> None:
    before = _everything()
    with pytest.raises(PermissionDenied):
        CALLS[call](town)
    assert _everything() == before


def test_the_same_calls_by_the_people_allowed_go_through(town: Town) -> None:
    """The refusals above are about who calls: the leads may do what the members may not."""
    lead = town.lead
    progress.need_set_status(need=_need(town), actor=lead, met=True)
    progress.milestone_set_done(milestone=_milestone(town), actor=lead, done=True)
    progress.outcome_record(
        initiative=town.initiative, actor=lead, what_changed="a", for_whom="b", evidence="c"
    )
    people.membership_decide(membership=_request(town), actor=lead, approve=True)
    invitations.invitation_withdraw(membership=town.invitation, actor=lead)
    assert Outcome.objects.filter(initiative=town.initiative).exists()
