"""`{{ version.body|guide_markdown }}`: an editor's Markdown as safe GOV.UK-styled HTML."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from grassroots.learning.markdown import render

register = template.Library()


@register.filter
def guide_markdown(text: str) -> SafeString:
    return render(text or "")
