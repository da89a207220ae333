"""Organisation identifiers as org-id.guide writes them, which 360Giving requires for funders
and recipients: a registered list's prefix (a country code and the list, such as `GB-CHC` for
the Charity Commission for England and Wales), a hyphen, and the organisation's identifier on
that list (`GB-CHC-1147511`). Lists outside one country start with `XI-` (`XI-IATI-…`).

We check the shape, not that the organisation exists: the prefix must be a list we know, and
for the common UK lists the identifier must look like that register's numbers.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# The UK lists a neighbourhood fund's funder or locally trusted organisation is likely to be
# on, with the shape of their identifiers (None: letters, digits and . / - only).
UK_LISTS: dict[str, re.Pattern[str] | None] = {
    # Charity Commission for England and Wales: a registered charity number.
    "GB-CHC": re.compile(r"\d{6,7}"),
    # Companies House: eight characters, digits or a two-letter prefix and six digits.
    "GB-COH": re.compile(r"(\d{8}|[A-Z]{2}\d{6})"),
    # Scottish Charity Regulator: SC and six digits.
    "GB-SC": re.compile(r"SC\d{6}"),
    # Charity Commission for Northern Ireland: six digits (NIC100000 is written 100000).
    "GB-NIC": re.compile(r"\d{6}"),
    # Mutuals Public Register (co-operative and community benefit societies).
    "GB-MPR": re.compile(r"(IP|RS|SP|R)?\d{4,6}[A-Z]?"),
    # Local authorities: England and Wales, Scotland, Northern Ireland (register codes).
    "GB-LAE": re.compile(r"[A-Z]{3,4}"),
    "GB-LAS": re.compile(r"[A-Z]{3,4}"),
    "GB-LANI": re.compile(r"[A-Z]{3,4}"),
    # Schools and other places of education, government organisations, NHS bodies,
    # providers of higher and further education, social housing providers, ONS codes.
    "GB-EDU": re.compile(r"\d{5,8}"),
    "GB-GOR": None,
    "GB-NHS": None,
    "GB-UKPRN": re.compile(r"\d{8}"),
    "GB-SHPE": None,
    "GB-PLA": None,
    "GB-GOVUK": None,
}

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{0,79}")
_INTERNATIONAL = re.compile(r"XI-[A-Z]{2,10}-(?P<id>.+)")

EXAMPLE = "GB-CHC-1147511"


def normalise(text: str) -> str:
    """Spaces removed and the list prefix in capitals (`gb-chc-1147511` → `GB-CHC-1147511`)."""
    cleaned = re.sub(r"\s+", "", text)
    for prefix in sorted(UK_LISTS, key=len, reverse=True):
        if cleaned.upper().startswith(prefix + "-"):
            return prefix + "-" + cleaned[len(prefix) + 1 :].upper()
    if cleaned.upper().startswith("XI-"):
        parts = cleaned.split("-", 2)
        if len(parts) == 3:
            return f"XI-{parts[1].upper()}-{parts[2]}"
    return cleaned


def problem(identifier: str) -> str | None:
    """What is wrong with `identifier` (already `normalise`d), or None when it looks right."""
    if not identifier:
        return _("Enter the organisation’s identifier, like %(example)s") % {"example": EXAMPLE}
    international = _INTERNATIONAL.fullmatch(identifier)
    if international:
        if _ID.fullmatch(international.group("id")):
            return None
        return _("The identifier after the list’s prefix must use only letters and numbers")
    for prefix in sorted(UK_LISTS, key=len, reverse=True):
        if identifier.startswith(prefix + "-"):
            rest = identifier[len(prefix) + 1 :]
            shape = UK_LISTS[prefix]
            if (shape is None and _ID.fullmatch(rest)) or (shape and shape.fullmatch(rest)):
                return None
            return _("%(id)s does not look like an identifier on the %(prefix)s list") % {
                "id": rest or _("(nothing)"),
                "prefix": prefix,
            }
    return _(
        "Start the identifier with the prefix of the register it comes from, like GB-CHC- for "
        "a charity or GB-COH- for a company (see org-id.guide), then the number: %(example)s"
    ) % {"example": EXAMPLE}
