"""The leads withdraw an invitation to a councillor: only they may; it is audited and the
councillor is told; on a safeguarded initiative the councillor is outside again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.visibility import can_view
from grassroots.notifications.models import Notification
from grassroots.support import services
from grassroots.support.models import Invitation
from grassroots.testing.worlds import Town, pick_town

from .conftest import post_as

pytestmark = pytest.mark.django_db


def _url(invitation: Invitation) -> str:
    return reverse("support:invitation_withdraw", kwargs={"pk": invitation.pk})


@pytest.mark.parametrize(
    "role",
    pick_town(
        "anonymous",
        "resident",
        "member",
        "lead of another initiative",
        "ward councillor",
        "invited councillor",
        "officer",
        "site admin",
        "lead",
    ),
)
def test_only_the_leads_may_withdraw_it(client: Client, town: Town, role: str) -> None:
    invitation = Invitation.objects.get(initiative=town.initiative)
    response = post_as(client, town, role, _url(invitation), {})
    withdrawn = not Invitation.objects.filter(pk=invitation.pk).exists()
    assert withdrawn == (role == "lead"), role
    if role != "lead":
        assert response.status_code in (302, 403, 404)
        if role != "anonymous":
            with pytest.raises(PermissionDenied):
                services.invitation_withdraw(actor=town.person(role), invitation=invitation)


def test_the_councillor_is_told_and_it_is_audited(client: Client, town: Town) -> None:
    invitation = Invitation.objects.get(initiative=town.initiative)
    Notification.objects.all().delete()
    client.force_login(town.lead)
    response = client.post(_url(invitation), {})
    assert response.status_code == 302
    note = Notification.objects.get(recipient=town.person("invited councillor"))
    assert "Riverside garden" in note.text
    assert "withdrew their invitation" in note.text
    assert AuditEntry.objects.filter(action="support.invitation_withdrawn").count() == 1


def test_the_leads_see_the_button(client: Client, town: Town) -> None:
    invitation = Invitation.objects.get(initiative=town.initiative)
    client.force_login(town.lead)
    page = client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug}))
    assert _url(invitation) in page.content.decode()
    client.force_login(town.person("member"))
    page = client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug}))
    assert _url(invitation) not in page.content.decode()


def test_on_a_safeguarded_initiative_the_councillor_is_outside_again(
    client: Client, town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    councillor = town.person("invited councillor")
    assert can_view(councillor, town.initiative)
    invitation = Invitation.objects.get(initiative=town.initiative)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_withdraw(actor=town.lead, invitation=invitation)
    again = type(councillor).objects.get(pk=councillor.pk)
    assert not can_view(again, town.initiative)
    note = Notification.objects.get(recipient=councillor)
    assert "Riverside" not in note.text  # told, without naming what they may no longer see
    client.force_login(again)
    assert client.get(town.initiative.get_absolute_url()).status_code == 404


def test_withdrawing_twice_is_explained(client: Client, town: Town) -> None:
    invitation = Invitation.objects.get(initiative=town.initiative)
    services.invitation_withdraw(actor=town.lead, invitation=invitation)
    client.force_login(town.lead)
    assert client.post(_url(invitation), {}).status_code == 404
