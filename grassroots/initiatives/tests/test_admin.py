"""The admin site shows initiatives but never changes them (changes go through the services)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import make_site_admin
from grassroots.initiatives.tests.factories import InitiativeFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_site_admins_look_initiatives_up_but_cannot_edit_them(
    client: Client, mfa_totp: Any
) -> None:
    admin = make_site_admin()
    mfa_totp(admin)
    client.force_login(admin)
    initiative = InitiativeFactory(title="Brook Street garden")
    NeedFactory(initiative=initiative)
    assert "Brook Street garden" in client.get("/admin/initiatives/initiative/").content.decode()
    page = client.get(f"/admin/initiatives/initiative/{initiative.pk}/change/")
    assert page.status_code == 200
    assert "Spades and gloves" in page.content.decode()
    response = client.post(
        f"/admin/initiatives/initiative/{initiative.pk}/change/", {"title": "Renamed"}
    )
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Brook Street garden"
    assert client.get("/admin/initiatives/initiative/add/").status_code == 403
