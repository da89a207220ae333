"""How pages outside an initiative name it: by its title, unless the reader may not see it.

An officer handling an advocacy case, for example, learns what the council is asked to do, but a
safeguarded initiative's name stays with its insiders (the visibility rule decides)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from grassroots.accounts.types import Viewer
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.visibility import can_view

register = template.Library()


@register.filter
def name_for(initiative: Initiative, user: Viewer) -> str:
    """`initiative`'s title for those who may see it, else a stand-in that names nothing
    (no query for a public initiative)."""
    if can_view(user, initiative):
        return initiative.title
    return _("A private group (only its members see its name)")
