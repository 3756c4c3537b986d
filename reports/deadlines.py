"""Due dates of the monthly report, counted in Chinese working days (holidays and 调休 included)."""

import datetime
from dataclasses import dataclass

import chinese_calendar

from core.months import next_month

# Used when the ReportDeadline table has no row for a level (e.g. right after a flush in tests);
# the same values are created as data by migration 0002 and can be changed in the admin.
DEFAULT_DEADLINES = {
    "province": {"day_of_next_month": 1, "working_days_before_parent": 0},
    "prefecture": {"day_of_next_month": None, "working_days_before_parent": 2},
    "county": {"day_of_next_month": None, "working_days_before_parent": 3},
}
DEFAULT_REMINDER_WORKING_DAYS = 2
PARENT_LEVEL = {"county": "prefecture", "prefecture": "province"}


@dataclass(frozen=True)
class DeadlineRule:
    level: str
    day_of_next_month: int | None
    working_days_before_parent: int
    reminder_working_days: int


def is_working_day(day: datetime.date) -> bool:
    """Return True on a Chinese working day, including a weekend made a working day by 调休."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # outside the calendar's years: fall back to Monday–Friday
        return day.weekday() < 5


def shift_working_days(day: datetime.date, count: int) -> datetime.date:
    """Return the date ``count`` working days after (positive) or before (negative) ``day``."""
    step = datetime.timedelta(days=1 if count > 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Return how many working days lie after ``start`` up to and including ``end`` (0 if past)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def first_working_day_of(month: datetime.date) -> datetime.date:
    """Return the first working day of the month starting at ``month``."""
    day = month.replace(day=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def deadline_rules() -> dict[str, DeadlineRule]:
    """Return the rule per level from the ReportDeadline table, with defaults for missing levels."""
    from reports.models import ReportDeadline

    rules = {
        level: DeadlineRule(level, reminder_working_days=DEFAULT_REMINDER_WORKING_DAYS, **values)
        for level, values in DEFAULT_DEADLINES.items()
    }
    for row in ReportDeadline.objects.all():
        rules[row.level] = DeadlineRule(
            row.level,
            row.day_of_next_month,
            row.working_days_before_parent,
            row.reminder_working_days,
        )
    return rules


def due_date(level: str, month: datetime.date, rules: dict | None = None) -> datetime.date:
    """Return the date a report of ``level`` for ``month`` is due."""
    rules = rules or deadline_rules()
    rule = rules[level]
    if rule.day_of_next_month or level not in PARENT_LEVEL:
        anchor = next_month(month).replace(day=rule.day_of_next_month or 1)
    else:
        anchor = due_date(PARENT_LEVEL[level], month, rules)
    if rule.working_days_before_parent:
        return shift_working_days(anchor, -rule.working_days_before_parent)
    return anchor
