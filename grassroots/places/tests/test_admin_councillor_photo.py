"""Site admins upload councillors' photos in the admin: cleaned like every upload, and linked
by the councillor's photo address, never a path under /media/."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import make_site_admin
from grassroots.core.tests.test_images import MARKER, jpeg_with_gps
from grassroots.places.models import Councillor
from grassroots.places.tests.factories import CouncillorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(
    client: Client, mfa_totp: Callable[[User], str], settings: Any, tmp_path: Path
) -> Client:
    settings.MEDIA_ROOT = str(tmp_path)
    admin = make_site_admin()
    mfa_totp(admin)
    client.force_login(admin)
    return client


def _form(councillor: Councillor, **changes: Any) -> dict[str, Any]:
    return {
        "name": councillor.name,
        "slug": councillor.slug,
        "party": councillor.party,
        "email": councillor.email,
        "photo_alt": "Sam outside the town hall",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
        "_save": "Save",
        **changes,
    }


def test_an_uploaded_photo_is_cleaned_and_linked_by_its_own_address(
    admin_client: Client, tmp_path: Path
) -> None:
    councillor = CouncillorFactory(slug="sam-patel")
    change = f"/admin/places/councillor/{councillor.pk}/change/"
    response = admin_client.post(change, _form(councillor, photo=jpeg_with_gps((3000, 2000))))
    assert response.status_code == 302, response.content.decode()[:2000]
    councillor.refresh_from_db()
    name = councillor.photo.name or ""
    assert "IMG_0042" not in name
    assert (councillor.photo_width, councillor.photo_height) == (1600, 1067)
    stored = (tmp_path / name).read_bytes()
    assert MARKER not in stored
    assert len(Image.open(io.BytesIO(stored)).getexif()) == 0
    page = admin_client.get(change).content.decode()
    assert 'href="/councillors/sam-patel/photo"' in page
    assert "/media/" not in page


def test_a_file_that_is_not_an_image_is_refused_with_a_message(admin_client: Client) -> None:
    councillor = CouncillorFactory()
    upload = SimpleUploadedFile("sam.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = admin_client.post(
        f"/admin/places/councillor/{councillor.pk}/change/", _form(councillor, photo=upload)
    )
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    councillor.refresh_from_db()
    assert not councillor.photo
