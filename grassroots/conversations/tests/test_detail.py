"""The conversation page: placeholders for hidden and held replies, and a bounded query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import selectors
from grassroots.conversations.models import Conversation, Post, Reaction
from grassroots.notifications.models import Notification
from grassroots.testing.worlds import Town

from .conftest import login
from .factories import ConversationFactory, PostFactory

pytestmark = pytest.mark.django_db


def page_for(client: Any, world: Town, role: str, host: str = "ward") -> str:
    client.logout()
    login(client, world.user(role))
    response = client.get(world.conversation(host).get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_hidden_reply_is_a_placeholder_to_others(client: Any, world: Town) -> None:
    post = world.post("ward")
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now(), hidden_reason="Off topic")
    for role in ("anonymous", "resident", "other author", "ward councillor", "host"):
        page = page_for(client, world, role)
        assert "This reply was hidden under the site's rules" in page
        assert "author says hello" not in page.replace("other author says hello", "")
    for role in ("author", "moderator"):
        page = page_for(client, world, role)
        assert "author says hello" in page.replace("other author says hello", "")
        assert "Hidden under the site's rules" in page
        assert "Off topic" in page


def test_a_held_reply_shows_only_to_its_author_and_moderators(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    PostFactory(
        conversation=conversation,
        author=world.person("resident"),
        body="Brand new account here",
        held_for_review=True,
    )
    for role in ("anonymous", "author", "ward councillor", "host"):
        assert "Brand new account here" not in page_for(client, world, role)
    for role in ("resident", "moderator"):
        page = page_for(client, world, role)
        assert "Brand new account here" in page
        assert "Waiting for a moderator" in page


def test_a_hidden_conversation_is_not_found_except_by_its_starter_and_moderators(
    client: Any, world: Town
) -> None:
    Conversation.objects.filter(pk=world.conversations["ward"].pk).update(hidden_at=timezone.now())
    url = world.conversation("ward").get_absolute_url()
    for role, status in (
        ("anonymous", 404),
        ("resident", 404),
        ("author", 404),
        ("host", 200),
        ("moderator", 200),
    ):
        client.logout()
        login(client, world.user(role))
        assert client.get(url).status_code == status, role
    client.logout()
    login(client, world.person("host"))
    assert 'name="body"' not in client.get(url).content.decode()  # no replies while hidden


def build_big_thread(conversation: Conversation, size: int) -> None:
    """`size` replies in threads three deep, with agrees and quotes, from many people."""
    people = [
        UserFactory.build(email=f"reader{n}.{conversation.pk}@example.org") for n in range(20)
    ]
    for person in people:
        person.save()
    posts: list[Post] = []
    roots = size // 3
    for n in range(roots):
        root = PostFactory(conversation=conversation, author=people[n % 20], body=f"root {n}")
        child = PostFactory(
            conversation=conversation, author=people[(n + 1) % 20], parent=root, body=f"c{n}"
        )
        grandchild = PostFactory(
            conversation=conversation,
            author=people[(n + 2) % 20],
            parent=child,
            body=f"g{n}",
            quoted=root,
        )
        posts += [root, child, grandchild]
    Reaction.objects.bulk_create(
        [Reaction(post=post, user=people[k]) for post in posts[::2] for k in range(3)]
    )


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator"])
def test_the_page_costs_a_fixed_number_of_queries(
    client: Any, world: Town, role: str, django_assert_max_num_queries: Any
) -> None:
    conversation = ConversationFactory(ward=world.ward)
    build_big_thread(conversation, 300)
    assert Post.objects.filter(conversation=conversation).count() == 300
    login(client, world.user(role))
    client.get("/")  # the session and user look-ups of a first request are not the page's
    # 100 threads of three replies, a page of threads at a time, each in the same queries.
    per = selectors.THREADS_PER_PAGE
    for number, first, last in ((1, 0, per - 1), (2, per, 2 * per - 1)):
        with django_assert_max_num_queries(16):
            response = client.get(conversation.get_absolute_url(), {"page": number})
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count('<li id="post-') == 3 * per
        assert f"root {first}<" in body
        assert f"g{last}<" in body
        assert f"Showing threads {first + 1} to {last + 1} of 100" in body


def test_the_query_count_does_not_grow_with_replies(
    client: Any, world: Town, django_assert_num_queries: Any
) -> None:
    small = ConversationFactory(ward=world.ward)
    big = ConversationFactory(ward=world.ward)
    # Both long enough for a second page (which costs one look-up of where it starts).
    build_big_thread(small, 3 * (selectors.THREADS_PER_PAGE + 1))
    build_big_thread(big, 30 * selectors.THREADS_PER_PAGE)
    login(client, world.person("resident"))
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        client.get(big.get_absolute_url())
    assert len(many) == len(few)


def test_a_reply_is_found_on_its_threads_page(client: Any, world: Town) -> None:
    """Replying, and the notice about a reply, lead to the page its thread is on."""
    conversation = ConversationFactory(ward=world.ward)
    starts = [
        PostFactory(conversation=conversation, author=world.person("author"), body=f"start {n}")
        for n in range(selectors.THREADS_PER_PAGE + 1)
    ]
    login(client, world.person("resident"))
    response = client.post(
        f"/conversations/{conversation.pk}/reply/",
        {"body": "An answer to the last thread", "parent": starts[-1].pk},
    )
    answer = Post.objects.get(body="An answer to the last thread")
    assert response.status_code == 302
    assert response["Location"] == f"{conversation.get_absolute_url()}?page=2#post-{answer.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="post-{answer.pk}"' in page
    assert f"start {selectors.THREADS_PER_PAGE}<" in page
    assert "start 0<" not in page
    # Its author hears of it with the same address (notifications link to the reply).
    link = f"/conversations/{conversation.pk}/replies/{answer.pk}/"
    notice = Notification.objects.get(recipient=world.person("author"), url=link)
    assert client.get(notice.url)["Location"] == response["Location"]
    # An answer in the first thread stays on the first page, without a page number.
    client.post(
        f"/conversations/{conversation.pk}/reply/", {"body": "First!", "parent": starts[0].pk}
    )
    first = Post.objects.get(body="First!")
    assert selectors.post_page_url(first) == f"{conversation.get_absolute_url()}#post-{first.pk}"
    # The lasting link of a reply is a 404 like any other page to people who may not see it.
    assert client.get(f"/conversations/{conversation.pk}/replies/999999/").status_code == 404
    other = ConversationFactory(ward=world.ward)
    assert client.get(f"/conversations/{other.pk}/replies/{answer.pk}/").status_code == 404


@pytest.mark.parametrize("number", ["abc", "0", "-1", "999", "9" * 30])
def test_a_bad_page_number_shows_the_nearest_page(client: Any, world: Town, number: str) -> None:
    conversation = ConversationFactory(ward=world.ward)
    for n in range(selectors.THREADS_PER_PAGE + 1):
        PostFactory(conversation=conversation, body=f"start {n}")
    response = client.get(conversation.get_absolute_url(), {"page": number})
    assert response.status_code == 200
    assert "Showing threads" in response.content.decode()
