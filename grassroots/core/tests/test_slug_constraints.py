"""The database refuses a slug no URL pattern accepts, on every table that has one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.models import Council
from grassroots.places.tests.factories import CouncilFactory, CouncillorFactory, WardFactory

pytestmark = pytest.mark.django_db

FACTORIES: dict[str, Callable[..., Any]] = {
    "council": CouncilFactory,
    "ward": WardFactory,
    "councillor": CouncillorFactory,
    "group": GroupFactory,
    "initiative": InitiativeFactory,
}


@pytest.mark.parametrize("table", FACTORIES)
@pytest.mark.parametrize("bad", ["repair-café", "", "two words", "a/b", "ünï", "x.y"])
def test_it_refuses_a_slug_the_url_patterns_refuse(table: str, bad: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FACTORIES[table](slug=bad)


@pytest.mark.parametrize("table", FACTORIES)
def test_it_takes_a_url_slug(table: str) -> None:
    row = FACTORIES[table](slug="repair-cafe_2")
    row.refresh_from_db()
    assert row.slug == "repair-cafe_2"


def test_a_form_or_the_admin_is_told_why_in_plain_english() -> None:

    council = Council(gss_code="E06000999", name="Ynys Môn", slug="ynys-môn")
    with pytest.raises(ValidationError, match="only letters a to z, numbers, hyphens"):
        council.validate_constraints()
