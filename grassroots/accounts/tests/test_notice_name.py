"""Notifications, and the emails made from them, name people with what they verifiably are, so
a display name can never pass for a councillor or an officer."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from grassroots.accounts.selectors import notice_name
from grassroots.accounts.tests.factories import UserFactory, make_councillor, make_officer
from grassroots.groups import services as group_services
from grassroots.groups.models import Joining
from grassroots.groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_a_resident_is_named_as_a_resident_whatever_their_display_name() -> None:
    # (Saved before the profile form refused such names.)
    assert notice_name(UserFactory(display_name="Cllr Jones")) == "Cllr Jones (resident)"


def test_a_councillor_is_named_from_the_councils_record() -> None:
    user = make_councillor(UserFactory(display_name="PP"), councillor__name="Priya Patel")
    assert notice_name(user) == "Priya Patel (councillor)"


def test_a_former_councillor_is_a_resident_again() -> None:
    user = make_councillor(
        UserFactory(display_name="Priya"),
        starts_on=datetime.date(2014, 5, 1),
        ends_on=datetime.date(2018, 5, 1),
    )
    assert notice_name(user) == "Priya (resident)"


def test_an_officer_is_named_as_one() -> None:
    assert notice_name(make_officer(UserFactory(display_name="Jo"))) == "Jo (council officer)"


def test_the_email_carries_the_verified_label(django_capture_on_commit_callbacks: object) -> None:
    group = GroupFactory(joining=Joining.INVITE, name="Brook choir")
    group.created_by.display_name = "Councillor Smith"  # an old name, from before the rule
    group.created_by.save(update_fields=["display_name"])
    invitee = UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        group_services.invitation_create(group=group, actor=group.created_by, email=invitee.email)
    [message] = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    assert "Councillor Smith (resident) invited you to join Brook choir" in message.subject
    assert "Councillor Smith (resident)" in message.body
