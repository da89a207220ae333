"""Why each project of a counted round was or was not funded, in plain English (translated when
shown): one sentence for each `pb.Reason`, filled in with the figures kept in `Round.result`
(see `pbround_count.figures_of`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.funding.money import pounds
from grassroots.funding.pb import Reason


def _money(figures: Mapping[str, Any], key: str) -> str:
    value = figures.get(key)
    return pounds(int(value)) if value is not None else ""


def explain(project: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """One project of `Round.result["projects"]`; `titles` names the other projects by id."""
    figures: Mapping[str, Any] = project.get("figures") or {}
    votes = int(project.get("votes", 0))
    fill = {
        "votes": votes,
        "cost": pounds(int(project.get("cost_pence", 0))),
        "rank": figures.get("rank", ""),
        "left": _money(figures, "left"),
        "left_after": _money(figures, "left_after"),
        "min_votes": figures.get("min_votes", ""),
        "blocker": titles.get(str(figures.get("blocker", "")), ""),
        "step": figures.get("step", ""),
        "max_share": _money(figures, "max_share"),
        "money": _money(figures, "supporters_money"),
        "raised": _money(figures, "raised_budget"),
    }
    try:
        reason = Reason(project.get("reason", ""))
    except ValueError:
        return _("Funded.") if project.get("funded") else _("Not funded.")
    if reason == Reason.TOO_FEW_VOTES and votes == 0:
        reason = Reason.NO_SUPPORTERS
    match reason:
        case Reason.FUNDED_BY_VOTES:
            text = ngettext(
                "Funded. With %(votes)d vote it came number %(rank)s by votes, and its cost of "
                "%(cost)s fitted in the %(left)s still left (%(left_after)s left after it).",
                "Funded. With %(votes)d votes it came number %(rank)s by votes, and its cost of "
                "%(cost)s fitted in the %(left)s still left (%(left_after)s left after it).",
                votes,
            )
        case Reason.DID_NOT_FIT:
            text = _(
                "Not funded. When its turn came (number %(rank)s by votes), only %(left)s was "
                "left, less than its cost of %(cost)s."
            )
        case Reason.AFTER_FIRST_MISFIT:
            text = _(
                "Not funded. The count stopped at “%(blocker)s”, the first project that did not "
                "fit in what was left, before this project's turn (number %(rank)s by votes)."
            )
        case Reason.TOO_FEW_VOTES:
            text = ngettext(
                "Not funded. It had %(votes)d vote, fewer than the %(min_votes)s a project needs.",
                "Not funded. It had %(votes)d votes, fewer than the %(min_votes)s a project needs.",
                votes,
            )
        case Reason.COSTS_MORE_THAN_BUDGET:
            text = _("Not funded. Its cost of %(cost)s is more than the whole budget.")
        case Reason.NO_SUPPORTERS:
            text = _("Not funded. Nobody voted for it.")
        case Reason.NO_UTILITY:
            text = _(
                "Not funded. It costs nothing, and when voters value projects by cost nobody "
                "gains from it."
            )
        case Reason.FUNDED_FREE:
            text = _("Funded. It costs nothing and has supporters.")
        case Reason.FUNDED_EQUAL_SHARES:
            text = ngettext(
                "Funded (choice number %(step)s). Every voter has an equal share of the budget; "
                "its %(votes)d supporter paid its cost of %(cost)s from their share, none paying "
                "more than %(max_share)s.",
                "Funded (choice number %(step)s). Every voter has an equal share of the budget; "
                "its %(votes)d supporters shared its cost of %(cost)s between them, none paying "
                "more than %(max_share)s.",
                votes,
            )
        case Reason.FUNDED_BY_COMPLETION:
            text = ngettext(
                "Funded to use money left over. With every voter's share raised as if the "
                "budget were %(raised)s, its %(votes)d supporter could pay its cost of %(cost)s "
                "(choice number %(step)s), and the projects chosen still cost no more than the "
                "real budget.",
                "Funded to use money left over. With every voter's share raised as if the "
                "budget were %(raised)s, its %(votes)d supporters could share its cost of "
                "%(cost)s (choice number %(step)s), and the projects chosen still cost no more "
                "than the real budget.",
                votes,
            )
        case Reason.SUPPORTERS_SHORT:
            text = ngettext(
                "Not funded. Its %(votes)d supporter had only %(money)s of their equal share "
                "left after paying for other projects, less than its cost of %(cost)s.",
                "Not funded. Its %(votes)d supporters had only %(money)s of their equal shares "
                "left between them after paying for other projects, less than its cost of "
                "%(cost)s.",
                votes,
            )
    return text % fill
