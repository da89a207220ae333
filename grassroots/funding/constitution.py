"""A partnership's rules, as Big Local sets them: whether it may decide at all, and whether a
decision had a quorum. Pure functions over memberships, so the pages can say exactly what is
missing and the services can refuse with the same words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.funding.models import MIN_MEMBERS, Membership, Partnership


@dataclass(frozen=True)
class Standing:
    members: int
    residents: int
    problems: tuple[str, ...]

    @property
    def may_decide(self) -> bool:
        return not self.problems


def standing(current: Sequence[Membership]) -> Standing:
    """Whether a partnership whose current members are `current` may decide: at least
    `MIN_MEMBERS` members, and residents at least half of them. It may always meet."""
    members = len(current)
    residents = sum(1 for m in current if m.is_resident)
    problems = []
    if members < MIN_MEMBERS:
        problems.append(
            ngettext(
                "It has %(count)d member: it needs at least %(min)d.",
                "It has %(count)d members: it needs at least %(min)d.",
                members,
            )
            % {"count": members, "min": MIN_MEMBERS}
        )
    if residents * 2 < members:
        problems.append(
            _("Only %(residents)d of its %(members)d members are residents: at least half must be.")
            % {"residents": residents, "members": members}
        )
    return Standing(members=members, residents=residents, problems=tuple(problems))


@dataclass(frozen=True)
class Quorum:
    present: int
    residents_present: int
    needed: int
    problems: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.problems


def quorum(
    partnership: Partnership, current: Sequence[Membership], present: Iterable[Membership]
) -> Quorum:
    """Whether those `present` (the members who voted on a motion, abstentions included) make a
    quorum of the `current` members: at least `quorum_percent` of them (rounded up) and, when
    the partnership asks for it, more residents than not among them."""
    current_ids = {m.pk for m in current}
    here = [m for m in present if m.pk in current_ids]
    needed = -(-len(current) * partnership.quorum_percent // 100)
    residents_here = sum(1 for m in here if m.is_resident)
    problems = []
    if len(here) < needed:
        problems.append(
            _("%(present)d of %(members)d members took part: the quorum is %(needed)d.")
            % {"present": len(here), "members": len(current), "needed": needed}
        )
    if partnership.quorum_residents_majority and residents_here * 2 <= len(here):
        problems.append(
            _(
                "Residents must be the majority of those taking part: "
                "%(residents)d of %(present)d were."
            )
            % {"residents": residents_here, "present": len(here)}
        )
    return Quorum(
        present=len(here), residents_present=residents_here, needed=needed, problems=tuple(problems)
    )
