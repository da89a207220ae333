"""Reads for the guide and the courses."""

from __future__ import annotations

import difflib

from grassroots.learning.models import GuidePage, PageVersion


def versions_of(page: GuidePage) -> list[PageVersion]:
    """Every version of `page`, oldest first."""
    return list(page.versions.order_by("number"))


def version_diff(old: PageVersion, new: PageVersion) -> list[str]:
    """How `new` differs from `old`, line by line (a unified diff of the title and body)."""
    before = [old.title, "", *old.body.splitlines()]
    after = [new.title, "", *new.body.splitlines()]
    return list(
        difflib.unified_diff(
            before, after, fromfile=f"v{old.number}", tofile=f"v{new.number}", lineterm=""
        )
    )
