"""Changing a reply within the window (then an "edited" mark) and removing one's own."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.conversations import services
from grassroots.conversations.models import Post, Reaction
from grassroots.testing.worlds import Town

from .conftest import CAST, error_summary, login

pytestmark = pytest.mark.django_db


def edit_url(post: Post) -> str:
    return reverse("conversations:edit", kwargs={"pk": post.conversation_id, "post_pk": post.pk})


def remove_url(post: Post) -> str:
    return reverse("conversations:remove", kwargs={"pk": post.conversation_id, "post_pk": post.pk})


def test_the_author_changes_a_reply_and_it_shows_edited(client: Any, world: Town) -> None:
    post = world.post("ward")
    login(client, world.person("author"))
    assert client.get(edit_url(post)).status_code == 200
    response = client.post(edit_url(post), {"body": "Changed my mind: by the gate"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Changed my mind: by the gate"
    assert post.edited_at is not None
    page = client.get(world.conversation("ward").get_absolute_url()).content.decode()
    block = page[page.index(f'id="post-{post.pk}"') :][:2000]
    assert "edited" in block


@pytest.mark.parametrize("role", [r for r in CAST if r != "author"])
@pytest.mark.parametrize("action", ["edit", "remove"])
def test_nobody_else_changes_or_removes_it(
    client: Any, world: Town, role: str, action: str
) -> None:
    post = world.post("ward")
    login(client, world.user(role))
    target = edit_url(post) if action == "edit" else remove_url(post)
    response = client.post(target, {"body": "Vandalised"})
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    post.refresh_from_db()
    assert post.body == "author says hello"
    assert post.removed_by_author_at is None


def test_after_the_window_the_author_is_told_and_nothing_changes(client: Any, world: Town) -> None:
    post = world.post("ward")
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    login(client, world.person("author"))
    page = client.get(edit_url(post)).content.decode()
    assert "first few minutes after posting" in page
    response = client.post(edit_url(post), {"body": "Too late"})
    assert response.status_code == 200
    assert "first few minutes after posting" in error_summary(response.content.decode())
    post.refresh_from_db()
    assert post.body == "author says hello"
    assert post.edited_at is None


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter your reply"), ("  ", "Enter your reply"), ("z" * 5001, "5,000")],
)
def test_bad_edits_are_explained(client: Any, world: Town, body: str, message: str) -> None:
    post = world.post("ward")
    login(client, world.person("author"))
    response = client.post(edit_url(post), {"body": body})
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    post.refresh_from_db()
    assert post.body == "author says hello"


def test_removing_leaves_a_mark_and_keeps_the_answers(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    post = world.post("ward")
    answer = services.post_create(
        actor=world.person("resident"), conversation=conversation, body="Answer", parent=post
    )
    services.reaction_toggle(actor=world.person("resident"), post=post)
    login(client, world.person("author"))
    assert client.get(remove_url(post)).status_code == 200
    assert client.post(remove_url(post)).status_code == 302
    post.refresh_from_db()
    assert post.removed_by_author_at is not None
    assert post.body == ""
    assert not Reaction.objects.filter(post=post).exists()
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Removed by its author" in page
    assert "author says hello" not in page.replace("other author says hello", "")
    assert Post.objects.filter(pk=answer.pk).exists()
    assert "Answer" in page
    # Removed twice: refused, not an error.
    assert client.post(remove_url(post)).status_code == 403
    assert client.get(edit_url(post)).status_code == 403


def test_a_post_of_another_conversation_is_not_found_here(client: Any, world: Town) -> None:
    post = world.post("group")
    login(client, world.person("author"))
    wrong = reverse(
        "conversations:edit",
        kwargs={"pk": world.conversations["ward"].pk, "post_pk": post.pk},
    )
    assert client.get(wrong).status_code == 404
