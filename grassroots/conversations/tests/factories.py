"""Factories for conversations. For state with rules (replies, agrees) prefer the services."""

from __future__ import annotations

import factory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Audience, Conversation, Post
from grassroots.places.tests.factories import WardFactory


class ConversationFactory(factory.django.DjangoModelFactory):
    """A ward conversation by default; pass initiative= or group= (and ward=None) for others."""

    class Meta:
        model = Conversation

    ward = factory.SubFactory(WardFactory)
    question = factory.Sequence(lambda n: f"Where should the new bench go? ({n})")
    description = "Tell us the spot you would sit in."
    audience = Audience.EVERYONE
    started_by = factory.SubFactory(UserFactory)


class PostFactory(factory.django.DjangoModelFactory):
    """A top-level reply with its path set as post_create sets it."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    conversation = factory.SubFactory(ConversationFactory)
    author = factory.SubFactory(UserFactory)
    body = "By the pond, facing the sun."

    @factory.post_generation
    def thread_path(post: Post, create: bool, extracted: object, **kwargs: object) -> None:
        if create and not post.path:
            parent = post.parent
            segment = f"{post.pk:012d}"
            post.path = segment if parent is None else f"{parent.path}.{segment}"
            post.depth = 0 if parent is None else parent.depth + 1
            post.save(update_fields=["path", "depth"])
