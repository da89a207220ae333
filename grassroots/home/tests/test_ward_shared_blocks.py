"""The ward page's blocks are drawn once and shared by everyone who would see the same
(`pagecache.shared`), with the page cache on as in production: a change shows at once on a
signed-in page, what an insider sees never reaches anyone else, and a page with the shared
values kept costs a few queries for the person looking."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.opinions.models import OpinionMap
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory
from grassroots.priorities.models import Exercise
from grassroots.priorities.tests.factories import DAY, build_place, open_exercise, set_phase
from grassroots.testing.people import make_councillor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]


def page(user: User | None, ward: Ward) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(ward.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_conversation_shows_at_once_on_a_signed_in_page() -> None:
    ward = WardFactory()
    resident = UserFactory()
    assert "No conversations yet." in page(resident, ward)
    ConversationFactory(ward=ward, question="Where should the new bench go?")
    assert "Where should the new bench go?" in page(resident, ward)


def test_a_new_initiative_and_need_show_at_once_on_a_signed_in_page() -> None:
    ward = WardFactory()
    resident = UserFactory()
    assert "No initiatives in this ward yet." in page(resident, ward)
    garden = InitiativeFactory(title="Canal clean-up", wards=[ward])
    NeedFactory(initiative=garden, description="Litter pickers for Saturday")
    html = page(resident, ward)
    assert "Canal clean-up" in html
    assert "Litter pickers for Saturday" in html


def test_a_new_group_and_opinion_map_show_at_once() -> None:
    place = build_place()
    assert "No groups in this ward yet." not in page(place.resident, place.ward_a)
    GroupFactory(council=place.council, name="Ash Lane Gardeners").wards.add(place.ward_a)
    assert "Ash Lane Gardeners" in page(place.resident, place.ward_a)
    assert "No opinion maps yet." in page(place.resident, place.ward_a)
    OpinionMap.objects.create(
        ward=place.ward_a, question="Where should the cycle lane go?", started_by=place.councillor
    )
    assert "Where should the cycle lane go?" in page(place.resident, place.ward_a)


def test_a_draft_exercise_is_seen_by_its_organiser_only_and_by_everyone_once_open() -> None:
    place = build_place()
    exercise = set_phase(open_exercise(place, by_councillor=True), "draft")  # type: ignore[arg-type]
    question = exercise.question
    # Each in turn, so a block drawn for one is there to be (wrongly) served to the next.
    assert question in page(place.councillor, place.ward_a)
    assert question not in page(place.resident, place.ward_a)
    assert question not in page(None, place.ward_a)
    assert question in page(place.councillor, place.ward_a)
    # It opens with the clock, with no write to mark anything out of date: everyone sees it
    # from that moment, although the ward's list was kept without it just before.
    opens = timezone.now() + DAY
    Exercise.objects.filter(pk=exercise.pk).update(suggest_opens=opens)
    assert question not in page(place.resident, place.ward_a)
    with freeze_time(opens + datetime.timedelta(minutes=1)):
        assert question in page(place.resident, place.ward_a)


def safeguarded_in(ward: Ward) -> tuple[Initiative, User]:
    refuge = InitiativeFactory(
        title="Women's refuge garden", wards=[ward], visibility=Visibility.SAFEGUARDED
    )
    NeedFactory(initiative=refuge, description="A locked shed for tools")
    return refuge, MembershipFactory(initiative=refuge).user


@pytest.mark.parametrize("insider_first", [True, False])
def test_an_insiders_ward_block_never_reaches_an_outsider(insider_first: bool) -> None:
    ward = WardFactory()
    InitiativeFactory(title="Canal clean-up", wards=[ward])
    _, member = safeguarded_in(ward)
    outsider = UserFactory()
    order = [member, outsider, None] if insider_first else [None, outsider, member]
    for _round in range(2):  # the second round is served from the shared values
        for viewer in order:
            html = page(viewer, ward)
            assert "Canal clean-up" in html
            inside = viewer == member
            assert ("Women&#x27;s refuge garden" in html) is inside
            assert ("A locked shed for tools" in html) is inside


def test_a_member_leaving_loses_the_block_at_once() -> None:
    ward = WardFactory()
    refuge, member = safeguarded_in(ward)
    assert "Women&#x27;s refuge garden" in page(member, ward)
    refuge.memberships.filter(user=member).delete()
    assert "Women&#x27;s refuge garden" not in page(member, ward)


def queries_of(user: User, ward: Ward) -> list[str]:
    client = Client()
    client.force_login(user)
    client.get(ward.get_absolute_url())  # draws and keeps the shared values
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ward.get_absolute_url()).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_signed_in_ward_page_with_the_blocks_kept_costs_few_queries() -> None:
    place = build_place()
    open_exercise(place, by_councillor=True)
    for n in range(3):
        garden = InitiativeFactory(title=f"Garden {n}", wards=[place.ward_a])
        NeedFactory(initiative=garden)
        ConversationFactory(ward=place.ward_a)
    OpinionMap.objects.create(ward=place.ward_a, question="Buses?", started_by=place.councillor)
    resident_queries = queries_of(place.resident, place.ward_a)
    # The person's session, account and roles, and what is theirs alone (their unread count,
    # following, what they may start): no block's rows, nor the ward's or its councillors'.
    assert len(resident_queries) <= 7, "\n".join(resident_queries)
    for table in (
        "conversations_conversation",
        "initiatives_need",
        "initiatives_initiative",
        "places_ward",
        "places_councillorterm",
    ):
        assert not any(q.startswith(f'SELECT "{table}"."id"') for q in resident_queries)
    councillor = make_councillor(place.ward_a)
    assert len(queries_of(councillor, place.ward_a)) <= 12
    assert Conversation.objects.filter(ward=place.ward_a).count() == 3


def test_a_new_councillor_and_a_new_ward_name_show_at_once() -> None:
    ward = WardFactory(name="Riverside")
    resident = UserFactory()
    assert "Alex Ash" not in page(resident, ward)
    make_councillor(ward, name="Alex Ash")
    html = page(resident, ward)
    assert "Alex Ash" in html
    Ward.objects.filter(pk=ward.pk).update(name="Riverside and Docks")
    assert "Riverside and Docks" in page(resident, ward)


def test_the_kept_ward_page_holds_no_councillors_private_details() -> None:
    ward = WardFactory()
    councillor = make_councillor(ward, name="Alex Ash")
    User.objects.filter(pk=councillor.pk).update(
        email="alex.private@example.org", postcode="ZZ9 9ZZ"
    )
    assert "Alex Ash" in page(UserFactory(), ward)
    backend = caches["default"]
    assert isinstance(backend, LocMemCache), "the tests' cache is this process's memory"
    stored = b"".join(getattr(backend, "_cache").values())  # noqa: B009 - as stored (pickled)
    assert b"Alex Ash" in stored, "the ward page was not kept"
    assert b"alex.private@example.org" not in stored
    assert b"ZZ9 9ZZ" not in stored
