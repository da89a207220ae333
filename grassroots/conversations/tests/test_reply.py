"""Replying: threads in context, the depth limit, quotes, labels, bad input, notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.accounts.types import Viewer
from grassroots.conversations import holds, services
from grassroots.conversations.models import MAX_DEPTH, Audience, Conversation, Post
from grassroots.following.models import Follow
from grassroots.groups.models import Group
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

from .conftest import CAST, error_summary, login

pytestmark = pytest.mark.django_db


def reply_url(conversation: Conversation) -> str:
    return reverse("conversations:reply", kwargs={"pk": conversation.pk})


def test_a_resident_replies_and_sees_it_on_the_page(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    login(client, world.person("resident"))
    response = client.post(reply_url(conversation), {"body": "Near the swings, please."})
    post = Post.objects.get(body="Near the swings, please.")
    assert response["Location"].endswith(f"#post-{post.pk}")
    assert post.depth == 0
    assert post.parent is None
    conversation.refresh_from_db()
    assert conversation.reply_count == 3
    assert conversation.last_reply_at == post.created_at
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Near the swings, please." in page


@pytest.mark.parametrize("role", CAST)
def test_the_reply_permission_is_enforced_by_the_view(client: Any, world: Town, role: str) -> None:
    world.set_audience(Audience.AREA)
    conversation = world.conversation("group")
    user = world.user(role)
    login(client, user)
    before = Post.objects.count()
    response = client.post(reply_url(conversation), {"body": "Me too"})
    may = role in {"resident", "host", "author", "other author", "ward councillor", "officer"}
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif may:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        assert "Only residents of the area" in response.content.decode()
    assert Post.objects.count() == before + (1 if may else 0)


def test_a_reply_to_a_reply_shows_in_context(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    first = world.post("ward", "author")
    second = world.post("ward", "other author")
    login(client, world.person("resident"))
    assert client.get(reply_url(conversation) + f"?to={first.pk}").status_code == 200
    client.post(reply_url(conversation), {"body": "Answering Ada", "parent": first.pk})
    answer = Post.objects.get(body="Answering Ada")
    assert answer.parent == first
    assert answer.depth == 1
    assert answer.path.startswith(first.path + ".")
    ordered = list(Post.objects.filter(conversation=conversation).order_by("path"))
    assert ordered == [first, answer, second]  # under Ada's reply, before Otto's
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert (
        page.index("author says hello")
        < page.index("Answering Ada")
        < page.index("other author says")
    )


def test_a_reply_at_the_depth_limit_joins_that_level(world: Town) -> None:
    conversation = world.conversation("ward")
    parent = world.post("ward")
    chain = [parent]
    for n in range(MAX_DEPTH + 2):
        chain.append(
            services.post_create(
                actor=world.person("resident"),
                conversation=conversation,
                body=f"level {n}",
                parent=chain[-1],
            )
        )
    depths = [p.depth for p in chain]
    assert max(depths) == MAX_DEPTH - 1
    deepest = chain[MAX_DEPTH - 1]
    beside = chain[MAX_DEPTH]
    assert beside.depth == deepest.depth
    assert beside.parent_id == deepest.parent_id
    assert beside.quoted_id == deepest.pk  # quotes what it answers, so the context is clear
    order = list(Post.objects.filter(conversation=conversation).order_by("path"))
    assert order.index(beside) == order.index(deepest) + 1


def test_quoting_shows_a_quotation_block(client: Any, world: Town) -> None:
    conversation = world.conversation("initiative")
    quoted = world.post("initiative", "other author")
    login(client, world.person("resident"))
    page = client.get(reply_url(conversation) + f"?quote={quoted.pk}").content.decode()
    assert "You are quoting" in page
    assert "other author says hello" in page
    client.post(reply_url(conversation), {"body": "Exactly this.", "quote": quoted.pk})
    post = Post.objects.get(body="Exactly this.")
    assert post.quoted == quoted
    assert post.parent is None
    page = client.get(conversation.get_absolute_url()).content.decode()
    block = page[page.index(f'id="post-{post.pk}"') :]
    block = block[: block.index("Exactly this.")]
    assert "<blockquote" in block
    assert "Otto Other wrote:" in block


def test_councillors_and_officers_speak_under_their_labels(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    for role, body in (("ward councillor", "I will ask"), ("officer", "Parks can help")):
        login(client, world.user(role))
        client.post(reply_url(conversation), {"body": body})
    assert Post.objects.get(body="I will ask").speaker_label == "Councillor for Riverside ward"
    assert Post.objects.get(body="Parks can help").speaker_label == "Officer, Parks department"
    assert Post.objects.get(body="author says hello", conversation=conversation).speaker_label == ""
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Councillor for Riverside ward" in page
    assert "Officer, Parks department" in page


def test_a_councillor_of_another_ward_is_labelled_for_their_own(world: Town) -> None:
    post = services.post_create(
        actor=world.person("other councillor"),
        conversation=world.conversation("ward"),
        body="Hilltop did this last year",
    )
    assert post.speaker_label == "Councillor for Hilltop ward"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter your reply"),
        ("   \n\t  ", "Enter your reply"),
        ("x" * 5001, "5,000 characters or fewer"),
        ("bell\x07here", "control characters"),
    ],
)
def test_bad_replies_are_explained_and_change_nothing(
    client: Any, world: Town, body: str, message: str
) -> None:
    conversation = world.conversation("ward")
    login(client, world.person("resident"))
    before = Post.objects.count()
    response = client.post(reply_url(conversation), {"body": body})
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert Post.objects.count() == before


def test_exactly_5000_characters_is_fine(client: Any, world: Town) -> None:
    login(client, world.person("resident"))
    response = client.post(reply_url(world.conversation("ward")), {"body": "y" * 5000})
    assert response.status_code == 302


def test_html_and_script_are_shown_escaped(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    login(client, world.person("resident"))
    client.post(reply_url(conversation), {"body": '<script>alert("x")</script><b>bold</b>'})
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("field", ["parent", "quote"])
def test_answering_a_reply_of_another_conversation_is_refused(
    client: Any, world: Town, field: str
) -> None:
    elsewhere = world.post("group")
    login(client, world.person("resident"))
    before = Post.objects.count()
    response = client.post(
        reply_url(world.conversation("ward")), {"body": "Hello", field: elsewhere.pk}
    )
    assert response.status_code == 200
    assert "is not in this conversation" in error_summary(response.content.decode())
    assert Post.objects.count() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"removed_by_author_at": timezone.now(), "body": ""}, "removed by its author"),
        ({"hidden_at": timezone.now()}, "hidden under the site&#x27;s rules"),
    ],
)
def test_answering_a_removed_or_hidden_reply_is_refused(
    client: Any, world: Town, change: dict[str, Any], message: str
) -> None:
    target = world.post("ward")
    Post.objects.filter(pk=target.pk).update(**change)
    login(client, world.person("resident"))
    before = Post.objects.count()
    response = client.post(
        reply_url(world.conversation("ward")), {"body": "Hello", "parent": target.pk}
    )
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert Post.objects.count() == before


@pytest.mark.parametrize("value", ["999999999", "abc", "-1", "9" * 40])
def test_a_nonsense_or_missing_parent_is_refused_plainly(
    client: Any, world: Town, value: str
) -> None:
    login(client, world.person("resident"))
    before = Post.objects.count()
    response = client.post(reply_url(world.conversation("ward")), {"body": "Hi", "parent": value})
    assert response.status_code == 200
    assert Post.objects.count() == before


def test_a_closed_conversation_refuses_replies_with_a_reason(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    services.conversation_close(actor=world.person("host"), conversation=conversation)
    login(client, world.person("resident"))
    response = client.post(reply_url(conversation), {"body": "Too late?"})
    assert response.status_code == 403
    assert "closed to new replies" in response.content.decode()
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "closed to new replies" in page
    assert 'name="body"' not in page


def test_the_page_says_why_you_cannot_reply(client: Any, world: Town) -> None:
    world.set_audience(Audience.MEMBERS)
    conversation = world.conversation("group")
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Sign in to reply." in page
    login(client, world.person("resident"))
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Only members of Friends of Riverside park can reply." in page
    assert 'name="body"' not in page


def test_replies_notify_the_parent_author_participants_and_followers(world: Town) -> None:
    conversation = world.conversation("ward")
    follower = UserFactory()
    Follow.objects.create(user=follower, conversation=conversation)
    Notification.objects.all().delete()
    post = services.post_create(
        actor=world.person("resident"),
        conversation=conversation,
        body="Agreed with Ada",
        parent=world.post("ward", "author"),
    )
    told = set(
        Notification.objects.filter(kind=Kind.CONVERSATION).values_list("recipient", flat=True)
    )
    expected = {world.user(r).pk for r in ("author", "other author", "host")} | {follower.pk}
    assert told == expected  # never the replier
    note = Notification.objects.filter(recipient=follower).get()
    assert note.conversation == conversation
    assert note.url == f"/conversations/{conversation.pk}/replies/{post.pk}/"  # lasting link
    assert "Rita Resident (resident) replied" in note.text


def test_a_safeguarded_conversation_never_notifies_outsiders(world: Town) -> None:
    Conversation.objects.filter(pk=world.conversations["group"].pk).update(is_safeguarded=True)
    conversation = world.conversation("group")
    services.conversation_access_grant(
        actor=world.person("host"), conversation=conversation, user=world.person("member")
    )
    outsider = UserFactory()
    Follow.objects.create(user=outsider, conversation=conversation)
    Notification.objects.all().delete()
    services.post_create(actor=world.person("member"), conversation=conversation, body="Hello")
    told = set(Notification.objects.values_list("recipient", flat=True))
    # The earlier repliers are not group members: they are outside now, and hear nothing.
    assert told == {world.person("host").pk}


def test_a_held_reply_is_quiet_until_released(world: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    conversation = world.conversation("ward")
    Notification.objects.all().delete()
    monkeypatch.setattr(holds, "should_hold", lambda actor, conversation, text: True)
    post = services.post_create(
        actor=world.person("resident"), conversation=conversation, body="First!"
    )
    assert post.held_for_review
    assert not Notification.objects.exists()
    assert world.conversation("ward").reply_count == 2
    services.post_released(actor=world.person("moderator"), post=post)
    assert world.conversation("ward").reply_count == 3
    assert Notification.objects.filter(kind=Kind.CONVERSATION).exists()


def test_group_models_are_what_the_world_says(world: Town) -> None:
    assert Group.objects.get(pk=world.group.pk).wards.get() == world.ward


@pytest.mark.parametrize("param", ["to", "quote"])
def test_hidden_or_removed_words_never_reach_the_reply_page(
    client: Any, world: Town, param: str
) -> None:
    target = world.post("ward")
    Post.objects.filter(pk=target.pk).update(hidden_at=timezone.now())
    login(client, world.person("resident"))
    response = client.get(reply_url(world.conversation("ward")) + f"?{param}={target.pk}")
    assert response.status_code == 404
    response = client.post(
        reply_url(world.conversation("ward")),
        {"body": "", "parent" if param == "to" else "quote": target.pk},
    )
    assert "author says hello" not in response.content.decode()


def test_only_a_moderator_releases_a_held_reply(
    world: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = world.conversation("ward")
    monkeypatch.setattr(holds, "should_hold", lambda actor, conversation, text: True)
    post = services.post_create(
        actor=world.person("resident"), conversation=conversation, body="Hi"
    )
    Notification.objects.all().delete()
    for outsider in (world.person("resident"), world.person("host")):
        with pytest.raises(PermissionDenied):
            services.post_released(actor=outsider, post=post)
    assert Post.objects.get(pk=post.pk).held_for_review
    assert world.conversation("ward").reply_count == 2
    assert not Notification.objects.exists()
    services.post_released(actor=world.person("moderator"), post=post)
    assert not Post.objects.get(pk=post.pk).held_for_review


def test_the_service_asks_the_hook_whether_to_hold(world: Town) -> None:
    """The hold is decided inside post_create (whoever calls it), by what is registered."""
    asked: list[tuple[Any, Conversation, str]] = []

    def hold_and_note(actor: Viewer, conversation: Conversation, text: str) -> bool:
        asked.append((actor, conversation, text))
        return True

    holds.register(hold_and_note)
    try:
        post = services.post_create(
            actor=world.person("resident"), conversation=world.conversation("ward"), body="Hold me"
        )
    finally:
        holds.unregister(hold_and_note)
    assert post.held_for_review
    assert asked == [(world.person("resident"), world.conversation("ward"), "Hold me")]
