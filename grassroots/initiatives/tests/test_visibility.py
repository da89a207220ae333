"""The visibility rule every surface relies on (property tests live in test_visibility_property)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.initiatives.visibility import can_view, visible_initiatives
from grassroots.places.tests.factories import CouncillorTermFactory
from grassroots.support.models import HelpRequest, Invitation

pytestmark = pytest.mark.django_db


def test_public_initiatives_are_visible_to_everybody() -> None:
    initiative = InitiativeFactory()
    assert can_view(AnonymousUser(), initiative)
    assert list(visible_initiatives(AnonymousUser())) == [initiative]


def test_a_safeguarded_initiative_is_visible_only_to_its_members() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=initiative).user
    outsider = UserFactory()
    assert can_view(initiative.created_by, initiative)
    assert can_view(member, initiative)
    assert not can_view(outsider, initiative)
    assert not can_view(AnonymousUser(), initiative)
    assert list(visible_initiatives(outsider)) == []


def test_ward_councillors_see_it_only_while_a_help_request_waits() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    term = CouncillorTermFactory(ward=initiative.wards.get())
    councillor_user = UserFactory()
    term.councillor.user = councillor_user
    term.councillor.save()
    assert not can_view(councillor_user, initiative)
    request = HelpRequest.objects.create(
        initiative=initiative,
        kind="connect",
        message="Who runs the hall?",
        requested_by=initiative.created_by,
    )
    assert can_view(UserFactory.build(pk=councillor_user.pk, is_active=True), initiative)
    request.status = "withdrawn"
    request.save()
    assert not visible_initiatives(councillor_user).exists()


def test_an_invited_councillor_from_another_ward_can_see_it() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    term = CouncillorTermFactory()
    councillor_user = UserFactory()
    term.councillor.user = councillor_user
    term.councillor.save()
    Invitation.objects.create(
        initiative=initiative, councillor=term.councillor, invited_by=initiative.created_by
    )
    assert can_view(councillor_user, initiative)
