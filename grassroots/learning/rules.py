"""Who may do what with the guide and the courses (rules predicates named `learning.<verb>`).

Editors write them: the `is_editor` flag a site admin sets on an account in the admin, with
two-factor sign-in set up (`accounts.rules.is_editor`), as every role that changes what the
whole site reads. Nobody else writes, site admins included: a site admin who also edits gives
themselves the flag, and the audit log shows it.

- `learning.create_page`, with a course (or None, for a new course): editors.
- `learning.revise_page`, with a page: editors.
- `learning.publish_page`, with a page or one of its versions: editors.

Reading the published pages needs no permission; drafts (versions not live) are for editors,
`learning.see_drafts`.

Case studies (who; what each status allows is the services' check, `services_cases`):

- `learning.start_case_study`, with an initiative: its leads.
- `learning.create_case_study`, with None: editors (a story written from scratch).
- `learning.change_case_study`, with a case study: its initiative's leads (while a draft) and
  editors (while in review); contacts too.
- `learning.submit_case_study`, `learning.approve_case_study`: its initiative's leads.
- `learning.reflect_on_case_study`: councillors whose support its leads accepted.
- `learning.review_case_study` (send for approval, publish, withdraw): editors.
- `learning.view_case_study`: `visibility_cases.can_view`.

Readers (`services_readers`):

- `learning.save_progress`: anyone signed in marks pages done and writes reflections (their own).
- `learning.self_assess`: councillors take the self-assessment.
- `learning.see_assessment`, with a self-assessment: its own councillor only. Nobody else, site
  admins and editors included: no page shows anyone else's.
"""

from __future__ import annotations

import rules

from grassroots.accounts.rules import is_councillor, is_editor
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.initiatives.models import Initiative, MemberRole, Membership, MembershipStatus
from grassroots.learning import visibility_cases
from grassroots.learning.models import SelfAssessment
from grassroots.learning.models_cases import CaseStudy
from grassroots.support.models import ACCEPTED_STATUSES, Support


@rules.predicate
def is_signed_in(user: Viewer) -> bool:
    return bool(user.is_authenticated)


@rules.predicate
def owns_assessment(user: Viewer, assessment: SelfAssessment | None) -> bool:
    return bool(user.is_authenticated and assessment is not None and assessment.user_id == user.pk)


rules.add_perm("learning.create_page", is_editor)
rules.add_perm("learning.revise_page", is_editor)
rules.add_perm("learning.publish_page", is_editor)
rules.add_perm("learning.see_drafts", is_editor)


# --- Case studies ---------------------------------------------------------------------------


def _leads(user: Viewer, initiative_id: int | None) -> bool:
    if initiative_id is None or not user.is_authenticated or not user.is_active:
        return False
    return cached(
        ("learning.leads", user.pk, initiative_id),
        lambda: Membership.objects.filter(
            initiative_id=initiative_id,
            user_id=user.pk,
            role=MemberRole.LEAD,
            status=MembershipStatus.APPROVED,
        ).exists(),
    )


@rules.predicate
def is_initiative_lead(user: Viewer, initiative: Initiative | None) -> bool:
    return initiative is not None and _leads(user, initiative.pk)


@rules.predicate
def is_case_lead(user: Viewer, case: CaseStudy | None) -> bool:
    return case is not None and _leads(user, case.initiative_id)


@rules.predicate
def is_supporting_councillor(user: Viewer, case: CaseStudy | None) -> bool:
    """A councillor (current term, two-factor set up) whose support the leads accepted."""
    if case is None or case.initiative_id is None or not is_councillor(user):
        return False
    initiative_id: int = case.initiative_id
    user_id: int = user.pk or 0
    return cached(
        ("learning.supports", user.pk, case.initiative_id),
        lambda: Support.objects.filter(
            initiative_id=initiative_id,
            councillor__user_id=user_id,
            status__in=ACCEPTED_STATUSES,
        ).exists(),
    )


@rules.predicate
def can_view_case(user: Viewer, case: CaseStudy | None) -> bool:
    return case is not None and visibility_cases.can_view(user, case)


rules.add_perm("learning.start_case_study", is_initiative_lead)
rules.add_perm("learning.create_case_study", is_editor)
rules.add_perm("learning.change_case_study", is_editor | is_case_lead)
rules.add_perm("learning.submit_case_study", is_case_lead)
rules.add_perm("learning.approve_case_study", is_case_lead)
rules.add_perm("learning.reflect_on_case_study", is_supporting_councillor)
rules.add_perm("learning.review_case_study", is_editor)
rules.add_perm("learning.view_case_study", can_view_case)
rules.add_perm("learning.save_progress", is_signed_in)
rules.add_perm("learning.self_assess", is_councillor)
rules.add_perm("learning.see_assessment", owns_assessment)
