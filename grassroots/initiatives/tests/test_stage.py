"""Changing stage: which moves are allowed, who may make them, who hears about it."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import Initiative, Stage, StageChange, Visibility
from grassroots.initiatives.services import lifecycle
from grassroots.initiatives.tests.factories import BackingFactory, InitiativeFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.cast import INITIATIVE_CAST, make_member

pytestmark = pytest.mark.django_db


def _url(initiative: Initiative) -> str:
    return f"/initiatives/{initiative.slug}/stage/"


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [
        (Stage.IDEA, ["gathering_support", "planning", "in_action", "paused", "closed"]),
        (Stage.PLANNING, ["in_action", "paused", "closed"]),
        (Stage.IN_ACTION, ["achieved", "paused", "closed"]),
        (Stage.ACHIEVED, ["closed"]),
        (Stage.CLOSED, []),
    ],
)
def test_allowed_moves(stage: str, allowed: list[str]) -> None:
    assert lifecycle.allowed_stages(InitiativeFactory(stage=stage)) == allowed


def test_a_paused_initiative_resumes_where_it_was() -> None:
    initiative = InitiativeFactory(stage=Stage.PLANNING)
    lead = initiative.created_by
    lifecycle.initiative_change_stage(initiative=initiative, actor=lead, to_stage=Stage.PAUSED)
    assert lifecycle.allowed_stages(initiative) == [Stage.PLANNING, Stage.CLOSED]
    with pytest.raises(ServiceError):
        lifecycle.initiative_change_stage(initiative=initiative, actor=lead, to_stage=Stage.IDEA)
    lifecycle.initiative_change_stage(initiative=initiative, actor=lead, to_stage=Stage.PLANNING)
    initiative.refresh_from_db()
    assert initiative.stage == Stage.PLANNING


def test_a_lead_moves_it_on_and_members_and_backers_hear(client: Client) -> None:
    initiative = InitiativeFactory()
    lead = initiative.created_by
    member = make_member(initiative)
    backer = BackingFactory(initiative=initiative).user
    client.force_login(lead)

    response = client.post(
        _url(initiative), {"stage": "gathering_support", "note": "Leaflets are out"}
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.stage == Stage.GATHERING_SUPPORT
    change = StageChange.objects.get(initiative=initiative, from_stage=Stage.IDEA)
    assert (change.to_stage, change.note, change.changed_by) == (
        "gathering_support",
        "Leaflets are out",
        lead,
    )
    assert AuditEntry.objects.filter(action="initiative.change_stage").exists()
    told = set(
        Notification.objects.filter(kind=Kind.STAGE_CHANGE).values_list("recipient", flat=True)
    )
    assert told == {member.pk, backer.pk}  # not the lead who did it
    page = client.get(response["Location"]).content.decode()
    assert "from Idea to Gathering support" in page
    assert "Leaflets are out" in page


def test_a_safeguarded_initiative_tells_only_its_members() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = make_member(initiative)
    BackingFactory(initiative=initiative)  # a backer who is not a member cannot see it
    lifecycle.initiative_change_stage(
        initiative=initiative, actor=initiative.created_by, to_stage=Stage.PLANNING
    )
    told = Notification.objects.filter(kind=Kind.STAGE_CHANGE).values_list("recipient", flat=True)
    assert list(told) == [member.pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the new stage"),
        ({"stage": "achieved"}, "Choose one of the stages listed"),
        ({"stage": "idea"}, "Choose one of the stages listed"),
        ({"stage": "flying"}, "Choose one of the stages listed"),
        ({"stage": "planning", "note": "x" * 1001}, "Note must be 1,000 characters or fewer"),
    ],
)
def test_bad_input_changes_nothing(client: Client, data: dict[str, str], message: str) -> None:
    initiative = InitiativeFactory()
    client.force_login(initiative.created_by)
    response = client.post(_url(initiative), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.stage == Stage.IDEA
    assert not StageChange.objects.filter(initiative=initiative).exists()


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_only_leads_change_the_stage(role: str) -> None:
    initiative = InitiativeFactory()
    actor = INITIATIVE_CAST[role](initiative)
    client = Client()
    if actor.is_authenticated:
        client.force_login(actor)
    response = client.post(_url(initiative), {"stage": "planning"})
    initiative.refresh_from_db()
    if role in {"lead", "co-lead"}:
        assert response.status_code == 302
        assert initiative.stage == Stage.PLANNING
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert initiative.stage == Stage.IDEA


def test_outsiders_get_404_on_a_safeguarded_initiative() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    client = Client()
    client.force_login(UserFactory())
    assert client.post(_url(initiative), {"stage": "planning"}).status_code == 404
