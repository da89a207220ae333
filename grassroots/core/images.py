"""Uploaded images: checked, cleaned and stored under random names, never public by path.

Every uploaded image goes through `clean_image()` before it is stored (the `PrivateImageField`
model field does it on save, and `ImageUploadField` on the form, where a refusal can be told to
the person). Cleaning means:

- the file must really be a JPEG, PNG, WebP or GIF image (Pillow decodes it; anything else is
  refused), no bigger than `MAX_UPLOAD_BYTES` and `MAX_PIXELS`;
- the camera's orientation is applied to the pixels (`ImageOps.exif_transpose`);
- it is scaled down to at most `MAX_SIDE` pixels on its longest side;
- it is encoded again from the pixels alone, so nothing of the original file survives: no EXIF
  (GPS position, camera serial number, date), no XMP, no PNG text chunks, no comments, no
  colour profile (colours are first converted to sRGB when a profile is present);
- it gets a random name with the extension of the format it was written in, never the name it
  was uploaded with.

Files live in the default storage under MEDIA_ROOT, which no URL serves: each owner has its own
view that applies the owner's visibility rule and then hands the file over with
`core.files.serve_private_file`.
"""

from __future__ import annotations

import io
import secrets
from typing import Any

from django import forms
from django.core.files.base import ContentFile, File
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
# Decoding is refused above this many pixels (a 12,000 by 4,000 panorama is 48 million), so a
# small file that claims to be a huge image cannot exhaust memory.
MAX_PIXELS = 50_000_000
# Pillow's format name → (the format written back, the file extension, the content type).
# GIF is written as PNG (lossless, and any animation is dropped).
OUTPUTS = {
    "JPEG": ("JPEG", ".jpg", "image/jpeg"),
    "PNG": ("PNG", ".png", "image/png"),
    "WEBP": ("WEBP", ".webp", "image/webp"),
    "GIF": ("PNG", ".png", "image/png"),
}
CONTENT_TYPES = {extension: content_type for _f, extension, content_type in OUTPUTS.values()}


class ImageRefused(ValueError):
    """The upload is not an image we accept; `message` says why in plain English."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class CleanedImage(ContentFile):  # type: ignore[type-arg]
    """An image already cleaned by `clean_image()`: stored as it is, never cleaned twice."""

    def __init__(self, content: bytes, *, name: str, width: int, height: int) -> None:
        super().__init__(content, name=name)
        self.width = width
        self.height = height
        self.content_type = CONTENT_TYPES[name[name.rindex(".") :]]


def random_name(extension: str) -> str:
    """A name that says nothing about the file or who sent it."""
    return secrets.token_urlsafe(18) + extension


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels described by an embedded colour profile to sRGB, where Pillow can."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        # ImageCms needs Pillow built with LittleCMS; without it, images keep their colours.
        from PIL import ImageCms  # noqa: PLC0415

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=out_mode
        )
    except Exception:
        return image
    return converted if converted is not None else image


def clean_image(upload: File[Any]) -> CleanedImage:
    """Check `upload` is an accepted image and return a cleaned copy (see the module docstring).

    Raises ImageRefused with a message for the person who sent it.
    """
    if isinstance(upload, CleanedImage):
        return upload
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ImageRefused(_("The photo must be smaller than 5MB"))
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            source_format = probe.format or ""
            if source_format not in OUTPUTS:
                raise ImageRefused(_("The photo must be a JPG, PNG or WebP image"))
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRefused(
                    _("The photo has too many pixels: make it smaller than 50 megapixels")
                )
            probe.verify()  # checks the file's structure without decoding the pixels
        upload.seek(0)
        out_format, extension, _type = OUTPUTS[source_format]
        with Image.open(upload) as opened:
            opened.seek(0)  # the first frame of an animation
            if source_format == "JPEG":
                # Decode a big JPEG at a fraction of its size (never below MAX_SIDE) to save memory.
                opened.draft(None, (MAX_SIDE, MAX_SIDE))
            image = ImageOps.exif_transpose(opened) or opened
            image = _to_srgb(image)
            image = _plain_mode(image, jpeg=out_format == "JPEG")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            image = _plain_pixels(image)
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(_("The photo must be a JPG, PNG or WebP image")) from None
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if out_format == "JPEG":
        options = {"quality": 85, "optimize": True}
    elif out_format == "WEBP":
        options = {"quality": 85}
    else:
        options = {"optimize": True}
    image.save(out, format=out_format, **options)
    return CleanedImage(
        out.getvalue(), name=random_name(extension), width=image.width, height=image.height
    )


def _plain_mode(image: Image.Image, *, jpeg: bool) -> Image.Image:
    """`image` in a mode the output format can hold: grey or colour, with alpha if it had any
    (unless written as JPEG)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode in ("L", "RGB") or (image.mode in ("LA", "RGBA") and not jpeg):
        return image
    if jpeg or not has_alpha:
        mode = "L" if image.mode in ("1", "L", "LA", "I", "I;16", "F") else "RGB"
    else:
        mode = "RGBA"
    return image.convert(mode)


def _plain_pixels(image: Image.Image) -> Image.Image:
    """A new image holding only `image`'s pixels: no `info` (EXIF, XMP, text, profile) at all."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _dimension_fields(field: Any) -> tuple[str | None, str | None]:
    """An image field's width and height field names (django-stubs does not declare them)."""
    return getattr(field, "width_field", None), getattr(field, "height_field", None)


class PrivateImageFieldFile(ImageFieldFile):
    """Cleans whatever is saved into it, whichever way it arrives (form, admin, service).

    Its `url` is the owner's view (the model's `get_<field>_url()`), never a path under
    MEDIA_URL, so even the admin's "Currently" link goes through the visibility rule.
    """

    @property
    def url(self) -> str:
        if not self:
            raise ValueError(f"{self.field} has no file")
        get_url = getattr(self.instance, f"get_{self.field.name}_url", None)
        if get_url is None:
            raise ValueError(f"{self.field} is served only through its owner's view")
        url: str = get_url()
        return url

    def save(self, name: str, content: File[Any], save: bool = True) -> None:
        cleaned = clean_image(content)
        width_field, height_field = _dimension_fields(self.field)
        if width_field:
            setattr(self.instance, width_field, cleaned.width)
        if height_field:
            setattr(self.instance, height_field, cleaned.height)
        super().save(cleaned.name or name, cleaned, save)


class PrivateImageField(models.ImageField):
    """An image field whose files are cleaned on save and served only through a view.

    Its dimension fields are written when a cleaned image is saved; unlike Django's
    ImageField, loading a row never opens the stored file to measure it.
    """

    attr_class = PrivateImageFieldFile

    def update_dimension_fields(
        self, instance: models.Model, force: bool = False, *args: Any, **kwargs: Any
    ) -> None:
        if self.attname in instance.__dict__ and not getattr(instance, self.attname):
            # The photo was removed: so are its dimensions.
            for name in _dimension_fields(self):
                if name:
                    setattr(instance, name, None)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": ImageUploadField, **kwargs})


class ImageUploadField(forms.ImageField):
    """A form's image field that cleans the upload as it validates it.

    `cleaned_data` holds a `CleanedImage` (random name, no metadata, scaled), so a refusal (not
    an image, too big) is shown on the form instead of failing later. `formats` narrows the
    accepted formats (Pillow names); `choose_again` is the message shown when the form has a
    problem elsewhere: browsers cannot keep a chosen file across that round trip.
    """

    default_error_messages = {
        "choose_again": _(
            "Choose the photo again: for your security, the browser forgets it when the page "
            "has a problem"
        ),
    }

    def __init__(self, *args: Any, formats: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.formats = formats

    def to_python(self, data: Any) -> Any:
        upload = super().to_python(data)
        if upload is None:
            return None
        image = getattr(upload, "image", None)
        if self.formats is not None and (image is None or image.format not in self.formats):
            raise forms.ValidationError(self.error_messages["invalid_image"], code="invalid_image")
        try:
            return clean_image(upload)
        except ImageRefused as refused:
            raise forms.ValidationError(refused.message, code="invalid_image") from None


def reclean_stored(instance: models.Model, field_name: str) -> str:
    """Clean a file stored before uploads were cleaned: store the clean copy under a random
    name, delete the original. Used by the data migrations; returns what happened.

    A missing file is left as it is (the operator may still be copying MEDIA_ROOT over; the
    view answers 404 meanwhile). A file that is not an accepted image is deleted and the field
    cleared, since it could never be shown.
    """
    file = getattr(instance, field_name)
    width_field, height_field = _dimension_fields(file.field)
    old = file.name
    if not old:
        return "empty"
    try:
        with file.storage.open(old, "rb") as handle:
            cleaned: CleanedImage | None = clean_image(File(handle, name=old))
    except FileNotFoundError:
        return "missing"
    except ImageRefused:
        cleaned = None
    fields = [field_name, width_field, height_field]
    if cleaned is None:
        setattr(instance, field_name, "")
        for name in (width_field, height_field):
            if name:
                setattr(instance, name, None)
    else:
        file.save(cleaned.name, cleaned, save=False)
    instance.save(update_fields=[name for name in fields if name])
    file.storage.delete(old)
    return "cleaned" if cleaned is not None else "removed"
