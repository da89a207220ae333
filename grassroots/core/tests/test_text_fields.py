"""The shared text helpers of `core.forms`: `text_field` gives a text box its two messages,
`no_control_characters` refuses pasted control characters in one field, and `CleanTextMixin`
refuses them in every text a form cleans, each error on its own field."""

from __future__ import annotations

import pytest
from django import forms

from grassroots.core.forms import (
    CleanTextMixin,
    PlainTextField,
    no_control_characters,
    text_field,
)


class NoteForm(forms.Form):
    title = text_field("Title", "Enter a title", "Title must be 10 characters or fewer", 10)
    note = text_field(
        "Note (optional)",
        "",
        "Note must be 20 characters or fewer",
        20,
        required=False,
        help_text="Anything else",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_title(self) -> str:
        return no_control_characters(self.cleaned_data["title"])

    def clean_note(self) -> str:
        return no_control_characters(self.cleaned_data["note"], "Remove the odd characters")


class CleanForm(CleanTextMixin, forms.Form):
    first = forms.CharField(required=False)
    second = forms.CharField(required=False)
    count = forms.IntegerField(required=False)


class MessageForm(CleanTextMixin, forms.Form):
    control_characters_message = "Take out the control characters"
    text = forms.CharField()


def test_text_field_is_a_plain_text_field_with_its_settings() -> None:
    form = NoteForm()
    title, note = form.fields["title"], form.fields["note"]
    assert isinstance(title, PlainTextField)
    assert isinstance(note, PlainTextField)
    assert (title.label, title.max_length, title.required) == ("Title", 10, True)
    assert isinstance(title.widget, forms.TextInput)
    assert (note.required, note.help_text) == (False, "Anything else")
    assert isinstance(note.widget, forms.Textarea)
    assert note.widget.attrs["rows"] == 3


def test_required_and_too_long_messages() -> None:
    form = NoteForm({"title": "", "note": "x" * 21})
    assert form.errors == {
        "title": ["Enter a title"],
        "note": ["Note must be 20 characters or fewer"],
    }
    assert NoteForm({"title": "x" * 11}).errors == {
        "title": ["Title must be 10 characters or fewer"]
    }


def test_an_optional_box_left_empty_is_fine() -> None:
    form = NoteForm({"title": "Garden"})
    assert form.is_valid()
    assert form.cleaned_data == {"title": "Garden", "note": ""}


def test_control_characters_are_refused_with_a_clear_message() -> None:
    form = NoteForm({"title": "Gar\x07den", "note": "a\x1bb"})
    assert form.errors == {
        "title": ["Remove the control characters from the text"],
        "note": ["Remove the odd characters"],
    }


def test_tabs_and_line_breaks_are_allowed() -> None:
    form = NoteForm({"title": "a\tb", "note": "one\r\ntwo\nthree"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "a\tb", "note": "one\r\ntwo\nthree"}


def test_no_control_characters_returns_the_value_unchanged() -> None:
    assert no_control_characters("line\tone\nline two") == "line\tone\nline two"
    with pytest.raises(forms.ValidationError) as refused:
        no_control_characters("bell\x07", "Remove them")
    assert refused.value.messages == ["Remove them"]


def test_mixin_adds_an_error_on_each_field_with_control_characters() -> None:
    form = CleanForm({"first": "a\x01b", "second": "c\x7fd", "count": "3"})
    assert form.errors == {
        "first": ["Remove the control characters"],
        "second": ["Remove the control characters"],
    }
    assert form.cleaned_data == {"count": 3}


def test_mixin_leaves_clean_text_alone() -> None:
    form = CleanForm({"first": "tab\there", "second": "one\r\ntwo", "count": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"first": "tab\there", "second": "one\r\ntwo", "count": None}


def test_mixin_message_can_be_changed_per_form() -> None:
    form = MessageForm({"text": "a\x01b"})
    assert form.errors == {"text": ["Take out the control characters"]}
