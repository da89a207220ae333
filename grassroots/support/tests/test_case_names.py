"""A case about a safeguarded initiative: the department's officers handle it without learning
the initiative's name, which stays with its insiders (the councillor who raised it, its leads)."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.initiatives.models import Visibility
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _pages(case_pk: int) -> list[str]:
    return ["/support/cases/", f"/support/cases/{case_pk}/", f"/support/cases/{case_pk}/transfer"]


def test_officers_see_a_stand_in_for_a_safeguarded_initiatives_name(
    client: Client, town: Town
) -> None:
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    case = town.case()
    client.force_login(town.person("officer"))
    for path in _pages(case.pk):
        page = client.get(path).content.decode()
        assert "Riverside garden" not in page, path
        assert "A private group" in page, path


def test_insiders_and_officers_of_public_initiatives_see_the_name(
    client: Client, town: Town
) -> None:
    case = town.case()
    client.force_login(town.person("officer"))
    for path in _pages(case.pk):
        assert "Riverside garden" in client.get(path).content.decode(), path
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    client.force_login(town.lead)
    assert "Riverside garden" in client.get(f"/support/cases/{case.pk}/").content.decode()
