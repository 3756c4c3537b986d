"""Scheduled work of the monthly report; thin and idempotent (a worker may run a task twice)."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.months import previous_month
from reports import deadlines, services


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="reports.open_month")
def reports_open_month(today: str | None = None, force: bool = False) -> int:
    """From the first working day after month end, create last month's missing draft reports."""
    day = _day(today)
    # Not only *on* that day: a beat or worker down that day must not leave the month unopened.
    # Creating drafts is idempotent, so later runs in the month create only what is missing.
    if not force and day < deadlines.first_working_day_of(day):
        return 0
    return services.reports_open_month(month=previous_month(day))


@shared_task(name="reports.send_reminders")
def reports_send_reminders(today: str | None = None) -> int:
    """Remind agencies whose report is not submitted a few working days before it is due."""
    return services.report_reminders_send(today=_day(today))


@shared_task(name="reports.list_overdue")
def reports_list_overdue(today: str | None = None) -> int:
    """Tell parent agencies and 住建厅 which reports are overdue."""
    return services.reports_overdue_notify(today=_day(today))
