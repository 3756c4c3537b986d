"""Scheduled work of the lead pipeline; thin and idempotent (keyed notifications)."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.ratelimit import rate_counters_prune
from leads import notices


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="leads.send_reminders")
def leads_send_reminders(today: str | None = None) -> int:
    """Remind agencies of leads falling due within their source's warning period."""
    return notices.leads_remind(today=_day(today))


@shared_task(name="leads.list_overdue")
def leads_list_overdue(today: str | None = None) -> int:
    """Tell the holding agency and the one above it of each lead past its deadline."""
    return notices.leads_overdue_notify(today=_day(today))


@shared_task(name="core.prune_rate_counters")
def prune_rate_counters() -> int:
    """Delete rate-limit counters of windows that ended a day ago."""
    return rate_counters_prune()
