"""{% initiative_support initiative %}: the support section of an initiative's page.
{% ward_activity ward %}: a ward page's initiatives by stage, open needs and help requests.

Each costs a fixed number of queries whatever the number of supports, requests and cases, and
none once the rows are shared (`pagecache.shared`) for the current generation.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.accounts.types import Viewer, viewer_in
from grassroots.core import pagecache
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.visibility import restricted_visible_ids
from grassroots.places.models import Councillor, Ward
from grassroots.support import selectors
from grassroots.support.forms import HelpRequestForm, InviteForm, OfferForm
from grassroots.support.rules import councillor_id_of

register = template.Library()


def build_context(user: Viewer, initiative: Initiative) -> dict[str, Any]:
    data = selectors.shared_initiative_support(initiative)
    councillor_id = councillor_id_of(user)
    is_lead = user.has_perm("support.decide_support", initiative)
    rows = []
    for support in data.supports:
        own = councillor_id is not None and support.councillor_id == councillor_id
        rows.append(
            {
                "support": support,
                "can_withdraw": own and user.has_perm("support.withdraw_support", support),
                "can_decide": is_lead and support.status == "offered",
                "can_move": support.status in ("planned", "in_progress")
                and user.has_perm("support.move_support", support),
                "can_feedback": is_lead and support.status == "done" and not support.helped,
                "can_open_case": own
                and not hasattr(support, "case")
                and user.has_perm("support.open_case", support),
            }
        )
    may_take = bool(data.waiting) and user.has_perm(
        "support.take_help_request", data.waiting[0].request
    )
    may_offer = user.has_perm("support.offer_support", initiative)
    return {
        "initiative": initiative,
        "rows": rows,
        "waiting": data.waiting,
        "taken": data.taken,
        "cases": [
            {"case": case, "can_open": user.has_perm("support.view_case", case)}
            for case in data.cases
        ],
        "is_lead": is_lead,
        "invitations": selectors.councillor_invitations(initiative) if is_lead else [],
        # Who a request would reach (and who not): only the leads, who may ask, need it.
        "recipients": selectors.help_recipients(initiative) if is_lead else None,
        "may_offer": may_offer,
        "may_take": may_take,
        # Only the forms the person may use (most readers none). Own id prefixes: several
        # forms share field names on one page.
        "offer_form": OfferForm(auto_id="offer_%s") if may_offer else None,
        "invite_form": InviteForm(auto_id="invite_%s") if is_lead else None,
        "help_form": HelpRequestForm(auto_id="help_%s") if is_lead else None,
    }


@register.inclusion_tag("support/includes/initiative_support_section.html", takes_context=True)
def initiative_support(context: template.Context, initiative: Initiative) -> dict[str, Any]:
    request = context.get("request")
    user = viewer_in(context)
    result = build_context(user, initiative)
    result["request"] = request
    result["user"] = user
    result["csrf_token"] = context.get("csrf_token")
    result["SITE_NAME"] = context.get("SITE_NAME")
    return result


@register.simple_tag(takes_context=True)
def ward_activity(context: template.Context, ward: Ward) -> SafeString:
    """The ward's initiatives by stage, open needs and waiting help requests, as HTML.

    The HTML holds nothing about the viewer (no form, no permission, no name of theirs): only
    what they may see, which is decided by `restricted_visible_ids()` alone. So it is shared
    (`pagecache.shared`) by everyone with the same answer (every signed-out visitor and most
    residents), for the ward, the language and today's date (how long a request has waited)."""
    seen = restricted_visible_ids(viewer_in(context))

    def draw() -> SafeString:
        activity = selectors.ward_support(ward, seen)
        return SafeString(
            render_to_string(
                "support/includes/ward_activity.html", {"activity": activity, "ward": ward}
            )
        )

    language = translation.get_language()
    parts = (ward.pk, seen, language, timezone.localdate().isoformat())
    return pagecache.shared("support.ward_activity", parts, draw, keep=lambda _: not seen)


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A wait in plain words: "3 days 4 hours", "2 hours", "under an hour"."""
    if value is None:
        return ""
    hours = int(value.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    return " ".join(parts) if parts else _("under an hour")


@register.filter
def councillor_names(councillors: list[Councillor]) -> str:
    """Names in a sentence: "A", "A and B", "A, B and C"."""
    names = [c.name for c in councillors]
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
