"""Needs meet offers through the pages: forms and their bad input, contact details only after
both say yes, safeguarded initiatives, the leads' matches, and bounded query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.directory import selectors_offers as selectors
from grassroots.directory import services_offers as services
from grassroots.directory.models_offers import Introduction, Offer, OfferKind, OfferStatus
from grassroots.directory.tests.factories_offers import (
    HERE,
    OfferFactory,
    OffersWorld,
    offers_world,
)
from grassroots.initiatives.tests.factories import NeedFactory
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> OffersWorld:
    return offers_world()


GOOD = {
    "kind": "skill",
    "title": "First aid trainer",
    "description": "I can run a first aid session for volunteers.",
    "tags": "first aid, training",
    "days": ["5"],
    "parts_of_day": ["morning"],
    "when_text": "",
    "postcode": "gr1 1aa",
    "travel_miles": "5",
}


def test_a_resident_offers_help_and_sees_it_in_their_offers(
    client: Client, world: OffersWorld
) -> None:
    client.force_login(world.other)
    assert client.get("/offers/new/").status_code == 200
    response = client.post("/offers/new/", GOOD)
    offer = Offer.objects.get(owner=world.other)
    assert response.status_code == 302
    assert response["Location"] == offer.get_absolute_url()
    assert (offer.postcode, offer.latitude, offer.area_name) == ("GR1 1AA", HERE[0], "GR1")
    assert offer.days == [5]
    assert offer.parts_of_day == ["morning"]
    page = client.get("/offers/mine/").content.decode()
    assert "First aid trainer" in page
    detail = client.get(offer.get_absolute_url()).content.decode()
    assert "Saturday" in detail
    assert "GR1 1AA" not in detail


BAD: list[tuple[dict[str, Any], str]] = [
    ({"kind": ""}, "Choose what you offer"),
    ({"kind": "money"}, "Choose what you offer"),
    ({"title": ""}, "Enter a title for your offer"),
    ({"title": "x" * 121}, "The title must be 120 characters or fewer"),
    ({"description": ""}, "Describe your offer"),
    ({"description": "x" * 2001}, "The description must be 2,000 characters or fewer"),
    ({"tags": "x" * 301}, "The key words must be 300 characters or fewer"),
    ({"days": ["9"]}, "Choose days from the list"),
    ({"parts_of_day": ["midnight"]}, "Choose times of day from the list"),
    ({"when_text": "x" * 201}, "When must be 200 characters or fewer"),
    ({"postcode": ""}, "Enter a postcode"),
    ({"postcode": "not a postcode"}, "Enter a real postcode"),
    ({"postcode": "ZZ9 9ZZ"}, "We could not find the postcode ZZ9 9ZZ"),
    ({"travel_miles": ""}, "Enter how far you will travel, in miles"),
    ({"travel_miles": "three"}, "How far you will travel must be a whole number"),
    ({"travel_miles": "-1"}, "How far you will travel must be 0 or more"),
    ({"travel_miles": "51"}, "How far you will travel must be 50 miles or fewer"),
    ({"title": "Tools\x07"}, "Remove the control characters"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_to_the_offer_form_says_what_is_wrong_and_saves_nothing(
    client: Client, world: OffersWorld, change: dict[str, Any], message: str
) -> None:
    client.force_login(world.other)
    response = client.post("/offers/new/", {**GOOD, **change})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page.replace("&#x27;", "'")
    assert not Offer.objects.filter(owner=world.other).exists()


@pytest.mark.parametrize(
    ("change", "message"), [*BAD[:3], ({"status": "closed"}, "open or paused")]
)
def test_bad_input_to_the_edit_form_changes_nothing(
    client: Client, world: OffersWorld, change: dict[str, Any], message: str
) -> None:
    client.force_login(world.offerer)
    response = client.post(f"/offers/{world.offer.pk}/edit/", {**GOOD, "status": "open", **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    world.offer.refresh_from_db()
    assert world.offer.title == "Garden tools to lend"


def test_bad_input_to_the_introduction_form_sends_nothing(
    client: Client, world: OffersWorld
) -> None:
    client.force_login(world.lead)
    url = f"/offers/{world.offer.pk}/introduce/{world.need.pk}/"
    assert client.get(url).status_code == 200
    for message, error in [
        ("x" * 1001, "The message must be 1,000 characters or fewer"),
        ("Hello\x07", "Remove the control characters"),
    ]:
        response = client.post(url, {"message": message})
        assert response.status_code == 200
        assert error in response.content.decode()
    assert not Introduction.objects.exists()
    # A second introduction for the same pair is refused beside the form.
    assert client.post(url, {"message": "Hello"}).status_code == 302
    response = client.post(url, {"message": "Again"})
    assert "already asked" in response.content.decode()
    assert Introduction.objects.count() == 1


def test_contact_details_are_shown_only_once_the_offerer_accepts(
    client: Client, world: OffersWorld
) -> None:
    introduction = services.introduction_send(
        actor=world.lead, need=world.need, offer=world.offer, message="Spades, please"
    )
    url = introduction.get_absolute_url()
    for person in (world.lead, world.offerer):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "lena@example.org" not in page
        assert "omar@example.org" not in page
        assert "contact-details" not in page
    for page_url in (
        "/offers/",
        world.offer.get_absolute_url(),
        world.initiative.get_absolute_url(),
    ):
        client.force_login(world.lead)
        assert "omar@example.org" not in client.get(page_url).content.decode()
    client.force_login(world.offerer)
    client.post(f"/offers/introductions/{introduction.pk}/accept/")
    for person in (world.lead, world.offerer):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "lena@example.org" in page
        assert "omar@example.org" in page
    # Nobody else sees the introduction at all.
    for person in (world.member, world.other):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_declined_introduction_shares_nothing(client: Client, world: OffersWorld) -> None:
    introduction = services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    services.introduction_answer(actor=world.offerer, introduction=introduction, accept=False)
    client.force_login(world.lead)
    page = client.get(introduction.get_absolute_url()).content.decode()
    assert "omar@example.org" not in page
    assert "Declined" in page


def test_an_offerer_learns_nothing_about_a_safeguarded_initiative(client: Client) -> None:
    world = offers_world(safeguarded=True)
    client.force_login(world.lead)
    page = client.get(world.initiative.get_absolute_url()).content.decode()
    assert "Garden tools to lend" in page  # the leads see matches from the ward's centre
    assert (
        "never the initiative"
        in client.get(f"/offers/{world.offer.pk}/introduce/{world.need.pk}/").content.decode()
    )
    introduction = services.introduction_send(
        actor=world.lead, need=world.need, offer=world.offer, message="Could you help us?"
    )
    note = Notification.objects.get(recipient=world.offerer)
    assert "Secret refuge" not in note.text
    assert "private local group" in note.text
    assert note.initiative_id is None
    client.force_login(world.offerer)
    for url in (introduction.get_absolute_url(), "/offers/mine/", "/notifications/"):
        page = client.get(url).content.decode()
        assert "Secret refuge" not in page, url
        assert world.initiative.slug not in page, url
        assert "Spades and gloves for the dig" not in page, url
    client.post(f"/offers/introductions/{introduction.pk}/accept/")
    page = client.get(introduction.get_absolute_url()).content.decode()
    assert "lena@example.org" in page  # the lead chose to share their own details
    assert "Secret refuge" not in page
    assert world.initiative.slug not in page
    assert client.get(world.initiative.get_absolute_url()).status_code == 404


def test_matches_are_for_the_leads_only(client: Client, world: OffersWorld) -> None:
    for person, shown in [
        (world.lead, True),
        (world.member, False),
        (world.offerer, False),
        (world.other, False),
    ]:
        client.force_login(person)
        page = client.get(world.initiative.get_absolute_url()).content.decode()
        assert ("offers-for-needs" in page) is shown
    client.logout()
    assert (
        "offers-for-needs" not in client.get(world.initiative.get_absolute_url()).content.decode()
    )


def test_the_offers_pages_are_for_people_signed_in(client: Client, world: OffersWorld) -> None:
    for url in ("/offers/", "/offers/mine/", "/offers/new/", world.offer.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_paused_offer_is_seen_only_by_its_offerer(client: Client, world: OffersWorld) -> None:
    world.offer.status = OfferStatus.PAUSED
    world.offer.save()
    client.force_login(world.other)
    assert client.get(world.offer.get_absolute_url()).status_code == 404
    assert "Garden tools to lend" not in client.get("/offers/").content.decode()
    client.force_login(world.offerer)
    assert client.get(world.offer.get_absolute_url()).status_code == 200


def test_matches_are_ranked_by_fit_then_distance(world: OffersWorld) -> None:
    far = OfferFactory(title="Far tools", latitude=HERE[0] + 0.03, travel_miles=5)
    untagged = OfferFactory(title="Odd tools", tags="ladders")
    OfferFactory(title="Too far", latitude=HERE[0] + 0.5, travel_miles=3)
    OfferFactory(title="A hall", kind=OfferKind.SPACE, tags="hall")
    OfferFactory(title="Paused", status=OfferStatus.PAUSED)
    results = selectors.need_matches(world.lead, world.initiative)
    titles = [m.offer.title for m in results[0].matches]
    assert titles == ["Garden tools to lend", far.title, untagged.title]
    assert results[0].matches[0].score > results[0].matches[2].score


def test_a_need_reads_its_days_and_times_from_its_words() -> None:
    assert selectors.slots_in_words("Saturday mornings") == frozenset({(5, "morning")})
    assert selectors.slots_in_words("weekend evenings") == frozenset(
        {(5, "evening"), (6, "evening")}
    )
    assert selectors.slots_in_words("whenever suits") is None
    assert len(selectors.slots_in_words("Tuesdays") or ()) == 3


def test_lists_and_the_initiative_page_take_a_bounded_number_of_queries(
    client: Client, world: OffersWorld, django_assert_max_num_queries: Any
) -> None:
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(world.lead)
    services.introduction_send(actor=world.lead, need=world.need, offer=world.offer)
    urls = ["/offers/", "/offers/mine/", world.initiative.get_absolute_url()]
    before = {url: count(url) for url in urls}
    for n in range(60):
        owner = UserFactory()
        offer = OfferFactory(owner=owner, latitude=HERE[0] + n * 0.0005)
        need = NeedFactory(initiative=world.initiative, description=f"Spades {n}")
        services.introduction_send(actor=world.lead, need=need, offer=offer)
    for url in urls:
        assert count(url) <= before[url], url
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(27):
        client.get(world.initiative.get_absolute_url())
    client.force_login(world.offerer)
    with django_assert_max_num_queries(12):
        client.get("/offers/mine/")
