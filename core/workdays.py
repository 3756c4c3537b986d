"""Chinese working days (holidays and 调休 included): the calendar every deadline counts in.

Pure functions over ``chinesecalendar``; the monthly reports' deadlines (``reports.deadlines``)
and the leads' verification deadlines (``leads.deadlines``) both count here.
"""

import datetime
from functools import lru_cache

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=8192)  # a pure function of the day: a status table asks it ~1,000 times
def is_working_day(day: datetime.date) -> bool:
    """Return True on a Chinese working day, including a weekend made a working day by 调休."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # outside the calendar's years: fall back to Monday–Friday
        return day.weekday() < 5


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Return how many working days lie after ``start`` up to and including ``end`` (0 if past)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_working_day(day):
            count += 1
    return count


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """Return the ``n``-th working day after ``start`` (``start`` itself does not count)."""
    day, seen = start, 0
    while seen < n:
        day += ONE_DAY
        if is_working_day(day):
            seen += 1
    return day
