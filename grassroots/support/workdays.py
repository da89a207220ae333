"""Working days in England and Wales: weekends and bank holidays (subdivision ENG) excluded.

Pure date arithmetic with the `holidays` package; no Django import, so it is cheap to test.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    # England and Wales share their bank holidays; the package names the subdivision "ENG".
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).

    A request made on a Friday and looked at on the following Monday has waited 1 working day.
    """
    if end <= start:
        return 0
    count = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += datetime.timedelta(days=1)
    return count


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start`."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
