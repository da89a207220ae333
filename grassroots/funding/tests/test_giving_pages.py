"""A grant's public page and a fund's grants: what they show, the decision record, paging,
404s, bounded queries, and a safeguarded recipient kept from everybody outside it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.funding import ledger
from grassroots.funding.reports import GRANTS_PER_PAGE
from grassroots.funding.tests.factories import make_area, make_grant
from grassroots.funding.tests.giving_world import (
    SECRET_SLUG,
    SECRET_TITLE,
    GivingWorld,
    build_world,
    decide,
    park_group,
    pb_grant,
)
from grassroots.initiatives.models import Initiative, MemberRole, Membership, MembershipStatus
from grassroots.testing.people import make_resident
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

world_snapshot, world = shared_world(build_world, name="world")

SECRETS = (SECRET_TITLE, SECRET_SLUG, "Refuge support sessions", "My sister runs it")
WITHHELD = "A community project (details withheld to keep people safe)"


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_grant_page_shows_the_grant_and_its_decision(client: Client, world: GivingWorld) -> None:
    decide(world.park, world.area)
    html = _page(client, f"/funds/grants/{world.park.pk}/")
    assert world.park.get_absolute_url() == f"/funds/grants/{world.park.pk}/"
    assert "Pocket park" in html
    assert park_group(world).name in html
    assert park_group(world).get_absolute_url() in html
    assert "£4,000" in html  # awarded
    assert "£1,500" in html  # paid so far
    assert "Green spaces" in html  # the plan priority
    assert "1 June 2024" in html
    assert "Active" in html
    assert world.park.identifier in html
    assert "passed a motion to approve £4,000" in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-for>5</td>' in html
    assert "data-against>1<" in html
    assert "data-abstain>1<" in html
    declared = world.area.members[7].user.public_name
    assert declared in html
    assert "My sister runs it" in html
    assert "It fits the green spaces priority." in html


def test_a_closed_grant_shows_what_came_back(client: Client, world: GivingWorld) -> None:
    html = _page(client, world.closed.get_absolute_url())
    assert "Closed" in html
    assert "2 April 2025" in html
    assert "£1,500" in html  # awarded now: paid £2,000 less £500 returned
    assert "after £500 was returned" in html
    assert "The record of the decision is not available." in html


def test_an_initiative_recipient_is_linked_and_a_grant_without_priority_says_so(
    client: Client, world: GivingWorld
) -> None:
    html = _page(client, world.youth.get_absolute_url())
    assert (
        '<a class="govuk-link" href="/initiatives/youth-club-nights/">Youth club nights</a>' in html
    )
    html = _page(client, world.unlinked.get_absolute_url())
    assert "Not linked to a priority" in html


def test_a_safeguarded_recipient_is_withheld_from_outsiders(
    client: Client, world: GivingWorld
) -> None:
    decide(world.refuge, world.area)
    outsider = make_resident(ward=world.area.wards[0])
    for who in (None, outsider, world.area.chair):
        if who is not None:
            client.force_login(who)
        for url in (
            world.refuge.get_absolute_url(),
            f"/funds/{world.area.fund.slug}/grants/",
        ):
            html = _page(client, url)
            assert WITHHELD in html
            for secret in SECRETS:
                assert secret not in html, (who, url, secret)
    html = _page(client, world.refuge.get_absolute_url())
    assert "£1,000" in html  # the money is still shown
    assert "A grant to a community project" in html


def test_a_member_of_the_safeguarded_initiative_sees_who_it_went_to(
    client: Client, world: GivingWorld
) -> None:
    initiative = Initiative.objects.get(slug=SECRET_SLUG)
    member = make_resident(ward=world.area.wards[0])
    Membership.objects.create(
        initiative=initiative,
        user=member,
        role=MemberRole.MEMBER,
        status=MembershipStatus.APPROVED,
    )
    client.force_login(member)
    html = _page(client, world.refuge.get_absolute_url())
    assert SECRET_TITLE in html
    assert WITHHELD not in html
    html = _page(client, f"/funds/{world.area.fund.slug}/grants/")
    assert SECRET_TITLE in html


def test_a_grant_from_a_pb_round(client: Client, world: GivingWorld) -> None:
    grant = pb_grant(world.area)
    html = _page(client, grant.get_absolute_url())
    assert "Benches by the canal" in html
    assert "A project chosen by residents" in html
    assert "participatory budgeting round “Spring vote”" in html
    assert "Benches by the canal" in _page(client, f"/funds/{world.area.fund.slug}/grants/")


def test_missing_grants_and_funds_are_404(client: Client, world: GivingWorld) -> None:
    assert client.get("/funds/grants/999999/").status_code == 404
    assert client.get("/funds/grants/abc/").status_code == 404
    assert client.get("/funds/no-such-fund/grants/").status_code == 404


def test_the_grants_list_pages_and_links_the_downloads(client: Client, world: GivingWorld) -> None:
    fund = world.area.fund
    for n in range(GRANTS_PER_PAGE):
        make_grant(world.area, 10_00, title=f"Small grant {n:02d}")
    html = _page(client, f"/funds/{fund.slug}/grants/")
    assert f"{GRANTS_PER_PAGE + 5} grants" in html
    assert html.count('<tr class="govuk-table__row">') == GRANTS_PER_PAGE + 1  # and the header
    assert f"/funds/{fund.slug}/grants.json" in html
    assert f"/funds/{fund.slug}/grants.csv" in html
    assert f"/funds/{fund.slug}/report/" in html
    assert f'href="{fund.get_absolute_url()}" class="govuk-back-link"' in html
    assert 'rel="next"' in html
    second = _page(client, f"/funds/{fund.slug}/grants/?page=2")
    assert second.count('<tr class="govuk-table__row">') == 5 + 1
    assert "Pocket park" in second  # the oldest grants come last
    # A page past the end or not a number shows the nearest page, never an error.
    assert "Pocket park" in _page(client, f"/funds/{fund.slug}/grants/?page=99")
    assert _page(client, f"/funds/{fund.slug}/grants/?page=x")


def test_a_fund_without_grants(client: Client, world: GivingWorld) -> None:
    area = make_area()
    html = _page(client, f"/funds/{area.fund.slug}/grants/")
    assert "This fund has not made any grants yet." in html


def test_pages_cost_the_same_queries_for_more_grants(
    client: Client, world: GivingWorld, django_assert_max_num_queries: Any
) -> None:
    decide(world.park, world.area)
    viewer = make_resident(ward=world.area.wards[0])
    client.force_login(viewer)
    grant_url = world.park.get_absolute_url()
    list_url = f"/funds/{world.area.fund.slug}/grants/"
    refuge_url = world.refuge.get_absolute_url()
    with django_assert_max_num_queries(20) as grant_before:
        client.get(grant_url)
    with django_assert_max_num_queries(20) as list_before:
        client.get(list_url)
    with django_assert_max_num_queries(20) as refuge_before:
        client.get(refuge_url)
    for n in range(GRANTS_PER_PAGE):
        grant = make_grant(world.area, 10_00, title=f"Small grant {n:02d}")
        ledger.pay(grant, 5_00, actor=None)
    for _ in range(5):
        ledger.pay(world.park, 1_00, actor=None)
    with django_assert_max_num_queries(len(grant_before.captured_queries)):
        client.get(grant_url)
    with django_assert_max_num_queries(len(list_before.captured_queries)):
        client.get(list_url)
    with django_assert_max_num_queries(len(refuge_before.captured_queries)):
        client.get(refuge_url)
