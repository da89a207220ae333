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
"""

from __future__ import annotations

import rules

from grassroots.accounts.rules import is_editor

rules.add_perm("learning.create_page", is_editor)
rules.add_perm("learning.revise_page", is_editor)
rules.add_perm("learning.publish_page", is_editor)
rules.add_perm("learning.see_drafts", is_editor)
