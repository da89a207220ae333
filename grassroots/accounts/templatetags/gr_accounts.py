"""Template helpers for the allauth pages, which we render with GOV.UK Frontend markup."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms, template

register = template.Library()

# allauth's element tags (`{% element button tags="danger,delete" %}`) → GOV.UK button modifiers.
_BUTTON_MODIFIERS = {
    "danger": "govuk-button--warning",
    "delete": "govuk-button--warning",
    "secondary": "govuk-button--secondary",
    "outline": "govuk-button--secondary",
    "link": "govuk-button--secondary",
    "cancel": "govuk-button--secondary",
}
_TAG_COLOURS = {
    "success": "govuk-tag--green",
    "warning": "govuk-tag--yellow",
    "danger": "govuk-tag--red",
    "primary": "govuk-tag--blue",
}


@register.filter
def squash(text: object) -> str:
    """Collapse the whitespace allauth's block templates leave around titles."""
    return " ".join(str(text).split())


@register.filter
def button_classes(tags: Iterable[str] | None) -> str:
    classes = ["govuk-button"]
    for tag in tags or ():
        modifier = _BUTTON_MODIFIERS.get(tag)
        if modifier and modifier not in classes:
            classes.append(modifier)
            break
    return " ".join(classes)


@register.filter
def tag_classes(tags: Iterable[str] | None) -> str:
    for tag in tags or ():
        if tag in _TAG_COLOURS:
            return f"govuk-tag {_TAG_COLOURS[tag]}"
    return "govuk-tag govuk-tag--grey"


@register.filter
def without_placeholders(form: forms.BaseForm) -> forms.BaseForm:
    """GOV.UK labels every field and never uses placeholders, which allauth sets everywhere.

    Each form instance owns deep copies of its widgets, so this changes only the form on the page.
    """
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)
    return form


@register.filter
def input_classes(field: forms.BoundField) -> str:
    """GOV.UK input widths: short for one-time codes, medium for passwords."""
    widget = field.field.widget
    if widget.attrs.get("autocomplete") == "one-time-code":
        return "govuk-input--width-10 govuk-input--extra-letter-spacing"
    if isinstance(widget, forms.PasswordInput):
        return "govuk-input--width-20"
    return ""


@register.filter
def spaced(secret: object, size: int = 4) -> str:
    """Split a TOTP secret into groups of four so that people can copy it by hand."""
    text = str(secret)
    return " ".join(text[i : i + size] for i in range(0, len(text), size))
