"""Months as the campaign counts them: the first day stands for the month (2019-03-01)."""

import datetime
import re

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_label(month: datetime.date) -> str:
    """Return the month in Chinese: 2019年3月."""
    return f"{month.year}年{month.month}月"


def day_label(day: datetime.date) -> str:
    """Return a date in Chinese: 2019年3月2日."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_day_label(day: datetime.date) -> str:
    """Return a date within the year in Chinese: 3月2日."""
    return f"{day.month}月{day.day}日"


def month_param(month: datetime.date) -> str:
    """Return the month as it travels in URLs and the API: 2019-03."""
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(value) -> datetime.date | None:
    """Return the first day of the month given as ``2019-03`` (or a date), or None."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = MONTH.match(str(value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1 <= year <= 9998):
        return None
    return datetime.date(year, month, 1)


def next_month(month: datetime.date) -> datetime.date:
    """Return the first day of the month after ``month``."""
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    """Return the first day of the month before ``month``."""
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the month's first day and the next month's first day (a half-open range)."""
    return month.replace(day=1), next_month(month)
