"""Assets of Community Value: the dates and the checks the law sets, as pure rules.

The law is Chapter 3 of Part 5 of the Localism Act 2011 (sections 87 to 108, "the Act") and
the Assets of Community Value (England) Regulations 2012, SI 2012/2421 ("the Regulations").
The right exists in England only: the Regulations apply to England alone and the Welsh
Ministers have not brought the scheme into force in Wales (see `jurisdiction`).

Nothing here touches Django or the database. Each function takes the events a council or a
group records (aware datetimes, normally in UTC) and returns what follows from them. Dates that
matter to people are `datetime.date` values in the UK's own calendar (Europe/London): an event
recorded at 23:30 UTC on a summer evening happened at 00:30 the next morning in the UK, so it
belongs to the next day (`local_date`).

How periods are counted (`period_end`, used by everything below):

- The Act and the Regulations count "a period of N weeks (or months) beginning with" a day.
  Such a period includes that day and ends at the end of the day before the corresponding day
  N weeks (or months) later: six weeks beginning with Monday 2 March 2026 end on Sunday
  12 April 2026.
- These are calendar periods. Nothing in the Act or the Regulations moves a period that ends on
  a Saturday, Sunday or bank holiday, so we never move one either.
- A month is a calendar month (Interpretation Act 1978, Schedule 1). When the later month has
  no corresponding day (a period beginning on 31 January, or on 29 February with a later year
  that is not a leap year), we follow the usual corresponding-date rule (Dodds v Walker [1981]
  1 WLR 1027, HL): the period then ends on the last day of that month. So a listing entered on
  29 February 2024 lasts five years until the end of 28 February 2029, and not a day less.

Out of scope here: the disposals that the moratorium does not catch at all (the exceptions in
section 95(5) of the Act and Schedule 3 to the Regulations, such as gifts within a family, or a
sale to a community interest group during the moratorium), and which land may be listed
(section 88 and Schedule 1). Pages that need them must ask the person recording the sale.
"""

from __future__ import annotations

import calendar
import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")

NOMINATION_DECISION_WEEKS = 8  # regulation 7
LISTING_YEARS = 5  # section 87(3)
REVIEW_REQUEST_WEEKS = 8  # regulation 10 and Schedule 2, paragraph 1
INTERIM_MORATORIUM_WEEKS = 6  # section 95(6), "the interim moratorium period"
FULL_MORATORIUM_MONTHS = 6  # section 95(6), "the full moratorium period"
PROTECTED_PERIOD_MONTHS = 18  # section 95(6), "the protected period"
MIN_LOCAL_MEMBERS = 21  # regulation 5(1)(c) and regulation 4


# --- Time and periods -----------------------------------------------------------------------


def local_date(moment: datetime.datetime, *, what: str = "the event") -> datetime.date:
    """The day in the UK (Europe/London) on which an aware moment fell.

    Raises ValueError for a naive datetime: without a time zone we cannot tell which day it
    was in the UK, and guessing would put late-evening events on the wrong day.
    """
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"The time of {what} has no time zone; record it as an aware UTC time.")
    return moment.astimezone(UK_TIME).date()


def _month_later(day: datetime.date, months: int) -> tuple[int, int]:
    """The (year, month) that comes `months` calendar months after the month of `day`."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return year, month_index + 1


def period_end(start: datetime.date, *, weeks: int = 0, months: int = 0) -> datetime.date:
    """The last day of the period of `weeks` weeks, or `months` calendar months, beginning
    with `start` (give exactly one of the two, a whole number of at least one).

    The period includes `start` and ends on the day before the corresponding day: for weeks,
    `start + 7 * weeks - 1` days; for months, the day before the same day of the month
    `months` later, or the last day of that later month when it has no such day (the
    corresponding-date rule of Dodds v Walker). A period ending on a weekend is not moved.
    """
    if (weeks > 0) == (months > 0) or weeks < 0 or months < 0:
        raise ValueError("Give a period of a positive number of weeks or of months, not both.")
    if weeks:
        return start + datetime.timedelta(days=7 * weeks - 1)
    year, month = _month_later(start, months)
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        # No corresponding day (the 31st, or 29 February in a common year): the period runs
        # to the end of that month.
        return datetime.date(year, month, last_day)
    return datetime.date(year, month, start.day) - datetime.timedelta(days=1)


def _in_order(
    earlier: datetime.datetime, later: datetime.datetime, earlier_what: str, later_what: str
) -> tuple[datetime.date, datetime.date]:
    """Both moments as UK days, after checking that `later` did not come before `earlier`."""
    first = local_date(earlier, what=earlier_what)
    second = local_date(later, what=later_what)
    if later < earlier:
        raise ValueError(f"{later_what.capitalize()} is recorded before {earlier_what}.")
    return first, second


# --- Nomination, listing and review ---------------------------------------------------------


def nomination_decision_deadline(received_at: datetime.datetime) -> datetime.date:
    """The last day on which the council may decide a community nomination.

    Regulation 7: the council must decide whether to list nominated land within eight weeks
    of receiving the nomination. We count the eight weeks as beginning with the day the
    nomination arrived, which gives the earlier of the two possible readings, so a council
    that keeps to this date is always in time.
    """
    received = local_date(received_at, what="the nomination's arrival")
    return period_end(received, weeks=NOMINATION_DECISION_WEEKS)


def decided_in_time(received_at: datetime.datetime, decided_at: datetime.datetime) -> bool:
    """Whether the council decided a nomination within the eight weeks (regulation 7).
    Raises ValueError if the decision is recorded before the nomination arrived."""
    _, decided = _in_order(received_at, decided_at, "the nomination's arrival", "the decision")
    return decided <= nomination_decision_deadline(received_at)


def listing_end(listed_at: datetime.datetime) -> datetime.date:
    """The last day on which land stays on the list, unless it is removed sooner.

    Section 87(3): an entry is removed at the end of the period of five years beginning with
    the date of the entry. Listing again after that needs a new nomination.
    """
    listed = local_date(listed_at, what="the listing")
    return period_end(listed, months=12 * LISTING_YEARS)


def review_request_deadline(notice_given_at: datetime.datetime) -> datetime.date:
    """The last day on which the owner may ask the council to review its decision to list.

    Section 92 gives the owner the right to a review; regulation 10 and paragraph 1 of
    Schedule 2 say the request must be made within eight weeks beginning with the day the
    council gave the owner written notice of the listing (section 91), unless the council
    allows longer in writing. Pass the time that notice was given; it is usually the time
    of listing.
    """
    given = local_date(notice_given_at, what="the notice of listing")
    return period_end(given, weeks=REVIEW_REQUEST_WEEKS)


def review_requested_in_time(
    notice_given_at: datetime.datetime, requested_at: datetime.datetime
) -> bool:
    """Whether the owner's review request came within the eight weeks (Schedule 2,
    paragraph 1). Raises ValueError if the request is recorded before the notice of listing."""
    _, requested = _in_order(
        notice_given_at, requested_at, "the notice of listing", "the review request"
    )
    return requested <= review_request_deadline(notice_given_at)


# --- The owner's notice of a disposal and the moratorium ------------------------------------


@dataclass(frozen=True)
class MoratoriumDates:
    """The dates that follow from the council receiving an owner's notice that they wish to
    sell listed land (section 95(2)); section 97 requires the list to show them.

    `full_end` is None unless a community interest group asked to be treated as a potential
    bidder within the interim period: only such a request makes the full moratorium apply.
    """

    notice_received: datetime.date
    interim_end: datetime.date
    full_end: datetime.date | None
    protected_end: datetime.date

    @property
    def moratorium_end(self) -> datetime.date:
        """The last day on which the sale is held up: the end of the full moratorium if a
        group asked in time, otherwise the end of the interim one."""
        return self.full_end if self.full_end is not None else self.interim_end


def interim_moratorium_end(notice_received_at: datetime.datetime) -> datetime.date:
    """The last day of the interim moratorium: six weeks beginning with the date the council
    receives the owner's notice (section 95(6)). A community interest group must ask to be
    treated as a potential bidder by the end of this day (section 95(3)(a), section 98)."""
    received = local_date(notice_received_at, what="the notice of sale")
    return period_end(received, weeks=INTERIM_MORATORIUM_WEEKS)


def bidder_request_in_time(
    notice_received_at: datetime.datetime, request_received_at: datetime.datetime
) -> bool:
    """Whether a community interest group's written request to be treated as a potential
    bidder reached the council within the interim moratorium (section 95(3)(a)).

    Raises ValueError if the request is recorded before the notice of sale: it cannot count
    towards a notice that had not yet been given.
    """
    _, requested = _in_order(
        notice_received_at, request_received_at, "the notice of sale", "the bidder request"
    )
    return requested <= interim_moratorium_end(notice_received_at)


def full_moratorium_end(
    notice_received_at: datetime.datetime, request_received_at: datetime.datetime
) -> datetime.date:
    """The last day of the full moratorium: six months beginning with the date the council
    received the owner's notice (section 95(6)). It applies only because a community interest
    group asked in time to be treated as a bidder, so this raises ValueError when the request
    came before the notice or after the interim moratorium ended."""
    if not bidder_request_in_time(notice_received_at, request_received_at):
        raise ValueError(
            "The request to be treated as a bidder arrived after the interim moratorium "
            "ended, so it does not start the full moratorium."
        )
    received = local_date(notice_received_at, what="the notice of sale")
    return period_end(received, months=FULL_MORATORIUM_MONTHS)


def protected_period_end(notice_received_at: datetime.datetime) -> datetime.date:
    """The last day of the protected period: eighteen months beginning with the date the
    council received the owner's notice (section 95(6)). After the moratorium the owner may
    sell until the end of this day without a new notice (section 95(4), condition C); a sale
    after it needs a fresh notice and a fresh moratorium."""
    received = local_date(notice_received_at, what="the notice of sale")
    return period_end(received, months=PROTECTED_PERIOD_MONTHS)


def moratorium_dates(
    notice_received_at: datetime.datetime,
    request_received_at: datetime.datetime | None = None,
) -> MoratoriumDates:
    """All the dates that follow from an owner's notice of sale, and from the first request
    by a community interest group to be treated as a bidder if there was one. Raises
    ValueError for a request outside the interim moratorium (see `full_moratorium_end`);
    check it first with `bidder_request_in_time` to word the refusal for the user."""
    full_end = (
        None
        if request_received_at is None
        else full_moratorium_end(notice_received_at, request_received_at)
    )
    return MoratoriumDates(
        notice_received=local_date(notice_received_at, what="the notice of sale"),
        interim_end=interim_moratorium_end(notice_received_at),
        full_end=full_end,
        protected_end=protected_period_end(notice_received_at),
    )


class SaleBlock(enum.StrEnum):
    """Why a sale of listed land may not complete on a given day (section 95(1))."""

    NO_NOTICE = "no_notice"  # condition A, s.95(2): the council has not been told in writing
    INTERIM_MORATORIUM = "interim_moratorium"  # condition B, s.95(3): within the six weeks
    FULL_MORATORIUM = "full_moratorium"  # condition B, s.95(3)(b): a group asked in time
    PROTECTED_PERIOD_OVER = "protected_period_over"  # condition C, s.95(4): notify again


def sale_block(dates: MoratoriumDates | None, completion_day: datetime.date) -> SaleBlock | None:
    """What stops a sale of listed land completing on `completion_day`, or None if the
    moratorium rules allow it.

    Section 95(1) forbids a relevant disposal of listed land unless three conditions hold:
    A, the owner has notified the council in writing (section 95(2)); B, the interim
    moratorium has ended with no request from a community interest group, or the full
    moratorium has ended (section 95(3)); and C, the protected period has not ended (section
    95(4)). `dates` is None when no notice has been received. The caller checks that the
    land is still listed, and the exempt disposals are out of scope (see the module notes).
    """
    if dates is None or completion_day < dates.notice_received:
        return SaleBlock.NO_NOTICE
    if completion_day <= dates.interim_end:
        return SaleBlock.INTERIM_MORATORIUM
    if dates.full_end is not None and completion_day <= dates.full_end:
        return SaleBlock.FULL_MORATORIUM
    if completion_day > dates.protected_end:
        return SaleBlock.PROTECTED_PERIOD_OVER
    return None


def notice_starts_new_moratorium(
    earlier_notice_received_at: datetime.datetime,
    later_notice_received_at: datetime.datetime,
) -> bool:
    """Whether a later notice of sale starts a new moratorium.

    It does not while the earlier notice's protected period is running (section 95(6) and
    regulation 2(a)(iii): after the moratorium the restrictions do not apply for the rest of
    the eighteen months). Only a notice received after the protected period has ended starts
    the clock again. Raises ValueError if the notices are given in the wrong order.
    """
    _, later = _in_order(
        earlier_notice_received_at,
        later_notice_received_at,
        "the earlier notice of sale",
        "the later notice of sale",
    )
    return later > protected_period_end(earlier_notice_received_at)


def governing_notices(notices_received_at: Iterable[datetime.datetime]) -> list[datetime.datetime]:
    """From every notice of sale the council received for one piece of land, in the order
    received, the ones that started a moratorium (each later one arrived after the previous
    governing notice's protected period). Raises ValueError if they are out of order."""
    governing: list[datetime.datetime] = []
    previous: datetime.datetime | None = None
    for received_at in notices_received_at:
        if previous is not None:
            _in_order(previous, received_at, "an earlier notice of sale", "a later one")
        previous = received_at
        if not governing or notice_starts_new_moratorium(governing[-1], received_at):
            governing.append(received_at)
    return governing


# --- Who may nominate -----------------------------------------------------------------------


class BodyKind(enum.StrEnum):
    """The kinds of body that may, or may not, make a community nomination (section 89(2)
    of the Act; regulation 5(1) of the Regulations)."""

    PARISH_COUNCIL = "parish_council"  # includes town councils, which are parish councils
    NEIGHBOURHOOD_FORUM = "neighbourhood_forum"
    UNINCORPORATED = "unincorporated"  # a community group with no legal personality
    CHARITY = "charity"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"  # or a co-operative society
    COMMUNITY_INTEREST_COMPANY = "community_interest_company"
    PUBLIC_AUTHORITY = "public_authority"  # any public or local authority but a parish council
    OTHER = "other"  # for example a company limited by shares, or a single person


class IneligibleReason(enum.StrEnum):
    """A reason a body may not nominate land. The pages word each one for the user."""

    PUBLIC_AUTHORITY = "public_authority"  # regulation 5(2)
    NOT_A_COMMUNITY_BODY = "not_a_community_body"  # not in regulation 5(1)
    LAND_OUTSIDE_PARISH = "land_outside_parish"  # section 89(2)(b)(i)
    TOO_FEW_LOCAL_MEMBERS = "too_few_local_members"  # regulations 4(1)(c) and 5(1)(c)
    DISTRIBUTES_SURPLUS = "distributes_surplus"  # regulation 5(1)(c), (e) and (f)
    CREDIT_UNION = "credit_union"  # regulation 5(3)
    NO_LOCAL_ACTIVITY = "no_local_activity"  # regulation 4(1)(a)
    SURPLUS_NOT_SPENT_LOCALLY = "surplus_not_spent_locally"  # regulation 4(1)(b)


# Regulation 5(1)(c), (e) and (f): these bodies must not share a surplus among their members,
# and (regulation 4(1)(b)) must spend it wholly or partly for the benefit of the area.
_SURPLUS_RULES = frozenset(
    {
        BodyKind.UNINCORPORATED,
        BodyKind.COMPANY_LIMITED_BY_GUARANTEE,
        BodyKind.COMMUNITY_BENEFIT_SOCIETY,
    }
)


@dataclass(frozen=True)
class NominatingBody:
    """What a group tells us about itself when it nominates land.

    `local_electors` counts the members who are individuals registered as local government
    electors at an address in the council's area or a neighbouring council's area (one whose
    boundary touches it; regulation 1(3)). `works_locally` means the body's activities are
    wholly or partly about that area or a neighbouring one; `spends_surplus_locally` that any
    surplus is wholly or partly spent for its benefit (regulation 4(1)(a) and (b)).
    `land_in_own_area` matters only for a parish or town council.
    """

    kind: BodyKind
    local_electors: int = 0
    distributes_surplus: bool = False
    works_locally: bool = True
    spends_surplus_locally: bool = True
    is_credit_union: bool = False
    land_in_own_area: bool = True


def ineligibility_reasons(body: NominatingBody) -> list[IneligibleReason]:
    """Every reason the body may not make a community nomination, in a fixed order; an empty
    list means it may.

    A parish (or town) council may nominate land in its own area (section 89(2)(b)(i)).
    Any other nominator must be a voluntary or community body (regulation 5) with a local
    connection (regulation 4): a neighbourhood forum; an unincorporated body with at least 21
    members on the local electoral register that does not share its surplus among its
    members; a charity; a company limited by guarantee, or a co-operative or community
    benefit society (not a credit union), that does not share its surplus; or a community
    interest company. Public and local authorities other than parish councils never qualify.
    Raises ValueError for a negative number of members.
    """
    if body.local_electors < 0:
        raise ValueError("The number of members on the electoral register cannot be negative.")
    if body.kind is BodyKind.PUBLIC_AUTHORITY:
        return [IneligibleReason.PUBLIC_AUTHORITY]
    if body.kind is BodyKind.OTHER:
        return [IneligibleReason.NOT_A_COMMUNITY_BODY]
    if body.kind is BodyKind.PARISH_COUNCIL:
        return [] if body.land_in_own_area else [IneligibleReason.LAND_OUTSIDE_PARISH]
    reasons: list[IneligibleReason] = []
    if body.kind is BodyKind.UNINCORPORATED and body.local_electors < MIN_LOCAL_MEMBERS:
        reasons.append(IneligibleReason.TOO_FEW_LOCAL_MEMBERS)
    if body.kind in _SURPLUS_RULES and body.distributes_surplus:
        reasons.append(IneligibleReason.DISTRIBUTES_SURPLUS)
    if body.kind is BodyKind.COMMUNITY_BENEFIT_SOCIETY and body.is_credit_union:
        reasons.append(IneligibleReason.CREDIT_UNION)
    if not body.works_locally:
        reasons.append(IneligibleReason.NO_LOCAL_ACTIVITY)
    if body.kind in _SURPLUS_RULES and not body.spends_surplus_locally:
        reasons.append(IneligibleReason.SURPLUS_NOT_SPENT_LOCALLY)
    return reasons


# --- Where the right applies ----------------------------------------------------------------


class Jurisdiction(enum.StrEnum):
    """Whether the community right to bid applies in a council's area."""

    ENGLAND = "england"  # the Act and the Regulations apply
    WALES = "wales"  # the Act extends to Wales but the scheme is not in force there
    NOT_APPLICABLE = "not_applicable"  # Scotland and Northern Ireland: the Act does not extend


def jurisdiction(gss_code: str) -> Jurisdiction:
    """Which rules apply, from the council's ONS (GSS) code, whose first letter names the
    country: E England, W Wales, S Scotland, N Northern Ireland. Only England has the right
    to nominate Assets of Community Value; pages for Welsh councils must say there is no such
    right. Raises ValueError for a code that does not start with one of those letters."""
    code = gss_code.strip().upper()
    if code.startswith("E"):
        return Jurisdiction.ENGLAND
    if code.startswith("W"):
        return Jurisdiction.WALES
    if code.startswith(("S", "N")):
        return Jurisdiction.NOT_APPLICABLE
    raise ValueError(f"{gss_code!r} is not an ONS code for a council in the UK.")


def acv_applies(gss_code: str) -> bool:
    """Whether residents may nominate Assets of Community Value in this council's area."""
    return jurisdiction(gss_code) is Jurisdiction.ENGLAND
