"""The initiative page: what each viewer sees, a fixed query count, and the safeguarding 404."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory, make_councillor
from grassroots.initiatives.models import (
    Initiative,
    Milestone,
    Need,
    Stage,
    StageChange,
    Update,
    Visibility,
)
from grassroots.initiatives.services import people
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
)
from grassroots.testing.cast import make_member

pytestmark = pytest.mark.django_db

# A lead's page also lists the councillors they invited and who a help request would reach
# (one query each, whatever the numbers), the offers of help matching its needs (two) and
# the places it is about (one).
# +2: the restricted initiatives and conversations the viewer sees
# (one query each; none while the page cache keeps them).
PAGE_BUDGET = 27


def test_anybody_sees_a_public_initiative(client: Client) -> None:
    initiative = InitiativeFactory(title="Brook Street garden")
    lead = initiative.created_by
    lead.display_name = "Ola Lead"
    lead.save()
    BackingFactory(initiative=initiative)
    body = client.get(initiative.get_absolute_url()).content.decode()
    assert "<title>Brook Street garden – Grassroots</title>" in body
    assert "Ola Lead" in body
    assert "1 person backs this" in body
    assert "Sign in to back it or join it" in body
    assert "Change the initiative" not in body
    assert lead.email not in body


def test_a_lead_sees_the_forms_for_what_they_may_do(client: Client) -> None:
    initiative = InitiativeFactory()
    waiting = UserFactory(display_name="Kim")
    people.membership_request(initiative=initiative, user=waiting, message="Let me help")
    client.force_login(initiative.created_by)
    body = client.get(initiative.get_absolute_url()).content.decode()
    for text in (
        "Change the initiative",
        "Change the stage",
        "Add a need",
        "Add a milestone",
        "Post an update",
        "Approve",
        "Let me help",
        "I back this",
    ):
        assert text in body, text
    assert "Ask to join" not in body


def test_a_resident_may_ask_to_join_and_back(client: Client) -> None:
    initiative = InitiativeFactory()
    client.force_login(UserFactory())
    body = client.get(initiative.get_absolute_url()).content.decode()
    assert "Ask to join" in body
    assert "I back this" in body
    assert "Post an update" not in body


def _not_found(client: Client, url: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    response = client.get(url)
    headers = sorted(
        (k, v) for k, v in response.headers.items() if k not in ("Content-Length", "Date")
    )
    return response.status_code, response.content, headers


@pytest.mark.parametrize("viewer", ["anonymous", "resident", "councillor of another ward"])
def test_a_safeguarded_initiative_is_exactly_like_a_missing_one(viewer: str, mfa_totp: Any) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED, slug="hidden-refuge")
    client = Client()
    if viewer != "anonymous":
        user = UserFactory()
        if viewer.startswith("councillor"):
            make_councillor(user)
            mfa_totp(user)
        client.force_login(user)
    hidden = _not_found(client, initiative.get_absolute_url())
    missing = _not_found(client, "/initiatives/no-such-initiati/")
    assert hidden[0] == missing[0] == 404
    assert hidden[1].replace(b"hidden-refuge", b"") == missing[1].replace(b"no-such-initiati", b"")
    assert hidden[2] == missing[2]


def test_members_see_a_safeguarded_initiative(client: Client) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    client.force_login(make_member(initiative))
    body = client.get(initiative.get_absolute_url()).content.decode()
    assert "This initiative is safeguarded" in body


def _busy(n: int) -> Initiative:
    initiative = InitiativeFactory(stage=Stage.IN_ACTION)
    lead = initiative.created_by
    members = [MembershipFactory(initiative=initiative).user for _ in range(n)]
    for _ in range(n):
        MembershipFactory(initiative=initiative, status="requested")
        BackingFactory(initiative=initiative)
        Need.objects.create(initiative=initiative, kind="money", description="m", amount_pence=5)
        Need.objects.create(
            initiative=initiative, kind="volunteers", description="v", volunteers_wanted=3
        )
        Milestone.objects.create(initiative=initiative, title="M", due_on=datetime.date(2027, 1, 1))
        StageChange.objects.create(
            initiative=initiative, from_stage="idea", to_stage="planning", changed_by=lead
        )
    for author in members:
        Update.objects.create(initiative=initiative, author=author, text="News")
    return initiative


@pytest.mark.parametrize("viewer", ["anonymous", "resident", "lead"])
def test_the_page_costs_a_fixed_number_of_queries(
    viewer: str, django_assert_max_num_queries: Any
) -> None:
    small, big = _busy(1), _busy(25)
    counts = []
    for initiative in (small, big):
        client = Client()
        if viewer == "lead":
            client.force_login(initiative.created_by)
        elif viewer == "resident":
            client.force_login(UserFactory())
        with django_assert_max_num_queries(PAGE_BUDGET) as captured:
            response = client.get(initiative.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts  # no query per member, need, update or milestone


def test_a_safeguarded_page_costs_a_fixed_number_of_queries_for_its_members(
    django_assert_max_num_queries: Any,
) -> None:
    initiative = _busy(25)
    initiative.visibility = Visibility.SAFEGUARDED
    initiative.save(update_fields=["visibility"])
    client = Client()
    client.force_login(initiative.created_by)
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(initiative.get_absolute_url()).status_code == 200
