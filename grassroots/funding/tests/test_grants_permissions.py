"""Who may do what with applications, decisions and a grant's money: the rules, and the pages
that ask them (a 404 for those who may not see an application, a 403 for those who see it but
may not act, the sign-in page for those signed out)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.funding.models import (
    Application,
    Grant,
    Motion,
    MotionKind,
    Transaction,
    VoteChoice,
)
from grassroots.funding.services.applications import interest_declare
from grassroots.funding.services.decisions import motion_propose, motion_vote
from grassroots.funding.services.grant_money import grant_pay
from grassroots.funding.tests.factories import make_area
from grassroots.funding.tests.grants_factories import approved_grant, lead_of, make_application
from grassroots.initiatives.tests.factories import MembershipFactory
from grassroots.testing.people import make_resident, make_site_admin
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

ROLES = (
    "signed out",
    "resident",
    "applicant",
    "initiative member",
    "member",
    "proposer",
    "declared member",
    "chair",
    "treasurer",
    "former member",
    "other partnership's chair",
    "other partnership's treasurer",
    "site admin",
)


@dataclass
class World:
    users: dict[str, Any]
    application: Application
    motion: Motion
    grant: Grant
    payment: Transaction


def build_world() -> World:
    area = make_area()
    other = make_area()
    application = make_application(area)
    declared = area.members[5]
    interest_declare(actor=declared.user, application=application, interest="My cousin leads it.")
    proposer = area.members[2]
    motion = motion_propose(actor=proposer.user, application=application, kind=MotionKind.APPROVE)
    motion_vote(actor=area.members[3].user, motion=motion, choice=VoteChoice.FOR)
    grant = approved_grant(area)
    payment = grant_pay(
        actor=area.treasurer, grant=grant, amount_pence=1000, paid_on=datetime.date.today()
    )
    former = area.members[7]
    former.left_on = former.joined_on
    former.save()
    assert application.initiative is not None
    users = {
        "signed out": AnonymousUser(),
        "resident": make_resident(ward=area.wards[0]),
        "applicant": lead_of(application.initiative),
        "initiative member": MembershipFactory(initiative=application.initiative).user,
        "member": area.members[4].user,
        "proposer": proposer.user,
        "declared member": declared.user,
        "chair": area.chair,
        "treasurer": area.treasurer,
        "former member": former.user,
        "other partnership's chair": other.chair,
        "other partnership's treasurer": other.treasurer,
        "site admin": make_site_admin(),
    }
    return World(users=users, application=application, motion=motion, grant=grant, payment=payment)


world_snapshot, world = shared_world(build_world, name="world")

MEMBERS = {"member", "proposer", "declared member", "chair", "treasurer"}
SEE = MEMBERS | {"applicant", "site admin"}
EXPECTED: dict[str, tuple[str, set[str]]] = {
    "funding.see_application": ("application", SEE),
    "funding.withdraw": ("application", {"applicant"}),
    "funding.declare": ("application", MEMBERS),
    "funding.propose": ("application", MEMBERS - {"declared member"}),
    "funding.vote": ("motion", MEMBERS - {"declared member"}),
    "funding.close_motion": ("motion", {"chair"}),
    "funding.withdraw_motion": ("motion", {"chair", "proposer"}),
    "funding.pay": ("grant", {"treasurer"}),
    "funding.vary": ("grant", {"treasurer"}),
    "funding.take_back": ("grant", {"treasurer"}),
    "funding.close_grant": ("grant", {"treasurer"}),
    "funding.correct": ("grant", {"treasurer"}),
    "funding.see_grant_money": ("grant", MEMBERS | {"site admin"}),
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_permission_matrix(world: World, perm: str) -> None:
    target, allowed = EXPECTED[perm]
    obj = getattr(world, target)
    granted = {role for role in ROLES if world.users[role].has_perm(perm, obj)}
    assert granted == allowed


def test_the_applicant_applies_and_others_do_not(world: World) -> None:
    initiative = world.application.initiative
    granted = {role for role in ROLES if world.users[role].has_perm("funding.apply", initiative)}
    assert granted == {"applicant"}


def _pages(world: World) -> dict[str, tuple[str, set[str]]]:
    """Each page that changes something, and who may open it."""
    a, m, g = world.application.pk, world.motion.pk, world.grant.pk
    return {
        reverse("funding:withdraw", args=[a]): ("funding.withdraw", {"applicant"}),
        reverse("funding:declare", args=[a]): ("funding.declare", MEMBERS),
        reverse("funding:propose", args=[a]): ("funding.propose", MEMBERS),
        reverse("funding:close_motion", args=[m]): ("funding.close_motion", {"chair"}),
        reverse("funding:withdraw_motion", args=[m]): (
            "funding.withdraw_motion",
            {"chair", "proposer"},
        ),
        reverse("funding:pay", args=[g]): ("funding.pay", {"treasurer"}),
        reverse("funding:vary", args=[g]): ("funding.vary", {"treasurer"}),
        reverse("funding:take_back", args=[g]): ("funding.take_back", {"treasurer"}),
        reverse("funding:close_grant", args=[g]): ("funding.close_grant", {"treasurer"}),
        reverse("funding:correct", args=[g, world.payment.pk]): ("funding.correct", {"treasurer"}),
    }


def _client(user: User | AnonymousUser) -> Client:
    client = Client()
    if isinstance(user, User):
        client.force_login(user)
    return client


def test_pages_refuse_everybody_else_and_change_nothing(world: World) -> None:
    audits = AuditEntry.objects.count()
    for url, (perm, _allowed) in _pages(world).items():
        for role in ROLES:
            user = world.users[role]
            obj: Any = world.motion if "motions" in url else world.application
            if "grants" in url:
                obj = world.grant
            if user.is_authenticated and user.has_perm(perm, obj):
                continue
            client = _client(user)
            for method in (client.get, client.post):
                response = method(url)
                if role == "signed out":
                    assert response.status_code == 302
                    assert "/login" in response["Location"]
                else:
                    assert response.status_code in (403, 404), (url, role, response.status_code)
    assert AuditEntry.objects.count() == audits


def test_outsiders_get_a_404_for_the_application_and_the_money(world: World) -> None:
    application_url = reverse("funding:application", args=[world.application.pk])
    money_url = reverse("funding:grant_money", args=[world.grant.pk])
    for role in ROLES:
        user = world.users[role]
        for url, perm, obj in (
            (application_url, "funding.see_application", world.application),
            (money_url, "funding.see_grant_money", world.grant),
        ):
            response = _client(user).get(url)
            if not user.is_authenticated:
                assert response.status_code == 302
            elif user.has_perm(perm, obj):
                assert response.status_code == 200, (role, url)
            else:
                assert response.status_code == 404, (role, url)


def test_a_vote_from_a_declared_member_is_refused(world: World) -> None:
    client = _client(world.users["declared member"])
    response = client.post(reverse("funding:vote", args=[world.motion.pk]), {"choice": "for"})
    assert response.status_code == 403
    assert world.motion.votes.count() == 1


def test_the_public_grant_page_links_the_money_page_for_those_who_may_see_it(
    world: World,
) -> None:
    grant_url = reverse("funding:grant", args=[world.grant.pk])
    money_url = reverse("funding:grant_money", args=[world.grant.pk])
    assert world.grant.initiative is not None
    people = {**world.users, "grantee": lead_of(world.grant.initiative)}
    shown = set()
    for role, user in people.items():
        response = _client(user).get(grant_url)
        assert response.status_code == 200, role
        if f'href="{money_url}"' in response.content.decode():
            shown.add(role)
    assert shown == MEMBERS | {"site admin", "grantee"}
    assert shown == {
        role
        for role, user in people.items()
        if user.has_perm("funding.see_grant_money", world.grant)
    }


def test_the_money_page_links_back_to_the_grant(world: World) -> None:
    page = _client(world.users["treasurer"]).get(
        reverse("funding:grant_money", args=[world.grant.pk])
    )
    assert f'href="{reverse("funding:grant", args=[world.grant.pk])}"' in page.content.decode()
