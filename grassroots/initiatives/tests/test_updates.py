"""Progress updates (with photos described), milestones, and the outcome of an achieved one."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import (
    Initiative,
    Milestone,
    Outcome,
    Stage,
    Update,
    Visibility,
)
from grassroots.initiatives.services import lifecycle, progress
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.testing.cast import INITIATIVE_CAST, LEADS, MEMBERS, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _image(fmt: str = "PNG", size: tuple[int, int] = (20, 20), name: str = "p.png") -> Any:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def _url(initiative: Initiative, path: str) -> str:
    return f"/initiatives/{initiative.slug}/{path}"


def _due_on(day: str, month: str, year: str) -> dict[str, str]:
    """The milestone date's three boxes, as the browser posts them."""
    return {"due_on_0": day, "due_on_1": month, "due_on_2": year}


@pytest.fixture
def initiative() -> Initiative:
    return InitiativeFactory()


@pytest.fixture
def member(client: Client, initiative: Initiative) -> Client:
    client.force_login(make_member(initiative))
    return client


def test_a_member_posts_an_update_with_a_described_photo(
    member: Client, initiative: Initiative
) -> None:
    response = member.post(
        _url(initiative, "updates/add/"),
        {"text": "We planted 200 bulbs", "photo": _image(), "photo_alt": "Bulbs by the gate"},
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert (update.photo.name or "").startswith("updates/")
    page = member.get(initiative.get_absolute_url()).content.decode()
    assert "We planted 200 bulbs" in page
    assert 'alt="Bulbs by the gate"' in page


def test_an_update_without_a_photo_needs_no_description(
    member: Client, initiative: Initiative
) -> None:
    member.post(_url(initiative, "updates/add/"), {"text": "Meeting on Tuesday"})
    assert Update.objects.get().photo_alt == ""


def _big_png() -> Any:
    upload = _image()
    upload.size = 6 * 1024 * 1024
    return upload


BAD_UPDATES = [
    pytest.param({"text": ""}, "text", "Enter your update", id="no text"),
    pytest.param(
        {"text": "x" * 5001}, "text", "Update must be 5,000 characters or fewer", id="long"
    ),
    pytest.param(
        {"text": "Hi", "photo": "IMG"},
        "photo_alt",
        "Describe the photo for people who cannot see it",
        id="photo without description",
    ),
    pytest.param(
        {
            "text": "Hi",
            "photo": SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
            "photo_alt": "A photo",
        },
        "photo",
        "The photo must be a JPG, PNG or WebP image",
        id="not an image",
    ),
    pytest.param(
        {"text": "Hi", "photo": "GIF", "photo_alt": "A photo"},
        "photo",
        "The photo must be a JPG, PNG or WebP image",
        id="gif",
    ),
    pytest.param(
        {"text": "Hi", "photo": "BIG", "photo_alt": "A photo"},
        "photo",
        "The photo must be smaller than 5MB",
        id="too big",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_UPDATES)
def test_bad_updates_are_explained_and_nothing_is_saved(
    member: Client,
    initiative: Initiative,
    data: dict[str, Any],
    field: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = dict(data)
    if data.get("photo") == "IMG":
        data["photo"] = _image()
    elif data.get("photo") == "GIF":
        data["photo"] = _image("GIF", name="p.gif")
    elif data.get("photo") == "BIG":
        monkeypatch.setattr("grassroots.core.images.MAX_UPLOAD_BYTES", 10)
        data["photo"] = _image()
    response = member.post(_url(initiative, "updates/add/"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(rf'href="#id_{field}(_0)?"', body)  # a group links to its first option
    assert message in body
    assert not Update.objects.exists()


def test_the_service_refuses_a_photo_without_a_description(initiative: Initiative) -> None:
    with pytest.raises(ServiceError, match="Describe the photo"):
        progress.update_create(
            initiative=initiative, author=initiative.created_by, text="Hi", photo=_image()
        )


def test_members_add_milestones_and_mark_them_done(member: Client, initiative: Initiative) -> None:
    response = member.post(
        _url(initiative, "milestones/add/"),
        {"title": "First planting", **_due_on("27", "3", "2027")},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get()
    assert milestone.due_on == datetime.date(2027, 3, 27)
    member.post(_url(initiative, f"milestones/{milestone.pk}/done/"))
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    member.post(_url(initiative, f"milestones/{milestone.pk}/not-done/"))
    milestone.refresh_from_db()
    assert milestone.done_on is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", **_due_on("1", "1", "2027")}, "title", "Enter the milestone"),
        ({"title": "x" * 201, **_due_on("1", "1", "2027")}, "title", "200 characters or fewer"),
        ({"title": "Party"}, "due_on_0", "Enter the date of the milestone"),
        ({"title": "Party", **_due_on("", "", "")}, "due_on_0", "Enter the date of the milestone"),
        (
            {"title": "Party", **_due_on("27", "", "2027")},
            "due_on_1",
            "Date of milestone must include a month",
        ),
        (
            {"title": "Party", **_due_on("", "3", "")},
            "due_on_0",
            "Date of milestone must include a day and year",
        ),
        (
            {"title": "Party", **_due_on("31", "2", "2027")},
            "due_on_0",
            "Date of milestone must be a real date",
        ),
        (
            {"title": "Party", **_due_on("1", "13", "2027")},
            "due_on_1",
            "Date of milestone must be a real date",
        ),
        (
            {"title": "Party", **_due_on("soon", "x", "2027")},
            "due_on_0",
            "Date of milestone must be a real date",
        ),
        ({"title": "Party", **_due_on("1", "3", "27")}, "due_on_2", "Year must include 4 numbers"),
    ],
)
def test_bad_milestones_are_explained(
    member: Client, initiative: Initiative, data: dict[str, str], field: str, message: str
) -> None:
    response = member.post(_url(initiative, "milestones/add/"), data)
    assert response.status_code == 200
    body = response.content.decode()
    # The error summary links to the field; for a date, to the first box with the problem.
    assert f'href="#id_{field}"' in body
    assert message in body
    assert not Milestone.objects.exists()


def test_the_outcome_is_recorded_once_achieved(client: Client) -> None:
    initiative = InitiativeFactory(stage=Stage.IN_ACTION)
    client.force_login(initiative.created_by)
    data = {
        "what_changed": "A garden where a tip was",
        "for_whom": "Forty households",
        "evidence": "Photos; 40 people at the opening",
    }
    assert client.get(_url(initiative, "outcome/")).status_code == 403
    lifecycle.initiative_change_stage(
        initiative=initiative, actor=initiative.created_by, to_stage=Stage.ACHIEVED
    )
    response = client.post(_url(initiative, "outcome/"), data)
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.for_whom, outcome.recorded_by) == ("Forty households", initiative.created_by)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Forty households" in page
    client.post(_url(initiative, "outcome/"), {**data, "for_whom": "Fifty households"})
    assert Outcome.objects.get().for_whom == "Fifty households"


def test_the_service_refuses_an_outcome_before_achieved(initiative: Initiative) -> None:
    with pytest.raises(ServiceError, match="once the initiative is achieved"):
        progress.outcome_record(
            initiative=initiative,
            actor=initiative.created_by,
            what_changed="a",
            for_whom="b",
            evidence="c",
        )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("what_changed", "Say what changed"),
        ("for_whom", "Say who it changed things for"),
        ("evidence", "Give the evidence for the change"),
    ],
)
def test_bad_outcomes_are_explained(client: Client, field: str, message: str) -> None:
    initiative = InitiativeFactory(stage=Stage.ACHIEVED)
    client.force_login(initiative.created_by)
    data = {"what_changed": "a", "for_whom": "b", "evidence": "c", field: "  "}
    response = client.post(_url(initiative, "outcome/"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Outcome.objects.exists()


def _as(role: str, initiative: Initiative) -> Client:
    actor = INITIATIVE_CAST[role](initiative)
    client = Client()
    if actor.is_authenticated:
        client.force_login(actor)
    return client


def _denied(role: str) -> int:
    return 302 if role == "anonymous" else 403


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_who_may_post_updates_and_milestones(role: str, initiative: Initiative) -> None:
    milestone = Milestone.objects.create(
        initiative=initiative, title="Opening", due_on=datetime.date(2027, 6, 1)
    )
    client = _as(role, initiative)
    responses = [
        client.post(_url(initiative, "updates/add/"), {"text": "News"}),
        client.post(
            _url(initiative, "milestones/add/"), {"title": "Party", **_due_on("1", "7", "2027")}
        ),
        client.post(_url(initiative, f"milestones/{milestone.pk}/done/")),
    ]
    milestone.refresh_from_db()
    if role in MEMBERS:
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert (Update.objects.count(), Milestone.objects.count()) == (1, 2)
        assert milestone.done_on is not None
    else:
        assert [r.status_code for r in responses] == [_denied(role)] * 3
        assert (Update.objects.count(), Milestone.objects.count()) == (0, 1)
        assert milestone.done_on is None


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_who_may_record_the_outcome(role: str) -> None:
    initiative = InitiativeFactory(stage=Stage.ACHIEVED)
    response = _as(role, initiative).post(
        _url(initiative, "outcome/"), {"what_changed": "a", "for_whom": "b", "evidence": "c"}
    )
    if role in LEADS:
        assert response.status_code == 302
        assert Outcome.objects.exists()
    else:
        assert response.status_code == _denied(role)
        assert not Outcome.objects.exists()


def test_outsiders_get_404_on_a_safeguarded_initiative(client: Client) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED, stage=Stage.ACHIEVED)
    client.force_login(UserFactory())
    for path in ("updates/add/", "milestones/add/", "outcome/"):
        assert client.get(_url(initiative, path)).status_code == 404
