"""Long threads: the conversation page shows each thread's first answers and links to the
thread page, which shows them all in context, a page at a time, in a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import selectors, services
from grassroots.conversations.models import Audience, Conversation, Post, Reaction
from grassroots.core import request_cache
from grassroots.testing.worlds import Town

from .conftest import login
from .factories import ConversationFactory, PostFactory

pytestmark = pytest.mark.django_db

SHOWN = selectors.ANSWERS_SHOWN
PER_PAGE = selectors.ANSWERS_PER_PAGE


def build_thread(conversation: Conversation, answers: int, *, label: str = "answer") -> list[Post]:
    """A thread start and `answers` answers, every third one answering the answer before it
    (so one level deeper): path order is the order they were made in. Returns [start, *answers]
    and gives every other answer an agree, so that an N+1 would show in the query counts."""
    people = [UserFactory() for _ in range(3)]
    start = PostFactory(conversation=conversation, author=people[0], body=f"{label} start")
    posts: list[Post] = [start]
    last_top = start
    for n in range(answers):
        nested = n % 3 == 2
        post = PostFactory(
            conversation=conversation,
            author=people[n % 3],
            parent=last_top if nested else start,
            body=f"{label} {n}.",
            quoted=start if n % 5 == 0 else None,
        )
        if not nested:
            last_top = post
        posts.append(post)
    Reaction.objects.bulk_create(
        [Reaction(post=post, user=people[2]) for post in posts[1::2] if post.author != people[2]]
    )
    return posts


def thread_url(conversation: Conversation, start: Post, page: int | str | None = None) -> str:
    url = reverse("conversations:thread", kwargs={"pk": conversation.pk, "post_pk": start.pk})
    return url + (f"?page={page}" if page is not None else "")


def shown(body: str, label: str = "answer") -> list[int]:
    """The numbers of the answers a page shows, in the order shown."""
    return [int(n) for n in re.findall(rf"{label} (\d+)\.", body)]


def get(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return str(response.content.decode())


def test_a_long_thread_shows_its_first_answers_and_links_to_the_rest(
    client: Any, world: Town
) -> None:
    conversation = ConversationFactory(ward=world.ward)
    long = build_thread(conversation, 30)
    build_thread(conversation, 4, label="short")
    body = get(client, conversation.get_absolute_url())
    assert shown(body) == list(range(SHOWN))
    assert shown(body, "short") == [0, 1, 2, 3]
    link = f'href="{thread_url(conversation, long[0])}">Show all 30 replies in this thread</a>'
    assert link in body
    assert body.count("in this thread</a>") == 1  # not under the short one
    # The last answer shown sits in context: answer 8 answers answer 7.
    assert body.index(f'id="post-{long[8].pk}"') > body.index(f'id="post-{long[7].pk}"')


def test_the_thread_page_shows_every_answer_in_context(client: Any, world: Town) -> None:
    conversation = ConversationFactory(ward=world.ward)
    for n in range(selectors.THREADS_PER_PAGE):
        PostFactory(conversation=conversation, body=f"earlier thread {n}")
    posts = build_thread(conversation, 30)
    body = get(client, thread_url(conversation, posts[0]))
    assert "answer start" in body
    assert shown(body) == list(range(30))
    assert "A thread with 30 replies" in body
    # Answer 2 answers answer 1: inside answer 1's list item, one level in.
    one, two = body.index(f'id="post-{posts[2].pk}"'), body.index(f'id="post-{posts[3].pk}"')
    assert one < body.index('<ul class="govuk-list govuk-!-margin-left-6', one) < two
    assert "earlier thread" not in body
    # Back to the conversation, on the page that shows this thread (the second).
    back = f'href="{conversation.get_absolute_url()}?page=2#post-{posts[0].pk}"'
    assert f"{back}>Back to the conversation</a>" in body
    assert 'class="govuk-breadcrumbs"' in body
    assert f'id="post-{posts[0].pk}"' in get(client, conversation.get_absolute_url() + "?page=2")


def test_a_long_thread_page_is_paginated_in_path_order(client: Any, world: Town) -> None:
    conversation = ConversationFactory(ward=world.ward)
    total = 2 * PER_PAGE + 5
    posts = build_thread(conversation, total)
    for number, expected in (
        (1, range(PER_PAGE)),
        (2, range(PER_PAGE, 2 * PER_PAGE)),
        (3, range(2 * PER_PAGE, total)),
    ):
        body = get(client, thread_url(conversation, posts[0], number))
        assert shown(body) == list(expected), number
        assert "answer start" in body  # the start heads every page
        assert 'class="govuk-pagination"' in body
        assert f"A thread (page {number} of 3)" in body
    # Answer PER_PAGE (the first of page 2) answers the last of page 1: it says so, and links
    # to that reply through its lasting address.
    first_of_two = posts[PER_PAGE + 1]
    assert PER_PAGE % 3 == 2
    assert first_of_two.parent_id == posts[PER_PAGE].pk
    second = get(client, thread_url(conversation, posts[0], 2))
    assert second.count("In answer to a reply on an earlier page") == 1
    assert f'href="/conversations/{conversation.pk}/replies/{posts[PER_PAGE].pk}/?from=thread"' in (
        second
    )


@pytest.mark.parametrize(
    ("number", "expected"), [("abc", 1), ("0", 1), ("-1", 1), ("999", 2), ("9" * 30, 2)]
)
def test_a_bad_page_number_shows_the_nearest_page(
    client: Any, world: Town, number: str, expected: int
) -> None:
    conversation = ConversationFactory(ward=world.ward)
    posts = build_thread(conversation, PER_PAGE + 1)
    body = get(client, thread_url(conversation, posts[0], number))
    assert f"A thread (page {expected} of 2)" in body


def test_anything_but_a_thread_start_of_this_conversation_is_not_found(
    client: Any, world: Town
) -> None:
    conversation = ConversationFactory(ward=world.ward)
    posts = build_thread(conversation, 3)
    other = ConversationFactory(ward=world.ward)
    elsewhere = build_thread(other, 1)
    missing = get(client, thread_url(conversation, Post(pk=999999)), 404)
    assert get(client, thread_url(conversation, posts[1]), 404) == missing  # an answer
    assert get(client, thread_url(conversation, posts[3]), 404) == missing  # nested deeper
    assert get(client, thread_url(conversation, elsewhere[0]), 404) == missing
    assert client.get(f"/conversations/999999/threads/{posts[0].pk}/").status_code == 404


@pytest.mark.parametrize(
    "role", ["anonymous", "outsider", "resident", "author", "ward councillor", "moderator"]
)
def test_a_safeguarded_conversations_threads_are_not_found_by_outsiders(
    client: Any, world: Town, role: str
) -> None:
    Conversation.objects.filter(pk=world.conversations["group"].pk).update(is_safeguarded=True)
    conversation = world.conversation("group")
    services.conversation_access_grant(
        actor=world.person("host"), conversation=conversation, user=world.person("member")
    )
    start = world.post("group")
    login(client, world.user(role))
    response = client.get(thread_url(conversation, start))
    missing = client.get(f"/conversations/999999/threads/{start.pk}/")
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    client.logout()
    login(client, world.person("member"))
    assert "author says hello" in get(client, thread_url(conversation, start))


def test_held_answers_are_counted_and_shown_only_for_their_author_and_moderators(
    client: Any, world: Town
) -> None:
    conversation = ConversationFactory(ward=world.ward)
    posts = build_thread(conversation, SHOWN + 2)
    PostFactory(
        conversation=conversation,
        parent=posts[0],
        author=world.person("resident"),
        body="Held back for now",
        held_for_review=True,
    )
    for role, count, sees in (
        ("anonymous", SHOWN + 2, False),
        ("author", SHOWN + 2, False),
        ("resident", SHOWN + 3, True),
        ("moderator", SHOWN + 3, True),
    ):
        client.logout()
        login(client, world.user(role))
        body = get(client, conversation.get_absolute_url())
        assert f"Show all {count} replies in this thread" in body, role
        body = get(client, thread_url(conversation, posts[0]))
        assert f"A thread with {count} replies" in body, role
        assert ("Held back for now" in body) is sees, role
    # A held start is not there for others at all.
    Post.objects.filter(pk=posts[0].pk).update(held_for_review=True, author=world.person("author"))
    client.logout()
    assert client.get(thread_url(conversation, posts[0])).status_code == 404
    for role in ("author", "moderator"):
        login(client, world.user(role))
        assert client.get(thread_url(conversation, posts[0])).status_code == 200


def test_the_lasting_link_finds_where_an_answer_is_shown(client: Any, world: Town) -> None:
    conversation = ConversationFactory(ward=world.ward)
    posts = build_thread(conversation, PER_PAGE + 10)
    fifth, twenty_fifth, last = posts[5], posts[25], posts[-1]

    def followed(post: Post) -> str:
        response = client.get(f"/conversations/{conversation.pk}/replies/{post.pk}/")
        assert response.status_code == 302
        return str(response["Location"])

    assert followed(posts[0]) == f"{conversation.get_absolute_url()}#post-{posts[0].pk}"
    assert followed(fifth) == f"{conversation.get_absolute_url()}#post-{fifth.pk}"
    assert followed(twenty_fifth) == f"{thread_url(conversation, posts[0])}#post-{twenty_fifth.pk}"
    assert followed(last) == f"{thread_url(conversation, posts[0], 2)}#post-{last.pk}"
    page = get(client, followed(twenty_fifth).split("#")[0])
    assert f'id="post-{twenty_fifth.pk}"' in page
    # From the thread page, the thread page: even for an answer the conversation page shows.
    response = client.get(f"/conversations/{conversation.pk}/replies/{fifth.pk}/?from=thread")
    assert response["Location"] == f"{thread_url(conversation, posts[0])}#post-{fifth.pk}"


def test_an_answer_to_an_early_reply_takes_its_place_in_context(client: Any, world: Town) -> None:
    """Pages are ranges of path order: a late answer to the first answer comes right after it,
    and the answers after it move along one place (perhaps to the next page); the lasting
    link follows them."""
    conversation = ConversationFactory(ward=world.ward)
    posts = build_thread(conversation, PER_PAGE)
    last = posts[-1]
    assert selectors.post_page_url(last).startswith(thread_url(conversation, posts[0]) + "#")
    PostFactory(conversation=conversation, parent=posts[1], body="late answer 999.")
    assert shown(get(client, conversation.get_absolute_url()))[:3] == [0, 999, 1]
    assert (
        selectors.post_page_url(last) == f"{thread_url(conversation, posts[0], 2)}#post-{last.pk}"
    )
    assert shown(get(client, thread_url(conversation, posts[0], 2))) == [PER_PAGE - 1]


def queries(client: Any, url: str) -> int:
    client.get(url)  # warm: the first request's session look-ups are not the page's
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator"])
def test_the_pages_cost_the_same_queries_however_long_the_threads(
    client: Any, world: Town, role: str, django_assert_max_num_queries: Any
) -> None:
    login(client, world.user(role))
    counts: dict[str, list[int]] = {"conversation": [], "thread": [], "thread page 2": []}
    for answers in (15, 60, 3 * PER_PAGE):
        conversation = ConversationFactory(ward=world.ward)
        starts = [build_thread(conversation, answers, label=f"t{n}")[0] for n in range(3)]
        with django_assert_max_num_queries(17):
            body = get(client, conversation.get_absolute_url())
        assert body.count('<li id="post-') == 3 * (SHOWN + 1)
        assert body.count(f"Show all {answers} replies in this thread") == 3
        counts["conversation"].append(queries(client, conversation.get_absolute_url()))
        with django_assert_max_num_queries(14):
            body = get(client, thread_url(conversation, starts[1]))
        assert body.count('<li id="post-') == 1 + min(answers, PER_PAGE)
        counts["thread"].append(queries(client, thread_url(conversation, starts[1])))
        if answers > PER_PAGE:
            counts["thread page 2"].append(queries(client, thread_url(conversation, starts[1], 2)))
    assert len(set(counts["conversation"])) == 1, counts
    assert len(set(counts["thread"] + counts["thread page 2"])) == 1, counts


def test_the_selectors_fetch_only_what_is_shown(world: Town) -> None:
    conversation = ConversationFactory(ward=world.ward)
    posts = build_thread(conversation, 3 * PER_PAGE)
    user = world.person("resident")
    # As within one request: answers are remembered for it (core.request_cache).
    with request_cache.scope():
        with CaptureQueriesContext(connection) as captured:
            roots, _ = selectors.thread(user, conversation, may_take_part=True)
        assert len(captured) <= 5
        assert len(roots) == 1
        assert roots[0].more_answers == 3 * PER_PAGE
        with CaptureQueriesContext(connection) as captured:
            page = selectors.thread_page(user, conversation, posts[0].pk, may_take_part=True)
        assert len(captured) <= 3
        assert page is not None
        assert page.answers == 3 * PER_PAGE
        with CaptureQueriesContext(connection) as captured:
            selectors.post_page_url(posts[-1])
        assert len(captured) == 1


def answerer(world: Town) -> User:
    user: User = world.person("resident")
    return user


def test_answering_from_the_thread_page_comes_back_to_it(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    start = world.post("ward")
    login(client, answerer(world))
    body = get(client, thread_url(conversation, start))
    action = f'action="/conversations/{conversation.pk}/reply/?from=thread"'
    assert action in body
    assert f'name="parent" value="{start.pk}"' in body
    assert f"/conversations/{conversation.pk}/reply/?to={start.pk}&amp;from=thread" in body
    reply_url = f"/conversations/{conversation.pk}/reply/?from=thread"
    # A mistake: the form again, with the way back to the thread page, and nothing posted.
    before = Post.objects.count()
    response = client.post(reply_url, {"body": "  ", "parent": start.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter your reply" in page
    assert f'href="{thread_url(conversation, start)}#post-{start.pk}"' in page
    assert Post.objects.count() == before
    # Then right: back to the thread page at the new answer (the conversation page shows it
    # too, but the person was reading the thread).
    response = client.post(reply_url, {"body": "From the thread page", "parent": start.pk})
    answer = Post.objects.get(body="From the thread page")
    assert answer.parent_id == start.pk
    assert response["Location"] == f"{thread_url(conversation, start)}#post-{answer.pk}"
    assert "From the thread page" in get(client, response["Location"])


def test_agreeing_changing_and_removing_from_the_thread_page_come_back_to_it(
    client: Any, world: Town
) -> None:
    conversation = world.conversation("ward")
    start = world.post("ward")
    mine = world.post("ward", "other author")
    login(client, world.person("other author"))
    body = get(client, thread_url(conversation, start))
    base = f"/conversations/{conversation.pk}/replies"
    assert f'action="{base}/{start.pk}/agree/?from=thread"' in body
    back = f"{thread_url(conversation, start)}#post-{start.pk}"
    response = client.post(f"{base}/{start.pk}/agree/?from=thread")
    assert response["Location"] == back
    assert Reaction.objects.filter(post=start, user=world.person("other author")).exists()
    # Their own thread start: change it, then remove it, from the thread page.
    assert f'href="{base}/{mine.pk}/change/?from=thread"' in get(
        client, thread_url(conversation, mine)
    )
    response = client.post(f"{base}/{mine.pk}/change/?from=thread", {"body": "Changed words"})
    assert response["Location"] == f"{thread_url(conversation, mine)}#post-{mine.pk}"
    assert f'href="{thread_url(conversation, mine)}#post-{mine.pk}"' in get(
        client, f"{base}/{mine.pk}/remove/?from=thread"
    )
    response = client.post(f"{base}/{mine.pk}/remove/?from=thread")
    assert response["Location"] == f"{thread_url(conversation, mine)}#post-{mine.pk}"
    # Without ?from=thread, the conversation page as before.
    response = client.post(f"{base}/{start.pk}/agree/")
    assert response["Location"] == f"{conversation.get_absolute_url()}#post-{start.pk}"


@pytest.mark.parametrize(
    "role", ["anonymous", "outsider", "member", "resident", "ward councillor", "moderator"]
)
def test_who_may_answer_on_the_thread_page_is_the_reply_permission(
    client: Any, world: Town, role: str
) -> None:
    world.set_audience(Audience.AREA)
    conversation = world.conversation("group")
    start = world.post("group")
    login(client, world.user(role))
    may = role in {"resident", "ward councillor"}
    body = get(client, thread_url(conversation, start))
    assert ('name="body"' in body) is may
    assert ("Only residents of the area" in body) is (not may and role != "anonymous")
    before = Post.objects.count()
    response = client.post(
        f"/conversations/{conversation.pk}/reply/?from=thread",
        {"body": "Me too", "parent": start.pk},
    )
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif may:
        assert response.status_code == 302
        assert response["Location"].startswith(thread_url(conversation, start) + "#post-")
    else:
        assert response.status_code == 403
    assert Post.objects.count() == before + (1 if may else 0)
