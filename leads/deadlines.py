"""How long an agency has for a lead: working days per source (调休-aware), from the day received.

The number per source is data (``LeadDeadline``, editable in the admin); ``DEFAULT_WORKING_DAYS``
applies where the table has no row. Complaints owe the complainant a reply by the same day.
"""

import datetime

from core.workdays import add_working_days, working_days_between

# 信访 practice answers within 15 working days; data-driven leads need a check of records first.
DEFAULT_WORKING_DAYS = {
    "complaint": 15,
    "ministry_list": 20,
    "comparison": 20,
    "spot_check": 20,
    "referral": 15,
    "other": 20,
}
DEFAULT_REMINDER_WORKING_DAYS = 3


def rule_for(source: str) -> tuple[int, int]:
    """Return (working days to close, working days of warning before) for ``source``."""
    from leads.models import LeadDeadline

    row = LeadDeadline.objects.filter(source=source).first()
    if row is not None:
        return row.working_days, row.reminder_working_days
    return DEFAULT_WORKING_DAYS.get(source, 20), DEFAULT_REMINDER_WORKING_DAYS


def deadline_for(source: str, received_on: datetime.date) -> datetime.date:
    """Return the day a lead of ``source`` received on ``received_on`` must be closed by."""
    days, _warning = rule_for(source)
    return add_working_days(received_on, days)


def reminder_due(deadline: datetime.date, today: datetime.date, warning: int) -> bool:
    """Return True when ``today`` lies within ``warning`` working days before ``deadline``."""
    return today <= deadline and working_days_between(today, deadline) <= warning
