"""Translated text is looked up quickly (core/translations.py) and reads exactly as Django's own
lookup gives it, in British English and in Welsh."""

from __future__ import annotations

import gettext as gettext_module

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import trans_real

from grassroots.core import translations

# Django's own messages (translated into Welsh in its catalogue), ours (not translated yet)
# and one in no catalogue at all. Messages with a context and plurals are checked below.
MESSAGES = [
    "This field is required.",
    "Enter a valid email address.",
    "January",
    "Friday",
    "Notifications",
    "Find your area",
    "not a message anywhere",
]


def slow_catalogue(language: str) -> trans_real.DjangoTranslation:
    """The catalogue as Django builds it, not quickened."""
    return trans_real.DjangoTranslation(language)


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_every_message_reads_as_djangos_own_lookup_gives_it(language: str) -> None:
    slow = slow_catalogue(language)
    with translation.override(language):
        for message in MESSAGES:
            assert translation.gettext(message) == slow.gettext(message)
            assert translation.gettext(message) == slow.gettext(message)  # remembered
        assert translation.pgettext("month name", "May") == slow.pgettext("month name", "May")
        assert translation.ngettext("%d day", "%d days", 3) == slow.ngettext("%d day", "%d days", 3)


def test_welsh_is_still_welsh() -> None:
    with translation.override("cy"):
        welsh = translation.gettext("This field is required.")
    assert welsh != "This field is required."
    assert welsh == slow_catalogue("cy").gettext("This field is required.")


def test_the_catalogue_in_use_is_the_quick_one_without_empty_fallbacks() -> None:
    catalogue = trans_real.translation(settings.LANGUAGE_CODE)
    assert catalogue.__dict__.get("_grassroots_quick")
    fallback = getattr(catalogue, "_fallback", None)
    while fallback is not None:
        assert isinstance(fallback, gettext_module.NullTranslations)
        assert not translations._empty(fallback), "an empty catalogue is still walked"
        fallback = getattr(fallback, "_fallback", None)


def test_a_message_marked_safe_once_does_not_make_the_plain_one_safe() -> None:
    text = "<b>not a message anywhere, bold</b>"
    with translation.override("en-gb"):
        assert isinstance(translation.gettext(SafeString(text)), SafeData)
        plain = translation.gettext(text)
    assert plain == text
    assert not isinstance(plain, SafeData)


def test_text_made_at_run_time_cannot_grow_the_memory_without_end() -> None:
    catalogue = translations.quicken(slow_catalogue("en-gb"))
    for number in range(translations.REMEMBERED + 50):
        assert catalogue.gettext(f"made at run time {number}") == f"made at run time {number}"
    assert len(catalogue.remembered) == translations.REMEMBERED
