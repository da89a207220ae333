"""Partnerships: who sets one up and manages it, members and their roles, residents or not,
leaving, the quorum, and the partnership's page with its standing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import MemberRole, Membership, Partnership
from grassroots.funding.rules import is_chair, is_current_member, is_treasurer
from grassroots.funding.services import partners as services
from grassroots.funding.tests.partners_world import CAST, World, build_world, matrix, only
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.people import make_councillor, make_officer, make_resident
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

world_snapshot, world = shared_world(build_world, name="world")


def _client(world: World, name: str) -> Client:
    client = Client()
    if name != "anonymous":
        client.force_login(world.person(name))
    return client


def expect(response: Any, name: str, allowed: bool) -> None:
    """Signed out: sent to sign in. A role without two-factor: sent to set it up. Otherwise a
    redirect when allowed (the form did its work) and a 403 when not."""
    if name == "anonymous" or name.endswith("without 2FA"):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/")
    else:
        assert response.status_code == (302 if allowed else 403)
        if allowed:
            assert not response["Location"].startswith("/accounts/")


def _seats(world: World) -> list[tuple[int, str, bool, str, Any]]:
    return list(
        Membership.objects.filter(partnership=world.area.partnership)
        .order_by("pk")
        .values_list("user_id", "role", "is_resident", "represents", "left_on")
    )


# --- The shared predicates --------------------------------------------------------------------


def test_the_shared_predicates_answer_for_every_kind_of_object(world: World) -> None:
    area = world.area
    chair, treasurer, member = (world.user(n) for n in ("chair", "treasurer", "member"))
    for obj in (area.partnership, area.fund, area.plan, area.members[0]):
        assert is_chair(chair, obj)
        assert not is_chair(treasurer, obj)
        assert is_treasurer(treasurer, obj)
        assert not is_treasurer(member, obj)
        assert is_current_member(member, obj)
        assert not is_current_member(world.user("resident"), obj)
        assert not is_current_member(world.user("anonymous"), obj)
        assert not is_current_member(world.user("other chair"), obj)
    assert not is_current_member(chair, object())


def test_a_member_who_left_has_no_seat(world: World) -> None:
    seat = world.area.member(MemberRole.MEMBER)
    services.membership_end(actor=world.person("member"), membership=seat)
    assert not is_current_member(world.user("member"), world.area.partnership)


def test_a_member_holding_a_role_without_two_factor_has_no_powers(world: World) -> None:
    plain = world.person("councillor without 2FA")
    Membership.objects.filter(partnership=world.area.partnership, role="chair").update(
        role="member"
    )
    Membership.objects.create(
        partnership=world.area.partnership, user=plain, role="chair", is_resident=False
    )
    assert not is_chair(plain, world.area.partnership)


# --- Setting one up ----------------------------------------------------------------------------


def test_who_may_set_up_a_partnership(world: World) -> None:
    group = GroupFactory(council=world.area.council, created_by=world.person("resident"))
    expected = only("resident", "site admin")  # the resident organises this group
    assert matrix(world, "funding.create_partnership", group) == expected
    group.archived_at = timezone.now()
    assert matrix(world, "funding.create_partnership", group) == only()


@pytest.mark.parametrize("name", CAST)
def test_setting_up_a_partnership_by_page(world: World, name: str) -> None:
    group = GroupFactory(council=world.area.council, created_by=world.person("resident"))
    allowed = name in ("resident", "site admin")
    url = reverse("funding:partnership_new") + f"?group={group.slug}"
    response = _client(world, name).post(url, {"name": "Riverside Big Local"})
    expect(response, name, allowed)
    made = Partnership.objects.filter(group=group).first()
    assert (made is not None) is allowed
    if made:
        assert made.name == "Riverside Big Local"
        assert AuditEntry.objects.filter(
            action="funding.partnership_create", object_id=str(made.pk)
        ).exists()


def test_a_group_has_one_partnership(world: World) -> None:
    group = world.area.partnership.group
    with pytest.raises(ServiceError, match="already has a partnership"):
        services.partnership_create(actor=world.person("site admin"), group=group, name="Again")
    response = _client(world, "organiser").get(
        reverse("funding:partnership_new") + f"?group={group.slug}"
    )
    assert response.status_code == 302
    assert response["Location"] == world.area.partnership.get_absolute_url()


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "Bad\x07name"])
def test_a_bad_partnership_name_is_refused(world: World, name: str) -> None:
    group = GroupFactory(council=world.area.council, created_by=world.person("resident"))
    response = _client(world, "resident").post(
        reverse("funding:partnership_new") + f"?group={group.slug}", {"name": name}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Partnership.objects.filter(group=group).exists()


def test_a_missing_group_is_a_404(world: World) -> None:
    response = _client(world, "site admin").get(reverse("funding:partnership_new") + "?group=no")
    assert response.status_code == 404


# --- Managing members --------------------------------------------------------------------------


def test_who_manages_a_partnership(world: World) -> None:
    partnership = world.area.partnership
    assert matrix(world, "funding.manage_partnership", partnership) == only("chair", "site admin")
    # Without a chair, the group's organisers may appoint one.
    Membership.objects.filter(partnership=partnership, role="chair").update(role="member")
    assert matrix(world, "funding.manage_partnership", partnership) == only(
        "organiser", "site admin"
    )


@pytest.mark.parametrize("name", CAST)
def test_adding_a_member_by_page(world: World, name: str) -> None:
    newcomer = make_resident(ward=world.area.wards[0], email="newcomer@example.org")
    before = _seats(world)
    response = _client(world, name).post(
        reverse("funding:member_add", args=[world.area.partnership.slug]),
        {"email": "Newcomer@Example.org", "role": "member", "resident": "yes", "represents": ""},
    )
    allowed = name in ("chair", "site admin")
    expect(response, name, allowed)
    seats = _seats(world)
    if allowed:
        assert seats[-1][:3] == (newcomer.pk, "member", True)
        assert AuditEntry.objects.filter(action="funding.membership_add").count() == 1
    else:
        assert seats == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "member", "resident": "yes"}, "Enter the email address"),
        ({"email": "not an email", "role": "member", "resident": "yes"}, "correct format"),
        ({"email": "nobody@example.org", "role": "member", "resident": "yes"}, "no account"),
        ({"email": "@", "role": "boss", "resident": "yes"}, "Choose the member’s role"),
        ({"email": "@", "role": "member", "resident": ""}, "Say whether they are a resident"),
        ({"email": "@", "role": "member", "resident": "perhaps"}, "Say whether"),
        ({"email": "@", "role": "member", "resident": "no", "represents": "x" * 201}, "200"),
        ({"email": "@", "role": "chair", "resident": "yes"}, "already has a chair"),
        ({"email": "@", "role": "treasurer", "resident": "yes"}, "already has a treasurer"),
        (
            {"email": "@", "role": "member", "resident": "yes", "represents": "Trust"},
            "organisation",
        ),
        ({"email": "chair", "role": "member", "resident": "yes"}, "already a member"),
    ],
)
def test_bad_input_when_adding_a_member(world: World, data: dict[str, str], message: str) -> None:
    make_resident(email="joiner@example.org")
    if data["email"] == "@":
        data = {**data, "email": "joiner@example.org"}
    elif data["email"] == "chair":
        data = {**data, "email": world.person("chair").email}
    before = _seats(world)
    response = _client(world, "chair").post(
        reverse("funding:member_add", args=[world.area.partnership.slug]), data
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert _seats(world) == before


@pytest.mark.parametrize("role_holder", ["councillor", "officer"])
def test_a_councillor_or_an_officer_is_never_a_resident_member(
    world: World, role_holder: str
) -> None:
    person = world.person(role_holder)
    with pytest.raises(ServiceError, match="cannot be a resident member"):
        services.membership_add(
            actor=world.person("chair"),
            partnership=world.area.partnership,
            user=person,
            is_resident=True,
        )
    # Also without two-factor set up: the role is what counts, not their powers.
    for plain in (make_councillor(world.area.wards[0], totp=False), make_officer(totp=False)):
        with pytest.raises(ServiceError, match="cannot be a resident member"):
            services.membership_add(
                actor=world.person("chair"),
                partnership=world.area.partnership,
                user=plain,
                is_resident=True,
            )
    seat = services.membership_add(
        actor=world.person("chair"),
        partnership=world.area.partnership,
        user=person,
        is_resident=False,
        represents="Riverside Council",
    )
    with pytest.raises(ServiceError, match="cannot be a resident member"):
        services.membership_change(
            actor=world.person("chair"), membership=seat, role="member", is_resident=True
        )
    seat.refresh_from_db()
    assert seat.is_resident is False


def test_a_resident_who_becomes_a_councillor_cannot_stay_marked_resident(world: World) -> None:
    seat = world.area.member(MemberRole.MEMBER)
    make_councillor(world.area.wards[0], user=seat.user)
    with pytest.raises(ServiceError, match="councillor"):
        services.membership_change(
            actor=world.person("chair"), membership=seat, role="member", is_resident=True
        )
    page = _client(world, "chair").post(
        reverse("funding:member_change", args=[world.area.partnership.slug, seat.pk]),
        {"role": "member", "resident": "yes"},
    )
    assert "is a councillor" in page.content.decode()


def test_one_chair_and_one_treasurer_at_a_time(world: World) -> None:
    chair = world.person("chair")
    member_seat = world.area.member(MemberRole.MEMBER)
    for role in ("chair", "treasurer"):
        with pytest.raises(ServiceError, match=f"already has a {role}"):
            services.membership_change(
                actor=chair, membership=member_seat, role=role, is_resident=True
            )
    # Hand the chair over: the chair steps down to member, then the new chair is named (by a
    # site admin, since the partnership has no chair for a moment... or the group's organiser).
    chair_seat = world.area.member(MemberRole.CHAIR)
    services.membership_change(actor=chair, membership=chair_seat, role="member", is_resident=True)
    services.membership_change(
        actor=world.person("organiser"), membership=member_seat, role="chair", is_resident=True
    )
    assert is_chair(member_seat.user, world.area.partnership)
    assert not is_chair(chair, world.area.partnership)


@pytest.mark.parametrize("name", CAST)
def test_changing_a_seat_by_page(world: World, name: str) -> None:
    seat = world.area.member(MemberRole.MEMBER)
    before = _seats(world)
    response = _client(world, name).post(
        reverse("funding:member_change", args=[world.area.partnership.slug, seat.pk]),
        {"role": "member", "resident": "no", "represents": "Riverside Trust"},
    )
    allowed = name in ("chair", "site admin")
    expect(response, name, allowed)
    seat.refresh_from_db()
    if allowed:
        assert (seat.is_resident, seat.represents) == (False, "Riverside Trust")
    else:
        assert _seats(world) == before


@pytest.mark.parametrize("name", CAST)
def test_who_may_record_that_a_member_left(world: World, name: str) -> None:
    seat = world.area.member(MemberRole.MEMBER)
    response = _client(world, name).post(
        reverse("funding:member_end", args=[world.area.partnership.slug, seat.pk])
    )
    allowed = name in ("chair", "site admin", "member")  # the member themselves too
    expect(response, name, allowed)
    seat.refresh_from_db()
    assert (seat.left_on is not None) is allowed
    assert Membership.objects.filter(pk=seat.pk).exists()  # the row is kept


def test_leaving_keeps_the_row_and_cannot_happen_twice(world: World) -> None:
    seat = world.area.member(MemberRole.MEMBER)
    client = _client(world, "member")
    url = reverse("funding:member_end", args=[world.area.partnership.slug, seat.pk])
    assert "Are you sure you want to leave" in client.get(url).content.decode()
    client.post(url)
    seat.refresh_from_db()
    assert seat.left_on == timezone.localdate()
    with pytest.raises(ServiceError, match="already left"):
        services.membership_end(actor=world.person("chair"), membership=seat)
    # They may join again later: a new seat, the old one kept.
    services.membership_add(
        actor=world.person("chair"),
        partnership=world.area.partnership,
        user=seat.user,
        is_resident=True,
    )
    assert Membership.objects.filter(partnership=seat.partnership, user=seat.user).count() == 2


# --- The quorum ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CAST)
def test_who_may_change_the_quorum(world: World, name: str) -> None:
    partnership = world.area.partnership
    response = _client(world, name).post(
        reverse("funding:quorum", args=[partnership.slug]),
        {"percent": "60", "residents_majority": "no"},
    )
    allowed = name in ("chair", "site admin")
    expect(response, name, allowed)
    partnership.refresh_from_db()
    assert (partnership.quorum_percent, partnership.quorum_residents_majority) == (
        (60, False) if allowed else (50, True)
    )


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("", "Enter the quorum"),
        ("0", "at least 1 per cent"),
        ("101", "more than 100 per cent"),
        ("-5", "at least 1 per cent"),
        ("half", "whole number"),
        ("50.5", "whole number"),
    ],
)
def test_bad_quorum_input(world: World, percent: str, message: str) -> None:
    partnership = world.area.partnership
    response = _client(world, "chair").post(
        reverse("funding:quorum", args=[partnership.slug]),
        {"percent": percent, "residents_majority": "yes"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.quorum_percent == 50
    with pytest.raises(ServiceError):
        services.partnership_quorum_set(
            actor=world.person("chair"), partnership=partnership, percent=0, residents_majority=True
        )


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_members_roles_residents_and_the_standing(world: World) -> None:
    partnership = world.area.partnership
    body = Client().get(partnership.get_absolute_url()).content.decode()
    assert 'data-standing="may-decide"' in body
    assert "It has 8 members, 6 of them residents." in body
    assert body.count("data-member=") == 8
    assert body.count(">Not a resident<") == 2
    assert "Riverside Community Trust" in body
    assert "At least 50% of the current members take part in a decision (now 4)" in body
    assert world.area.fund.name in body
    assert partnership.group.get_absolute_url() + "#events" in body


def test_the_page_says_exactly_what_is_missing(world: World) -> None:
    partnership = world.area.partnership
    for seat in world.area.members[:3]:  # chair, treasurer and a resident member leave
        services.membership_end(actor=world.person("site admin"), membership=seat)
    body = Client().get(partnership.get_absolute_url()).content.decode()
    assert 'data-standing="cannot-decide"' in body
    assert "can meet but cannot decide" in body
    assert "It has 5 members: it needs at least 8." in body
    assert "residents" not in body.split("data-problems")[1].split("</ul>")[0]
    assert "Former members" in body
    for _ in range(2):  # two more members, both there for an organisation
        services.membership_add(
            actor=world.person("site admin"),
            partnership=partnership,
            user=make_resident(),
            is_resident=False,
            represents="A housing association",
        )
    body = Client().get(partnership.get_absolute_url()).content.decode()
    assert "It has 7 members: it needs at least 8." in body
    assert "Only 3 of its 7 members are residents: at least half must be." in body


def test_the_page_offers_the_forms_only_to_managers(world: World) -> None:
    url = world.area.partnership.get_absolute_url()
    assert "Add a member" in _client(world, "chair").get(url).content.decode()
    member_page = _client(world, "member").get(url).content.decode()
    assert "Add a member" not in member_page
    assert ">Leave</a>" in member_page
    assert "Add a member" not in Client().get(url).content.decode()


@pytest.mark.parametrize("extra", [0, 12])
def test_the_page_costs_the_same_whatever_the_number_of_members(
    world: World, extra: int, django_assert_max_num_queries: Any
) -> None:
    partnership = world.area.partnership
    for _ in range(extra):
        Membership.objects.create(partnership=partnership, user=make_resident(), is_resident=True)
    client = _client(world, "chair")
    with django_assert_max_num_queries(12):
        response = client.get(partnership.get_absolute_url())
    assert response.status_code == 200


def test_the_group_page_links_to_its_partnership(world: World) -> None:
    group = world.area.partnership.group
    body = Client().get(group.get_absolute_url()).content.decode()
    assert world.area.partnership.get_absolute_url() in body
    other_group = GroupFactory(council=world.area.council, created_by=world.person("resident"))
    page = _client(world, "resident").get(other_group.get_absolute_url()).content.decode()
    assert "Set up a neighbourhood-fund partnership" in page
    assert (
        "Set up a neighbourhood-fund partnership"
        not in Client().get(other_group.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "", "resident": "yes"}, "Choose the member’s role"),
        ({"role": "president", "resident": "yes"}, "Choose the member’s role"),
        ({"role": "member", "resident": ""}, "Say whether they are a resident member"),
        ({"role": "member", "resident": "no", "represents": "x" * 201}, "200 characters"),
        ({"role": "member", "resident": "no", "represents": "Bad\x07"}, "control characters"),
        ({"role": "chair", "resident": "yes"}, "already has a chair"),
        ({"role": "treasurer", "resident": "yes"}, "already has a treasurer"),
        ({"role": "member", "resident": "yes", "represents": "A charity"}, "organisation"),
    ],
)
def test_bad_input_when_changing_a_seat(world: World, data: dict[str, str], message: str) -> None:
    seat = world.area.member(MemberRole.MEMBER)
    before = _seats(world)
    response = _client(world, "chair").post(
        reverse("funding:member_change", args=[world.area.partnership.slug, seat.pk]), data
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert _seats(world) == before


def test_a_seat_of_another_partnership_is_not_found_here(world: World) -> None:
    theirs = world.other.members[3]
    url = reverse("funding:member_change", args=[world.area.partnership.slug, theirs.pk])
    assert _client(world, "chair").get(url).status_code == 404
    leave = reverse("funding:member_end", args=[world.area.partnership.slug, theirs.pk])
    assert _client(world, "chair").post(leave).status_code == 404
    assert Membership.objects.get(pk=theirs.pk).left_on is None
