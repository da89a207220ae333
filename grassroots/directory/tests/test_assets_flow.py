"""Places that matter end to end: the dates shown are acv.py's (weekends, a leap year, the
clock change), Wales has no right to bid, followers hear of every step, the daily command
tells each ending once, the lists' queries are bounded, and safeguarded initiatives stay out."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from grassroots.directory import acv
from grassroots.directory import services_assets as services
from grassroots.directory.models_assets import (
    AcvStatus,
    BidderRequest,
    Decision,
    Nomination,
    SaleNotice,
)
from grassroots.directory.tests.assets_world import AssetFactory, asset_town, list_it, nominate
from grassroots.following.services import follow_start
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Notification
from grassroots.places.tests.factories import CouncilFactory, WardFactory
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _shown(html: str, attribute: str) -> str:
    match = re.search(rf"{attribute}[^>]*>([^<]+)<", html)
    assert match is not None, attribute
    return match.group(1).strip()


def _long(day: datetime.date) -> str:
    return date_format(day, "l j F Y")


# An evening in UTC that is already the next day in the UK (BST), a Saturday, a leap day, and
# the nights the clocks go forward (29 March 2026) and back (25 October 2026).
MOMENTS = [
    datetime.datetime(2026, 6, 5, 23, 30, tzinfo=UTC),  # Saturday 6 June in the UK
    datetime.datetime(2026, 6, 6, 10, 0, tzinfo=UTC),  # a Saturday
    datetime.datetime(2024, 2, 29, 12, 0, tzinfo=UTC),  # a leap day
    datetime.datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # before the clocks go forward
    datetime.datetime(2026, 3, 29, 23, 30, tzinfo=UTC),  # 30 March in the UK (BST)
    datetime.datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 25 October in the UK (BST)
    datetime.datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 25 October (GMT again)
]


@pytest.mark.parametrize("received_at", MOMENTS)
def test_the_decision_deadline_shown_is_acvs(received_at: datetime.datetime) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward, acv_status=AcvStatus.NOMINATED)
    nomination = Nomination.objects.create(
        asset=asset,
        group=town.group,
        body_kind="charity",
        local_electors=0,
        reasons="A hall.",
        declared_at=received_at,
        received_at=received_at,
    )
    html = Client().get(asset.get_absolute_url()).content.decode()
    assert _shown(html, "data-deadline") == _long(acv.nomination_decision_deadline(received_at))
    overdue = timezone.localdate() > acv.nomination_decision_deadline(received_at)
    assert ("data-overdue" in html) == overdue
    client = Client()
    client.force_login(town.person("officer"))
    page = client.get(reverse("assets:council_nominations", args=[town.council.slug]))
    expected = date_format(acv.nomination_decision_deadline(received_at), "j F Y")
    assert expected in page.content.decode()
    assert nomination.deadline == acv.nomination_decision_deadline(received_at)


@pytest.mark.parametrize("received_at", MOMENTS)
@pytest.mark.parametrize("asked", [False, True])
def test_the_sale_dates_shown_are_acvs(received_at: datetime.datetime, asked: bool) -> None:
    town = asset_town()
    listed_at = received_at - datetime.timedelta(days=400)
    asset = AssetFactory(ward=town.ward, acv_status=AcvStatus.LISTED, listed_at=listed_at)
    notice = SaleNotice.objects.create(asset=asset, received_at=received_at)
    # On the last day of the interim moratorium, at noon in the UK: still in time.
    last_day = acv.interim_moratorium_end(received_at)
    noon = datetime.datetime.combine(last_day, datetime.time(12), tzinfo=acv.UK_TIME)
    request_at = noon if asked else None
    if request_at is not None:
        BidderRequest.objects.create(notice=notice, group_name="Save it", received_at=request_at)
    dates = acv.moratorium_dates(received_at, request_at)
    html = Client().get(asset.get_absolute_url()).content.decode()
    assert _shown(html, "data-notice-received") == _long(dates.notice_received)
    assert _shown(html, "data-interim-end") == _long(dates.interim_end)
    assert _shown(html, "data-protected-end") == _long(dates.protected_end)
    if dates.full_end is not None:
        assert _shown(html, "data-full-end") == _long(dates.full_end)
    else:
        assert "Only if a group asks to bid in time" in html
    block = acv.sale_block(dates, timezone.localdate())
    assert f'data-sale-block="{block.value if block else ""}"' in html


def test_a_leap_day_listing_lasts_until_28_february() -> None:
    town = asset_town()
    listed_at = datetime.datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    asset = AssetFactory(ward=town.ward, acv_status=AcvStatus.LISTED, listed_at=listed_at)
    html = Client().get(asset.get_absolute_url()).content.decode()
    assert "until the end of 28 February 2029" in html
    assert asset.listing_end == acv.listing_end(listed_at) == datetime.date(2029, 2, 28)


def test_wales_has_no_right_to_bid() -> None:
    wales = CouncilFactory(gss_code="W06000015", name="Cardiff Council", slug="cardiff")
    asset = AssetFactory(ward=WardFactory(council=wales))
    group = GroupFactory(council=wales)
    organiser = group.created_by
    client = Client()
    client.force_login(organiser)
    page = client.get(asset.get_absolute_url()).content.decode()
    assert "Wales has no community right to bid" in page
    assert reverse("assets:nominate", args=[asset.pk]) not in page
    response = client.get(reverse("assets:nominate", args=[asset.pk]), follow=True)
    assert "applies in England only" in response.content.decode()
    response = client.post(
        reverse("assets:nominate", args=[asset.pk]),
        {"group": group.pk, "body_kind": "charity", "local_electors": "50"},
        follow=True,
    )
    assert not Nomination.objects.exists()
    with pytest.raises(PermissionDenied):
        services.nomination_create(
            actor=organiser,
            asset=asset,
            group=group,
            body_kind="charity",
            local_electors=50,
            distributes_surplus=False,
            reasons="A library.",
            declared=True,
        )
    listing = Client().get(reverse("assets:list"), {"council": "cardiff"}).content.decode()
    assert "Wales has no community right to bid" in listing


def _told(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="asset")
        .order_by("pk")
        .values_list("text", flat=True)
    )


def test_followers_are_told_at_each_step() -> None:
    town = asset_town()
    follower = make_resident(ward=town.ward)
    asset = AssetFactory(ward=town.ward, name="The Red Lion")
    follow_start(user=follower, target=asset)
    follow_start(user=town.person("organiser"), target=asset)
    nomination = nominate(town, asset)
    assert len(_told(follower)) == 1
    assert "The council must decide by" in _told(follower)[0]
    assert _told(town.person("organiser")) == []  # who did it is not told
    services.nomination_decide(
        actor=town.person("officer"),
        nomination=nomination,
        decision=Decision.LISTED,
        reasons="Yes",
    )
    assert "listed The Red Lion" in _told(follower)[1]
    notice = services.sale_notice_record(
        actor=town.person("officer"), asset=asset, received_on=timezone.localdate()
    )
    assert "wants to sell" in _told(follower)[2]
    services.bidder_request_record(actor=town.person("organiser"), notice=notice, group=town.group)
    assert "asked to be treated as a bidder" in _told(follower)[3]
    assert "full moratorium" in _told(follower)[3]
    assert len(_told(town.person("organiser"))) == 2  # the officer's two steps


def test_not_listed_is_told_too() -> None:
    town = asset_town()
    follower = make_resident(ward=town.ward)
    asset = AssetFactory(ward=town.ward, name="Corner shop")
    follow_start(user=follower, target=asset)
    nomination = nominate(town, asset)
    services.nomination_decide(
        actor=town.person("officer"),
        nomination=nomination,
        decision=Decision.NOT_LISTED,
        reasons="It does not further social wellbeing.",
    )
    asset.refresh_from_db()
    assert asset.acv_status == AcvStatus.NOT_LISTED
    assert "decided not to list Corner shop" in _told(follower)[-1]


def test_the_daily_command_tells_each_ending_once() -> None:
    town = asset_town()
    follower = make_resident(ward=town.ward)
    long_ago = timezone.now() - datetime.timedelta(days=800)
    asset = AssetFactory(
        ward=town.ward, acv_status=AcvStatus.LISTED, listed_at=long_ago - datetime.timedelta(30)
    )
    follow_start(user=follower, target=asset)
    SaleNotice.objects.create(asset=asset, received_at=long_ago)
    recent = AssetFactory(
        ward=town.ward, acv_status=AcvStatus.LISTED, listed_at=long_ago, name="Still waiting"
    )
    follow_start(user=follower, target=recent)
    SaleNotice.objects.create(asset=recent, received_at=timezone.now())
    call_command("tell_acv_moratorium_ends")
    told = _told(follower)
    assert len(told) == 2
    assert "moratorium on the sale" in told[0]
    assert "protected period" in told[1]
    call_command("tell_acv_moratorium_ends")
    assert len(_told(follower)) == 2


def test_the_initiative_page_shows_its_places_and_the_place_hides_safeguarded_ones() -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward, name="Riverside meadow")
    lead = town.initiative.created_by
    assert lead is not None
    services.asset_link_initiative(actor=lead, asset=asset, initiative=town.initiative)
    asset.initiatives.add(town.safeguarded)  # however it got there, it must not show
    page = Client().get(town.initiative.get_absolute_url()).content.decode()
    assert "Riverside meadow" in page
    place = Client().get(asset.get_absolute_url()).content.decode()
    assert town.initiative.title in place
    assert town.safeguarded.title not in place


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_has_a_bounded_number_of_queries(
    count: int, django_assert_max_num_queries: Any
) -> None:
    town = asset_town()
    for _n in range(count):
        AssetFactory(ward=town.ward, latitude=52.0, longitude=-1.0)
    client = Client()
    client.force_login(town.person("officer"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("assets:list")).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_a_place_and_the_council_list_have_bounded_queries(
    count: int, django_assert_max_num_queries: Any
) -> None:
    town = asset_town()
    asset = AssetFactory(ward=town.ward)
    list_it(town, asset)
    notice = services.sale_notice_record(
        actor=town.person("officer"), asset=asset, received_on=timezone.localdate()
    )
    for n in range(count):
        BidderRequest.objects.create(notice=notice, group_name=f"G{n}", received_at=timezone.now())
        nominate(town, AssetFactory(ward=town.ward))
    client = Client()
    client.force_login(town.person("officer"))
    with django_assert_max_num_queries(25):
        assert client.get(asset.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(reverse("assets:council_nominations", args=[town.council.slug]))
        assert page.status_code == 200
