"""Whether a report's period may be filed: the month within its campaign and ended, the phase
summary any time once its phase has begun."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.months import day_label, month_label
from reports import deadlines


def check_month(campaign, month: datetime.date) -> None:
    """Refuse a month in the future or outside the campaign's reported months."""
    if month > timezone.localdate().replace(day=1):
        raise DomainError(_("月份不能晚于本月。"), fields={"month": [_("不能填报未来月份。")]})
    if not campaign.reports_month(month):
        message = _(
            "%(month)s不是“%(campaign)s”的报送月份（%(months)s）；"
            "首个报送月份之前的情况由自查自纠阶段工作总结报告。"
        ) % {"month": month_label(month), "campaign": campaign, "months": campaign.reporting_label}
        raise DomainError(message, fields={"month": [message]})


def check_filing_open(month: datetime.date) -> None:
    """Refuse to file a month that has not ended: the plan files the previous month's cases."""
    if deadlines.is_filing_open(month, timezone.localdate()):
        return
    message = _(
        "%(month)s尚未结束，不能填报：附件1每月1日起填报上月查处情况，"
        "%(month)s的月报自%(opens)s起填报。"
    ) % {"month": month_label(month), "opens": day_label(deadlines.filing_opens(month))}
    raise DomainError(message, fields={"month": [message]})


def check_phase_begun(phase) -> None:
    """Refuse a summary of a phase that has not begun."""
    if timezone.localdate() < phase.starts_on:
        message = _("%(phase)s阶段自%(day)s开始，尚不能报送其工作总结。") % {
            "phase": phase.get_kind_display(),
            "day": day_label(phase.starts_on),
        }
        raise DomainError(message, fields={"phase": [message]})


@dataclass(frozen=True)
class Period:
    """What a report or consolidation covers: a month of a campaign's 附件1, or a phase."""

    campaign: object
    kind: str
    month: datetime.date | None = None
    phase: object = None

    @classmethod
    def of(cls, record) -> "Period":
        """Return the period of a report or consolidation."""
        return cls(record.campaign, record.kind, record.month, record.phase)

    @property
    def lookup(self) -> dict:
        """Return the field values selecting this period's reports (or consolidation)."""
        return {
            "campaign": self.campaign,
            "kind": self.kind,
            "month": self.month,
            "phase": self.phase,
        }

    @property
    def label(self) -> str:
        if self.month is not None:
            return month_label(self.month)
        return f"{self.phase.get_kind_display()}阶段工作总结"
