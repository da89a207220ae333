"""Cleaning what people type before it is stored: the characters that let text pose as something
else.

Bidirectional controls (U+202A to U+202E embeddings and overrides, U+2066 to U+2069 isolates, the
U+200E/U+200F and U+061C marks) can make "Cllr" read as something else, or turn a file name or
link around on screen; zero-width spaces, word joiners and byte-order marks hide inside a word
so two names that look alike compare unequal. None of them is needed in a title or a reply
(the page sets the direction itself), so they are taken out silently.

Names (display names, group names) lose every invisible formatting character (Unicode category
Cf), including the zero-width joiners some scripts and emoji use inside text: in a name they are
far more often a way to make a look-alike than a need.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from grassroots.core.services import ServiceError

# Invisible characters that change how text reads or compares, never needed in what people type.
SPOOFING_CHARACTERS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE, RLE, PDF, LRO, RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI, RLI, FSI, PDI
    + [
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u061c",  # Arabic letter mark
        "\u200b",  # zero-width space
        "\u2060",  # word joiner
        "\ufeff",  # zero-width no-break space (byte-order mark)
        "\u180e",  # Mongolian vowel separator
        "\u00ad",  # soft hyphen
        "\u034f",  # combining grapheme joiner
    ]
)


def strip_invisible(text: str, *, name: bool = False) -> str:
    """`text` without the characters above; for a `name`, without any invisible formatting
    character at all."""
    if name:
        return "".join(
            ch for ch in text if ch not in SPOOFING_CHARACTERS and unicodedata.category(ch) != "Cf"
        )
    return "".join(ch for ch in text if ch not in SPOOFING_CHARACTERS)


def has_control_characters(value: str) -> bool:
    """True if `value` holds a control character other than a tab or a line break: they only
    come from pasted junk."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in value)


def clean_text(text: str, *, max_length: int, empty: str, too_long: str) -> str:
    """Text as a service stores it: invisible look-alike makers dropped (`strip_invisible`),
    trimmed, not empty, not too long, no control characters; else a `ServiceError` saying
    `empty`, `too_long` or what to remove. HTML is kept as typed and escaped when shown, so
    `<script>` is only ever text. Forms say the same first; this is the check that API writes
    cannot skip."""
    value = strip_invisible(text or "").strip()
    if not value:
        raise ServiceError(empty)
    if len(value) > max_length:
        raise ServiceError(too_long)
    if has_control_characters(value):
        raise ServiceError(_("Remove the control characters from the text"))
    return value


# Letters from other scripts that look like Latin ones, and digits used as letters: enough to
# compare a name with a role word or another name as a reader would see them.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ӏ": "l", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "0": "o", "1": "l", "3": "e", "5": "s",
        "|": "l", "!": "i", "$": "s", "@": "a",
    }
)  # fmt: skip


def skeleton(text: str) -> str:
    """`text` as a reader would take it: compatibility forms folded (NFKC: full-width and
    mathematical letters become plain ones), accents dropped, case folded, look-alike letters
    from other scripts made Latin, anything but letters and spaces gone, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)).casefold()
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).translate(_LOOKALIKES)
    kept = "".join(ch if ch.isalpha() else " " for ch in plain)
    return " ".join(kept.split())
