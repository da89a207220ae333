"""Queries compiled once (core/compiled.py): the person's roles, the header's unread count and
the model instances of a kept query give the same answers as the queries they were compiled
from, for every person and day; on PostgreSQL they run as prepared statements."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from freezegun import freeze_time

from grassroots import settings as project
from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.tests.factories import DepartmentFactory, UserFactory
from grassroots.conversations import visibility as conversations
from grassroots.core import compiled, request_cache
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.models import Backing, Membership, Visibility
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
)
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.selectors import inbox, unread_count
from grassroots.places.tests.factories import CouncillorFactory, CouncillorTermFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


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


def _membership(initiative_id: int, user_id: int) -> QuerySet[Membership]:
    backed = Backing.objects.filter(initiative=OuterRef("initiative"), user=OuterRef("user"))
    return (
        Membership.objects.filter(initiative_id=initiative_id, user_id=user_id)
        .select_related("initiative", "user")
        .annotate(_backs=Exists(backed))
        .order_by()
    )


def test_objects_are_the_instances_the_query_gives(django_assert_num_queries: Any) -> None:
    mine = MembershipFactory()
    other = MembershipFactory()
    BackingFactory(initiative=mine.initiative, user=mine.user)
    for membership, backs in ((mine, True), (other, False)):
        values = (membership.initiative_id, membership.user_id)
        with django_assert_num_queries(1):
            [found] = compiled.objects("test.membership", (), Membership, _membership, *values)
        # What the ORM gives, field for field, with the related rows and the annotation,
        # and nothing more to ask for them.
        expected = _membership(*values).get()
        with django_assert_num_queries(0):
            assert found == expected
            assert found.initiative.title == membership.initiative.title
            assert found.user.email == membership.user.email
            assert found.role == membership.role
            assert found._backs is backs  # type: ignore[attr-defined]
        assert found._state.adding is False
        assert found._state.db == "default"


def test_objects_put_each_value_in_its_own_place() -> None:
    mine = MembershipFactory()
    # The same two ids the other way round find nothing: each went to its own stand-in.
    swapped = (mine.user_id, mine.initiative_id)
    assert compiled.objects("test.membership", (), Membership, _membership, *swapped) == []
    assert compiled.objects(
        "test.membership", (), Membership, _membership, mine.initiative_id, mine.user_id
    ) == [mine]


def test_exists_says_whether_the_query_finds_a_row(django_assert_num_queries: Any) -> None:
    backed, other = BackingFactory(), InitiativeFactory()

    def backing(user_id: int, initiative_id: int) -> QuerySet[Backing]:
        return Backing.objects.filter(user_id=user_id, initiative_id=initiative_id)

    with django_assert_num_queries(1):
        assert compiled.exists(
            "test.backs", (), Backing, backing, backed.user_id, backed.initiative_id
        )
    assert not compiled.exists("test.backs", (), Backing, backing, backed.user_id, other.pk)
    # Each value in its own place: the same two ids swapped find nothing.
    assert not compiled.exists(
        "test.backs", (), Backing, backing, backed.initiative_id, backed.user_id
    )


def test_objects_refuse_what_they_cannot_make() -> None:
    mine = MembershipFactory()
    with pytest.raises(ValueError, match="instances"):
        compiled.objects(
            "test.rows",
            (),
            Membership,
            lambda pk: Membership.objects.filter(pk=pk).values("pk"),  # type: ignore[arg-type,return-value]
            mine.pk,
        )
    with pytest.raises(ValueError, match="prefetch"):
        compiled.objects(
            "test.prefetch",
            (),
            Membership,
            lambda pk: Membership.objects.filter(pk=pk).prefetch_related("user"),
            mine.pk,
        )
    # Two values, but the query uses only the first.
    with pytest.raises(ValueError, match="stand-in 2"):
        compiled.objects(
            "test.second",
            (),
            Membership,
            lambda pk, _other: Membership.objects.filter(pk=pk),
            mine.pk,
            mine.pk,
        )


def _prepared(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{text}%"],
        )
        return int(cursor.fetchone()[0])


@on_postgresql
def test_kept_queries_run_as_prepared_statements_and_no_other() -> None:
    person = UserFactory(email="prepared@example.org")
    assert compiled.fetch("test.emails", (), User, _emails, person.pk) == [
        {"email": "prepared@example.org"}
    ]
    assert _prepared('"accounts_user"."email"') == 1
    # Run again, the statement is reused, not prepared twice.
    compiled.fetch("test.emails", (), User, _emails, person.pk)
    assert _prepared('"accounts_user"."email"') == 1
    # The ORM's own queries bind on the client, as before.
    list(User.objects.filter(pk=person.pk).values("email", "display_name"))
    assert _prepared('"accounts_user"."display_name"') == 0


@on_postgresql
def test_a_rollback_does_not_lose_a_kept_query() -> None:
    person = UserFactory(email="before@example.org")
    assert compiled.fetch("test.emails", (), User, _emails, person.pk)
    during: list[dict[str, Any]] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            User.objects.filter(pk=person.pk).update(email="during@example.org")
            during.extend(compiled.fetch("test.emails", (), User, _emails, person.pk))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert during == [{"email": "during@example.org"}]
    # Back to what was there, with the query prepared again where the rollback dropped it.
    assert compiled.fetch("test.emails", (), User, _emails, person.pk) == [
        {"email": "before@example.org"}
    ]


@on_postgresql
def test_prepared_statements_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    person = UserFactory(email="plain@example.org")
    options = {**connection.settings_dict["OPTIONS"]}
    options.pop("prepare_threshold")
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    assert compiled.fetch("test.emails", (), User, _emails, person.pk) == [
        {"email": "plain@example.org"}
    ]
    assert _prepared('"accounts_user"."email"') == 0


def test_settings_prepare_kept_queries_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgres://someone@db.example:5432/grassroots"
    assert project._database(url, connect_timeout=5)["OPTIONS"]["prepare_threshold"] > 10**6
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "prepare_threshold" not in project._database(url, connect_timeout=5)["OPTIONS"]
    sqlite = project._database("sqlite:///var/x.sqlite3", connect_timeout=5)
    assert "prepare_threshold" not in sqlite["OPTIONS"]
