"""The "agree" reaction: a toggle with a count, for those taking part, not on one's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.conversations.models import Audience, Post, Reaction
from grassroots.testing.worlds import Town

from .conftest import CAST, login

pytestmark = pytest.mark.django_db


def agree_url(post: Post) -> str:
    return reverse("conversations:agree", kwargs={"pk": post.conversation_id, "post_pk": post.pk})


def test_agree_toggles_and_counts(client: Any, world: Town) -> None:
    post = world.post("initiative")
    login(client, world.user("resident"))
    response = client.post(agree_url(post))
    assert response["Location"].endswith(f"#post-{post.pk}")
    assert Reaction.objects.filter(post=post).count() == 1
    page = client.get(post.conversation.get_absolute_url()).content.decode()
    assert "1 person agrees" in page
    assert 'aria-pressed="true"' in page
    login(client, world.user("member"))
    client.post(agree_url(post))
    page = client.get(post.conversation.get_absolute_url()).content.decode()
    assert "2 people agree" in page
    login(client, world.user("resident"))
    client.post(agree_url(post))  # taken back
    assert list(Reaction.objects.filter(post=post).values_list("user", flat=True)) == [
        world.user("member").pk
    ]


def test_agreeing_needs_a_post(client: Any, world: Town) -> None:
    login(client, world.user("resident"))
    assert client.get(agree_url(world.post("ward"))).status_code == 405


@pytest.mark.parametrize("role", CAST)
def test_the_area_audience_decides_who_may_agree(client: Any, world: Town, role: str) -> None:
    world.set_audience(Audience.AREA)
    post = world.post("ward")
    login(client, world.user(role))
    response = client.post(agree_url(post))
    may = role in {"resident", "host", "other author", "ward councillor", "officer"}
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == (302 if may else 403)
    assert Reaction.objects.filter(post=post).count() == (1 if may else 0)


@pytest.mark.parametrize("change", ["removed_by_author_at", "hidden_at"])
def test_a_removed_or_hidden_reply_takes_no_agrees(client: Any, world: Town, change: str) -> None:
    post = world.post("ward")
    Post.objects.filter(pk=post.pk).update(**{change: timezone.now()})
    login(client, world.user("resident"))
    assert client.post(agree_url(post)).status_code == 403
    assert not Reaction.objects.exists()
