"""Starting an initiative: the creator leads it, councillors never lead in their own wards."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory, make_councillor
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Stage,
    StageChange,
    Visibility,
)
from grassroots.initiatives.services import lifecycle
from grassroots.places.models import Ward
from grassroots.places.tests.factories import PostcodeFactory, WardFactory
from grassroots.testing.people import with_totp

pytestmark = pytest.mark.django_db

URL = "/initiatives/create/"


@pytest.fixture
def ward() -> Ward:
    return WardFactory(name="Riverside")


@pytest.fixture
def neighbour(ward: Ward) -> Ward:
    return WardFactory(name="Abbey", council=ward.council)


@pytest.fixture
def resident(client: Client, ward: Ward) -> User:
    user = UserFactory(display_name="Sam", ward=ward)
    client.force_login(user)
    return user


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Brook Street garden",
        "problem": "The corner plot is full of rubbish.",
        "change_wanted": "A garden neighbours look after together.",
        "who_for": "Everyone on the street.",
        "theme": "green_spaces",
        "area_description": "Brook Street and the alleys behind it",
        "place": "",
        "latitude": "",
        "longitude": "",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_it_asks_for_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_form_offers_your_councils_wards_with_yours_ticked(
    client: Client, resident: User, ward: Ward, neighbour: Ward
) -> None:
    WardFactory(name="Elsewhere")  # another council's ward is not offered
    body = client.get(URL).content.decode()
    assert "Riverside" in body
    assert "Abbey" in body
    assert "Elsewhere" not in body
    assert re.search(rf'value="{ward.pk}"\s+checked', body)
    assert "Safeguarded: only its members" in body


def test_a_resident_starts_an_initiative_and_leads_it(
    client: Client, resident: User, ward: Ward, neighbour: Ward
) -> None:
    response = client.post(URL, _form(wards=[ward.pk, neighbour.pk]))

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/initiatives/brook-street-garden/"
    assert set(initiative.wards.all()) == {ward, neighbour}
    assert initiative.stage == Stage.IDEA
    assert initiative.created_by == resident
    membership = Membership.objects.get(initiative=initiative)
    assert (membership.user, membership.role, membership.status) == (
        resident,
        MemberRole.LEAD,
        MembershipStatus.APPROVED,
    )
    assert StageChange.objects.get(initiative=initiative).to_stage == Stage.IDEA
    assert AuditEntry.objects.filter(action="initiative.create", object_id=str(initiative.pk))
    page = client.get(response["Location"]).content.decode()
    assert "Your initiative has been started" in page
    assert "Brook Street garden" in page


def test_slugs_are_unique_and_never_a_page_name(client: Client, resident: User, ward: Ward) -> None:
    client.post(URL, _form(wards=[ward.pk]))
    client.post(URL, _form(wards=[ward.pk]))
    client.post(URL, _form(title="Map", wards=[ward.pk]))
    assert sorted(Initiative.objects.values_list("slug", flat=True)) == [
        "brook-street-garden",
        "brook-street-garden-2",
        "map-initiative",
    ]


def test_a_postcode_finds_the_ward_and_the_map_point(client: Client, ward: Ward) -> None:
    user = UserFactory()  # no ward of their own: no list of wards to tick
    client.force_login(user)
    PostcodeFactory(postcode="GR1 1AA", ward_code=ward.gss_code, latitude=52.01, longitude=-0.99)
    assert "Enter a postcode in the area" in client.get(URL).content.decode()

    response = client.post(URL, _form(place="gr11aa"))

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert list(initiative.wards.all()) == [ward]
    assert (initiative.latitude, initiative.longitude) == (52.01, -0.99)
    assert initiative.location_text == "GR1 1AA"


def test_a_map_point_finds_the_ward(client: Client, ward: Ward) -> None:
    client.force_login(UserFactory())
    assert ward.min_lon is not None
    assert ward.max_lon is not None
    assert ward.min_lat is not None
    assert ward.max_lat is not None
    lon = (ward.min_lon + ward.max_lon) / 2
    lat = (ward.min_lat + ward.max_lat) / 2
    response = client.post(URL, _form(latitude=str(lat), longitude=str(lon), place="The park"))
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert list(initiative.wards.all()) == [ward]
    assert initiative.location_text == "The park"


def test_a_safeguarded_initiative_is_hidden_from_outsiders(
    client: Client, resident: User, ward: Ward
) -> None:
    client.post(URL, _form(wards=[ward.pk], visibility="safeguarded"))
    initiative = Initiative.objects.get()
    assert initiative.visibility == Visibility.SAFEGUARDED
    assert client.get(initiative.get_absolute_url()).status_code == 200
    assert Client().get(initiative.get_absolute_url()).status_code == 404


def test_a_councillor_cannot_lead_an_initiative_in_their_own_ward(
    client: Client, ward: Ward, neighbour: Ward, mfa_totp: Any
) -> None:
    councillor = make_councillor(UserFactory(ward=ward), ward=ward)
    mfa_totp(councillor)
    client.force_login(councillor)

    response = client.post(URL, _form(wards=[neighbour.pk, ward.pk]))

    assert response.status_code == 200
    assert "A councillor cannot lead an initiative in a ward they represent" in (
        response.content.decode()
    )
    assert not Initiative.objects.exists()
    # Another ward is fine: councillors may be residents elsewhere.
    assert client.post(URL, _form(wards=[neighbour.pk])).status_code == 302


def test_the_service_refuses_a_councillor_lead_too() -> None:
    ward = WardFactory()
    councillor = with_totp(make_councillor(ward=ward))
    with pytest.raises(ServiceError, match="cannot lead"):
        lifecycle.initiative_create(
            creator=councillor,
            title="Mine",
            problem="p",
            change_wanted="c",
            who_for="w",
            theme="other",
            wards=[ward],
        )


BAD_INPUT = [
    pytest.param({"title": ""}, "title", "Enter a title", id="no title"),
    pytest.param({"title": "   "}, "title", "Enter a title", id="blank title"),
    pytest.param(
        {"title": "x" * 151}, "title", "Title must be 150 characters or fewer", id="long title"
    ),
    pytest.param({"problem": ""}, "problem", "Describe the problem", id="no problem"),
    pytest.param(
        {"problem": "x" * 5001},
        "problem",
        "The problem must be 5,000 characters or fewer",
        id="long problem",
    ),
    pytest.param(
        {"change_wanted": ""}, "change_wanted", "Describe what you want to change", id="no change"
    ),
    pytest.param({"who_for": ""}, "who_for", "Say who it is for", id="no who for"),
    pytest.param({"theme": ""}, "theme", "Choose a theme", id="no theme"),
    pytest.param({"theme": "knitting"}, "theme", "Choose a theme", id="made-up theme"),
    pytest.param({"wards": []}, "wards", "Choose at least one ward", id="no ward"),
    pytest.param({"wards": ["999999"]}, "wards", "Choose wards from the list", id="unknown ward"),
    pytest.param({"wards": ["abc"]}, "wards", "Choose wards from the list", id="ward not a number"),
    pytest.param(
        {"visibility": "secret"}, "visibility", "Choose who can see it", id="made-up visibility"
    ),
    pytest.param(
        {"latitude": "north"}, "latitude", "Enter the latitude as a number", id="latitude words"
    ),
    pytest.param(
        {"latitude": "40", "longitude": "-1"},
        "latitude",
        "Latitude must be between 49 and 61",
        id="latitude outside Britain",
    ),
    pytest.param(
        {"latitude": "52", "longitude": "10"},
        "longitude",
        "Longitude must be between -9 and 2.5",
        id="longitude outside Britain",
    ),
    pytest.param(
        {"latitude": "52"}, "longitude", "Enter both the latitude and the longitude", id="half"
    ),
    pytest.param(
        {"latitude": "nan", "longitude": "inf"},
        "latitude",
        "Enter the latitude as a number",
        id="not finite",
    ),
    pytest.param(
        {"place": "ZZ9 9ZZ"}, "place", "We could not find the postcode ZZ9 9ZZ", id="postcode"
    ),
    pytest.param(
        {"title": "Garden\u0000"}, "title", "Null characters are not allowed", id="null char"
    ),
    pytest.param(
        {"title": "Garden\u0007"}, "title", "Remove the unusual characters", id="control char"
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_nothing_is_saved(
    client: Client, resident: User, ward: Ward, change: dict[str, Any], field: str, message: str
) -> None:
    data = _form(wards=[ward.pk])
    data.update(change)

    response = client.post(URL, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r"<title>\s*Error: ", body)
    start = body.index('class="govuk-error-summary"')
    summary = body[start : body.index("</ul>", start)]
    assert re.search(rf'href="#id_{field}(_0)?"', summary)  # a group links to its first option
    assert message in summary
    assert f'id="id_{field}-error"' in body
    assert not Initiative.objects.exists()


def test_nothing_posted_at_all_is_explained(client: Client, resident: User) -> None:
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "Enter a title" in response.content.decode()
    assert not Initiative.objects.exists()


# --- The optional map for choosing the point (js/map-picker.mjs) --------------------------------


def _picker(body: str) -> dict[str, Any]:
    match = re.search(r'<script id="map-picker-data" type="application/json">(.*?)</script>', body)
    assert match, "no map picker data on the page"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_the_map_picker_opens_on_the_wards_offered(
    client: Client, resident: User, ward: Ward, neighbour: Ward, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    body = client.get(URL).content.decode()
    # Hidden until the script shows it, with a name and a way round it for keyboard users.
    holder = re.search(r"<div [^>]*data-map-picker [^>]*>", body)
    assert holder
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in holder.group(0)
    assert 'data-latitude-input="id_latitude"' in holder.group(0)
    assert 'data-longitude-input="id_longitude"' in holder.group(0)
    assert holder.group(0).endswith(" hidden>")
    assert 'aria-label="Map for choosing the point of the initiative"' in body
    assert "You can type them in the boxes below instead." in body
    assert "js/map-picker" in body
    assert "vendor/leaflet/leaflet" in body
    # Yours is ticked, so the map opens on your ward.
    data = _picker(body)
    assert data["point"] is None
    assert data["bounds"] == [
        [ward.min_lat, ward.min_lon],
        [ward.max_lat, ward.max_lon],
    ]


def test_the_map_picker_opens_on_the_point_already_given(
    client: Client, resident: User, ward: Ward, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    response = client.post(URL, _form(title="", latitude="52.005", longitude="-0.995"))
    assert response.status_code == 200  # no title: the form comes back
    data = _picker(response.content.decode())
    assert data["point"] == [52.005, -0.995]
    assert data["bounds"] is None


def test_the_map_picker_opens_on_great_britain_when_nothing_nearer_is_known(
    client: Client, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    client.force_login(UserFactory())  # no ward of their own: no wards offered
    data = _picker(client.get(URL).content.decode())
    assert data["bounds"] == [[49.9, -8.2], [58.7, 1.8]]


def test_without_a_tile_server_there_is_no_map_and_the_boxes_still_work(
    client: Client, resident: User, ward: Ward, settings: Any
) -> None:
    settings.MAP_TILE_URL = ""
    body = client.get(URL).content.decode()
    assert "data-map-picker" not in body
    assert "map-picker-data" not in body
    assert "leaflet" not in body
    assert 'id="id_latitude"' in body
    response = client.post(URL, _form(wards=[ward.pk], latitude="52.005", longitude="-0.995"))
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (52.005, -0.995)
