"""The demo borough has conversations on a ward, an initiative and a group, one safeguarded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.urls import reverse

from grassroots.conversations.models import Conversation, Post, Reaction
from grassroots.conversations.visibility import can_view
from grassroots.demo.borough import Borough
from grassroots.demo.conversations import seed_conversations
from grassroots.demo.groups import seed_groups
from grassroots.demo.seed import STEPS as DEMO_STEPS
from grassroots.demo.seed import seed_demo
from grassroots.testing.snapshots import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]

BEFORE = [
    s
    for s in DEMO_STEPS
    if s.__name__
    in {
        "seed_wards",
        "seed_postcodes",
        "seed_councillors",
        "seed_departments",
        "seed_residents",
        "seed_accounts",
        "seed_initiatives",
    }
]
STEPS = [*BEFORE, seed_groups, seed_conversations]


def _seed_up_to_conversations() -> Borough:
    return seed_demo(steps=STEPS)


# The borough up to its conversations, seeded once for this module's tests.
partly_seeded_snapshot, partly_seeded = shared_world(
    _seed_up_to_conversations, name="partly_seeded"
)


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (
            c.question,
            c.audience,
            c.is_safeguarded,
            c.reply_count,
            c.summary,
            c.action_items.count(),
        )
        for c in Conversation.objects.all()
    )


@override_settings(DEBUG=True)
def test_the_demo_has_every_kind_of_conversation(partly_seeded: Borough) -> None:
    borough = partly_seeded
    conversations = Conversation.objects.all()
    assert conversations.filter(ward__isnull=False).exists()
    assert conversations.filter(initiative__isnull=False, is_safeguarded=False).exists()
    assert conversations.filter(group__isnull=False).exists()
    assert conversations.filter(closed_at__isnull=False).exists()
    safeguarded = conversations.get(is_safeguarded=True)
    assert not can_view(AnonymousUser(), safeguarded)
    assert not can_view(borough.accounts["officer"], safeguarded)
    labels = set(Post.objects.values_list("speaker_label", flat=True))
    assert any(label.startswith("Councillor for ") for label in labels)
    assert any(label.startswith("Officer, ") for label in labels)
    assert Post.objects.filter(depth__gte=2).exists()
    assert Post.objects.filter(quoted__isnull=False).exists()
    assert Reaction.objects.exists()
    assert conversations.exclude(summary="").exists()
    # Agreed actions (actions.ActionItem): one done, one open for a person, one for a name.
    assert conversations.filter(action_items__done_at__isnull=False).exists()
    assert conversations.filter(
        action_items__done_at__isnull=True, action_items__owner__isnull=False
    ).exists()
    assert (
        conversations.filter(action_items__owner__isnull=True)
        .exclude(action_items__owner_name="")
        .exists()
    )
    for conversation in conversations:
        assert conversation.reply_count == conversation.posts.count()


@override_settings(DEBUG=True)
@pytest.mark.usefixtures("partly_seeded")
def test_running_the_demo_twice_gives_the_same_conversations() -> None:
    first = _content()
    seed_demo(steps=STEPS)
    assert _content() == first
    assert len(first) >= 4


@pytest.mark.usefixtures("partly_seeded")
def test_the_demo_has_a_busy_thread_to_open_on_its_own_page(client: Client) -> None:
    conversation = Conversation.objects.get(question="What should happen to the old bandstand?")
    start = Post.objects.filter(conversation=conversation, parent__isnull=True).order_by("path")[0]
    page = client.get(conversation.get_absolute_url(), secure=True)
    assert page.status_code == 200
    assert "Show all 12 replies in this thread" in page.content.decode()
    thread = client.get(
        reverse("conversations:thread", kwargs={"pk": conversation.pk, "post_pk": start.pk}),
        secure=True,
    )
    assert thread.status_code == 200
    assert "Let&#x27;s put the repair, the roof and the benches in one proposal." in (
        thread.content.decode()
    )
