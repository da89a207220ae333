"""Direction controls and other invisible characters are taken out of what people type, through
the real forms (titles, names, descriptions, replies) and the reply service."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.conversations.forms import ReplyForm, StartForm
from grassroots.core.text import SPOOFING_CHARACTERS, clean_text, skeleton, strip_invisible
from grassroots.events.forms import EventForm
from grassroots.groups.forms import GroupForm
from grassroots.initiatives.forms import InitiativeForm, UpdateForm
from grassroots.places.tests.factories import CouncilFactory

# "Cllr" turned round on screen by a right-to-left override, with isolates, marks and a
# zero-width space for good measure.
SPOOF = "\u202erllC\u202c \u2066Sam\u2069\u200e\u200f\u061c\u200b\ufeff"


def _kwargs(form_class: Any) -> dict[str, Any]:
    if form_class is GroupForm:
        return {"council": CouncilFactory()}
    if form_class is StartForm:
        return {"host_kind": "group", "forced_safeguarding": False}
    return {}


def _cleaned(form_class: Any, field: str, value: str) -> Any:
    form = form_class({field: value}, **_kwargs(form_class))
    form.is_valid()  # other required fields may be missing; this field is cleaned regardless
    assert field not in form.errors, form.errors
    return form.cleaned_data[field]


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (InitiativeForm, "title"),
        (InitiativeForm, "problem"),
        (UpdateForm, "text"),
        (StartForm, "question"),
        (ReplyForm, "body"),
        (GroupForm, "name"),
        (GroupForm, "description"),
        (EventForm, "title"),
    ],
)
@pytest.mark.django_db
def test_it_strips_direction_controls_from_what_people_type(form_class: Any, field: str) -> None:
    cleaned = _cleaned(form_class, field, f"Brook {SPOOF} garden")
    assert cleaned == "Brook rllC Sam garden"
    assert not set(cleaned) & SPOOFING_CHARACTERS


def test_a_reply_keeps_joiners_a_script_needs_but_a_name_does_not() -> None:
    text = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 👨\u200d👩\u200d👧"
    assert strip_invisible(text) == text
    assert "\u200c" not in strip_invisible(text, name=True)
    assert "\u200d" not in strip_invisible(text, name=True)


@pytest.mark.django_db
def test_a_group_name_loses_hidden_joiners() -> None:
    assert _cleaned(GroupForm, "name", "Friends\u200d of\u2060 the park") == "Friends of the park"


def test_the_skeleton_reads_names_as_a_person_would() -> None:
    assert skeleton("  Сllr   SAM  ") == "cllr sam"  # its first letter is Cyrillic
    assert skeleton("Ｃｏｕｎｃｉｌｌｏｒ") == "councillor"
    assert skeleton("Zoë") == "zoe"


@pytest.mark.django_db
def test_the_reply_service_strips_them_too() -> None:
    assert clean_text("ok\u202e go", max_length=50, empty="e", too_long="t") == "ok go"
