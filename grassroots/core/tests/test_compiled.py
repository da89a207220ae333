"""Queries compiled once (core/compiled.py): the person's roles and the header's unread count
give the same answers as the queries they were compiled from, for every person and day."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone
from freezegun import freeze_time

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.tests.factories import DepartmentFactory, UserFactory
from grassroots.conversations import visibility as conversations
from grassroots.core import compiled, request_cache
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.selectors import inbox, unread_count
from grassroots.places.tests.factories import CouncillorFactory, CouncillorTermFactory

pytestmark = pytest.mark.django_db


def _emails(user_id: int) -> QuerySet[Any, Any]:
    return User.objects.filter(pk=user_id).values("email")


def test_it_runs_the_query_with_the_value_in_place_of_the_stand_in() -> None:
    first, second = UserFactory(email="one@example.org"), UserFactory(email="two@example.org")
    assert compiled.fetch("test.emails", (), User, _emails, first.pk) == [
        {"email": "one@example.org"}
    ]
    assert compiled.fetch("test.emails", (), User, _emails, second.pk) == [
        {"email": "two@example.org"}
    ]
    assert compiled.fetch("test.emails", (), User, _emails, second.pk + 1000) == []


def test_it_refuses_a_query_without_the_stand_in() -> None:
    UserFactory()
    with pytest.raises(ValueError, match="stand-in"):
        compiled.fetch("test.no_stand_in", (), User, lambda _: User.objects.values("pk"), 1)


def test_roles_follow_the_day_a_post_starts_and_ends() -> None:
    today = timezone.localdate()
    officer = UserFactory()
    OfficerPost.objects.create(
        user=officer,
        department=DepartmentFactory(),
        job_title="Parks officer",
        starts_on=today + datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=2),
    )
    councillor = CouncillorFactory(user=UserFactory())
    CouncillorTermFactory(councillor=councillor, starts_on=today, ends_on=None)
    assert not user_roles(officer).officer
    assert user_roles(councillor.user).councillor
    with freeze_time(today + datetime.timedelta(days=1)):
        assert user_roles(officer).officer
    with freeze_time(today + datetime.timedelta(days=3)):
        assert not user_roles(officer).officer
    assert not user_roles(officer).officer


def test_roles_of_flags_and_of_nobody() -> None:
    moderator = UserFactory(is_moderator=True)
    admin = UserFactory(is_staff=True)
    roles = user_roles(moderator)
    assert roles.moderator
    assert not roles.site_admin
    assert not roles.councillor
    assert user_roles(admin).site_admin
    gone = UserFactory()
    gone.delete()
    assert user_roles(gone) == user_roles(None)  # type: ignore[arg-type]


def test_the_unread_count_is_the_unread_part_of_the_inbox(django_assert_num_queries: Any) -> None:
    reader, member = UserFactory(), UserFactory()
    public = InitiativeFactory()
    quiet = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    MembershipFactory(initiative=quiet, user=member)
    for person in (reader, member):
        for about in (None, public, quiet):
            Notification.objects.create(
                recipient=person, kind=Kind.STAGE_CHANGE, text="x", url="/", initiative=about
            )
    Notification.objects.filter(recipient=reader, initiative=None).update(read_at=timezone.now())
    # The reader sees nothing restricted: one unread about the public initiative.
    assert unread_count(reader) == 1
    # The member sees the safeguarded initiative too: all three.
    assert unread_count(member) == 3
    for person in (reader, member):
        assert unread_count(person) == inbox(person).filter(read_at__isnull=True).count()
    # One query, in a request where the visibility answers are already known (a write
    # forgets them, so they are asked again first).
    with request_cache.scope():
        Notification.objects.create(recipient=reader, kind=Kind.STAGE_CHANGE, text="y", url="/")
        restricted = (
            initiatives.restricted_visible_ids(reader),
            conversations.restricted_visible_ids(reader),
        )
        assert restricted == ((), ())
        with django_assert_num_queries(1):
            assert unread_count(reader) == 2
