"""Follow and unfollow: POST buttons, only what you can see, a 404 for anything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.following.models import Follow
from grassroots.following.selectors import kind_of
from grassroots.following.services import follow_start
from grassroots.initiatives.models import Membership
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

PUBLIC = ["ward", "initiative", "group", "conversation", "group_conversation"]


def url(world: Town, name: str, action: str = "follow") -> str:
    target = world.target(name)
    return f"/following/{kind_of(target)}/{target.pk}/{action}"


@pytest.mark.parametrize("name", PUBLIC)
def test_a_resident_follows_and_unfollows_anything_public(
    client: Client, world: Town, name: str
) -> None:
    target = world.target(name)
    kind = kind_of(target)
    logged_before = AuditEntry.objects.count()  # the town's own joining is audited too
    client.force_login(world.person("resident"))
    response = client.post(url(world, name), follow=True)
    assert response.status_code == 200
    assert f"You are now following {target}" in response.content.decode()
    assert Follow.objects.filter(user=world.person("resident"), **{kind: target}).count() == 1
    # Following again changes nothing.
    client.post(url(world, name))
    assert Follow.objects.filter(user=world.person("resident")).count() == 1
    response = client.post(url(world, name, "unfollow"), follow=True)
    assert f"You are no longer following {target}" in response.content.decode()
    assert not Follow.objects.filter(user=world.person("resident")).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("id"))
    assert actions[logged_before:] == ["following.start", "following.stop"]


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_anonymous_people_are_asked_to_sign_in(client: Client, world: Town, action: str) -> None:
    response = client.post(url(world, "initiative", action))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    ("name", "insider"),
    [("safeguarded", "initiative_member"), ("private_conversation", "group_member")],
)
def test_safeguarded_things_are_followed_only_by_insiders(
    client: Client, world: Town, name: str, insider: str
) -> None:
    client.force_login(world.person("resident"))
    assert client.post(url(world, name)).status_code == 404
    assert client.post(url(world, name, "unfollow")).status_code == 404
    assert not Follow.objects.exists()
    client.force_login(world.target(insider))
    assert client.post(url(world, name)).status_code == 302
    assert Follow.objects.filter(user=world.target(insider)).count() == 1


def test_outsiders_get_the_same_404_as_for_something_missing(client: Client, world: Town) -> None:
    client.force_login(world.person("resident"))
    hidden = client.post(url(world, "safeguarded"))
    missing = client.post("/following/initiative/999999/follow")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.parametrize(
    "path",
    [
        "/following/user/1/follow",
        "/following/initiative/999999/follow",
        "/following/ward/999999/unfollow",
        "/following/conversation/0/follow",
    ],
)
def test_bad_addresses_are_404s_not_errors(client: Client, world: Town, path: str) -> None:
    client.force_login(world.person("resident"))
    assert client.post(path).status_code == 404


def test_following_needs_a_post(client: Client, world: Town) -> None:
    client.force_login(world.person("resident"))
    assert client.get(url(world, "initiative")).status_code == 405
    assert client.get(url(world, "initiative", "unfollow")).status_code == 405
    assert not Follow.objects.exists()


def test_a_hidden_conversation_cannot_be_followed(client: Client, world: Town) -> None:
    conversation = world.conversation("conversation")
    conversation.hidden_at = timezone.now()
    conversation.save(update_fields=["hidden_at"])
    client.force_login(world.person("resident"))
    assert client.post(url(world, "conversation")).status_code == 404


def test_it_goes_back_to_the_page_it_came_from_but_never_off_site(
    client: Client, world: Town
) -> None:
    client.force_login(world.person("resident"))
    response = client.post(url(world, "initiative"), {"next": "/initiatives/?page=2"})
    assert response["Location"] == "/initiatives/?page=2"
    response = client.post(
        url(world, "initiative", "unfollow"), {"next": "https://evil.example.com/"}
    )
    assert response["Location"] == world.initiative.get_absolute_url()


def test_someone_who_left_a_safeguarded_initiative_can_still_drop_the_follow(
    client: Client, world: Town
) -> None:
    member = world.person("initiative_member")
    follow_start(user=member, target=world.safeguarded)
    Membership.objects.filter(user=member).update(status="left")
    client.force_login(member)
    # Following it again is a 404 (it is out of sight now) ...
    assert client.post(url(world, "safeguarded")).status_code == 404
    # ... but the old follow can go.
    response = client.post(url(world, "safeguarded", "unfollow"))
    assert response["Location"] == "/following/"
    assert not Follow.objects.filter(user=member).exists()


def test_the_service_refuses_what_the_person_cannot_see(world: Town) -> None:
    with pytest.raises(PermissionDenied):
        follow_start(user=world.person("resident"), target=world.safeguarded)
    with pytest.raises(PermissionDenied):
        follow_start(
            user=world.person("resident"), target=world.conversation("private_conversation")
        )
    assert not Follow.objects.exists()
