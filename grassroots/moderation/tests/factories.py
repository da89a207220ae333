"""Moderation tests live in the shared town (grassroots/testing/worlds.py).

Read `build_moderation_town` first: the people are the town's, by their names in `TOWN_CAST`;
the lead is also called "author", for they wrote everything the tests report (the ward's
conversation and their reply in it, the initiative, an event). Reports are made through the
real service (`report_as`), as a person would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.conversations.models import Conversation, Post
from grassroots.events.models import Event
from grassroots.initiatives.tests.factories import MembershipFactory
from grassroots.moderation import services
from grassroots.testing.worlds import (
    Town,
    add_conversations,
    add_private_conversation,
    build_town,
    pick_town,
)

# Who moderation tests act as, by their names in the town ("lead" is the author).
MODERATION_CAST = pick_town(
    "anonymous",
    "resident",
    "lead",
    "moderator",
    "ward councillor",
    "officer",
    "safeguarding contact",
    "other council's contact",
    "site admin",
    "site admin without MFA",
)


def make_post(
    conversation: Conversation, author: User, body: str = "I agree.", **extra: Any
) -> Post:
    post = Post.objects.create(conversation=conversation, author=author, body=body, **extra)
    post.path = f"{post.pk:010d}"
    post.save(update_fields=["path"])
    return post


def make_event(**host: Any) -> Event:
    start = timezone.now() + datetime.timedelta(days=7)
    return Event.objects.create(
        title="Litter pick",
        description="Meet at the park gates.",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        **host,
    )


def build_moderation_town() -> Town:
    """The town with the moderation cast, and something of each kind to report.

    The lead ("author") starts the ward's conversation and replies in it, and puts on an event
    in the ward; the group's organiser starts a safeguarded conversation ("private") and replies
    in it. The resident also belongs to the safeguarded initiative, so may see and report it.
    """
    town = build_town(roles=[*MODERATION_CAST, "organiser"], aliases={"author": "lead"})
    add_conversations(town, starter="author", repliers=["author"], hosts=["ward"])
    event = make_event(ward=town.ward)
    event.created_by = town.lead
    event.save(update_fields=["created_by"])
    town.events["ward"] = event
    private = add_private_conversation(town, key="private")
    town.posts[("private", "organiser")] = make_post(
        private, town.person("organiser"), "Private words."
    )
    MembershipFactory(initiative=town.safeguarded, user=town.person("resident"))
    return town


def items(town: Town) -> dict[str, Any]:
    """One public item of each kind, all the author's, keyed by its kind in addresses."""
    return {
        "reply": town.post(),
        "conversation": town.conversation(),
        "initiative": town.initiative,
        "event": town.events["ward"],
    }


def report_as(user: User, item: Any, reason: str = "spam", details: str = "") -> Any:
    return services.report_create(reporter=user, item=item, reason=reason, details=details)


def login(client: Any, town: Town, role: str) -> Any:
    user = town.user(role)
    if user.is_authenticated:
        client.force_login(user)
    return user


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]
