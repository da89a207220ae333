"""Asking for a participatory-budgeting round's votes to be counted.

The count itself runs in a worker (`funding.tasks.count_round`, which calls
`services.pbround.count_queued`); this module only records the request and queues the task
once the transaction commits. It lives apart from `services.pbround` because it imports the
task, and the task imports `services.pbround`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.taskqueue import enqueue
from grassroots.funding.models import CountState, Round, RoundPhase
from grassroots.funding.services.pbround import may_decide
from grassroots.funding.tasks import count_round


def count_request(*, actor: Actor, round_: Round) -> bool:
    """Ask for the votes to be counted once voting has closed: records who asked and when, and
    queues the count after the commit. Whether this call queued it: False when a count is
    already queued or running (nothing changes then). A count that failed, or that has not
    finished within `COUNT_PATIENCE`, can be asked for again."""
    require(actor, "funding.count_round", round_)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("fund").get(pk=round_.pk)
        now = timezone.now()
        state = round_.count_state_at(now)
        if state == CountState.COUNTED:
            raise ServiceError(_("The votes in this round have already been counted"))
        if round_.phase_at(now) != RoundPhase.CLOSED:
            raise ServiceError(_("The votes can only be counted once voting has closed"))
        if state == CountState.QUEUED:
            return False
        may_decide(round_.fund)
        round_.count_requested_by = actor
        round_.count_requested_at = now
        round_.count_failed_at = None
        round_.count_error = ""
        round_.save(
            update_fields=[
                "count_requested_by",
                "count_requested_at",
                "count_failed_at",
                "count_error",
            ]
        )
        audit_record(
            actor=actor,
            action="funding.round_count_request",
            obj=round_,
            summary="Asked for the votes to be counted",
            data={"round": round_.pk, "again": state != CountState.NOT_ASKED},
        )
        enqueue(count_round, round_.pk)
    return True
