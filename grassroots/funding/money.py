"""Money as integer pence: reading what people type and writing it back in pounds."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def parse_pounds(text: str) -> int:
    """'£1,250.50' -> 125050. Raises ValueError for anything that is not a plain amount of
    pounds and pence (negative, more than two decimals, words)."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if cleaned.startswith("£"):
        cleaned = cleaned[1:]
    if not _AMOUNT.match(cleaned):
        raise ValueError(text)
    try:
        pence = Decimal(cleaned) * 100
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(text) from error
    return int(pence)


def pounds(pence: int | None) -> str:
    """125050 -> '£1,250.50'; whole pounds drop the pence: 100000 -> '£1,000'."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    if part:
        return f"{sign}£{whole:,}.{part:02d}"
    return f"{sign}£{whole:,}"


class PoundsField(forms.CharField):
    """A form field for an amount of money in pounds (a text box, as GOV.UK advises), cleaned
    to integer pence. `min_pence` and `max_pence` bound it with plain messages."""

    default_error_messages = {
        "invalid": _("Enter an amount in pounds, like 1250 or 1250.50"),
        "too_small": _("Enter an amount of at least %(amount)s"),
        "too_large": _("Enter an amount of no more than %(amount)s"),
    }

    def __init__(
        self, *, min_pence: int = 1, max_pence: int | None = None, **kwargs: object
    ) -> None:
        self.min_pence = min_pence
        self.max_pence = max_pence
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # The length is checked on the text in `to_python`: Django's validators run on the
        # cleaned value, which is a number of pence (no `len()`).
        self.validators = [
            v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)
        ]

    def to_python(self, value: object) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            pence = parse_pounds(text)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if pence < self.min_pence:
            raise forms.ValidationError(
                self.error_messages["too_small"],
                code="too_small",
                params={"amount": pounds(self.min_pence)},
            )
        if self.max_pence is not None and pence > self.max_pence:
            raise forms.ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"amount": pounds(self.max_pence)},
            )
        return pence

    def prepare_value(self, value: object) -> object:
        if isinstance(value, int):
            return f"{value // 100}.{value % 100:02d}" if value % 100 else str(value // 100)
        return value
