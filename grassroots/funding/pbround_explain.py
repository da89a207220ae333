"""Why each project of a counted round was or was not funded, in plain English (translated when
shown): one sentence per reason code of `pbround_count`, filled in with the figures kept in
`Round.result`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.funding import pbround_count as codes
from grassroots.funding.money import pounds


def _money(figures: Mapping[str, Any], key: str) -> str:
    value = figures.get(key)
    return pounds(int(value)) if value is not None else ""


def explain(project: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """One project of `Round.result["projects"]`; `titles` names the other projects by id."""
    reason = project.get("reason", "")
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
        "supporters": figures.get("supporters", votes),
        "share": _money(figures, "share"),
        "money": _money(figures, "money"),
        "budget": _money(figures, "budget"),
    }
    if reason == codes.FUNDED:
        return (
            ngettext(
                "Funded. With %(votes)d vote it came number %(rank)s by votes, and its cost of "
                "%(cost)s fitted in the %(left)s still left (%(left_after)s left after it).",
                "Funded. With %(votes)d votes it came number %(rank)s by votes, and its cost of "
                "%(cost)s fitted in the %(left)s still left (%(left_after)s left after it).",
                votes,
            )
            % fill
        )
    if reason == codes.NO_VOTES:
        return _("Not funded: nobody voted for it.")
    if reason == codes.TOO_FEW_VOTES:
        return (
            ngettext(
                "Not funded: it had %(votes)d vote, fewer than the %(min_votes)s a project needs.",
                "Not funded: it had %(votes)d votes, fewer than the %(min_votes)s a project needs.",
                votes,
            )
            % fill
        )
    if reason == codes.DID_NOT_FIT:
        return (
            _(
                "Not funded: when its turn came (number %(rank)s by votes), only %(left)s was "
                "left, less than its cost of %(cost)s."
            )
            % fill
        )
    if reason == codes.STOPPED:
        return (
            _(
                "Not funded: the count stopped at “%(blocker)s”, the first project that did not "
                "fit in what was left, before this project's turn (number %(rank)s by votes)."
            )
            % fill
        )
    if reason == codes.MES_FUNDED:
        return (
            _(
                "Funded. Its %(supporters)s supporters could share its cost of %(cost)s between "
                "them, each paying at most %(share)s from their equal share of the budget."
            )
            % fill
        )
    if reason == codes.MES_FUNDED_COMPLETION:
        return (
            _(
                "Funded when each voter's share was raised to use the money left over (as if the "
                "budget were %(budget)s): its %(supporters)s supporters could then share its cost "
                "of %(cost)s, each paying at most %(share)s."
            )
            % fill
        )
    if reason == codes.MES_LEFTOVER:
        return (
            _(
                "Funded from the money Equal Shares left over: its cost of %(cost)s fitted in what "
                "was still unspent."
            )
            % fill
        )
    if reason == codes.MES_SHORT:
        return (
            _(
                "Not funded: its %(supporters)s supporters had only %(money)s left between them "
                "after paying for the projects they also supported, less than its cost of %(cost)s."
            )
            % fill
        )
    return _("Funded.") if project.get("funded") else _("Not funded.")
