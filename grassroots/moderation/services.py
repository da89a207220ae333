"""Writes for moderation: reports, decisions on them, held replies and safeguarding concerns.

Every function is one transaction and writes the audit log (actions named `moderation.*`, which
is what the site admins' export reads). People are told through `notify()` (kind MODERATION),
which drops anyone who may not see a safeguarded item; safeguarding contacts are emailed
directly, after the commit, through the task queue (`core.mail`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.conversations.models import Post
from grassroots.conversations.services import post_released
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.tasks import send_rendered_later
from grassroots.moderation import targets
from grassroots.moderation.models import (
    ConcernStatus,
    Reason,
    Report,
    ReportStatus,
    SafeguardingConcern,
    SafeguardingContact,
)
from grassroots.notifications.models import Kind
from grassroots.notifications.services import notify

logger = logging.getLogger("grassroots.moderation")


def _target_kwargs(item: Any) -> dict[str, Any]:
    return {targets.FIELD_FOR_KIND[targets.kind_of(item)]: item}


def _my_reports_url() -> str:
    return reverse("moderation:my_reports")


def report_create(
    *, reporter: Actor, item: Any, reason: str, details: str = ""
) -> Report | SafeguardingConcern:
    """Record a report about `item`; a safeguarding concern (or any report about safeguarded
    content) goes to the council's safeguarding contacts instead of the moderators' queue."""
    require(reporter, "moderation.report", item)
    if reason not in Reason.values:
        raise ServiceError(_("Select why you are reporting this"))
    if reason == Reason.SAFEGUARDING or targets.is_safeguarded(item):
        return concern_create(reporter=reporter, item=item, reason=reason, details=details)
    where = _target_kwargs(item)
    if Report.objects.filter(reporter=reporter, status=ReportStatus.OPEN, **where).exists():
        raise ServiceError(_("You have already reported this. A moderator will look at it"))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter, reason=reason, details=details, **where
            )
            kind, pk = report.target_key
            audit_record(
                actor=reporter,
                action="moderation.report_create",
                obj=report,
                summary=f"Reported {kind} {pk} ({reason})",
                data={"kind": kind, "id": pk, "reason": reason},
            )
    except IntegrityError as error:
        # Two submissions at once: the second meets the one-open-report constraint.
        raise ServiceError(
            _("You have already reported this. A moderator will look at it")
        ) from error
    return report


def safeguarding_recipients(council: Any) -> list[str]:
    """Where a concern about `council`'s content is emailed; the fallback address if none."""
    emails: list[str] = []
    if council is not None:
        emails = list(
            SafeguardingContact.objects.filter(council=council)
            .order_by("pk")
            .values_list("email", flat=True)
        )
    if emails:
        return emails
    fallback = getattr(settings, "SAFEGUARDING_FALLBACK_EMAIL", "")
    name = council.name if council is not None else "no council"
    if fallback:
        logger.warning(
            "No safeguarding contacts for %s: concern sent to SAFEGUARDING_FALLBACK_EMAIL", name
        )
        return [fallback]
    logger.error(
        "No safeguarding contacts for %s and no SAFEGUARDING_FALLBACK_EMAIL: "
        "concern recorded but not emailed",
        name,
    )
    return []


def concern_create(
    *, reporter: Actor, item: Any, reason: str = Reason.SAFEGUARDING, details: str = ""
) -> SafeguardingConcern:
    """Record a safeguarding concern and email the council's safeguarding contacts at once."""
    require(reporter, "moderation.report", item)
    where = _target_kwargs(item)
    already = SafeguardingConcern.objects.filter(reporter=reporter, **where).exclude(
        status=ConcernStatus.CLOSED
    )
    if already.exists():
        raise ServiceError(
            _("You have already raised a concern about this. The safeguarding team has it")
        )
    description = targets.describe(item)
    council = targets.council_of(item)
    recipients = safeguarding_recipients(council)
    try:
        with transaction.atomic():
            concern = SafeguardingConcern.objects.create(
                reporter=reporter,
                reason=reason,
                details=details,
                council=council,
                reporter_name=reporter.public_name,
                reporter_email=reporter.email or "",
                item_title=description.title[:300],
                item_text=description.text,
                item_url=description.url[:300],
                sent_to=", ".join(recipients),
                **where,
            )
            kind, pk = concern.target_key
            # The audit line names the record only: the details stay on the concern itself.
            audit_record(
                actor=reporter,
                action="moderation.concern_create",
                obj=concern,
                summary=f"Safeguarding concern {concern.pk} raised about {kind} {pk}",
                data={"kind": kind, "id": pk, "emailed": len(recipients)},
            )
            if recipients:
                send_rendered_later(_concern_email(concern, description, recipients))
    except IntegrityError as error:
        raise ServiceError(
            _("You have already raised a concern about this. The safeguarding team has it")
        ) from error
    return concern


def _concern_email(
    concern: SafeguardingConcern, description: targets.Description, recipients: list[str]
) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    body = render_to_string(
        "moderation/email/concern.txt",
        {
            "concern": concern,
            "item": description,
            "item_url": f"{site}{description.url}" if description.url else "",
            "concern_url": site + reverse("moderation:concern", kwargs={"pk": concern.pk}),
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    subject = _("[%(site)s] Safeguarding concern %(number)s: action needed") % {
        "site": settings.SITE_NAME,
        "number": concern.pk,
    }
    return EmailMessage(subject=subject, body=body, to=recipients)


def _open_reports(item: Any) -> Any:
    return Report.objects.filter(status=ReportStatus.OPEN, **_target_kwargs(item))


def _refuse_safeguarded(item: Any) -> None:
    # Moderators never act on safeguarded content: the safeguarding contacts handle it.
    if targets.is_safeguarded(item):
        raise ServiceError(_("This is handled by the safeguarding team"))


def _decide_reports(*, moderator: Actor, item: Any, status: str, note: str) -> list[Any]:
    """Close the open reports about `item`; return the people who made them."""
    reports = list(_open_reports(item).select_related("reporter"))
    now = timezone.now()
    for report in reports:
        report.status = status
        report.decided_at = now
        report.decided_by = moderator
        report.decision_note = note
        report.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    return [r.reporter for r in reports if r.reporter is not None]


def item_hide(*, moderator: Actor, item: Any, reason: str) -> None:
    """Hide `item` with a reason; its author and the people who reported it are told."""
    require(moderator, "moderation.decide")
    _refuse_safeguarded(item)
    _hide(
        actor=moderator,
        item=item,
        reason=reason,
        author_text=_("A moderator hid your %(kind)s “%(title)s”. Reason: %(reason)s"),
        reporter_text=_("Thank you for your report about “%(title)s”. A moderator has hidden it"),
    )


REASON_MAX_LENGTH = 1000


def _concern_target(concern: SafeguardingConcern) -> Any:
    """What `concern` is about, freshly loaded; an error if it has gone from the site."""
    item = targets.load_target(*concern.target_key)
    if item is None:
        raise ServiceError(_("What was reported is no longer on the site"))
    return item


def concern_item_hide(*, user: Actor, concern: SafeguardingConcern, reason: str) -> Any:
    """A safeguarding contact hides what `concern` is about, safeguarded or not; returns it.

    The same hiding as the moderators' (audit log, author told, open reports upheld), but what
    people are told names neither the concern nor who raised or handled it: the author hears
    only that it was hidden under the site's rules, with the reason given.
    """
    require(user, "moderation.hide_concern_item", concern)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Enter the reason"))
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(_("The reason must be 1000 characters or fewer"))
    item = _concern_target(concern)
    _hide(
        actor=user,
        item=item,
        reason=reason,
        author_text=_(
            "Your %(kind)s “%(title)s” has been hidden under the site's rules. Reason: %(reason)s"
        ),
        reporter_text=_("Thank you for your report about “%(title)s”. It has been hidden"),
        concern=concern,
    )
    return item


def _hide(
    *,
    actor: Actor,
    item: Any,
    reason: str,
    author_text: str,
    reporter_text: str,
    concern: SafeguardingConcern | None = None,
) -> None:
    if not hasattr(item, "hidden_at"):
        raise ServiceError(_("This cannot be hidden yet"))
    description = targets.describe(item)
    with transaction.atomic():
        # Locked and read again: two people hiding it at once must not both succeed.
        current = type(item).objects.select_for_update().filter(pk=item.pk)
        if current.filter(hidden_at__isnull=False).exists():
            raise ServiceError(_("This is already hidden"))
        item.hidden_at = timezone.now()
        item.hidden_reason = reason
        item.hidden_by = actor
        item.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        reporters = _decide_reports(
            moderator=actor, item=item, status=ReportStatus.UPHELD, note=reason
        )
        kind, pk = targets.kind_of(item), item.pk
        data: dict[str, Any] = {"kind": kind, "id": pk, "reason": reason, "reports": len(reporters)}
        summary = f"Hid {kind} {pk}: {reason}"
        if concern is not None:
            # Only the audit log (read by site admins) links the hiding to the concern.
            data["concern"] = concern.pk
            summary = f"Hid {kind} {pk} from safeguarding concern {concern.pk}: {reason}"
        audit_record(actor=actor, action="moderation.hide", obj=item, summary=summary, data=data)
        scope = targets.notify_scope(item)
        notify(
            recipients=targets.authors_of(item),
            kind=Kind.MODERATION,
            text=author_text
            % {
                "kind": description.kind_label.lower(),
                "title": description.title,
                "reason": reason,
            },
            url=description.url or _my_reports_url(),
            **scope,
        )
        notify(
            recipients=reporters,
            kind=Kind.MODERATION,
            text=reporter_text % {"title": description.title},
            url=_my_reports_url(),
            **_reporters_scope(item),
        )


def _reporters_scope(item: Any) -> dict[str, Any]:
    """What a notice to the people who reported `item` is tied to.

    Tied to a safeguarded item, notify() keeps the notice inside it. A public item is not
    tied: once hidden, an initiative is seen only by its leads, and notify() would drop the
    very reporters being thanked (they saw the title when they reported it).
    """
    return targets.notify_scope(item) if targets.is_safeguarded(item) else {}


def item_restore(*, moderator: Actor, item: Any, reason: str) -> None:
    """Show a hidden `item` again, with a reason; its author is told."""
    require(moderator, "moderation.decide")
    _refuse_safeguarded(item)
    _restore(
        actor=moderator,
        item=item,
        reason=reason,
        author_text=_("A moderator has shown your %(kind)s “%(title)s” again. Reason: %(reason)s"),
    )


def concern_item_restore(*, user: Actor, concern: SafeguardingConcern, note: str = "") -> Any:
    """A safeguarding contact shows what `concern` is about again, safeguarded or not; returns it.

    The same restoring as the moderators' (audit log, author told), for whoever may hide from the
    concern. The optional note is for the record only (the audit log, which links the restoring
    to the concern): the author is told only that it is shown again, never of the concern.
    """
    require(user, "moderation.restore_concern_item", concern)
    note = note.strip()
    if len(note) > REASON_MAX_LENGTH:
        raise ServiceError(_("The note must be 1000 characters or fewer"))
    item = _concern_target(concern)
    _restore(
        actor=user,
        item=item,
        reason=note,
        author_text=_("Your %(kind)s “%(title)s” is shown on the site again"),
        concern=concern,
    )
    return item


def _restore(
    *,
    actor: Actor,
    item: Any,
    reason: str,
    author_text: str,
    concern: SafeguardingConcern | None = None,
) -> None:
    if getattr(item, "hidden_at", None) is None:
        raise ServiceError(_("This is not hidden"))
    description = targets.describe(item)
    with transaction.atomic():
        # Locked and read again: two people showing it at once must not both succeed.
        current = type(item).objects.select_for_update().filter(pk=item.pk)
        if not current.filter(hidden_at__isnull=False).exists():
            raise ServiceError(_("This is not hidden"))
        item.hidden_at = None
        item.hidden_reason = ""
        item.hidden_by = None
        item.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        kind, pk = targets.kind_of(item), item.pk
        data: dict[str, Any] = {"kind": kind, "id": pk, "reason": reason}
        summary = f"Restored {kind} {pk}: {reason}"
        if concern is not None:
            # As for hiding, only the audit log links the restoring to the concern.
            data["concern"] = concern.pk
            summary = f"Restored {kind} {pk} from safeguarding concern {concern.pk}"
            if reason:
                summary += f": {reason}"
        audit_record(actor=actor, action="moderation.restore", obj=item, summary=summary, data=data)
        notify(
            recipients=targets.authors_of(item),
            kind=Kind.MODERATION,
            text=author_text
            % {
                "kind": description.kind_label.lower(),
                "title": description.title,
                "reason": reason,
            },
            url=description.url or _my_reports_url(),
            **targets.notify_scope(item),
        )


def reports_dismiss(*, moderator: Actor, item: Any, note: str) -> int:
    """Close every open report about `item` without acting; the reporters are told."""
    require(moderator, "moderation.decide")
    _refuse_safeguarded(item)
    description = targets.describe(item)
    with transaction.atomic():
        reporters = _decide_reports(
            moderator=moderator, item=item, status=ReportStatus.DISMISSED, note=note
        )
        if not reporters:
            raise ServiceError(_("There are no open reports about this"))
        kind, pk = targets.kind_of(item), item.pk
        audit_record(
            actor=moderator,
            action="moderation.dismiss",
            obj=item,
            summary=f"Dismissed {len(reporters)} report(s) about {kind} {pk}",
            data={"kind": kind, "id": pk, "note": note, "reports": len(reporters)},
        )
        notify(
            recipients=reporters,
            kind=Kind.MODERATION,
            text=_(
                "Thank you for your report about “%(title)s”. A moderator looked at it and "
                "decided it can stay"
            )
            % {"title": description.title},
            url=_my_reports_url(),
            **_reporters_scope(item),
        )
    return len(reporters)


def held_post_approve(*, moderator: Actor, post: Post) -> None:
    """Let a held reply through: everyone who can see the conversation now sees it."""
    require(moderator, "moderation.decide")
    _refuse_safeguarded(post)
    if not post.held_for_review:
        raise ServiceError(_("This reply is not waiting for review"))
    with transaction.atomic():
        # The conversations app makes it count and tells the conversation, as for a new reply.
        post_released(actor=moderator, post=post)
        audit_record(
            actor=moderator,
            action="moderation.approve",
            obj=post,
            summary=f"Approved held reply {post.pk}",
            data={"kind": "reply", "id": post.pk},
        )
        notify(
            recipients=[post.author],
            kind=Kind.MODERATION,
            text=_("Your reply in “%(question)s” has been approved and is now shown")
            % {"question": post.conversation.question},
            url=targets.describe(post).url or _my_reports_url(),
            conversation=post.conversation,
        )


def held_post_reject(*, moderator: Actor, post: Post, reason: str) -> None:
    """Refuse a held reply: it stays hidden, and its author is told why."""
    require(moderator, "moderation.decide")
    _refuse_safeguarded(post)
    if not post.held_for_review:
        raise ServiceError(_("This reply is not waiting for review"))
    with transaction.atomic():
        post.held_for_review = False
        post.hidden_at = timezone.now()
        post.hidden_reason = reason
        post.hidden_by = moderator
        post.save(update_fields=["held_for_review", "hidden_at", "hidden_reason", "hidden_by"])
        audit_record(
            actor=moderator,
            action="moderation.reject",
            obj=post,
            summary=f"Rejected held reply {post.pk}: {reason}",
            data={"kind": "reply", "id": post.pk, "reason": reason},
        )
        notify(
            recipients=[post.author],
            kind=Kind.MODERATION,
            text=_("A moderator did not approve your reply in “%(question)s”. Reason: %(reason)s")
            % {"question": post.conversation.question, "reason": reason},
            url=targets.describe(post).url or _my_reports_url(),
            conversation=post.conversation,
        )


def concern_acknowledge(*, user: Actor, concern: SafeguardingConcern) -> None:
    """A safeguarding contact has picked the concern up."""
    require(user, "moderation.handle_concern", concern)
    with transaction.atomic():
        changed = SafeguardingConcern.objects.filter(
            pk=concern.pk, status=ConcernStatus.NEW
        ).update(
            status=ConcernStatus.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_by=user
        )
        if not changed:
            raise ServiceError(_("This concern has already been acknowledged"))
        audit_record(
            actor=user,
            action="moderation.concern_acknowledge",
            obj=concern,
            summary=f"Acknowledged safeguarding concern {concern.pk}",
        )
    concern.refresh_from_db()


def concern_close(*, user: Actor, concern: SafeguardingConcern, note: str) -> None:
    """Close the concern with a note of what was done."""
    require(user, "moderation.handle_concern", concern)
    if not note.strip():
        raise ServiceError(_("Enter what was done"))
    with transaction.atomic():
        now = timezone.now()
        changed = (
            SafeguardingConcern.objects.filter(pk=concern.pk)
            .exclude(status=ConcernStatus.CLOSED)
            .update(
                status=ConcernStatus.CLOSED,
                closed_at=now,
                closed_by=user,
                closing_note=note,
            )
        )
        if not changed:
            raise ServiceError(_("This concern is already closed"))
        # Closing an unacknowledged concern acknowledges it too.
        SafeguardingConcern.objects.filter(pk=concern.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=user
        )
        audit_record(
            actor=user,
            action="moderation.concern_close",
            obj=concern,
            summary=f"Closed safeguarding concern {concern.pk}",
        )
    concern.refresh_from_db()


def audit_export_record(*, admin: Actor, start: Any, end: Any) -> None:
    """Exporting the log is itself recorded (who took a copy, and of which dates)."""
    require(admin, "moderation.export_audit")
    audit_record(
        actor=admin,
        action="moderation.audit_export",
        obj=admin,
        summary=f"Exported the moderation audit log from {start} to {end}",
        data={"from": str(start), "to": str(end)},
    )


def concern_links_repoint(old: str, new: str) -> None:
    """Concerns about a page whose address moved from `old` to `new` follow it (core.links)."""
    SafeguardingConcern.objects.filter(item_url__contains=old).update(
        item_url=Replace("item_url", Value(old), Value(new))
    )
