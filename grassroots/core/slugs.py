"""Slugs: the one way the site turns a name into the part of an address that names a thing.

Every slug column (initiatives, groups, councils, wards, councillors) is filled by `ascii_slug`
or `unique_slug`, which yield only what Django's `<slug:>` path converter accepts
(`[-a-zA-Z0-9_]+`): lower-case ASCII letters, digits and hyphens. Accented and other Latin
letters are spelt out in ASCII ("café" → "cafe", "Bjørn" → "bjorn", "Straße" → "strasse")
rather than dropped, so an address still reads like the name. `slug_constraints` gives each
column the database checks that refuse anything else, so a row written some other way (an
admin, a script, a data migration) cannot make a page that its own links lead to a 500.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Collection

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Django's SlugConverter regex (django.urls.converters.SlugConverter.regex).
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
_SLUG_RE = re.compile(rf"\A{SLUG_PATTERN}\Z")
# The characters a slug column refuses, as a regex both SQLite and PostgreSQL understand.
NOT_SLUG_CHARACTERS = r"[^-a-zA-Z0-9_]"

# Letters that Unicode's compatibility decomposition (NFKD) leaves whole, spelt in ASCII the
# way English text usually writes them.
_SPELLED = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ħ": "h",
        "Ħ": "H",
        "ı": "i",
        "ŧ": "t",
        "Ŧ": "T",
        "ŀ": "l",
        "Ŀ": "L",
        "ĸ": "k",
        "ŋ": "ng",
        "Ŋ": "NG",
        "&": " and ",
    }
)
# Apostrophes join a word rather than break it: "St Aidan's" → "st-aidans".
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02b9\u2032`]")
_BREAKS = re.compile(r"[^a-z0-9]+")

SLUG_MESSAGE = _(
    "The slug must use only letters a to z, numbers, hyphens and underscores, with no spaces "
    "or accents"
)

# Safeguarded initiatives' slugs: an unguessable token, never derived from the title.
RANDOM_SLUG_LETTERS = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: easier to read aloud
RANDOM_SLUG_LENGTH = 12


def is_slug(value: str) -> bool:
    """Whether `value` is a slug the URL patterns accept."""
    return bool(_SLUG_RE.match(value))


def ascii_slug(text: str, *, max_length: int, fallback: str) -> str:
    """`text` as a lower-case ASCII slug of at most `max_length` characters.

    Accents are dropped from their letters, other letters spelt in ASCII, every run of anything
    else becomes one hyphen. Text with nothing left (say, only Chinese characters or emoji) gives
    `fallback`, itself made a slug.
    """
    spelled = _APOSTROPHES.sub("", text.translate(_SPELLED))
    decomposed = unicodedata.normalize("NFKD", spelled)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # NFKD can produce letters again outside the table (a ligature "ﬀ" → "ff" is fine, but
    # "ǿ" → "ø" + accent), so spell once more before leaving ASCII.
    ascii_text = bare.translate(_SPELLED).encode("ascii", "ignore").decode("ascii")
    slug = _BREAKS.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if slug:
        return slug
    fallback_slug = _BREAKS.sub("-", fallback.lower()).strip("-")[:max_length].strip("-")
    if not fallback_slug:
        raise ValueError(f"The fallback {fallback!r} is not a slug")
    return fallback_slug


def unique_slug(
    text: str,
    *,
    max_length: int,
    fallback: str,
    taken: Callable[[str], bool] | Collection[str],
    reserved: Collection[str] = (),
) -> str:
    """`ascii_slug(text)`, or with "-2", "-3", ... added, whichever is neither taken nor reserved.

    `taken` is a set of slugs in use or a function that answers for one slug (a query). The stem
    is shortened so that a numbered slug still fits in `max_length`.
    """
    is_taken = taken if callable(taken) else taken.__contains__
    stem = ascii_slug(text, max_length=max_length, fallback=fallback)
    if stem in reserved:
        stem = ascii_slug(f"{stem} {fallback}", max_length=max_length, fallback=fallback)
    slug, n = stem, 1
    while slug in reserved or is_taken(slug):
        n += 1
        suffix = f"-{n}"
        slug = stem[: max_length - len(suffix)].rstrip("-") + suffix
    return slug


def random_slug(*, prefix: str, max_length: int) -> str:
    """`prefix` and an unguessable token: a slug that says nothing about what it names."""
    letters = "".join(secrets.choice(RANDOM_SLUG_LETTERS) for _ in range(RANDOM_SLUG_LENGTH))
    slug = f"{ascii_slug(prefix, max_length=max_length, fallback='x')}-{letters}"
    if len(slug) > max_length:
        raise ValueError(f"A {len(slug)}-character slug does not fit in {max_length}")
    return slug


def slug_constraints(*, model: str, field: str = "slug") -> list[models.BaseConstraint]:
    """The database's own refusal of a slug the URL patterns would not accept.

    A regex lookup is REGEXP on SQLite (Django registers the function on every connection) and
    `~` on PostgreSQL, so the same constraint holds on both.
    """
    return [
        models.CheckConstraint(
            condition=~Q(**{f"{field}__regex": NOT_SLUG_CHARACTERS}) & ~Q(**{field: ""}),
            name=f"{model}_{field}_is_url_slug",
            violation_error_message=SLUG_MESSAGE,
        )
    ]
