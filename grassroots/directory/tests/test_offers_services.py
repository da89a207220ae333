"""Needs meet offers: who may do each write (services and pages), and what state allows."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from grassroots.core.services import ServiceError
from grassroots.directory import services_offers as services
from grassroots.directory.models_offers import (
    Introduction,
    IntroductionStatus,
    Offer,
    OfferStatus,
)
from grassroots.directory.tests.factories import OrganizationFactory
from grassroots.directory.tests.factories_offers import OfferFactory, OffersWorld, offers_world
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import NeedStatus
from grassroots.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

ROLES = ["lead", "member", "offerer", "other", "anonymous"]


@pytest.fixture
def world() -> OffersWorld:
    return offers_world()


def who(world: OffersWorld, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def details(**changes: Any) -> services.OfferDetails:
    values: dict[str, Any] = {
        "kind": "skill",
        "title": "First aid trainer",
        "description": "I teach first aid.",
        "tags": ["first aid"],
        "days": [5],
        "parts_of_day": ["morning"],
        "when_text": "",
        "postcode": "GR1 1AA",
        "latitude": 52.0,
        "longitude": -1.0,
        "area_name": "Riverside",
        "travel_miles": 5,
    }
    values.update(changes)
    return services.OfferDetails(**values)


@pytest.mark.parametrize("role", ROLES)
def test_anyone_signed_in_may_offer_help(world: OffersWorld, role: str) -> None:
    if role == "anonymous":
        with pytest.raises(PermissionDenied):
            services.offer_create(actor=who(world, role), details=details())
        return
    offer = services.offer_create(actor=who(world, role), details=details())
    assert offer.owner == who(world, role)
    assert offer.status == OfferStatus.OPEN


@pytest.mark.parametrize("role", [*ROLES, "organiser", "group member", "listing owner"])
def test_only_who_looks_after_an_organisation_offers_for_it(world: OffersWorld, role: str) -> None:
    group = GroupFactory()
    organization = OrganizationFactory(group=group)
    actor = who(
        world, role if role not in ("organiser", "group member", "listing owner") else "other"
    )
    if role == "listing owner":
        organization.owner = actor
        organization.save()
    if role in ("organiser", "group member"):
        GroupMembership.objects.create(
            group=group,
            user=actor,
            role=GroupRole.ORGANISER if role == "organiser" else GroupRole.MEMBER,
            status=GroupMembershipStatus.ACTIVE,
        )
    if role in ("organiser", "listing owner"):
        offer = services.offer_create(actor=actor, details=details(), organization=organization)
        assert offer.organization == organization
        # Anyone else who looks after it answers for the offer too.
        assert actor.has_perm("directory.change_offer", offer)
        return
    with pytest.raises(PermissionDenied):
        services.offer_create(actor=actor, details=details(), organization=organization)
    assert not Offer.objects.filter(organization=organization).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_offerer_changes_and_closes_an_offer(world: OffersWorld, role: str) -> None:
    actor = who(world, role)
    if role != "offerer":
        with pytest.raises(PermissionDenied):
            services.offer_update(actor=actor, offer=world.offer, details=details())
        with pytest.raises(PermissionDenied):
            services.offer_close(actor=actor, offer=world.offer)
        world.offer.refresh_from_db()
        assert world.offer.title == "Garden tools to lend"
        assert world.offer.status == OfferStatus.OPEN
        return
    services.offer_update(actor=actor, offer=world.offer, details=details(), status="paused")
    world.offer.refresh_from_db()
    assert (world.offer.title, world.offer.status) == ("First aid trainer", OfferStatus.PAUSED)
    services.offer_close(actor=actor, offer=world.offer)
    world.offer.refresh_from_db()
    assert world.offer.status == OfferStatus.CLOSED
    with pytest.raises(ServiceError):
        services.offer_update(actor=actor, offer=world.offer, details=details())
    with pytest.raises(ServiceError):
        services.offer_close(actor=actor, offer=world.offer)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_lead_sends_an_introduction(world: OffersWorld, role: str) -> None:
    actor = who(world, role)
    if role != "lead":
        with pytest.raises(PermissionDenied):
            services.introduction_send(actor=actor, need=world.need, offer=world.offer)
        assert not Introduction.objects.exists()
        return
    introduction = services.introduction_send(
        actor=actor, need=world.need, offer=world.offer, message="Could you lend us spades?"
    )
    assert introduction.status == IntroductionStatus.WAITING
    note = Notification.objects.get(recipient=world.offerer, kind=Kind.INTRODUCTION)
    assert "Marsh Lane garden" in note.text
    with pytest.raises(ServiceError, match="already asked"):
        services.introduction_send(actor=actor, need=world.need, offer=world.offer)


def test_an_introduction_needs_an_open_need_and_an_open_offer(world: OffersWorld) -> None:
    world.need.status = NeedStatus.MET
    world.need.save()
    with pytest.raises(ServiceError, match="has been met"):
        services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    world.need.status = NeedStatus.OPEN
    world.need.save()
    world.offer.status = OfferStatus.PAUSED
    world.offer.save()
    with pytest.raises(ServiceError, match="not open"):
        services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    own = OfferFactory(owner=world.lead)
    with pytest.raises(ServiceError, match="your own offer"):
        services.introduction_send(actor=world.lead, need=world.need, offer=own)
    assert not Introduction.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("accept", [True, False])
def test_only_the_offerer_answers(world: OffersWorld, role: str, accept: bool) -> None:
    introduction = services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    actor = who(world, role)
    if role != "offerer":
        with pytest.raises(PermissionDenied):
            services.introduction_answer(actor=actor, introduction=introduction, accept=accept)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.WAITING
        return
    services.introduction_answer(actor=actor, introduction=introduction, accept=accept)
    introduction.refresh_from_db()
    assert introduction.status == (
        IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    )
    assert Notification.objects.filter(recipient=world.lead, kind=Kind.INTRODUCTION).exists()
    with pytest.raises(ServiceError, match="already been answered"):
        services.introduction_answer(actor=actor, introduction=introduction, accept=True)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_lead_withdraws_a_waiting_introduction(world: OffersWorld, role: str) -> None:
    introduction = services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    actor = who(world, role)
    if role != "lead":
        with pytest.raises(PermissionDenied):
            services.introduction_withdraw(actor=actor, introduction=introduction)
        return
    services.introduction_withdraw(actor=actor, introduction=introduction)
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.WITHDRAWN
    with pytest.raises(ServiceError):
        services.introduction_answer(actor=world.offerer, introduction=introduction, accept=True)


def test_closing_an_offer_withdraws_its_waiting_introductions(world: OffersWorld) -> None:
    introduction = services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    services.offer_close(actor=world.offerer, offer=world.offer)
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.WITHDRAWN


# The same matrix through the pages: a POST from each role.
def _post(client: Client, world: OffersWorld, role: str, url: str, data: Any = None) -> Any:
    if role != "anonymous":
        client.force_login(who(world, role))
    return client.post(url, data or {})


@pytest.mark.parametrize("role", ROLES)
def test_pages_refuse_every_write_to_the_wrong_people(
    client: Client, world: OffersWorld, role: str
) -> None:
    introduction = services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    offer_pk = world.offer.pk
    writes = {
        f"/offers/{offer_pk}/edit/": "offerer",
        f"/offers/{offer_pk}/close/": "offerer",
        f"/offers/{offer_pk}/introduce/{world.need.pk}/": "lead",
        f"/offers/introductions/{introduction.pk}/accept/": "offerer",
        f"/offers/introductions/{introduction.pk}/decline/": "offerer",
        f"/offers/introductions/{introduction.pk}/withdraw/": "lead",
    }
    for url, allowed in writes.items():
        if role == allowed:
            continue
        response = _post(client, world, role, url)
        if role == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404), url
    world.offer.refresh_from_db()
    introduction.refresh_from_db()
    assert world.offer.status == OfferStatus.OPEN
    assert introduction.status == IntroductionStatus.WAITING
    assert Introduction.objects.count() == 1
