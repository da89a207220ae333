"""Who may do each write about places that matter: the permission matrix (services and pages)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.directory import services_assets as services
from grassroots.directory.models_assets import AcvStatus, Asset, Decision
from grassroots.directory.tests.assets_world import (
    ROLES,
    AssetFactory,
    asset_town,
    list_it,
    nominate,
)

pytestmark = pytest.mark.django_db


def _allowed(call: object) -> bool:
    try:
        call()  # type: ignore[operator]
    except PermissionDenied:
        return False
    return True


MAY_ADD = {"officer", "other council's officer", "organiser", "resident", "site admin"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_map_a_place(role: str) -> None:
    town = asset_town()
    ok = _allowed(
        lambda: services.asset_create(
            actor=town.user(role),  # type: ignore[arg-type]
            name="Brook Street park",
            kind="green_space",
            ward=town.ward,
        )
    )
    assert ok == (role in MAY_ADD)
    assert Asset.objects.exists() == ok


@pytest.mark.parametrize("role", ROLES)
def test_who_may_nominate(role: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    ok = _allowed(
        lambda: services.nomination_create(
            actor=town.user(role),  # type: ignore[arg-type]
            asset=asset,
            group=town.group,
            body_kind="unincorporated",
            local_electors=30,
            distributes_surplus=False,
            reasons="A meeting place.",
            declared=True,
        )
    )
    assert ok == (role == "organiser")
    asset.refresh_from_db()
    assert (asset.acv_status == AcvStatus.NOMINATED) == ok


@pytest.mark.parametrize("role", ROLES)
def test_who_may_decide(role: str) -> None:
    town = asset_town()
    nomination = nominate(town, AssetFactory(ward=town.ward))
    ok = _allowed(
        lambda: services.nomination_decide(
            actor=town.user(role),  # type: ignore[arg-type]
            nomination=nomination,
            decision=Decision.LISTED,
            reasons="Yes.",
        )
    )
    assert ok == (role in {"officer", "site admin"})
    nomination.refresh_from_db()
    assert bool(nomination.decision) == ok


@pytest.mark.parametrize("role", ROLES)
def test_who_may_record_a_notice_of_sale(role: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    list_it(town, asset)
    ok = _allowed(
        lambda: services.sale_notice_record(
            actor=town.user(role),  # type: ignore[arg-type]
            asset=asset,
            received_on=timezone.localdate(),
        )
    )
    assert ok == (role in {"officer", "site admin"})
    assert asset.sale_notices.exists() == ok


@pytest.mark.parametrize("role", ROLES)
def test_who_may_ask_to_bid(role: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    list_it(town, asset)
    notice = services.sale_notice_record(
        actor=town.person("officer"), asset=asset, received_on=timezone.localdate()
    )
    ok = _allowed(
        lambda: services.bidder_request_record(
            actor=town.user(role),  # type: ignore[arg-type]
            notice=notice,
            group=town.group if role == "organiser" else None,
            group_name="" if role == "organiser" else "Save the Red Lion",
        )
    )
    assert ok == (role in {"officer", "organiser", "site admin"})
    assert notice.bidder_requests.exists() == ok


@pytest.mark.parametrize("role", ROLES)
def test_who_may_link_an_initiative(role: str) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    assert not _allowed(
        lambda: services.asset_link_initiative(
            actor=town.user(role),  # type: ignore[arg-type]
            asset=asset,
            initiative=town.initiative,
        )
    )
    # Only the initiative's lead may.
    lead = town.initiative.created_by
    assert lead is not None
    services.asset_link_initiative(actor=lead, asset=asset, initiative=town.initiative)
    assert list(asset.initiatives.all()) == [town.initiative]


def _client(town: object, role: str) -> Client:
    client = Client()
    user = town.user(role)  # type: ignore[attr-defined]
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_each_role(role: str) -> None:
    """The write pages open for those who may, and for nobody else (403, or sign in first)."""
    town = asset_town()
    waiting = nominate(town, AssetFactory(ward=town.ward))
    listed = AssetFactory(ward=town.ward)
    list_it(town, listed)
    client = _client(town, role)
    pages = {
        "nominate": (
            reverse("assets:nominate", args=[AssetFactory(ward=town.ward).pk]),
            {"organiser"},
        ),
        "decide": (reverse("assets:decide", args=[waiting.pk]), {"officer", "site admin"}),
        "notice": (reverse("assets:sale_notice", args=[listed.pk]), {"officer", "site admin"}),
        "council": (
            reverse("assets:council_nominations", args=[town.council.slug]),
            {"officer", "site admin"},
        ),
        "create": (reverse("assets:create"), MAY_ADD),
    }
    for name, (url, allowed) in pages.items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, name
            assert "/accounts/login/" in response["Location"], name
        elif role in allowed:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 403, name
