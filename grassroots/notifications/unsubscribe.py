"""One-click unsubscribe links (RFC 8058): signed, so they work without signing in.

Every notification email carries a link that turns off email for its kind; every digest
carries one that turns off all digests. The token names the person and what to turn off, and
is signed with the site's secret key (`django.core.signing`), so it cannot be forged or
pointed at somebody else; it expires after `MAX_AGE`, after which the person is asked to
change their settings while signed in.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from grassroots.notifications.models import Kind

SALT = "grassroots.notifications.unsubscribe"
# Every digest at once (daily and weekly), rather than one kind.
DIGESTS = "digests"
MAX_AGE = datetime.timedelta(days=180)


class BadToken(Exception):
    """The link was altered, cut short or made for something else."""


class ExpiredToken(BadToken):
    """The link was real but is older than MAX_AGE."""


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    scope: str  # a Kind value, or DIGESTS


def make_token(*, user_id: int, scope: str) -> str:
    if scope != DIGESTS and scope not in Kind.values:
        raise ValueError(f"Cannot unsubscribe from {scope!r}")
    return signing.dumps({"u": user_id, "s": scope}, salt=SALT)


def read_token(token: str) -> Unsubscribe:
    """What a token asks for; raises ExpiredToken or BadToken."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise BadToken from error
    if not isinstance(data, dict):
        raise BadToken
    user_id, scope = data.get("u"), data.get("s")
    if not isinstance(user_id, int) or not isinstance(scope, str):
        raise BadToken
    if scope != DIGESTS and scope not in Kind.values:
        raise BadToken
    return Unsubscribe(user_id=user_id, scope=scope)


@functools.cache
def _path_before_token() -> str:
    # Reversed once: the digest job builds one link per person.
    return reverse("notifications:unsubscribe", kwargs={"token": "-"}).removesuffix("-")


def unsubscribe_url(*, user_id: int, scope: str) -> str:
    """The absolute link (https in production, where SITE_URL is https)."""
    token = make_token(user_id=user_id, scope=scope)
    return str(settings.SITE_URL).rstrip("/") + _path_before_token() + token


def headers(url: str) -> dict[str, str]:
    """The two headers mail providers read to offer their own one-click unsubscribe button."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
