"""The site search box."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.initiatives.search import words

# As the initiatives list's search box.
SEARCH_MAX_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search Grassroots"),
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "required": _("Enter words to search for"),
            "max_length": _("Search must be 200 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "true"}),
    )

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise forms.ValidationError(
                _("Search must only include letters, numbers, spaces and punctuation"),
                code="control",
            )
        if not words(text):
            raise forms.ValidationError(
                _("Enter words to search for, using letters or numbers"), code="no_words"
            )
        return text
