"""Uploaded images are checked, stripped of metadata, scaled and renamed before they are stored."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from grassroots.core import images
from grassroots.core.images import ImageRefused, clean_image, reclean_stored
from grassroots.places.models import Councillor
from grassroots.places.tests.factories import CouncillorFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MARKER = b"Secret Street"  # written into the metadata; must never come back


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x010E] = MARKER.decode()  # image description
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.2)
    if orientation is not None:
        exif[ORIENTATION] = orientation
    return exif


def jpeg_with_gps(
    size: tuple[int, int] = (40, 20), orientation: int | None = None, name: str = "IMG_0042.jpg"
) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(
        out, format="JPEG", exif=_exif(orientation), xmp=b"<x:xmpmeta>" + MARKER + b"</x:xmpmeta>"
    )
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _open(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def test_it_strips_gps_exif_and_xmp_from_a_jpeg() -> None:
    upload = jpeg_with_gps()
    assert _open(upload.read()).getexif().get_ifd(GPS_IFD)  # the test photo really has GPS
    cleaned = clean_image(upload)
    content = cleaned.read()
    image = _open(content)
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert "xmp" not in image.info
    assert MARKER not in content
    assert b"PhoneMaker" not in content


def test_it_turns_the_photo_the_way_the_camera_held_it() -> None:
    # Orientation 6: stored on its side, shown turned 90°. The pixels are turned instead.
    cleaned = clean_image(jpeg_with_gps(size=(40, 20), orientation=6))
    assert (cleaned.width, cleaned.height) == (20, 40)
    assert _open(cleaned.read()).size == (20, 40)


def test_it_gives_a_random_name_with_the_right_extension() -> None:
    first = clean_image(jpeg_with_gps(name="sam-at-home.jpeg"))
    second = clean_image(jpeg_with_gps(name="sam-at-home.jpeg"))
    assert first.name
    assert first.name.endswith(".jpg")
    assert "sam" not in first.name
    assert first.name != second.name


def test_it_drops_png_text_chunks_and_colour_profiles() -> None:
    info = PngInfo()
    info.add_text("Comment", MARKER.decode())
    info.add_itxt("Author", "Sam Patel")
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 255, 128)).save(
        out, format="PNG", pnginfo=info, icc_profile=b"not really a profile"
    )
    cleaned = clean_image(SimpleUploadedFile("a.png", out.getvalue()))
    content = cleaned.read()
    image = _open(content)
    assert (image.format, image.mode) == ("PNG", "RGBA")  # transparency kept
    assert not {"Comment", "Author", "icc_profile"} & set(image.info)
    assert MARKER not in content
    assert b"Sam Patel" not in content


def test_it_scales_a_huge_image_to_1600_pixels_on_its_longest_side() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), (0, 90, 0)).save(out, format="WEBP")
    cleaned = clean_image(SimpleUploadedFile("wide.webp", out.getvalue()))
    assert (cleaned.width, cleaned.height) == (1600, 400)
    assert cleaned.name
    assert cleaned.name.endswith(".webp")
    assert _open(cleaned.read()).size == (1600, 400)


def test_a_big_jpeg_turned_by_the_camera_is_scaled_the_right_way_up() -> None:
    cleaned = clean_image(jpeg_with_gps(size=(4000, 3000), orientation=6))
    assert (cleaned.width, cleaned.height) == (1200, 1600)
    assert _open(cleaned.read()).size == (1200, 1600)


def test_a_small_image_keeps_its_size() -> None:
    cleaned = clean_image(jpeg_with_gps(size=(300, 200)))
    assert (cleaned.width, cleaned.height) == (300, 200)


def test_a_gif_is_stored_as_a_png() -> None:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF", comment=MARKER)
    cleaned = clean_image(SimpleUploadedFile("a.gif", out.getvalue()))
    assert cleaned.name
    assert cleaned.name.endswith(".png")
    assert MARKER not in cleaned.read()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"not an image at all", id="text"),
        pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", id="pdf"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", id="svg"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 truncated", id="broken jpeg"),
    ],
)
def test_it_refuses_what_is_not_an_accepted_image(content: bytes) -> None:
    with pytest.raises(ImageRefused, match="must be a JPG, PNG or WebP image"):
        clean_image(SimpleUploadedFile("photo.jpg", content))


def test_it_refuses_other_image_formats() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="BMP")
    with pytest.raises(ImageRefused, match="must be a JPG, PNG or WebP image"):
        clean_image(SimpleUploadedFile("photo.bmp", out.getvalue()))


def test_it_refuses_a_file_over_5mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ImageRefused, match="smaller than 5MB"):
        clean_image(jpeg_with_gps(size=(200, 200)))


def test_it_refuses_too_many_pixels_before_decoding_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    with pytest.raises(ImageRefused, match="too many pixels"):
        clean_image(jpeg_with_gps(size=(20, 20)))


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
def test_the_model_field_cleans_whatever_is_saved_into_it(media: Path) -> None:
    councillor = CouncillorFactory(slug="sam-patel")
    councillor.photo = jpeg_with_gps(size=(2000, 1000), name="sam-patel-home.jpg")
    councillor.save()
    councillor.refresh_from_db()
    name = councillor.photo.name or ""
    assert name.startswith("councillors/")
    assert "sam" not in name
    assert (councillor.photo_width, councillor.photo_height) == (1600, 800)
    stored = (media / name).read_bytes()
    assert MARKER not in stored
    assert len(_open(stored).getexif()) == 0


@pytest.mark.django_db
def test_existing_files_are_cleaned_renamed_and_the_originals_deleted(media: Path) -> None:
    councillor = CouncillorFactory(slug="sam-patel")
    old = default_storage.save("councillors/sam-patel/sam.jpg", jpeg_with_gps(size=(50, 40)))
    Councillor.objects.filter(pk=councillor.pk).update(photo=old)
    councillor.refresh_from_db()
    assert reclean_stored(councillor, "photo") == "cleaned"
    councillor.refresh_from_db()
    new = councillor.photo.name or ""
    assert new.startswith("councillors/")
    assert "sam" not in new
    assert (councillor.photo_width, councillor.photo_height) == (50, 40)
    assert not (media / old).exists()
    assert MARKER not in (media / new).read_bytes()


@pytest.mark.django_db
def test_existing_files_that_are_not_images_are_removed_and_missing_ones_left(
    media: Path,
) -> None:
    bad = CouncillorFactory()
    old = default_storage.save("councillors/x/page.html", ContentFile(b"<script>1</script>"))
    Councillor.objects.filter(pk=bad.pk).update(photo=old)
    bad.refresh_from_db()
    assert reclean_stored(bad, "photo") == "removed"
    bad.refresh_from_db()
    assert bad.photo.name == ""
    assert not (media / old).exists()

    gone = CouncillorFactory()
    Councillor.objects.filter(pk=gone.pk).update(photo="councillors/y/gone.jpg")
    gone.refresh_from_db()
    assert reclean_stored(gone, "photo") == "missing"
    gone.refresh_from_db()
    assert gone.photo.name == "councillors/y/gone.jpg"
