"""Who councillor support lets inside a safeguarded initiative.

The initiatives app decides who may see an initiative (`initiatives/visibility.py`); it knows
nothing of support. This app adds its own insider grant from `SupportConfig.ready()`: a
councillor holding a current term is inside a safeguarded initiative they support (support
offered, planned, in progress or done), that invited them, or that has a help request waiting
in a ward they sit for. The access ends with their term.
"""

from __future__ import annotations

from django.db.models import Exists, Q
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.selectors import user_roles
from grassroots.core import visibility as core
from grassroots.initiatives.visibility import InitiativeRef, PersonRef
from grassroots.places.models import CouncillorTerm
from grassroots.support.models import (
    ACCEPTED_STATUSES,
    HelpRequest,
    HelpRequestStatus,
    Invitation,
    Support,
    SupportStatus,
)

# Support in these states lets a councillor see a safeguarded initiative.
SUPPORTING_STATUSES = (SupportStatus.OFFERED, *ACCEPTED_STATUSES)


def councillor_grant(person: PersonRef, initiative: InitiativeRef) -> Q:
    """A sitting councillor supporting, invited by, or asked for help by `initiative`."""
    if isinstance(person, User) and not user_roles(person).councillor:
        return core.nothing()  # not sitting today: no need to ask the database
    today = timezone.localdate()
    sitting = CouncillorTerm.objects.current(today).filter(councillor__user=person)
    supports = Support.objects.filter(
        initiative=initiative, councillor__user=person, status__in=SUPPORTING_STATUSES
    )
    invited = Invitation.objects.filter(initiative=initiative, councillor__user=person)
    # One filter() call: the ward, the term and the councillor are the same joined rows.
    asked = HelpRequest.objects.filter(
        Q(initiative=initiative, status=HelpRequestStatus.WAITING)
        & Q(initiative__wards__terms__councillor__user=person)
        & Q(initiative__wards__terms__starts_on__lte=today)
        & (
            Q(initiative__wards__terms__ends_on__isnull=True)
            | Q(initiative__wards__terms__ends_on__gte=today)
        )
    )
    return Q(Exists(sitting)) & (Q(Exists(supports)) | Q(Exists(invited)) | Q(Exists(asked)))
