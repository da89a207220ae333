"""Template helpers that render Django form fields with GOV.UK Frontend classes."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def widget_type(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it must be asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxmultiple"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    name: str = type(widget).__name__
    return name.lower().removesuffix("input").removesuffix("widget")


@register.simple_tag
def render_control(field: forms.BoundField, base_class: str, extra: str = "") -> SafeString:
    """The field's widget with GOV.UK classes and the aria-describedby its hint/error need."""
    classes = [base_class]
    if extra:
        classes.append(extra)
    if field.errors:
        classes.append(f"{base_class}--error")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
