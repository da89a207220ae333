"""The demo borough's moderation: a safeguarding contact, a few reports, a hidden reply, a concern.

Runs last in `core.demo.STEPS`, after the conversations and events steps, and works with
whatever public content they wrote (with fewer replies it simply makes fewer reports). It is
re-runnable: the demo residents' reports and concerns are deleted and written again, and the
hidden reply is found again by its demo reason rather than hidden twice. Nothing is emailed:
rows are written directly, not through the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from grassroots.conversations.models import Post
from grassroots.events.models import Event
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.moderation import targets
from grassroots.moderation.models import (
    Reason,
    Report,
    SafeguardingConcern,
    SafeguardingContact,
)

if TYPE_CHECKING:
    from grassroots.core.demo import Borough

CONTACT_EMAIL = "safeguarding@demo.grassroots.localhost"
HIDDEN_REASON = "Shares a neighbour's phone number without asking them (demo)."
_SAFEGUARDED = Visibility.SAFEGUARDED


def _public_posts(borough: Borough) -> list[Post]:
    council = borough.council
    return list(
        Post.objects.filter(
            Q(conversation__ward__council=council)
            | Q(conversation__group__council=council)
            | Q(conversation__initiative__wards__council=council)
        )
        .exclude(conversation__is_safeguarded=True)
        .exclude(conversation__initiative__visibility=_SAFEGUARDED)
        .filter(
            hidden_at__isnull=True,
            held_for_review=False,
            removed_by_author_at__isnull=True,
            conversation__hidden_at__isnull=True,
        )
        .select_related("conversation__initiative", "author")
        .distinct()
        .order_by("pk")
    )


def seed_moderation(borough: Borough) -> None:
    """A contact for the council, reports waiting in the queue, a hidden reply and a concern."""
    council = borough.council
    officer = borough.accounts.get("officer")
    moderator = borough.accounts.get("moderator")
    SafeguardingContact.objects.update_or_create(
        council=council,
        email=CONTACT_EMAIL,
        defaults={"name": "Brookmere safeguarding team", "user": officer},
    )
    reporters = borough.residents[1::11][:4]
    Report.objects.filter(reporter__in=reporters).delete()
    SafeguardingConcern.objects.filter(reporter__in=reporters).delete()
    if len(reporters) < 4:
        return
    posts = _public_posts(borough)
    already_hidden = Post.objects.filter(hidden_reason=HIDDEN_REASON).exists()
    if posts and not already_hidden:
        hidden = posts.pop()
        hidden.hidden_at = timezone.now()
        hidden.hidden_reason = HIDDEN_REASON
        hidden.hidden_by = moderator
        hidden.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    rows: list[Report] = []
    for index, post in enumerate(posts[:3]):
        rows.append(
            Report(
                post=post,
                reporter=reporters[index],
                reason=(Reason.SPAM, Reason.ABUSE, Reason.MISINFORMATION)[index],
                details="It keeps coming up in this conversation." if index == 1 else "",
            )
        )
    initiative = (
        Initiative.objects.filter(wards__council=council, visibility="public")
        .order_by("pk")
        .distinct()
        .first()
    )
    if initiative is not None:
        rows.append(
            Report(
                initiative=initiative,
                reporter=reporters[3],
                reason=Reason.PERSONAL_INFORMATION,
                details="The description names a child at the school.",
            )
        )
    event = (
        Event.objects.filter(
            Q(ward__council=council) | Q(group__council=council) | Q(venue__council=council)
        )
        .exclude(initiative__visibility=_SAFEGUARDED)
        .filter(hidden_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if event is not None:
        rows.append(Report(event=event, reporter=reporters[0], reason=Reason.SPAM))
    Report.objects.bulk_create(rows)
    _concern(borough, reporters[2], posts[0] if posts else initiative)
    borough.counts["reports"] = len(rows)


def _concern(borough: Borough, reporter: Any, item: Any) -> None:
    if item is None:
        return
    description = targets.describe(item)
    SafeguardingConcern.objects.create(
        reporter=reporter,
        reason=Reason.SAFEGUARDING,
        details="The person writing this sounds frightened of someone at home.",
        council=borough.council,
        reporter_name=reporter.public_name,
        reporter_email=reporter.email or "",
        item_title=description.title[:300],
        item_text=description.text,
        item_url=description.url[:300],
        sent_to=CONTACT_EMAIL,
        **{targets.FIELD_FOR_KIND[targets.kind_of(item)]: item},
    )
