"""When a month's 附件1 may be filed and when each stage of the chain is due.

The plan: 每月1日 … 组织各地有关部门 … 填报上月查处情况，交由住房城乡建设厅统一汇总后上报.
On the 1st the filing of the previous calendar month opens; each stage is then due on the n-th
working day of that next month (holidays and 调休 included), in the chain's order: counties,
cities, the provincial departments, and 住建厅's consolidated report to the ministry. The n per
stage is data (``ReportDeadline``, per campaign); everything here but ``deadline_rules`` is a
pure function.
"""

import datetime
import itertools
from dataclasses import dataclass

from core.months import next_month
from core.workdays import is_working_day, working_days_between

COUNTY, PREFECTURE, PROVINCE, CONSOLIDATION = "county", "prefecture", "province", "consolidation"
# The chain's order: each stage reviews the one before it, so it must fall due later.
STAGES = (COUNTY, PREFECTURE, PROVINCE, CONSOLIDATION)
# Used when the ReportDeadline table has no row for a stage (e.g. right after a flush in tests);
# the same values are created as data by migration 0005 and can be changed in the admin.
DEFAULT_WORKING_DAYS = {COUNTY: 3, PREFECTURE: 5, PROVINCE: 7, CONSOLIDATION: 10}
DEFAULT_REMINDER_WORKING_DAYS = 2
# At most this many working days into the next month: every month has more, so a deadline never
# slips into the month after (and the beat tasks look at one month only).
MAX_WORKING_DAY = 15


@dataclass(frozen=True)
class DeadlineRule:
    """A stage is due on the ``working_day``-th working day of the month after the one it covers."""

    stage: str
    working_day: int
    reminder_working_days: int = DEFAULT_REMINDER_WORKING_DAYS


def default_rules() -> dict[str, DeadlineRule]:
    """Return the plan's deadlines: counties 3, cities 5, departments 7, 住建厅 10."""
    return {stage: DeadlineRule(stage, day) for stage, day in DEFAULT_WORKING_DAYS.items()}


def nth_working_day(month: datetime.date, n: int) -> datetime.date:
    """Return the ``n``-th working day (1-based) of the month starting at ``month``."""
    day, seen = month.replace(day=1), 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == n:
                return day
        day += datetime.timedelta(days=1)


def filing_opens(month: datetime.date) -> datetime.date:
    """Return the day the filing of ``month`` opens: the 1st of the next month (it has ended)."""
    return next_month(month)


def is_filing_open(month: datetime.date, today: datetime.date) -> bool:
    """Return True once ``month`` has ended, i.e. its report may be filed."""
    return today >= filing_opens(month)


def due_date(stage: str, month: datetime.date, rules: dict | None = None) -> datetime.date:
    """Return the day the ``stage`` report of ``month`` is due (a level or "consolidation")."""
    rule = (rules or deadline_rules())[stage]
    return nth_working_day(filing_opens(month), rule.working_day)


def days_late(due: datetime.date | None, filed_on: datetime.date | None) -> int:
    """Return how many days after ``due`` a report was first sent up (0 when on time or unsent)."""
    if due is None or filed_on is None:
        return 0
    return max(0, (filed_on - due).days)


def reminder_due(rule: DeadlineRule, month: datetime.date, today: datetime.date) -> bool:
    """Return True when ``today`` lies within the rule's reminder lead before its due date.

    Never before filing opens: a reminder to file a month that has not ended asks the impossible.
    """
    due = nth_working_day(filing_opens(month), rule.working_day)
    return (
        is_filing_open(month, today)
        and today <= due
        and working_days_between(today, due) <= rule.reminder_working_days
    )


def order_problems(rules: dict[str, DeadlineRule]) -> list[tuple[str, str]]:
    """Return the (earlier, later) stage pairs whose deadlines break the chain's order."""
    return [
        (first, then)
        for first, then in itertools.pairwise(STAGES)
        if rules[first].working_day >= rules[then].working_day
    ]


def deadline_rules(campaign=None) -> dict[str, DeadlineRule]:
    """Return the campaign's rule per stage (the current campaign's when none is given) from the
    ReportDeadline table, with the plan's defaults for the stages it does not set."""
    from campaigns.selectors import campaign_current
    from reports.models import ReportDeadline

    campaign = campaign or campaign_current()
    rules = default_rules()
    for row in ReportDeadline.objects.filter(campaign=campaign):
        rules[row.stage] = DeadlineRule(row.stage, row.working_day, row.reminder_working_days)
    return rules
