"""The councillor page: name, party, wards and terms, contact, an optional photo.

Its surgeries come from the events app: events/tests/test_councillor_surgeries.py."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grassroots.places.models import Councillor
from grassroots.places.tests.factories import (
    CouncilFactory,
    CouncillorFactory,
    CouncillorTermFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

RETIRED = datetime.datetime(2022, 5, 1, tzinfo=datetime.UTC)
# The smallest valid GIF: enough for an ImageField.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@pytest.fixture
def councillor() -> Councillor:
    council = CouncilFactory(name="Medchester", slug="medchester")
    member = CouncillorFactory(
        name="Sam Patel",
        slug="sam-patel",
        party="Labour",
        email="sam.patel@medchester.example",
        phone="01234 567890",
    )
    CouncillorTermFactory(
        councillor=member,
        ward=WardFactory(council=council, name="Riverside", slug="riverside"),
        starts_on=datetime.date(2022, 5, 5),
    )
    CouncillorTermFactory(
        councillor=member,
        ward=WardFactory(council=council, name="Abbey", slug="abbey"),
        starts_on=datetime.date(2014, 5, 22),
        ends_on=datetime.date(2018, 5, 2),
    )
    return member


def page(client: Client, councillor: Councillor) -> Any:
    return client.get(councillor.get_absolute_url())


def summary(content: bytes) -> dict[str, str]:
    """The summary list as {key: value text}."""
    rows = re.findall(
        rb'<dt class="govuk-summary-list__key">(.*?)</dt>\s*'
        rb'<dd class="govuk-summary-list__value">(.*?)</dd>',
        content,
        re.S,
    )
    return {
        k.decode().strip(): " ".join(re.sub(rb"<[^>]+>", b" ", v).decode().split()) for k, v in rows
    }


def test_it_shows_name_party_wards_terms_and_contact(
    client: Client, councillor: Councillor
) -> None:
    response = page(client, councillor)
    assert response.status_code == 200
    assert re.search(rb"<h1[^>]*>.*Sam Patel</h1>", response.content, re.S)
    rows = summary(response.content)
    assert rows["Party"] == "Labour"
    assert rows["Ward"] == "Riverside , Medchester Term from 5 May 2022"
    assert "sam.patel@medchester.example" in rows["Contact"]
    assert "01234 567890" in rows["Contact"]
    assert b'href="/councils/medchester/wards/riverside/"' in response.content
    assert b'href="mailto:sam.patel@medchester.example"' in response.content
    assert b'href="tel:01234567890"' in response.content


def test_past_terms_are_listed_with_their_dates(client: Client, councillor: Councillor) -> None:
    text = page(client, councillor).content.decode()
    past = text[text.index("Past terms") :]
    assert 'href="/councils/medchester/wards/abbey/"' in past
    assert "22 May 2014" in past
    assert "2 May 2018" in past


def test_a_term_in_a_retired_ward_is_shown_without_a_broken_link(client: Client) -> None:
    member = CouncillorFactory()
    gone = WardFactory(name="Old Quay", slug="old-quay", retired_at=RETIRED)
    CouncillorTermFactory(
        councillor=member,
        ward=gone,
        starts_on=datetime.date(2015, 5, 7),
        ends_on=datetime.date(2019, 5, 2),
    )
    response = page(client, member)
    assert b"Old Quay" in response.content
    assert b"ward no longer exists" in response.content
    assert b"/wards/old-quay/" not in response.content
    assert "Not a councillor for any ward at the moment." in summary(response.content)["Wards"]


def test_it_explains_what_a_councillor_can_do(client: Client, councillor: Councillor) -> None:
    text = page(client, councillor).content.decode()
    assert "What your councillor can do for you" in text
    assert "Councillors are not council staff." in text


def test_without_a_photo_there_is_no_image(client: Client, councillor: Councillor) -> None:
    assert b"<img" not in page(client, councillor).content


def test_a_photo_is_shown_with_its_description(
    client: Client, councillor: Councillor, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    councillor.photo = SimpleUploadedFile("sam.gif", GIF, content_type="image/gif")
    councillor.photo_alt = "Sam Patel smiling, outside the town hall"
    councillor.save()
    img = re.search(rb"<img [^>]*>", page(client, councillor).content)
    assert img is not None
    assert b'alt="Sam Patel smiling, outside the town hall"' in img.group(0)
    # Served by the councillor's own address (no public path), cleaned: a PNG, measured.
    assert b'src="/councillors/sam-patel/photo" width="1" height="1"' in img.group(0)
    photo = client.get("/councillors/sam-patel/photo")
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert "public" in photo["Cache-Control"]
    assert "sam" not in (Councillor.objects.get().photo.name or "")


def test_an_unknown_councillor_has_no_photo(client: Client, councillor: Councillor) -> None:
    assert client.get("/councillors/sam-patel/photo").status_code == 404
    assert client.get("/councillors/nobody/photo").status_code == 404


def test_a_photo_without_a_description_gets_one(
    client: Client, councillor: Councillor, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    councillor.photo = SimpleUploadedFile("sam.gif", GIF, content_type="image/gif")
    councillor.save()
    img = re.search(rb"<img [^>]*>", page(client, councillor).content)
    assert img is not None
    assert b'alt="Photo of Sam Patel"' in img.group(0)


def test_missing_details_are_explained_not_left_blank(client: Client) -> None:
    member = CouncillorFactory(party="", email="", phone="")
    content = page(client, member).content
    rows = summary(content)
    assert rows["Party"] == "Not stated"
    assert rows["Contact"].startswith("No public contact details yet.")
    assert b"No surgeries coming up. Contact the councillor to arrange a meeting." in content


def test_text_the_councillor_wrote_is_escaped(client: Client) -> None:
    member = CouncillorFactory(party="<script>alert(1)</script>", biography="<b>bold</b>")
    content = page(client, member).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;" in content
    assert b"<b>bold</b>" not in content


def test_an_unknown_councillor_is_not_found(client: Client) -> None:
    assert client.get(reverse("places:councillor", kwargs={"slug": "nobody"})).status_code == 404


def test_a_councillor_with_six_terms_costs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    member = CouncillorFactory()
    for year in range(2000, 2024, 4):
        CouncillorTermFactory(
            councillor=member,
            ward=WardFactory(council=CouncilFactory()),
            starts_on=datetime.date(year, 5, 1),
            ends_on=None if year == 2020 else datetime.date(year + 4, 4, 30),
        )
    # 2 for the councillor and terms, 4 for the record of support (see support selectors),
    # 1 for the coming surgeries (events selectors).
    with django_assert_max_num_queries(7):
        response = page(client, member)
    assert response.content.count(b'href="/councils/') >= 6
