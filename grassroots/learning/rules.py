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
from grassroots.learning.models import SelfAssessment


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
rules.add_perm("learning.save_progress", is_signed_in)
rules.add_perm("learning.self_assess", is_councillor)
rules.add_perm("learning.see_assessment", owns_assessment)
