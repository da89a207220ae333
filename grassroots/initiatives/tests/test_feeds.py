"""Atom feeds of public activity: new initiatives, and stage changes in a ward (the ward's feed
is the following app's; the address this app used to serve for it redirects there)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from grassroots.initiatives.models import Stage, StageChange, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entry_titles(response: Any) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    return [e.findtext(f"{ATOM}title") or "" for e in root.iter(f"{ATOM}entry")]


def ward_feed_url(ward: Any) -> str:
    return f"/following/feeds/ward/{ward.council.slug}/{ward.slug}.atom"


def old_ward_feed_url(ward: Any) -> str:
    return f"/initiatives/feed/ward/{ward.council.slug}/{ward.slug}.atom"


def test_the_new_initiatives_feed_lists_public_ones(client: Client) -> None:
    InitiativeFactory(title="Repair café")
    assert entry_titles(client.get("/initiatives/feed.atom")) == ["Repair café"]


def test_a_ward_feed_has_new_initiatives_and_stage_changes(client: Client) -> None:
    ward = WardFactory(name="Hillside")
    initiative = InitiativeFactory(title="Hillside orchard", wards=[ward])
    StageChange.objects.create(
        initiative=initiative,
        from_stage=Stage.IDEA,
        to_stage=Stage.PLANNING,
        changed_by=initiative.created_by,
        note="We have a site",
    )
    InitiativeFactory(title="Elsewhere")
    titles = entry_titles(client.get(ward_feed_url(ward)))
    assert titles == [
        "Hillside orchard is now at the stage: Planning",
        "New initiative: Hillside orchard",
    ]


def test_feeds_never_carry_safeguarded_content_even_for_its_members(client: Client) -> None:
    ward = WardFactory()
    hidden = InitiativeFactory(
        title="Survivors' circle", wards=[ward], visibility=Visibility.SAFEGUARDED
    )
    StageChange.objects.create(
        initiative=hidden,
        from_stage=Stage.IDEA,
        to_stage=Stage.IN_ACTION,
        changed_by=hidden.created_by,
    )
    client.force_login(MembershipFactory(initiative=hidden).user)
    for url in ("/initiatives/feed.atom", ward_feed_url(ward)):
        response = client.get(url)
        assert entry_titles(response) == []
        assert "Survivors" not in response.content.decode()


def test_an_unknown_ward_feed_is_not_found(client: Client) -> None:
    response = client.get("/initiatives/feed/ward/nowhere/nothing.atom", follow=True)
    assert response.status_code == 404


def test_the_old_ward_feed_address_redirects_for_good_to_the_ward_feed(client: Client) -> None:
    ward = WardFactory(name="Hillside")
    InitiativeFactory(title="Hillside orchard", wards=[ward])
    response = client.get(old_ward_feed_url(ward))
    assert response.status_code == 301
    assert response["Location"] == ward_feed_url(ward)
    assert entry_titles(client.get(response["Location"])) == ["New initiative: Hillside orchard"]


def test_a_feed_runs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    ward = WardFactory()
    for n in range(20):
        initiative = InitiativeFactory(wards=[ward], title=f"Initiative {n}")
        StageChange.objects.create(
            initiative=initiative,
            from_stage=Stage.IDEA,
            to_stage=Stage.PLANNING,
            changed_by=initiative.created_by,
        )
    # The ward feed (the following app's) reads the ward, then each kind of activity once:
    # new initiatives, progress, changes of stage, conversations and events.
    with django_assert_max_num_queries(6):
        assert len(entry_titles(client.get(ward_feed_url(ward)))) == 40
