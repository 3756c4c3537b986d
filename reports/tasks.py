"""Scheduled work of the monthly report; thin and idempotent (a worker may run a task twice).

Each task runs daily and decides for itself whether today is its day, so a beat or worker that
was down is caught up the next day, and a second run sends nothing twice (keyed notifications).
"""

import datetime

from celery import shared_task
from django.utils import timezone

from core.months import previous_month
from reports import services


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="reports.open_month")
def reports_open_month(today: str | None = None) -> int:
    """Create last month's missing draft reports: its filing opened on the 1st (the plan)."""
    # Every day, not only on the 1st: creating drafts is idempotent, so a missed day is caught
    # up and later runs in the month create only what is missing.
    return services.reports_open_month(month=previous_month(_day(today)))


@shared_task(name="reports.send_reminders")
def reports_send_reminders(today: str | None = None) -> int:
    """Remind agencies and 住建厅 a few working days before their deadline."""
    return services.report_reminders_send(today=_day(today))


@shared_task(name="reports.list_overdue")
def reports_list_overdue(today: str | None = None) -> int:
    """Tell parent agencies and 住建厅 which reports, and whether the consolidation, are overdue."""
    return services.reports_overdue_notify(today=_day(today))
