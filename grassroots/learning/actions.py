"""Where a page's matching action leads: the real page of the site where the reader can do what
the page taught, for this reader.

A link only goes where the reader may go: an action another role does (answering help requests
is for councillors) gives the reader a sentence saying who does it instead of a link that would
answer "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts.types import Viewer
from grassroots.events.rules import hosts_for
from grassroots.learning.models import MatchingAction
from grassroots.places.models import Councillor


@dataclass(frozen=True)
class NextStep:
    """What to show under a page: a link (`url`, `label`), or only `note` when there is none."""

    label: str = ""
    url: str = ""
    note: str = ""


def _may_host_surgery(viewer: Viewer) -> bool:
    return any(isinstance(host, Councillor) for host in hosts_for(viewer))


def _may_host_event(viewer: Viewer) -> bool:
    return bool(hosts_for(viewer))


def next_step(action: str, viewer: Viewer) -> NextStep | None:
    """The next step for `viewer` after a page whose matching action is `action` (None: none)."""
    if action == MatchingAction.OFFER_TO_FACILITATE:
        return NextStep(
            label=_("Find an initiative to offer to facilitate"),
            url=reverse("initiatives:list"),
            note=_("Councillors offer support from an initiative’s support page."),
        )
    if action == MatchingAction.HOLD_SURGERY:
        if _may_host_surgery(viewer):
            return NextStep(
                label=_("Hold a surgery in a community venue"), url=reverse("events:new")
            )
        return NextStep(
            label=_("See the community venues"),
            url=reverse("events:venues"),
            note=_("Councillors hold their surgeries at venues like these."),
        )
    if action == MatchingAction.ANSWER_HELP_REQUESTS:
        if viewer.has_perm("support.view_help_inbox"):
            return NextStep(
                label=_("Answer the help requests waiting in your wards"),
                url=reverse("support:help_requests"),
            )
        return NextStep(note=_("Councillors see the help requests waiting in their wards."))
    if action == MatchingAction.APPLY_FOR_MONEY:
        return NextStep(label=_("See the funds you can apply to"), url=reverse("funding:list"))
    if action == MatchingAction.RUN_MEETING:
        if _may_host_event(viewer):
            return NextStep(label=_("Put on a meeting"), url=reverse("events:new"))
        return NextStep(
            label=_("See the events coming up"),
            url=reverse("events:list"),
            note=_("Organisers of a group and leads of an initiative can put on a meeting."),
        )
    return None
