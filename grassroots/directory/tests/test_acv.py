"""The Assets of Community Value rules (grassroots/directory/acv.py): every date derived from
recorded events, around weekends, leap years, months of 31 days and the clock change, plus the
moratorium's sale checks, who may nominate, and where the right applies. Plain pytest: no
database. The expected dates are worked out by hand in the comments, not by the code."""

from __future__ import annotations

import ast
import datetime
import inspect
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.directory import acv
from grassroots.directory.acv import (
    BodyKind,
    IneligibleReason,
    Jurisdiction,
    MoratoriumDates,
    NominatingBody,
    SaleBlock,
)

D = datetime.date
UTC = datetime.UTC


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- The period helper ----------------------------------------------------------------------


def test_six_weeks_beginning_with_a_monday_end_on_the_sunday_before() -> None:
    # 2 March 2026 is a Monday; 2 March + 41 days = 12 April, a Sunday.
    assert acv.period_end(D(2026, 3, 2), weeks=6) == D(2026, 4, 12)
    assert D(2026, 4, 12).weekday() == 6


def test_a_period_ending_on_a_saturday_is_not_moved() -> None:
    # Sunday 1 March 2026 + 55 days = Saturday 25 April 2026: calendar periods stay put.
    deadline = acv.nomination_decision_deadline(utc(2026, 3, 1))
    assert deadline == D(2026, 4, 25)
    assert deadline.weekday() == 5


def test_a_period_ending_on_a_sunday_is_not_moved() -> None:
    # Notice received Monday 2 March 2026: the interim moratorium ends on Sunday 12 April.
    assert acv.interim_moratorium_end(utc(2026, 3, 2)) == D(2026, 4, 12)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 3, 1), 1, D(2026, 3, 31)),  # the day before 1 April
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: last day of February
        (D(2026, 3, 31), 6, D(2026, 9, 30)),  # no 31 September: last day of September
        (D(2026, 3, 30), 6, D(2026, 9, 29)),  # the day before 30 September
        (D(2026, 4, 1), 6, D(2026, 9, 30)),  # the day before 1 October
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # no 31 February 2027
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # 2028 is a leap year: 29 February
        (D(2027, 8, 29), 6, D(2028, 2, 28)),  # 29 February 2028 exists: the day before
        (D(2024, 2, 29), 60, D(2029, 2, 28)),  # no 29 February 2029: last day of February
        (D(2024, 2, 29), 18, D(2025, 8, 28)),  # 29 August exists: the day before
        (D(2026, 12, 15), 1, D(2027, 1, 14)),  # across the year end
    ],
)
def test_month_periods_use_the_corresponding_date(
    start: datetime.date, months: int, end: datetime.date
) -> None:
    assert acv.period_end(start, months=months) == end


@pytest.mark.parametrize(
    "kwargs", [{}, {"weeks": 1, "months": 1}, {"weeks": -1}, {"months": -2}, {"weeks": 0}]
)
def test_period_end_needs_exactly_one_positive_length(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="positive number of weeks or of months"):
        acv.period_end(D(2026, 1, 1), **kwargs)


# --- Leap years -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "end"),
    [
        (utc(2024, 2, 29), D(2029, 2, 28)),  # five full years, ending on the last day of Feb
        (utc(2028, 2, 29), D(2033, 2, 28)),
        (utc(2024, 2, 28), D(2029, 2, 27)),
        (utc(2024, 3, 1), D(2029, 2, 28)),  # the day before 1 March 2029
        (utc(2026, 6, 3), D(2031, 6, 2)),
    ],
)
def test_listing_lasts_five_years_beginning_with_the_entry(
    listed: datetime.datetime, end: datetime.date
) -> None:
    assert acv.listing_end(listed) == end


def test_weeks_crossing_29_february_2028_count_the_leap_day() -> None:
    # 1 Feb + 41 days: 13 March in 2028 (29 days in February), 14 March in 2027.
    assert acv.interim_moratorium_end(utc(2028, 2, 1)) == D(2028, 3, 13)
    assert acv.interim_moratorium_end(utc(2027, 2, 1)) == D(2027, 3, 14)
    # 15 Jan + 55 days: 10 March 2028, 11 March 2027.
    assert acv.nomination_decision_deadline(utc(2028, 1, 15)) == D(2028, 3, 10)
    assert acv.nomination_decision_deadline(utc(2027, 1, 15)) == D(2027, 3, 11)


def test_a_notice_on_29_february_has_clear_moratorium_dates() -> None:
    dates = acv.moratorium_dates(utc(2028, 2, 29), utc(2028, 3, 1))
    assert dates == MoratoriumDates(
        notice_received=D(2028, 2, 29),
        interim_end=D(2028, 4, 10),  # 29 Feb + 41 days
        full_end=D(2028, 8, 28),  # the day before 29 August
        protected_end=D(2029, 8, 28),  # the day before 29 August 2029
    )


def test_a_notice_on_31_august_2026_ends_its_protected_period_on_29_february_2028() -> None:
    dates = acv.moratorium_dates(utc(2026, 8, 31), utc(2026, 9, 1))
    assert dates.full_end == D(2027, 2, 28)
    assert dates.protected_end == D(2028, 2, 29)


def test_months_of_31_days() -> None:
    dates = acv.moratorium_dates(utc(2026, 1, 31), utc(2026, 2, 2))
    assert dates.interim_end == D(2026, 3, 13)  # 31 Jan + 41 days
    assert dates.full_end == D(2026, 7, 30)  # the day before 31 July
    assert dates.protected_end == D(2027, 7, 30)


# --- The clock change -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
        (utc(2026, 3, 28, 23, 30), D(2026, 3, 28)),  # still GMT: 23:30 on the 28th
        (datetime.datetime(2026, 3, 28, 23, 59, 59, tzinfo=UTC), D(2026, 3, 28)),
        (utc(2026, 3, 29, 0, 0), D(2026, 3, 29)),
        (utc(2026, 3, 29, 0, 59), D(2026, 3, 29)),  # 00:59 GMT
        (utc(2026, 3, 29, 1, 0), D(2026, 3, 29)),  # 02:00 BST
        (utc(2026, 3, 29, 22, 59), D(2026, 3, 29)),  # 23:59 BST
        (utc(2026, 3, 29, 23, 0), D(2026, 3, 30)),  # midnight BST: the next day
        (utc(2026, 3, 29, 23, 30), D(2026, 3, 30)),  # 00:30 BST on the 30th
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
        (datetime.datetime(2026, 10, 24, 22, 59, 59, tzinfo=UTC), D(2026, 10, 24)),
        (utc(2026, 10, 24, 23, 0), D(2026, 10, 25)),  # midnight BST
        (utc(2026, 10, 24, 23, 30), D(2026, 10, 25)),  # 00:30 BST on the 25th
        (utc(2026, 10, 25, 0, 30), D(2026, 10, 25)),  # 01:30 BST, the first time round
        (utc(2026, 10, 25, 1, 30), D(2026, 10, 25)),  # 01:30 GMT, the second time round
        (utc(2026, 10, 25, 23, 30), D(2026, 10, 25)),  # GMT again: 23:30 on the 25th
        (utc(2026, 10, 26, 0, 0), D(2026, 10, 26)),
    ],
)
def test_events_belong_to_the_uk_day(moment: datetime.datetime, day: datetime.date) -> None:
    assert acv.local_date(moment) == day


def test_an_aware_time_in_another_offset_is_read_correctly() -> None:
    paris = datetime.timezone(datetime.timedelta(hours=2))
    # 00:30 in UTC+2 on 25 Oct 2026 is 22:30 UTC on the 24th, 23:30 BST on the 24th.
    assert acv.local_date(datetime.datetime(2026, 10, 25, 0, 30, tzinfo=paris)) == D(2026, 10, 24)


def test_a_notice_late_on_a_summer_evening_counts_from_the_next_day() -> None:
    # 23:30 UTC on Saturday 24 Oct 2026 is 00:30 BST on Sunday 25 Oct: 25 Oct + 41 = 5 Dec.
    assert acv.interim_moratorium_end(utc(2026, 10, 24, 23, 30)) == D(2026, 12, 5)
    # An hour earlier it is still the 24th: 24 Oct + 41 days = 4 Dec.
    assert acv.interim_moratorium_end(utc(2026, 10, 24, 22, 30)) == D(2026, 12, 4)


def test_a_nomination_late_in_the_evening_across_the_spring_change() -> None:
    # 23:30 UTC on 28 Mar 2026 is GMT: the 28th. 28 Mar + 55 days = 22 May.
    assert acv.nomination_decision_deadline(utc(2026, 3, 28, 23, 30)) == D(2026, 5, 22)
    # 23:30 UTC on 29 Mar 2026 is BST: the 30th. 30 Mar + 55 days = 24 May.
    assert acv.nomination_decision_deadline(utc(2026, 3, 29, 23, 30)) == D(2026, 5, 24)


def test_a_bidder_request_late_on_the_last_summer_day_of_the_interim_period() -> None:
    notice = utc(2026, 3, 2, 10)  # interim moratorium ends Sunday 12 April 2026 (BST)
    assert acv.bidder_request_in_time(notice, utc(2026, 4, 12, 22, 59))  # 23:59 BST
    assert not acv.bidder_request_in_time(notice, utc(2026, 4, 12, 23, 0))  # 00:00 on the 13th


# --- Decision and review deadlines ----------------------------------------------------------


def test_decided_in_time_up_to_and_including_the_last_day() -> None:
    received = utc(2026, 3, 1)  # deadline Saturday 25 April 2026
    assert acv.decided_in_time(received, utc(2026, 3, 1, 13))
    assert acv.decided_in_time(received, utc(2026, 4, 25, 22, 59))  # 23:59 BST
    assert not acv.decided_in_time(received, utc(2026, 4, 25, 23, 0))  # 00:00 BST on the 26th
    assert not acv.decided_in_time(received, utc(2026, 4, 27))


def test_review_request_deadline_and_check() -> None:
    notice = utc(2026, 6, 3)  # 3 June + 55 days = 28 July 2026
    assert acv.review_request_deadline(notice) == D(2026, 7, 28)
    assert acv.review_requested_in_time(notice, utc(2026, 7, 28))
    assert not acv.review_requested_in_time(notice, utc(2026, 7, 29))


# --- The request to be treated as a bidder ---------------------------------------------------


def test_request_on_the_last_day_of_the_interim_period_starts_the_full_moratorium() -> None:
    dates = acv.moratorium_dates(utc(2026, 3, 2, 10), utc(2026, 4, 12, 9))
    assert dates.interim_end == D(2026, 4, 12)
    assert dates.full_end == D(2026, 9, 1)  # the day before 2 September
    assert dates.moratorium_end == D(2026, 9, 1)


def test_request_the_day_after_the_interim_period_is_refused() -> None:
    notice = utc(2026, 3, 2, 10)
    assert not acv.bidder_request_in_time(notice, utc(2026, 4, 13, 9))
    with pytest.raises(ValueError, match="after the interim moratorium ended"):
        acv.full_moratorium_end(notice, utc(2026, 4, 13, 9))
    with pytest.raises(ValueError, match="after the interim moratorium ended"):
        acv.moratorium_dates(notice, utc(2026, 4, 13, 9))


def test_request_on_the_day_of_the_notice_counts() -> None:
    assert acv.bidder_request_in_time(utc(2026, 3, 2, 10), utc(2026, 3, 2, 10, 5))


def test_without_a_request_only_the_interim_moratorium_applies() -> None:
    dates = acv.moratorium_dates(utc(2026, 3, 2, 10))
    assert dates.full_end is None
    assert dates.moratorium_end == D(2026, 4, 12)
    assert dates.protected_end == D(2027, 9, 1)  # the day before 2 September 2027


# --- Whether a sale may complete ------------------------------------------------------------

WITH_REQUEST = acv.moratorium_dates(utc(2026, 3, 2, 10), utc(2026, 4, 1))
WITHOUT_REQUEST = acv.moratorium_dates(utc(2026, 3, 2, 10))


@pytest.mark.parametrize(
    ("dates", "day", "block"),
    [
        (None, D(2026, 3, 10), SaleBlock.NO_NOTICE),
        (WITH_REQUEST, D(2026, 3, 1), SaleBlock.NO_NOTICE),  # the day before the notice
        (WITH_REQUEST, D(2026, 3, 2), SaleBlock.INTERIM_MORATORIUM),
        (WITH_REQUEST, D(2026, 4, 12), SaleBlock.INTERIM_MORATORIUM),  # last interim day
        (WITH_REQUEST, D(2026, 4, 13), SaleBlock.FULL_MORATORIUM),
        (WITH_REQUEST, D(2026, 9, 1), SaleBlock.FULL_MORATORIUM),  # last full day
        (WITH_REQUEST, D(2026, 9, 2), None),
        (WITH_REQUEST, D(2027, 9, 1), None),  # last protected day
        (WITH_REQUEST, D(2027, 9, 2), SaleBlock.PROTECTED_PERIOD_OVER),
        (WITHOUT_REQUEST, D(2026, 4, 12), SaleBlock.INTERIM_MORATORIUM),
        (WITHOUT_REQUEST, D(2026, 4, 13), None),  # no group asked: free after six weeks
        (WITHOUT_REQUEST, D(2026, 6, 1), None),
        (WITHOUT_REQUEST, D(2027, 9, 2), SaleBlock.PROTECTED_PERIOD_OVER),
    ],
)
def test_sale_block_in_each_period(
    dates: MoratoriumDates | None, day: datetime.date, block: SaleBlock | None
) -> None:
    assert acv.sale_block(dates, day) is block


# --- A second notice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("later", "starts"),
    [
        (utc(2026, 3, 10), False),  # during the interim moratorium
        (utc(2026, 6, 1), False),  # during the full moratorium
        (utc(2027, 9, 1, 22, 59), False),  # 23:59 BST on the last protected day
        (utc(2027, 9, 1, 23, 0), True),  # 00:00 BST on 2 September 2027
        (utc(2027, 9, 2), True),
    ],
)
def test_a_second_notice_within_18_months_starts_no_new_moratorium(
    later: datetime.datetime, starts: bool
) -> None:
    assert acv.notice_starts_new_moratorium(utc(2026, 3, 2, 10), later) is starts


def test_governing_notices_skip_those_in_a_protected_period() -> None:
    notices = [utc(2026, 3, 2), utc(2026, 6, 1), utc(2027, 9, 2), utc(2028, 1, 1)]
    # 2 Sep 2027 is after the first protected period (ends 1 Sep 2027); 1 Jan 2028 falls in
    # the second one (ends 1 Mar 2029).
    assert acv.governing_notices(notices) == [utc(2026, 3, 2), utc(2027, 9, 2)]
    assert acv.governing_notices([]) == []


# --- Bad input ------------------------------------------------------------------------------

NAIVE = datetime.datetime(2026, 3, 2, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: acv.local_date(NAIVE),
        lambda: acv.nomination_decision_deadline(NAIVE),
        lambda: acv.decided_in_time(utc(2026, 3, 2), NAIVE),
        lambda: acv.listing_end(NAIVE),
        lambda: acv.review_request_deadline(NAIVE),
        lambda: acv.interim_moratorium_end(NAIVE),
        lambda: acv.full_moratorium_end(NAIVE, utc(2026, 3, 3)),
        lambda: acv.protected_period_end(NAIVE),
        lambda: acv.moratorium_dates(NAIVE),
        lambda: acv.moratorium_dates(utc(2026, 3, 2), NAIVE),
        lambda: acv.notice_starts_new_moratorium(utc(2026, 3, 2), NAIVE),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: acv.decided_in_time(utc(2026, 3, 2), utc(2026, 3, 1)),
        lambda: acv.review_requested_in_time(utc(2026, 3, 2), utc(2026, 3, 2, 11)),
        lambda: acv.bidder_request_in_time(utc(2026, 3, 2), utc(2026, 3, 2, 11, 59)),
        lambda: acv.full_moratorium_end(utc(2026, 3, 2), utc(2026, 2, 20)),
        lambda: acv.moratorium_dates(utc(2026, 3, 2), utc(2026, 2, 20)),
        lambda: acv.notice_starts_new_moratorium(utc(2028, 3, 2), utc(2026, 3, 2)),
        lambda: acv.governing_notices([utc(2028, 3, 2), utc(2026, 3, 2)]),
    ],
)
def test_events_in_the_wrong_order_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="is recorded before"):
        call()


# --- Who may nominate -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        NominatingBody(BodyKind.PARISH_COUNCIL),
        NominatingBody(BodyKind.NEIGHBOURHOOD_FORUM),
        NominatingBody(BodyKind.UNINCORPORATED, local_electors=21),
        NominatingBody(BodyKind.CHARITY),
        NominatingBody(BodyKind.COMPANY_LIMITED_BY_GUARANTEE),
        NominatingBody(BodyKind.COMMUNITY_BENEFIT_SOCIETY),
        NominatingBody(BodyKind.COMMUNITY_INTEREST_COMPANY),
        # A charity or a CIC is not asked where its surplus goes (regulation 4(1)(b)).
        NominatingBody(BodyKind.CHARITY, spends_surplus_locally=False),
    ],
)
def test_eligible_bodies(body: NominatingBody) -> None:
    assert acv.ineligibility_reasons(body) == []


@pytest.mark.parametrize(
    ("body", "reasons"),
    [
        (
            NominatingBody(BodyKind.UNINCORPORATED, local_electors=20),
            [IneligibleReason.TOO_FEW_LOCAL_MEMBERS],
        ),
        (
            NominatingBody(BodyKind.UNINCORPORATED, local_electors=0, distributes_surplus=True),
            [IneligibleReason.TOO_FEW_LOCAL_MEMBERS, IneligibleReason.DISTRIBUTES_SURPLUS],
        ),
        (
            NominatingBody(BodyKind.COMPANY_LIMITED_BY_GUARANTEE, distributes_surplus=True),
            [IneligibleReason.DISTRIBUTES_SURPLUS],
        ),
        (
            NominatingBody(BodyKind.COMMUNITY_BENEFIT_SOCIETY, is_credit_union=True),
            [IneligibleReason.CREDIT_UNION],
        ),
        (
            NominatingBody(BodyKind.CHARITY, works_locally=False),
            [IneligibleReason.NO_LOCAL_ACTIVITY],
        ),
        (
            NominatingBody(
                BodyKind.UNINCORPORATED,
                local_electors=40,
                works_locally=False,
                spends_surplus_locally=False,
            ),
            [IneligibleReason.NO_LOCAL_ACTIVITY, IneligibleReason.SURPLUS_NOT_SPENT_LOCALLY],
        ),
        (
            NominatingBody(BodyKind.PARISH_COUNCIL, land_in_own_area=False),
            [IneligibleReason.LAND_OUTSIDE_PARISH],
        ),
        (NominatingBody(BodyKind.PUBLIC_AUTHORITY), [IneligibleReason.PUBLIC_AUTHORITY]),
        (NominatingBody(BodyKind.OTHER), [IneligibleReason.NOT_A_COMMUNITY_BODY]),
    ],
)
def test_ineligibility_reasons(body: NominatingBody, reasons: list[IneligibleReason]) -> None:
    assert acv.ineligibility_reasons(body) == reasons


def test_a_negative_member_count_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        acv.ineligibility_reasons(NominatingBody(BodyKind.UNINCORPORATED, local_electors=-1))


# --- Where the right applies ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "where", "applies"),
    [
        ("E07000178", Jurisdiction.ENGLAND, True),  # Oxford
        (" e09000033 ", Jurisdiction.ENGLAND, True),
        ("W06000015", Jurisdiction.WALES, False),  # Cardiff: no such right
        ("S12000036", Jurisdiction.NOT_APPLICABLE, False),
        ("N09000003", Jurisdiction.NOT_APPLICABLE, False),
    ],
)
def test_jurisdiction(code: str, where: Jurisdiction, applies: bool) -> None:
    assert acv.jurisdiction(code) is where
    assert acv.acv_applies(code) is applies


@pytest.mark.parametrize("code", ["", "   ", "X01000001", "123"])
def test_jurisdiction_refuses_unknown_codes(code: str) -> None:
    with pytest.raises(ValueError, match="not an ONS code"):
        acv.jurisdiction(code)


# --- Properties -----------------------------------------------------------------------------

days = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))
moments = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2090, 12, 31)
).map(lambda moment: moment.replace(tzinfo=UTC))


@given(first=days, second=days, months=st.integers(min_value=1, max_value=60))
def test_month_periods_are_monotone_and_end_on_or_after_their_start(
    first: datetime.date, second: datetime.date, months: int
) -> None:
    early, late = sorted((first, second))
    assert acv.period_end(early, months=months) <= acv.period_end(late, months=months)
    assert acv.period_end(early, months=months) >= early
    # A longer period never ends sooner.
    assert acv.period_end(early, months=months + 1) > acv.period_end(early, months=months)


@given(start=days, weeks=st.integers(min_value=1, max_value=104))
def test_week_periods_have_exactly_seven_days_a_week(start: datetime.date, weeks: int) -> None:
    end = acv.period_end(start, weeks=weeks)
    assert (end - start).days + 1 == 7 * weeks


@given(notice=moments)
def test_moratorium_dates_are_in_order(notice: datetime.datetime) -> None:
    interim_end = acv.interim_moratorium_end(notice)
    last_moment = datetime.datetime.combine(
        interim_end, datetime.time(23, 59), tzinfo=acv.UK_TIME
    ).astimezone(UTC)
    dates = acv.moratorium_dates(notice, last_moment)
    assert dates.full_end is not None
    assert dates.notice_received <= dates.interim_end < dates.full_end < dates.protected_end
    assert acv.sale_block(dates, dates.protected_end) is None
    assert acv.sale_block(dates, dates.full_end) is SaleBlock.FULL_MORATORIUM
    assert not acv.notice_starts_new_moratorium(
        notice, datetime.datetime.combine(dates.protected_end, datetime.time(12), tzinfo=UTC)
    )


@given(moment=moments)
def test_the_uk_day_is_the_utc_day_or_the_next(moment: datetime.datetime) -> None:
    offset = acv.local_date(moment) - moment.date()
    assert offset in (datetime.timedelta(0), datetime.timedelta(days=1))


def test_the_rules_module_does_not_import_django() -> None:
    tree = ast.parse(inspect.getsource(acv))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }
    assert "django" not in imported
