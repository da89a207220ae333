"""The visibility rule every surface relies on (property tests live in test_visibility_property)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.initiatives.visibility import can_view, viewers, visible_initiatives
from grassroots.places.models import CouncillorTerm
from grassroots.places.tests.factories import CouncillorTermFactory
from grassroots.support.models import HelpRequest, Invitation
from grassroots.testing.people import with_totp

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
    councillor_user = with_totp(UserFactory())
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
    councillor_user = with_totp(UserFactory())
    term.councillor.user = councillor_user
    term.councillor.save()
    Invitation.objects.create(
        initiative=initiative, councillor=term.councillor, invited_by=initiative.created_by
    )
    assert can_view(councillor_user, initiative)


def test_a_councillors_insider_access_ends_with_their_term() -> None:
    """Support, an invitation from the leads: both let a councillor in only while they sit."""
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    councillor_user = with_totp(UserFactory())
    term = CouncillorTermFactory(councillor__user=councillor_user, ward=initiative.wards.get())
    Invitation.objects.create(
        initiative=initiative, councillor=term.councillor, invited_by=initiative.created_by
    )
    assert can_view(councillor_user, initiative)
    CouncillorTerm.objects.filter(pk=term.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    again = UserFactory._meta.model.objects.get(pk=councillor_user.pk)  # a new request
    assert not can_view(again, initiative)
    assert viewers(initiative, [again.pk]) == set()


def test_a_former_councillor_who_is_a_member_keeps_member_access_with_a_password() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    former = UserFactory()  # no TOTP: they hold no role any more
    CouncillorTermFactory(
        councillor__user=former,
        ward=initiative.wards.get(),
        starts_on=datetime.date(2014, 5, 1),
        ends_on=datetime.date(2018, 5, 1),
    )
    MembershipFactory(initiative=initiative, user=former)
    assert can_view(former, initiative)
    assert viewers(initiative, [former.pk]) == {former.pk}


def test_a_sitting_councillor_without_totp_is_not_inside_even_as_a_member() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    councillor_user = UserFactory()
    CouncillorTermFactory(councillor__user=councillor_user)
    MembershipFactory(initiative=initiative, user=councillor_user)
    assert not can_view(councillor_user, initiative)
    assert viewers(initiative, [councillor_user.pk]) == set()
    with_totp(councillor_user)
    again = UserFactory._meta.model.objects.get(pk=councillor_user.pk)
    assert can_view(again, initiative)
    assert viewers(initiative, [again.pk]) == {again.pk}


def test_a_moderator_without_totp_is_not_inside_even_as_a_member() -> None:
    # Moderators are not made to set up two-factor authentication for the rest of the site,
    # but a role holder's insider access to a safeguarded space always needs it.
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    moderator = UserFactory(is_moderator=True)
    MembershipFactory(initiative=initiative, user=moderator)
    assert not can_view(moderator, initiative)
    assert viewers(initiative, [moderator.pk]) == set()
    with_totp(moderator)
    again = UserFactory._meta.model.objects.get(pk=moderator.pk)
    assert can_view(again, initiative)
    assert viewers(initiative, [again.pk]) == {again.pk}
