"""The ward page: the ward, its council, its councillors and what they can do for you."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.places.models import Councillor, Ward
from grassroots.places.tests.factories import (
    CouncilFactory,
    CouncillorFactory,
    CouncillorTermFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

RETIRED = datetime.datetime(2022, 5, 1, tzinfo=datetime.UTC)


@pytest.fixture
def ward() -> Ward:
    council = CouncilFactory(
        name="Medchester", slug="medchester", website="https://medchester.example"
    )
    return WardFactory(council=council, name="Riverside", slug="riverside", gss_code="E05000123")


def page(client: Client, ward: Ward) -> Any:
    return client.get(ward.get_absolute_url())


def councillor_names(content: bytes) -> list[str]:
    match = re.search(rb'<ul class="govuk-list gr-councillor-list">(.*?)</ul>', content, re.S)
    if match is None:
        return []
    return [
        m.decode() for m in re.findall(rb'href="/councillors/[^"]+/">([^<]+)</a>', match.group(1))
    ]


def test_it_names_the_ward_and_links_its_council(client: Client, ward: Ward) -> None:
    response = page(client, ward)
    assert response.status_code == 200
    assert re.search(rb"<h1[^>]*>.*Riverside</h1>", response.content, re.S)
    assert b'href="/councils/medchester/"' in response.content
    assert b"Ward code E05000123" in response.content


def test_it_lists_the_sitting_councillors_with_links(client: Client, ward: Ward) -> None:
    today = timezone.localdate()
    CouncillorTermFactory(
        ward=ward, councillor=CouncillorFactory(name="Bea Brown", slug="bea", party="Green")
    )
    CouncillorTermFactory(ward=ward, councillor=CouncillorFactory(name="Al Adams", slug="al"))
    # Not sitting: a term that has ended and one that has not started.
    CouncillorTermFactory(
        ward=ward,
        councillor=CouncillorFactory(name="Old Member"),
        starts_on=datetime.date(2010, 5, 6),
        ends_on=datetime.date(2014, 5, 1),
    )
    CouncillorTermFactory(
        ward=ward,
        councillor=CouncillorFactory(name="Next Member"),
        starts_on=today + datetime.timedelta(days=30),
    )
    response = page(client, ward)
    assert councillor_names(response.content) == ["Al Adams", "Bea Brown"]
    assert b'href="/councillors/bea/"' in response.content
    assert b"Green" in response.content
    assert b"Your councillors" in response.content
    assert b"Councillor since 2 May 2024" in response.content


def test_a_councillor_with_two_current_terms_is_listed_once(client: Client, ward: Ward) -> None:
    member = CouncillorFactory(name="Twice Elected")
    CouncillorTermFactory(ward=ward, councillor=member, starts_on=datetime.date(2020, 5, 7))
    CouncillorTermFactory(ward=ward, councillor=member, starts_on=datetime.date(2024, 5, 2))
    assert councillor_names(page(client, ward).content) == ["Twice Elected"]


def test_a_ward_without_councillors_says_so(client: Client, ward: Ward) -> None:
    response = page(client, ward)
    assert councillor_names(response.content) == []
    assert b"We do not have details of this ward's councillors yet." in response.content


def test_it_explains_what_a_councillor_can_do_and_that_they_are_not_staff(
    client: Client, ward: Ward
) -> None:
    text = page(client, ward).content.decode()
    section = text[text.index("What your councillor can do for you") :]
    for kind in (
        "Facilitate conversations",
        "Connect you with people and resources",
        "Advocate for you inside the council",
    ):
        assert kind in section
    assert "Councillors are not council staff." in section
    # Problems such as potholes go to the council itself.
    assert 'href="https://medchester.example"' in section


def test_it_draws_the_ward_boundary(client: Client, ward: Ward) -> None:
    response = page(client, ward)
    svg = re.search(rb"<svg[^>]*>.*?</svg>", response.content, re.S)
    assert svg is not None
    assert b'role="img"' in svg.group(0)
    assert b"Outline of the boundary of Riverside ward" in svg.group(0)
    assert b"<path" in svg.group(0)


def test_a_ward_without_a_boundary_says_so(client: Client) -> None:
    ward = WardFactory(geometry=None)
    response = page(client, ward)
    assert response.status_code == 200
    assert b"<svg" not in response.content
    assert b"We do not have a boundary for this ward yet." in response.content


def test_a_retired_ward_is_not_found(client: Client) -> None:
    retired = WardFactory(retired_at=RETIRED)
    url = reverse("places:ward", kwargs={"council": retired.council.slug, "slug": retired.slug})
    assert client.get(url).status_code == 404


def test_the_current_ward_is_shown_where_a_retired_one_shared_its_name(client: Client) -> None:
    council = CouncilFactory()
    WardFactory(council=council, slug="harbour", name="Harbour (old)", retired_at=RETIRED)
    current = WardFactory(council=council, slug="harbour", name="Harbour")
    response = page(client, current)
    assert response.status_code == 200
    assert b"Harbour (old)" not in response.content


@pytest.mark.parametrize(
    ("council_slug", "ward_slug"), [("nowhere", "riverside"), ("medchester", "nowhere")]
)
def test_unknown_slugs_are_not_found(
    client: Client, ward: Ward, council_slug: str, ward_slug: str
) -> None:
    url = reverse("places:ward", kwargs={"council": council_slug, "slug": ward_slug})
    assert client.get(url).status_code == 404


def test_a_ward_is_only_found_under_its_own_council(client: Client, ward: Ward) -> None:
    other = CouncilFactory(slug="elsewhere")
    url = reverse("places:ward", kwargs={"council": other.slug, "slug": ward.slug})
    assert client.get(url).status_code == 404


def test_a_ward_with_five_councillors_costs_a_bounded_number_of_queries(
    client: Client, ward: Ward, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        CouncillorTermFactory(ward=ward)
    # 2 for the ward and its councillors, 3 for initiatives, open needs and help requests,
    # 1 for the ward's conversations, 1 for its resident groups, 1 for its priority exercises,
    # 1 for its opinion maps.
    with django_assert_max_num_queries(9):
        response = page(client, ward)
    assert len(councillor_names(response.content)) == 5


def test_councillors_who_use_the_site_are_marked(client: Client, ward: Ward) -> None:
    users = get_user_model().objects
    CouncillorFactory(name="Ada On", user=users.create_user(email="ada@example.org"))
    away = CouncillorFactory(name="Bo Away", user=users.create_user(email="bo@example.org"))
    away.user.is_active = False
    away.user.save()
    CouncillorFactory(name="Cy Offline")
    for councillor in Councillor.objects.all():
        CouncillorTermFactory(councillor=councillor, ward=ward)
    text = page(client, ward).content.decode()
    items = {
        name: item
        for item in re.findall(r"<li class=\"govuk-!-margin-bottom-4\">(.*?)</li>", text, re.S)
        for name in ("Ada On", "Bo Away", "Cy Offline")
        if name in item
    }
    assert "Uses Grassroots" in items["Ada On"]
    assert "Uses Grassroots" not in items["Bo Away"]  # an account that was closed
    assert "Uses Grassroots" not in items["Cy Offline"]
    assert "Contact the others by email or phone from their page." in text


def test_when_every_councillor_uses_the_site_nobody_is_sent_elsewhere(
    client: Client, ward: Ward
) -> None:
    user = get_user_model().objects.create_user(email="ada@example.org")
    CouncillorTermFactory(councillor__user=user, ward=ward)
    text = page(client, ward).content.decode()
    assert "Uses Grassroots" in text
    assert "Contact the others" not in text
