"""An update's photo: stored cleaned under a random name, and served only to those who may see
the initiative (everyone else gets the 404 of a photo that does not exist)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.services import ServiceError
from grassroots.core.tests.test_healthz import REPO, production_server
from grassroots.core.tests.test_images import MARKER, jpeg_with_gps
from grassroots.initiatives.models import Initiative, Update, Visibility
from grassroots.initiatives.services import progress
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.testing.cast import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _post(initiative: Initiative, photo: Any = None) -> Update:
    return progress.update_create(
        initiative=initiative,
        author=initiative.created_by,
        text="We planted 200 bulbs",
        photo=photo or jpeg_with_gps(size=(2400, 1200)),
        photo_alt="Bulbs by the gate",
    )


def _photo_url(update: Update) -> str:
    return f"/initiatives/{update.initiative.slug}/updates/{update.pk}/photo"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_public_photo_is_served_clean_to_anyone(media: Path) -> None:
    update = _post(InitiativeFactory())
    response = Client().get(_photo_url(update))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]
    content = _body(response)
    assert MARKER not in content
    image = Image.open(io.BytesIO(content))
    assert image.size == (1600, 800)
    assert len(image.getexif()) == 0
    # Stored under a random name that says nothing about the initiative or the file.
    name = update.photo.name or ""
    assert re.fullmatch(r"updates/[A-Za-z0-9_-]{24}\.jpg", name)
    assert (media / name).is_file()
    assert update.photo.url == _photo_url(update)  # never a path under /media/


def test_the_page_shows_the_photo_by_its_own_address_with_its_size() -> None:
    update = _post(InitiativeFactory())
    page = Client().get(update.initiative.get_absolute_url()).content.decode()
    img = re.search(r'<img src="([^"]+)"[^>]*class="gr-update-photo"[^>]*>', page)
    assert img is not None
    assert img.group(1) == _photo_url(update)
    assert 'width="1600" height="800"' in img.group(0)
    assert 'alt="Bulbs by the gate"' in img.group(0)


def test_no_media_address_serves_the_file(media: Path) -> None:
    update = _post(InitiativeFactory())
    assert Client().get(f"/media/{update.photo.name}").status_code == 404
    old_style = f"/media/initiatives/{update.initiative_id}/updates/IMG_0042.jpg"
    assert Client().get(old_style).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "resident", "member of another initiative"])
def test_outsiders_get_404_for_a_safeguarded_initiatives_photo(who: str) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    update = _post(initiative)
    user = {
        "anonymous": None,
        "resident": UserFactory(),
        "member of another initiative": make_member(InitiativeFactory()),
    }[who]
    response = _client(user).get(_photo_url(update))
    missing = _client(user).get(f"/initiatives/{initiative.slug}/updates/{update.pk + 99}/photo")
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_members_of_a_safeguarded_initiative_see_its_photo_privately_cached() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    update = _post(initiative)
    for user in (initiative.created_by, make_member(initiative)):
        response = _client(user).get(_photo_url(update))
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_a_hidden_initiatives_photo_is_a_404_to_everyone_but_its_leads() -> None:
    initiative = InitiativeFactory()
    update = _post(initiative)
    Initiative.objects.filter(pk=initiative.pk).update(hidden_at=timezone.now())
    assert Client().get(_photo_url(update)).status_code == 404
    assert _client(UserFactory()).get(_photo_url(update)).status_code == 404
    lead = _client(initiative.created_by).get(_photo_url(update))
    assert lead.status_code == 200
    assert "private" in lead["Cache-Control"]


def test_a_photo_is_only_found_under_its_own_initiative() -> None:
    update = _post(InitiativeFactory())
    other = InitiativeFactory()
    assert Client().get(f"/initiatives/{other.slug}/updates/{update.pk}/photo").status_code == 404


def test_an_update_without_a_photo_has_none_to_serve() -> None:
    initiative = InitiativeFactory()
    update = progress.update_create(
        initiative=initiative, author=initiative.created_by, text="Meeting on Tuesday"
    )
    assert Client().get(_photo_url(update)).status_code == 404


def test_behind_nginx_the_view_answers_with_an_internal_redirect(settings: Any) -> None:
    settings.PRIVATE_MEDIA_SERVE = "nginx"
    settings.PRIVATE_MEDIA_INTERNAL_URL = "/_private-media/"
    update = _post(InitiativeFactory(visibility=Visibility.SAFEGUARDED))
    response = _client(update.initiative.created_by).get(_photo_url(update))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private-media/{update.photo.name}"
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert response.content == b""
    # Outsiders get no redirect at all.
    outsider = _client(UserFactory()).get(_photo_url(update))
    assert outsider.status_code == 404
    assert "X-Accel-Redirect" not in outsider


def test_with_sendfile_the_view_names_the_file_for_the_server(settings: Any, media: Path) -> None:
    settings.PRIVATE_MEDIA_SERVE = "sendfile"
    update = _post(InitiativeFactory())
    response = Client().get(_photo_url(update))
    assert response["X-Sendfile"] == str(media / (update.photo.name or ""))
    assert response.content == b""


def test_a_photo_posted_through_the_form_is_stored_clean(media: Path) -> None:
    initiative = InitiativeFactory()
    client = _client(initiative.created_by)
    response = client.post(
        f"/initiatives/{initiative.slug}/updates/add/",
        {"text": "Bulbs", "photo": jpeg_with_gps(), "photo_alt": "Bulbs by the gate"},
    )
    assert response.status_code == 302
    name = Update.objects.get().photo.name or ""
    assert "IMG_0042" not in name
    stored = (media / name).read_bytes()
    assert MARKER not in stored
    assert len(Image.open(io.BytesIO(stored)).getexif()) == 0


def test_a_chosen_photo_must_be_chosen_again_after_a_problem() -> None:
    initiative = InitiativeFactory()
    client = _client(initiative.created_by)
    response = client.post(
        f"/initiatives/{initiative.slug}/updates/add/",
        {"text": "", "photo": jpeg_with_gps(), "photo_alt": "Bulbs by the gate"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    message = (
        "Choose the photo again: for your security, the browser forgets it when the page has "
        "a problem"
    )
    # In the error summary, linked to the photo field, and by the field itself.
    assert re.search(r'href="#id_photo"[^>]*>\s*' + re.escape(message), body)
    assert re.search(r'id="id_photo-error"[^>]*>.*?' + re.escape(message), body, re.S)
    assert not Update.objects.exists()


def test_no_choose_again_message_without_a_chosen_photo_or_a_problem() -> None:
    initiative = InitiativeFactory()
    client = _client(initiative.created_by)
    response = client.post(f"/initiatives/{initiative.slug}/updates/add/", {"text": ""})
    assert "Choose the photo again" not in response.content.decode()


def test_a_photo_that_is_itself_wrong_gets_its_own_message_only() -> None:
    initiative = InitiativeFactory()
    client = _client(initiative.created_by)
    response = client.post(
        f"/initiatives/{initiative.slug}/updates/add/",
        {
            "text": "",
            "photo": SimpleUploadedFile("a.jpg", b"nope", content_type="image/jpeg"),
            "photo_alt": "x",
        },
    )
    body = response.content.decode()
    assert "The photo must be a JPG, PNG or WebP image" in body
    assert "Choose the photo again" not in body


def test_the_service_refuses_a_file_that_is_not_an_image() -> None:
    initiative = InitiativeFactory()
    with pytest.raises(ServiceError, match="must be a JPG, PNG or WebP image"):
        _post(initiative, SimpleUploadedFile("a.jpg", b"<html>", content_type="image/jpeg"))
    assert not Update.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_production_server_serves_photos_by_the_visibility_rule(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under gunicorn with production settings (no DEBUG, nothing serving /media/)."""

    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in this process's memory")
    public = _post(InitiativeFactory())
    private = _post(InitiativeFactory(visibility=Visibility.SAFEGUARDED))
    db = connection.settings_dict
    login = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    url = f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "false")
    # Production pages (the 404 page too) need the static files' manifest.
    monkeypatch.setenv("STATIC_ROOT", str(tmp_path / "static"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env={**os.environ, "DEBUG": "false", "SECRET_KEY": "photos-test-" + "x" * 50},
        check=True,
    )

    def status(address: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(address, timeout=20) as response:  # noqa: S310 - local
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    with production_server(url, tmp_path / "server.log") as base:
        shown = status(base + _photo_url(public))
        hidden = status(base + _photo_url(private))
        by_path = status(f"{base}/media/{public.photo.name}")
    assert shown[0] == 200
    assert Image.open(io.BytesIO(shown[1])).size == (1600, 800)
    assert (hidden[0], by_path[0]) == (404, 404)
