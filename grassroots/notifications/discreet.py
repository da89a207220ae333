"""What an email may say about a safeguarded initiative or conversation: nothing that names it.

An email can be read by somebody else with access to the inbox (a partner, a parent, a shared
device), so an email about something private carries only `TEXT` and a link to the
notification itself (`notifications:open`, which asks the person to sign in, marks it read and
goes on to the page). Its subject, body and headers never carry the title, the text of the
notification or a link whose path names it (an initiative's slug comes from its title). The
notification in the site, seen only by people inside once signed in, keeps the full text.

`notify()` (emails sent straight away) and the digests (`digests.py`) both ask `is_private()`.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _


def is_private(initiative: Any | None, conversation: Any | None) -> bool:
    """True when a notification about these is about something safeguarded."""
    if initiative is not None and initiative.is_safeguarded:
        return True
    if conversation is None:
        return False
    if conversation.is_safeguarded:
        return True
    host = conversation.initiative if conversation.initiative_id is not None else None
    return host is not None and bool(host.is_safeguarded)


def text() -> str:
    return _("There is news in a private group you are part of. Sign in to read it.")


def subject() -> str:
    return _("News in a private group you are part of")


@functools.cache
def _open_path_parts() -> tuple[str, str]:
    # Reversed once: the digest job builds one link per private item.
    path = reverse("notifications:open", kwargs={"pk": 987654321})
    before, _sep, after = path.partition("987654321")
    return before, after


def open_url(notification_pk: int | None) -> str:
    """The absolute link to open one notification (the inbox if it has no id)."""
    site = str(settings.SITE_URL).rstrip("/")
    if notification_pk is None:
        return site + reverse("notifications:inbox")
    before, after = _open_path_parts()
    return f"{site}{before}{notification_pk}{after}"
