"""The demo borough's moderation: a safeguarding contact, a few reports, a hidden reply, a concern.

Runs last in `demo.seed.STEPS`, after the conversations and events steps, and works with
whatever public content they wrote (with fewer replies it simply makes fewer reports). It is
re-runnable: the demo residents' reports and concerns are deleted and written again, and the
hidden reply is found again by its demo reason rather than hidden twice. The reports and the
concern are made by the services a resident's report uses (`moderation.services`), with the
audit log; the concern's email goes to the demo contact, whose .localhost address goes nowhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from grassroots.conversations.models import Post
from grassroots.demo.borough import Borough
from grassroots.events.models import Event
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.moderation import services
from grassroots.moderation.models import (
    Reason,
    Report,
    SafeguardingConcern,
    SafeguardingContact,
)

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
    # (reporter, item, reason, details), each reported as a resident reports it.
    reports: list[tuple[Any, Any, str, str]] = []
    for index, post in enumerate(posts[:3]):
        reports.append(
            (
                reporters[index],
                post,
                (Reason.SPAM, Reason.ABUSE, Reason.MISINFORMATION)[index],
                "It keeps coming up in this conversation." if index == 1 else "",
            )
        )
    initiative = (
        Initiative.objects.filter(wards__council=council, visibility="public")
        .order_by("pk")
        .distinct()
        .first()
    )
    if initiative is not None:
        reports.append(
            (
                reporters[3],
                initiative,
                Reason.PERSONAL_INFORMATION,
                "The description names a child at the school.",
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
        reports.append((reporters[0], event, Reason.SPAM, ""))
    for reporter, item, reason, details in reports:
        services.report_create(reporter=reporter, item=item, reason=reason, details=details)
    _concern(reporters[2], posts[0] if posts else initiative)
    borough.counts["reports"] = len(reports)


def _concern(reporter: Any, item: Any) -> None:
    if item is None:
        return
    services.concern_create(
        reporter=reporter,
        item=item,
        reason=Reason.SAFEGUARDING,
        details="The person writing this sounds frightened of someone at home.",
    )
