"""A small world for moderation tests: reportable things of every kind and every role around them.

Read `build_world` first: each role is a key of `World.users`, each reportable thing an
attribute. Reports are made through the real service (`report_as`), as a person would.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from grassroots.accounts.tests.factories import (
    OfficerPostFactory,
    UserFactory,
    make_site_admin,
)
from grassroots.conversations.models import Conversation, Post
from grassroots.events.models import Event
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.moderation import services
from grassroots.moderation.models import SafeguardingContact
from grassroots.places.models import Council, Ward
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory
from grassroots.testing.people import with_totp

ROLES = [
    "anonymous",
    "resident",
    "author",
    "moderator",
    "councillor",
    "officer",
    "safeguarding contact",
    "other council's contact",
    "site admin",
    "site admin without MFA",
]


def make_post(
    conversation: Conversation, author: Any, body: str = "I agree.", **extra: Any
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


@dataclass
class World:
    council: Council
    ward: Ward
    initiative: Initiative
    safeguarded_initiative: Initiative
    conversation: Conversation
    post: Post
    event: Event
    private_conversation: Conversation
    private_post: Post
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.users[role]

    def items(self) -> dict[str, Any]:
        """One public item of each kind, keyed by its kind in addresses."""
        return {
            "reply": self.post,
            "conversation": self.conversation,
            "initiative": self.initiative,
            "event": self.event,
        }


def build_world() -> World:
    ward = WardFactory(name="Riverside")
    council = ward.council
    author = UserFactory(display_name="Alex Author")
    initiative = InitiativeFactory(title="Riverside garden", wards=[ward], created_by=author)
    safeguarded = InitiativeFactory(
        title="Safe space", wards=[ward], visibility=Visibility.SAFEGUARDED
    )
    conversation = Conversation.objects.create(
        ward=ward, question="Where should the bench go?", started_by=author
    )
    post = make_post(conversation, author, "Next to the pond, please.")
    event = make_event(ward=ward)
    event.created_by = author
    event.save(update_fields=["created_by"])
    group = GroupFactory(council=council)
    private_conversation = Conversation.objects.create(
        group=group, question="Support circle", is_safeguarded=True, started_by=group.created_by
    )
    private_post = make_post(private_conversation, group.created_by, "Private words.")
    moderator = UserFactory(display_name="Mo Moderator", is_moderator=True)
    contact_user = UserFactory(display_name="Sam Safeguarding")
    SafeguardingContact.objects.create(
        council=council,
        name="Sam Safeguarding",
        email="safeguarding@council.example",
        user=contact_user,
    )
    other_ward = WardFactory(name="Elsewhere")
    other_contact = UserFactory()
    SafeguardingContact.objects.create(
        council=other_ward.council,
        name="Other Contact",
        email="other@council.example",
        user=other_contact,
    )
    councillor = UserFactory()
    CouncillorTermFactory(councillor__user=councillor, ward=ward)
    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(display_name="Rita Resident", email="rita@example.org"),
        "author": author,
        "moderator": moderator,
        "councillor": with_totp(councillor),
        "officer": with_totp(OfficerPostFactory(department__council=council).user),
        # Safeguarding contacts must use two-factor authentication, like the other roles.
        "safeguarding contact": with_totp(contact_user),
        "other council's contact": with_totp(other_contact),
        "site admin": with_totp(make_site_admin()),
        "site admin without MFA": make_site_admin(),
    }
    MembershipFactory(initiative=safeguarded, user=users["resident"])
    return World(
        council=council,
        ward=ward,
        initiative=initiative,
        safeguarded_initiative=safeguarded,
        conversation=conversation,
        post=post,
        event=event,
        private_conversation=private_conversation,
        private_post=private_post,
        users=users,
    )


def report_as(user: Any, item: Any, reason: str = "spam", details: str = "") -> Any:
    return services.report_create(reporter=user, item=item, reason=reason, details=details)


def login(client: Any, world: World, role: str) -> Any:
    user = world.user(role)
    if user.is_authenticated:
        client.force_login(user)
    return user


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]
