"""Leads inviting people to join an initiative, and the invitees' answers.

The policy and the steps shared with groups (how long a "no" is left alone, the cap counted over
both kinds of invitation, the invitations kept for an address and claimed when it is confirmed) are
`grassroots.core.invitations`; this module keeps the initiative's own rows, rules and notices."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.models import User
from grassroots.accounts.selectors import notice_name
from grassroots.accounts.types import Actor
from grassroots.core import invitations as policy
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.initiatives.models import (
    Initiative,
    InitiativeEmailInvitation,
    MemberRole,
    Membership,
    MembershipStatus,
)
from grassroots.initiatives.services._common import leads_of

# Leads invite a person by the email address of their account. The invitation lives on the
# person's Membership row (status "invited"), so one row per person per initiative still holds
# and an accepted invitation is an ordinary approved membership. While it waits, the invitee may
# see the initiative even when it is safeguarded (visibility.py); turned down or withdrawn, they
# are outside again.

# At most this many invitations may wait for an answer on one initiative at a time: enough for
# a group starting out, few enough that an initiative cannot be used to mail people in bulk.
MAX_PENDING_INVITATIONS = 20
POLICY = policy.Policy(
    cap=MAX_PENDING_INVITATIONS,
    declined_recently=gettext_lazy(
        "%(email)s turned down an invitation to this initiative recently. "
        "You can invite them again from %(date)s"
    ),
    full=gettext_lazy(
        "%(count)s invitations are already waiting for an answer, the most an "
        "initiative can have. Withdraw one before you invite somebody else"
    ),
)


def _invited(initiative: Initiative) -> QuerySet[Membership]:
    return Membership.objects.filter(initiative=initiative, status=MembershipStatus.INVITED)


INVITATIONS: policy.Invitations[Initiative, InitiativeEmailInvitation] = policy.Invitations(
    policy=POLICY, by_email=InitiativeEmailInvitation, to="initiative", invited=_invited
)


def invitation_create(
    *, initiative: Initiative, actor: Actor, invitee: Actor, message: str = ""
) -> Membership:
    """A lead invites a person to join; they are told in the site and by email.

    Somebody who had already asked to join is simply approved (the invitation says yes to
    them). Returns the membership row: status "invited", or "approved" in that case.
    """
    require(actor, "initiatives.invite_member", initiative)
    email = invitee.email
    if invitee.pk == actor.pk:
        raise ServiceError(_("You cannot invite yourself"))
    if not invitee.is_active or invitee.anonymised_at:
        raise ServiceError(_("There is no account with that email address"))
    with transaction.atomic():
        # One invitation at a time per initiative, so the cap below cannot be overrun.
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        m = (
            Membership.objects.select_for_update()
            .filter(initiative=initiative, user=invitee)
            .first()
        )
        now = timezone.now()
        if m is not None and m.status == MembershipStatus.APPROVED:
            if m.role == MemberRole.LEAD:
                raise ServiceError(
                    _("%(email)s is already a lead of this initiative") % {"email": email}
                )
            raise ServiceError(
                _("%(email)s is already a member of this initiative") % {"email": email}
            )
        if m is not None and m.status == MembershipStatus.INVITED:
            raise policy.already_invited(email)
        if m is not None and m.status == MembershipStatus.REQUESTED:
            return _approve_by_invitation(m, actor, now)
        if m is not None and m.status == MembershipStatus.INVITATION_DECLINED:
            INVITATIONS.refuse_declined_recently(email=email, declined_at=m.decided_at, now=now)
        INVITATIONS.refuse_over_cap(initiative)
        fields = {
            "status": MembershipStatus.INVITED,
            "role": MemberRole.MEMBER,
            "invited_by": actor,
            "invited_at": now,
            "invitation_message": message,
            "decided_at": None,
            "decided_by": None,
        }
        if m is None:
            try:
                with transaction.atomic():
                    m = Membership.objects.create(initiative=initiative, user=invitee, **fields)
            except IntegrityError:
                # Asked to join, or invited by another lead, at this very moment.
                raise policy.already_invited(email) from None
        else:
            for name, value in fields.items():
                setattr(m, name, value)
            m.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action="invitation.create",
            obj=m,
            summary=f"Invited a person to join {initiative.title!r}",
            data={"user": invitee.pk},
        )
        notify(
            recipients=[invitee],
            kind=Kind.INVITATION,
            # In the site, for the invitee (who may see it while the invitation waits); an
            # email about a safeguarded initiative names nothing (notifications/discreet.py).
            text=_("%(name)s invited you to join %(title)s")
            % {"name": notice_name(actor), "title": initiative.title},
            url=initiative.get_absolute_url() + "#invitation",
            initiative=initiative,
        )
    return m


def invitation_by_email(
    *, initiative: Initiative, actor: Actor, email: str, message: str = ""
) -> Membership | None:
    """A lead invites whoever has (or will have) the account with `email`.

    With an account: `invitation_create`. Without one: the invitation waits for the address
    (`InitiativeEmailInvitation`) and becomes an ordinary invitation when somebody confirms
    it on an account (`email_invitations_claim`). The caller tells the lead the same thing in
    both cases, so the form never reveals whether an address has an account. Returns the
    membership, or None while the invitation waits for the address.
    """
    require(actor, "initiatives.invite_member", initiative)
    email = email.strip().lower()
    invitee = User.objects.filter(
        email__iexact=email, is_active=True, anonymised_at__isnull=True
    ).first()
    if invitee is not None:
        return invitation_create(
            initiative=initiative, actor=actor, invitee=invitee, message=message
        )
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        pending = INVITATIONS.invite_address(initiative, actor=actor, email=email, message=message)
        audit_record(
            actor=actor,
            action="invitation.create_by_email",
            obj=initiative,
            summary=f"Invited an address with no account to join {initiative.title!r}",
            data={"email_invitation": pending.pk},
        )
    return None


def email_invitations_claim(*, user: Actor, email: str) -> list[Membership]:
    """Somebody has just confirmed `email` on their account: the invitations waiting for that
    address become theirs, and they are told in the site and by email. An invitation whose
    lead may no longer invite (or that the state of things now refuses) lapses quietly.

    The permission asked is the lead's, for each invitation: it is called when an address is
    confirmed (settings.EMAIL_CONFIRMED_HOOKS), by nobody who chooses what it does."""

    def invite(pending: InitiativeEmailInvitation) -> Membership:
        # Refused (so lapses) if they are a member already, invited meanwhile, or it is full.
        return invitation_create(
            initiative=pending.initiative,
            actor=pending.invited_by,
            invitee=user,
            message=pending.message,
        )

    return INVITATIONS.claim(
        user=user, email=email, perm="initiatives.invite_member", invite=invite
    )


def _approve_by_invitation(m: Membership, actor: Actor, now: datetime.datetime) -> Membership:
    """The person asked to join and a lead then invited them: that is a yes to the request."""
    m.status, m.decided_at, m.decided_by = MembershipStatus.APPROVED, now, actor
    m.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="membership.approve",
        obj=m,
        summary="Approved a request to join by inviting the person",
        data={"user": m.user_id, "by_invitation": True},
    )
    initiative = m.initiative
    notify(
        recipients=[m.user],
        kind=Kind.JOIN_DECISION,
        text=_("You are now a member of %(title)s") % {"title": initiative.title},
        url=initiative.get_absolute_url(),
        initiative=initiative,
    )
    return m


def _open_invitation(membership: Membership) -> Membership:
    """The invitation row, locked, if it still waits for an answer."""
    m = (
        Membership.objects.select_for_update()
        .select_related("initiative", "user")
        .get(pk=membership.pk)
    )
    if m.status != MembershipStatus.INVITED:
        raise ServiceError(_("This invitation is no longer open"))
    return m


def invitation_accept(*, membership: Membership, user: Actor) -> Membership:
    """The invitee says yes and becomes an approved member; the leads are told.

    Only the invitee may answer; an invitation answered or withdrawn meanwhile is refused with
    a reason (their page may be older than the answer)."""
    require(user, "initiatives.answer_invitation", membership)
    with transaction.atomic():
        m = _open_invitation(membership)
        if m.user_id != user.pk:
            raise ServiceError(_("This invitation is for somebody else"))
        m.status, m.decided_at, m.decided_by = MembershipStatus.APPROVED, timezone.now(), user
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=user,
            action="invitation.accept",
            obj=m,
            summary=f"Accepted the invitation to join {m.initiative.title!r}",
        )
        notify(
            recipients=leads_of(m.initiative),
            kind=Kind.INVITATION,
            text=_("%(name)s accepted the invitation to join %(title)s")
            % {"name": notice_name(user), "title": m.initiative.title},
            url=m.initiative.get_absolute_url() + "#people",
            initiative=m.initiative,
            exclude=user,
        )
    return m


def invitation_decline(*, membership: Membership, user: Actor) -> Membership:
    """The invitee says no; a safeguarded initiative disappears from their view again."""
    require(user, "initiatives.answer_invitation", membership)
    with transaction.atomic():
        m = _open_invitation(membership)
        if m.user_id != user.pk:
            raise ServiceError(_("This invitation is for somebody else"))
        m.status = MembershipStatus.INVITATION_DECLINED
        m.decided_at, m.decided_by = timezone.now(), user
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=user,
            action="invitation.decline",
            obj=m,
            summary=f"Turned down the invitation to join {m.initiative.title!r}",
        )
        notify(
            recipients=leads_of(m.initiative),
            kind=Kind.INVITATION,
            text=_("%(name)s turned down the invitation to join %(title)s")
            % {"name": notice_name(m.user), "title": m.initiative.title},
            url=m.initiative.get_absolute_url() + "#people",
            initiative=m.initiative,
            exclude=user,
        )
    return m


def invitation_withdraw(*, membership: Membership, actor: Actor) -> Membership:
    """A lead withdraws an invitation that has not been answered yet.

    Whoever may invite to the initiative may withdraw its invitations; one answered or
    withdrawn meanwhile is refused with a reason."""
    require(actor, "initiatives.invite_member", membership.initiative)
    with transaction.atomic():
        m = _open_invitation(membership)
        m.status = MembershipStatus.WITHDRAWN
        m.decided_at, m.decided_by = timezone.now(), actor
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action="invitation.withdraw",
            obj=m,
            summary=f"Withdrew the invitation to join {m.initiative.title!r}",
            data={"user": m.user_id},
        )
    return m
