"""Working days in England and Wales: weekends and bank holidays don't count."""

from __future__ import annotations

import datetime

from grassroots.support.workdays import add_working_days, is_working_day, working_days_between

THU_BEFORE_EASTER = datetime.date(2026, 4, 2)
GOOD_FRIDAY = datetime.date(2026, 4, 3)
EASTER_MONDAY = datetime.date(2026, 4, 6)


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert not is_working_day(GOOD_FRIDAY)
    assert not is_working_day(EASTER_MONDAY)
    assert not is_working_day(datetime.date(2026, 4, 4))  # Saturday
    assert is_working_day(datetime.date(2026, 4, 7))


def test_a_bank_holiday_weekend_counts_as_one_working_day_to_the_tuesday() -> None:
    assert working_days_between(THU_BEFORE_EASTER, datetime.date(2026, 4, 7)) == 1


def test_five_working_days_after_the_thursday_before_easter_is_the_next_monday_week() -> None:
    assert add_working_days(THU_BEFORE_EASTER, 5) == datetime.date(2026, 4, 13)
    assert working_days_between(THU_BEFORE_EASTER, datetime.date(2026, 4, 13)) == 5
    assert working_days_between(THU_BEFORE_EASTER, datetime.date(2026, 4, 10)) == 4


def test_the_same_day_or_earlier_is_no_wait() -> None:
    assert working_days_between(THU_BEFORE_EASTER, THU_BEFORE_EASTER) == 0
    assert working_days_between(THU_BEFORE_EASTER, datetime.date(2026, 4, 1)) == 0


def test_a_scottish_only_holiday_is_a_working_day_in_england() -> None:
    # 2 January is a bank holiday in Scotland only.
    assert is_working_day(datetime.date(2026, 1, 2))


def test_boxing_day_substitute_is_not_a_working_day() -> None:
    # 26 December 2026 is a Saturday: the bank holiday moves to Monday 28 December.
    assert not is_working_day(datetime.date(2026, 12, 28))
    assert working_days_between(datetime.date(2026, 12, 24), datetime.date(2026, 12, 29)) == 1
