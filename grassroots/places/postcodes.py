"""UK postcode handling: tidy what people type into the ONS `pcds` form ("SW1A 1AA")."""

from __future__ import annotations

import re

# Outward code: area (1-2 letters), district (digit, then an optional digit or letter);
# inward code: a digit and two letters. Covers every format in the ONS Postcode Directory.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# The same, already in `pcds` form: every row of the directory, so worth skipping the tidying.
_PCDS = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")


def normalise_postcode(text: str) -> str | None:
    """Return the postcode in `pcds` form, or None if `text` is not shaped like a postcode."""
    if text and _PCDS.fullmatch(text):
        return text
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"
