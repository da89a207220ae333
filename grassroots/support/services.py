"""Writes for councillor support: offers, help requests and advocacy cases.

Each function checks the permission (rules.py), changes state inside one transaction, writes
the audit log and sends notifications through core.notices.notify.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.accounts.models import Department, OfficerPost, User
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.tasks import send_email_later
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus
from grassroots.places.models import Councillor, CouncillorTerm
from grassroots.support.models import (
    OPEN_CASE_STATUSES,
    AdvocacyCase,
    CaseMessage,
    CaseStatus,
    CaseTransfer,
    Decision,
    Helped,
    HelpRequest,
    HelpRequestStatus,
    Invitation,
    Support,
    SupportKind,
    SupportStatus,
    help_message_key,
)
from grassroots.support.workdays import working_days_between


def _councillor(user: Actor) -> Councillor:
    councillor = Councillor.objects.filter(user=user).first()
    if councillor is None:
        raise PermissionDenied("not a councillor")
    return councillor


def support_page_url(initiative: Initiative) -> str:
    return reverse("support:initiative", kwargs={"slug": initiative.slug})


def help_request_url(help_request: HelpRequest) -> str:
    """Where a request is shown: its place in the initiative's support section."""
    return (
        reverse("support:initiative", kwargs={"slug": help_request.initiative.slug})
        + f"#help-request-{help_request.pk}"
    )


def case_url(case: AdvocacyCase) -> str:
    return reverse("support:case", kwargs={"pk": case.pk})


def _leads(initiative: Initiative) -> list[User]:
    return list(
        User.objects.filter(
            memberships__initiative=initiative,
            memberships__role=MemberRole.LEAD,
            memberships__status=MembershipStatus.APPROVED,
        )
    )


def _ward_councillor_users(initiative: Initiative) -> list[User]:
    """Users of every councillor currently representing one of the initiative's wards."""
    terms = CouncillorTerm.objects.current(timezone.localdate()).filter(
        ward__initiativeward__initiative=initiative, councillor__user__isnull=False
    )
    return list(User.objects.filter(councillor__terms__in=terms).distinct())


def _department_officers(department: Department) -> list[User]:
    posts = OfficerPost.objects.current(timezone.localdate()).filter(department=department)
    return list(User.objects.filter(officer_posts__in=posts).distinct())


# --- Support offers ---------------------------------------------------------------------------


def support_offer(*, actor: Actor, initiative: Initiative, kind: str, description: str) -> Support:
    """A councillor offers support on an initiative in their ward or one they were invited to."""
    require(actor, "support.offer_support", initiative)
    with transaction.atomic():
        councillor = _councillor(actor)
        if Support.objects.filter(
            initiative=initiative,
            councillor=councillor,
            kind=kind,
            status__in=[SupportStatus.OFFERED, SupportStatus.PLANNED, SupportStatus.IN_PROGRESS],
        ).exists():
            raise ServiceError(_("You have already offered this kind of support here"))
        support = Support.objects.create(
            initiative=initiative, councillor=councillor, kind=kind, description=description
        )
        audit_record(
            actor=actor,
            action="support.offered",
            obj=support,
            summary=f"{councillor} offered {kind} support on {initiative.pk}",
            data={"initiative": initiative.pk, "kind": kind},
        )
        notify(
            recipients=_leads(initiative),
            kind=Kind.SUPPORT_OFFER,
            text=_("%(name)s offered to %(kind)s for %(title)s")
            % {
                "name": councillor.name,
                "kind": support.get_kind_display().lower(),
                "title": initiative.title,
            },
            url=support_page_url(initiative),
            initiative=initiative,
            exclude=actor,
        )
    return support


def _set_status(support: Support, status: str, actor: Actor, action: str) -> None:
    old = support.status
    support.status = status
    fields = ["status"]
    now = timezone.now()
    if status in (SupportStatus.PLANNED, SupportStatus.DECLINED):
        support.decided_at = now
        fields.append("decided_at")
    if status == SupportStatus.DONE:
        support.done_at = now
        fields.append("done_at")
    support.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=action,
        obj=support,
        summary=f"support {support.pk}: {old} → {status}",
        data={"from": old, "to": status},
    )


def _lock(support: Support) -> Support:
    return (
        Support.objects.select_for_update(of=("self",))
        .select_related("initiative", "councillor")
        .get(pk=support.pk)
    )


def _tell_councillor(support: Support, text: str, actor: Actor) -> None:
    notify(
        recipients=[support.councillor.user] if support.councillor.user_id else [],
        kind=Kind.SUPPORT_UPDATE,
        text=text,
        url=support_page_url(support.initiative),
        initiative=support.initiative,
        exclude=actor,
    )


def _tell_leads(support: Support, text: str, actor: Actor) -> None:
    notify(
        recipients=_leads(support.initiative),
        kind=Kind.SUPPORT_UPDATE,
        text=text,
        url=support_page_url(support.initiative),
        initiative=support.initiative,
        exclude=actor,
    )


def support_withdraw(*, actor: Actor, support: Support) -> Support:
    """The councillor withdraws an offer the leads have not answered yet."""
    require(actor, "support.withdraw_support", support)
    with transaction.atomic():
        support = _lock(support)
        if support.status != SupportStatus.OFFERED:
            raise ServiceError(_("Only an offer the leads have not answered can be withdrawn"))
        _set_status(support, SupportStatus.WITHDRAWN, actor, "support.withdrawn")
        _tell_leads(
            support,
            _("%(name)s withdrew their offer of support for %(title)s")
            % {"name": support.councillor.name, "title": support.initiative.title},
            actor,
        )
    return support


def support_decide(*, actor: Actor, support: Support, accept: bool) -> Support:
    """The leads accept (status planned) or decline an offer."""
    require(actor, "support.decide_support", support)
    with transaction.atomic():
        support = _lock(support)
        if support.status != SupportStatus.OFFERED:
            raise ServiceError(_("This offer has already been answered or withdrawn"))
        if accept:
            _set_status(support, SupportStatus.PLANNED, actor, "support.accepted")
            text = _("Your offer of support for %(title)s was accepted")
        else:
            _set_status(support, SupportStatus.DECLINED, actor, "support.declined")
            text = _("Your offer of support for %(title)s was declined")
        _tell_councillor(support, text % {"title": support.initiative.title}, actor)
    return support


# Accepted support moves forward only: planned → in progress → done (or straight to done).
_NEXT: dict[str, set[str]] = {
    SupportStatus.PLANNED: {SupportStatus.IN_PROGRESS, SupportStatus.DONE},
    SupportStatus.IN_PROGRESS: {SupportStatus.DONE},
}


def support_move(*, actor: Actor, support: Support, status: str) -> Support:
    """The councillor (or a lead) moves accepted support on."""
    require(actor, "support.move_support", support)
    with transaction.atomic():
        support = _lock(support)
        if status not in _NEXT.get(support.status, set()):
            raise ServiceError(_("Support can only move from planned to in progress to done"))
        _set_status(support, status, actor, "support.moved")
        text = _("Support for %(title)s is now %(status)s") % {
            "title": support.initiative.title,
            "status": support.get_status_display().lower(),
        }
        _tell_councillor(support, text, actor)
        _tell_leads(support, text, actor)
    return support


def support_feedback_give(*, actor: Actor, support: Support, helped: str, comment: str) -> Support:
    """The leads say whether finished support helped, and how."""
    require(actor, "support.give_feedback", support)
    with transaction.atomic():
        support = _lock(support)
        if support.status != SupportStatus.DONE:
            raise ServiceError(_("You can give feedback once the support is done"))
        if helped not in Helped.values:
            raise ServiceError(_("Select whether the support helped"))
        support.helped = helped
        support.feedback = comment
        support.feedback_by = actor
        support.feedback_at = timezone.now()
        support.save(update_fields=["helped", "feedback", "feedback_by", "feedback_at"])
        audit_record(
            actor=actor,
            action="support.feedback",
            obj=support,
            summary=f"support {support.pk} feedback: {helped}",
            data={"helped": helped},
        )
        _tell_councillor(
            support,
            _("The leads of %(title)s gave feedback on your support")
            % {"title": support.initiative.title},
            actor,
        )
    return support


def invitation_create(
    *, actor: Actor, initiative: Initiative, councillor: Councillor, message: str = ""
) -> Invitation:
    """The leads invite a councillor (from any ward) to support their initiative."""
    require(actor, "support.invite_councillor", initiative)
    with transaction.atomic():
        invitation, created = Invitation.objects.get_or_create(
            initiative=initiative,
            councillor=councillor,
            defaults={"invited_by": actor, "message": message},
        )
        if not created:
            raise ServiceError(_("%(name)s has already been invited") % {"name": councillor.name})
        audit_record(
            actor=actor,
            action="support.invited",
            obj=invitation,
            summary=f"invited councillor {councillor.pk} to {initiative.pk}",
            data={"councillor": councillor.pk},
        )
        notify(
            recipients=[councillor.user] if councillor.user_id else [],
            kind=Kind.SUPPORT_UPDATE,
            text=_("The leads of %(title)s invited you to support it")
            % {"title": initiative.title},
            url=support_page_url(initiative),
            initiative=initiative,
            exclude=actor,
        )
    return invitation


def invitation_withdraw(*, actor: Actor, invitation: Invitation) -> None:
    """The leads take back an invitation to a councillor (before or after the councillor has
    acted on it: support already offered stays as it is). The councillor is told; for a
    safeguarded initiative they are outside again, so the message names nothing."""
    require(actor, "support.withdraw_invitation", invitation)
    initiative = invitation.initiative
    councillor = invitation.councillor
    with transaction.atomic():
        deleted, _rows = Invitation.objects.filter(pk=invitation.pk).delete()
        if not deleted:
            raise ServiceError(_("This invitation has already been withdrawn"))
        audit_record(
            actor=actor,
            action="support.invitation_withdrawn",
            obj=initiative,
            summary=f"withdrew the invitation to councillor {councillor.pk} on {initiative.pk}",
            data={"councillor": councillor.pk},
        )
        if councillor.user_id is None:
            return
        if initiative.is_safeguarded:
            # Told without the initiative (they may no longer see it) and without its title.
            text = _("The leads of a private initiative withdrew their invitation to support it")
            notify(
                recipients=[councillor.user],
                kind=Kind.SUPPORT_UPDATE,
                text=text,
                url=reverse("notifications:inbox"),
                exclude=actor,
            )
        else:
            notify(
                recipients=[councillor.user],
                kind=Kind.SUPPORT_UPDATE,
                text=_("The leads of %(title)s withdrew their invitation to support it")
                % {"title": initiative.title},
                url=support_page_url(initiative),
                initiative=initiative,
                exclude=actor,
            )


# --- Help requests -----------------------------------------------------------------------------


def help_request_create(
    *, actor: Actor, initiative: Initiative, kind: str, message: str
) -> HelpRequest:
    """The leads ask every councillor of the initiative's wards for a kind of help."""
    require(actor, "support.ask_for_help", initiative)
    if kind not in SupportKind.values:
        raise ServiceError(_("Select the kind of help you need"))
    key = help_message_key(message)
    with transaction.atomic():
        # The same question from the same person while the first still waits is a resend or a
        # double click: the councillors would be asked (and emailed) twice. The constraint
        # helprequest_one_waiting_per_question catches two submissions racing past this check.
        existing = HelpRequest.objects.filter(
            initiative=initiative,
            requested_by=actor,
            message_key=key,
            status=HelpRequestStatus.WAITING,
        ).first()
        if existing is None:
            try:
                with transaction.atomic():
                    request = HelpRequest.objects.create(
                        initiative=initiative,
                        kind=kind,
                        message=message,
                        requested_by=actor,
                    )
            except IntegrityError:
                existing = HelpRequest.objects.filter(
                    initiative=initiative,
                    requested_by=actor,
                    message_key=key,
                    status=HelpRequestStatus.WAITING,
                ).first()
        if existing is not None:
            raise ServiceError(
                _("You have already sent this request and it is still waiting for a councillor"),
                url=help_request_url(existing),
            )
        audit_record(
            actor=actor,
            action="help_request.created",
            obj=request,
            summary=f"help ({kind}) asked for {initiative.pk}",
            data={"initiative": initiative.pk, "kind": kind},
        )
        # The councillors may see a safeguarded initiative while the request waits, so the
        # notification reaches them (visibility is checked inside notify).
        notify(
            recipients=_ward_councillor_users(initiative),
            kind=Kind.HELP_REQUEST,
            text=_("%(title)s asks its ward councillors for help to %(kind)s")
            % {"title": initiative.title, "kind": request.get_kind_display().lower()},
            url=support_page_url(initiative),
            initiative=initiative,
            exclude=actor,
        )
    return request


def help_request_take(*, actor: Actor, help_request: HelpRequest, description: str = "") -> Support:
    """One ward councillor takes a waiting request: it becomes a planned support.

    Race-safe: a conditional UPDATE only succeeds while the request is still waiting, so of two
    councillors taking it at once exactly one wins; the other gets a clear message.
    """
    require(actor, "support.take_help_request", help_request)
    councillor = _councillor(actor)
    now = timezone.now()
    with transaction.atomic():
        won = HelpRequest.objects.filter(
            pk=help_request.pk, status=HelpRequestStatus.WAITING
        ).update(status=HelpRequestStatus.TAKEN, taken_by=councillor, taken_at=now)
        if not won:
            current = HelpRequest.objects.select_related("taken_by").get(pk=help_request.pk)
            if current.status == HelpRequestStatus.TAKEN and current.taken_by is not None:
                raise ServiceError(
                    _("%(name)s has already taken this request") % {"name": current.taken_by.name}
                )
            raise ServiceError(_("This request has been withdrawn"))
        help_request.refresh_from_db()
        support = Support.objects.create(
            initiative=help_request.initiative,
            councillor=councillor,
            kind=help_request.kind,
            # Only what the councillor wrote: never the resident's question copied in.
            description=description.strip(),
            status=SupportStatus.PLANNED,
            decided_at=now,
            help_request=help_request,
        )
        audit_record(
            actor=actor,
            action="help_request.taken",
            obj=help_request,
            summary=f"help request {help_request.pk} taken by councillor {councillor.pk}",
            data={"support": support.pk},
        )
        _tell_leads(
            support,
            _("%(name)s took your request for help with %(title)s")
            % {"name": councillor.name, "title": help_request.initiative.title},
            actor,
        )
    return support


def help_request_withdraw(*, actor: Actor, help_request: HelpRequest) -> HelpRequest:
    """The leads withdraw a request nobody has taken."""
    require(actor, "support.withdraw_help_request", help_request)
    with transaction.atomic():
        done = HelpRequest.objects.filter(
            pk=help_request.pk, status=HelpRequestStatus.WAITING
        ).update(status=HelpRequestStatus.WITHDRAWN)
        if not done:
            raise ServiceError(_("Only a request nobody has taken can be withdrawn"))
        help_request.refresh_from_db()
        audit_record(
            actor=actor,
            action="help_request.withdrawn",
            obj=help_request,
            summary=f"help request {help_request.pk} withdrawn",
        )
    return help_request


def help_requests_remind(*, now: datetime.datetime | None = None) -> int:
    """Flag requests waiting longer than HELP_REQUEST_WORKING_DAYS and re-notify councillors.

    Idempotent per day: a request reminded today (last_reminded_at) is skipped.
    Returns how many requests were reminded.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = settings.HELP_REQUEST_WORKING_DAYS
    reminded = 0
    waiting = HelpRequest.objects.filter(status=HelpRequestStatus.WAITING).select_related(
        "initiative"
    )
    for request in waiting:
        created = timezone.localdate(request.created_at)
        waited = working_days_between(created, today)
        if waited < limit:
            continue
        if request.last_reminded_at and timezone.localdate(request.last_reminded_at) >= today:
            continue
        with transaction.atomic():
            claimed = HelpRequest.objects.filter(
                pk=request.pk, status=HelpRequestStatus.WAITING
            ).exclude(last_reminded_at__date__gte=today)
            if not claimed.update(last_reminded_at=now):
                continue
            fields = []
            if request.overdue_since is None:
                request.overdue_since = now
                fields.append("overdue_since")
            request.last_reminded_at = now
            if fields:
                request.save(update_fields=fields)
            audit_record(
                actor=None,
                action="help_request.reminded",
                obj=request,
                summary=f"help request {request.pk} unanswered after {limit} working days",
            )
            notify(
                recipients=_ward_councillor_users(request.initiative),
                kind=Kind.HELP_REQUEST,
                text=ngettext(
                    "Still waiting: %(title)s asked for help %(days)s working day ago",
                    "Still waiting: %(title)s asked for help %(days)s working days ago",
                    waited,
                )
                % {"title": request.initiative.title, "days": waited},
                url=support_page_url(request.initiative),
                initiative=request.initiative,
            )
        reminded += 1
    return reminded


# --- Advocacy cases ----------------------------------------------------------------------------


def case_open(
    *,
    actor: Actor,
    support: Support,
    department: Department,
    ask: str,
    evidence: str,
    outcome_wanted: str,
    wanted_by: datetime.date,
) -> AdvocacyCase:
    """The councillor raises accepted advocate support with a council department."""
    require(actor, "support.open_case", support)
    if wanted_by < timezone.localdate():
        raise ServiceError(_("The date wanted by must be today or in the future"))
    with transaction.atomic():
        support = _lock(support)
        if AdvocacyCase.objects.filter(support=support).exists():
            raise ServiceError(_("A case has already been opened for this support"))
        case = AdvocacyCase.objects.create(
            support=support,
            department=department,
            ask=ask,
            evidence=evidence,
            outcome_wanted=outcome_wanted,
            wanted_by=wanted_by,
        )
        audit_record(
            actor=actor,
            action="case.opened",
            obj=case,
            summary=f"case {case.pk} raised with department {department.pk}",
            data={"support": support.pk, "department": department.pk},
        )
        # Officers are told about the case, not the initiative: the case page is theirs to see.
        notify(
            recipients=_department_officers(department),
            kind=Kind.CASE_UPDATE,
            text=_("New advocacy case %(number)s for %(department)s")
            % {"number": case.pk, "department": department.name},
            url=case_url(case),
            exclude=actor,
        )
        _tell_leads(
            support,
            _("%(name)s raised a case with %(department)s for %(title)s")
            % {
                "name": support.councillor.name,
                "department": department.name,
                "title": support.initiative.title,
            },
            actor,
        )
    return case


def _case_parties(case: AdvocacyCase) -> list[User]:
    people = _leads(case.support.initiative)
    if case.support.councillor.user is not None:
        people.append(case.support.councillor.user)
    return people


def _lock_case(case: AdvocacyCase) -> AdvocacyCase:
    return (
        AdvocacyCase.objects.select_for_update(of=("self",))
        .select_related("support__initiative", "support__councillor__user", "department")
        .get(pk=case.pk)
    )


def _case_changed(case: AdvocacyCase, actor: Actor, old: str) -> None:
    audit_record(
        actor=actor,
        action="case.status",
        obj=case,
        summary=f"case {case.pk}: {old} → {case.status}",
        data={"from": old, "to": case.status, "decision": case.decision},
    )
    notify(
        recipients=_case_parties(case),
        kind=Kind.CASE_UPDATE,
        text=_("Advocacy case %(number)s is now %(status)s")
        % {"number": case.pk, "status": case.get_status_display().lower()},
        url=case_url(case),
        initiative=case.support.initiative,
        exclude=actor,
    )


# Officers move a case forward one step at a time; deciding has its own function.
_CASE_NEXT: dict[str, set[str]] = {
    CaseStatus.RAISED: {CaseStatus.ACKNOWLEDGED},
    CaseStatus.ACKNOWLEDGED: {CaseStatus.UNDER_CONSIDERATION},
    CaseStatus.DECIDED: {CaseStatus.CLOSED},
}


def case_move(*, actor: Actor, case: AdvocacyCase, status: str) -> AdvocacyCase:
    """An officer of the department acknowledges, considers or closes a case."""
    require(actor, "support.move_case", case)
    with transaction.atomic():
        case = _lock_case(case)
        allowed = _CASE_NEXT.get(case.status, set())
        if status not in allowed:
            raise ServiceError(
                _("A case that is %(status)s cannot move to that status")
                % {"status": case.get_status_display().lower()}
            )
        old = case.status
        case.status = status
        case.status_changed_at = timezone.now()
        case.save(update_fields=["status", "status_changed_at"])
        _case_changed(case, actor, old)
    return case


def case_decide(*, actor: Actor, case: AdvocacyCase, decision: str, reasons: str) -> AdvocacyCase:
    """An officer records the department's decision, with reasons."""
    require(actor, "support.decide_case", case)
    if decision not in Decision.values:
        raise ServiceError(_("Select the decision"))
    if not reasons.strip():
        raise ServiceError(_("Enter the reasons for the decision"))
    with transaction.atomic():
        case = _lock_case(case)
        if case.status not in (
            CaseStatus.RAISED,
            CaseStatus.ACKNOWLEDGED,
            CaseStatus.UNDER_CONSIDERATION,
        ):
            raise ServiceError(_("This case has already been decided"))
        old = case.status
        now = timezone.now()
        case.status = CaseStatus.DECIDED
        case.decision = decision
        case.decision_reasons = reasons
        case.decided_at = now
        case.status_changed_at = now
        case.save(
            update_fields=[
                "status",
                "decision",
                "decision_reasons",
                "decided_at",
                "status_changed_at",
            ]
        )
        _case_changed(case, actor, old)
    return case


def case_message_post(
    *, actor: Actor, case: AdvocacyCase, text: str, internal: bool = False
) -> CaseMessage:
    """Post in the case thread; internal notes are for the department's officers only."""
    require(actor, "support.post_internal_note" if internal else "support.post_case_message", case)
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case,
            author=actor,
            text=text,
            internal=internal,
            department_id=case.department_id if internal else None,
        )
        audit_record(
            actor=actor,
            action="case.internal_note" if internal else "case.message",
            obj=message,
            summary=f"{'internal note' if internal else 'message'} on case {case.pk}",
            data={"case": case.pk},
        )
        if internal:
            recipients = _department_officers(case.department)
            initiative = None
        else:
            recipients = _case_parties(case) + _department_officers(case.department)
            initiative = None  # officers are entitled to the case, whatever the initiative
        notify(
            recipients=recipients,
            kind=Kind.CASE_UPDATE,
            text=_("New message on advocacy case %(number)s") % {"number": case.pk},
            url=case_url(case),
            initiative=initiative,
            exclude=actor,
        )
    return message


def case_transfer(
    *, actor: Actor, case: AdvocacyCase, department: Department, reason: str
) -> CaseTransfer:
    """An officer passes an open case to another department of the same council, with a reason.

    The case starts again as raised with the new department (its officers acknowledge it) and
    leaves the old one: least privilege, its officers no longer see the case, and each
    department's internal notes stay with the department that wrote them. The new department's
    officers, the councillor and the leads are told; the move is in the case's history.
    """
    require(actor, "support.transfer_case", case)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Enter why you are passing the case on"))
    with transaction.atomic():
        case = _lock_case(case)
        old = case.department
        if department.pk == old.pk:
            raise ServiceError(
                _("The case is already with %(department)s") % {"department": old.name}
            )
        if department.council_id != old.council_id:
            raise ServiceError(_("Select a department of the same council"))
        if case.status not in OPEN_CASE_STATUSES:
            raise ServiceError(_("A decided or closed case cannot be passed on"))
        transfer = CaseTransfer.objects.create(
            case=case, from_department=old, to_department=department, reason=reason, by=actor
        )
        old_status = case.status
        case.department = department
        case.status = CaseStatus.RAISED
        case.status_changed_at = timezone.now()
        # The new department is told afresh if the date passes while the case is with them.
        case.overdue_flagged_at = None
        case.save(update_fields=["department", "status", "status_changed_at", "overdue_flagged_at"])
        audit_record(
            actor=actor,
            action="case.transferred",
            obj=case,
            summary=f"case {case.pk} passed from department {old.pk} to {department.pk}",
            data={
                "from": old.pk,
                "to": department.pk,
                "reason": reason,
                "status_before": old_status,
            },
        )
        notify(
            recipients=_department_officers(department),
            kind=Kind.CASE_UPDATE,
            text=_("Advocacy case %(number)s was passed to %(department)s by %(old)s")
            % {"number": case.pk, "department": department.name, "old": old.name},
            url=case_url(case),
            exclude=actor,
        )
        notify(
            recipients=_case_parties(case),
            kind=Kind.CASE_UPDATE,
            text=_("Advocacy case %(number)s was passed from %(old)s to %(department)s")
            % {"number": case.pk, "old": old.name, "department": department.name},
            url=case_url(case),
            initiative=case.support.initiative,
            exclude=actor,
        )
    return transfer


def cases_flag_overdue(*, today: datetime.date | None = None) -> int:
    """Flag cases past their wanted-by date and not yet decided, once per case.

    The department is emailed (Department.email) and its officers and the councillor are told.
    """
    today = today or timezone.localdate()
    due = (
        AdvocacyCase.objects.overdue(today)
        .filter(overdue_flagged_at__isnull=True)
        .select_related("department", "support__councillor__user", "support__initiative")
    )
    flagged = 0
    for case in due:
        with transaction.atomic():
            if not AdvocacyCase.objects.filter(pk=case.pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=timezone.now()
            ):
                continue
            audit_record(
                actor=None,
                action="case.overdue",
                obj=case,
                summary=f"case {case.pk} overdue (wanted by {case.wanted_by:%Y-%m-%d})",
            )
            text = _(
                "Advocacy case %(number)s for %(department)s is overdue: it was wanted by %(date)s"
            ) % {
                "number": case.pk,
                "department": case.department.name,
                "date": f"{case.wanted_by:%-d %B %Y}",
            }
            url = case_url(case)
            recipients = _department_officers(case.department)
            if case.support.councillor.user is not None:
                recipients.append(case.support.councillor.user)
            notify(recipients=recipients, kind=Kind.CASE_UPDATE, text=text, url=url)
            if case.department.email:
                send_email_later(
                    subject=f"[{settings.SITE_NAME}] {text[:120]}",
                    body=f"{text}\n\n{settings.SITE_URL.rstrip('/')}{url}\n",
                    to=[case.department.email],
                    key=f"support.case-overdue:{case.pk}",
                )
        flagged += 1
    return flagged
