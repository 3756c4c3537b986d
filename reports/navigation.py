"""The month control of every page that shows a month (reports, consolidation, dashboard).

It offers the chosen campaign's reported months — nothing before its first, nothing after its
last or after this month — each with its real status for the user: their own agency's report,
or for 住建厅 and the ministry the province consolidation. The current campaign is the default,
and the default month the latest whose filing has opened.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from agencies import permissions
from campaigns.models import Campaign
from campaigns.selectors import campaign_chosen, reporting_months
from core.months import month_label, month_param, parse_month
from reports import deadlines
from reports.models import REPORTING, Consolidation, Report

NOT_REPORTED = "未报"


@dataclass(frozen=True)
class MonthChoice:
    month: datetime.date
    status: str  # the user's view of the month: 未报, 已报送 …, or "" where it has none

    @property
    def label(self) -> str:
        text = month_label(self.month)
        return f"{text} · {self.status}" if self.status else text


@dataclass
class MonthNav:
    campaigns: list[Campaign]
    campaign: Campaign
    month: datetime.date | None  # None when the campaign has no reported month yet
    choices: list[MonthChoice] = field(default_factory=list)

    @property
    def query(self) -> str:
        """Return the query string naming the chosen campaign and month, for links."""
        month = f"&month={month_param(self.month)}" if self.month else ""
        return f"campaign={self.campaign.code}{month}"


def _default_month(months: list[datetime.date], today: datetime.date) -> datetime.date | None:
    """Return the latest month whose filing has opened, else the campaign's first month."""
    for month in months:  # the latest first
        if deadlines.is_filing_open(month, today):
            return month
    return months[-1] if months else None


def month_statuses(*, user, campaign: Campaign, months: list[datetime.date]) -> dict:
    """Return each month's status for ``user``: their own agency's 附件1 (the first one they
    file for), or for consolidators and ministry users the province consolidation."""
    own = [
        a
        for a in permissions.agencies_where(user, permissions.WRITE_ROLES)
        if a.department.kind == REPORTING
    ]
    if own:
        reports = Report.objects.filter(
            campaign=campaign, kind=Report.Kind.ANNEX1, agency=own[0], month__in=months
        ).values_list("month", "status")
        labels = dict(Report.Status.choices)
        found = {month: str(labels[status]) for month, status in reports}
        return {month: found.get(month, NOT_REPORTED) for month in months}
    if permissions.is_consolidator(user) or permissions.is_ministry(user):
        consolidations = Consolidation.objects.restrict(user, "view").filter(
            campaign=campaign, kind=Report.Kind.ANNEX1, month__in=months
        )
        labels = dict(Consolidation.Status.choices)
        found = {c.month: str(labels[c.status]) for c in consolidations}
        return {month: found.get(month, "未汇总") for month in months}
    return {}


def month_nav(request, *, statuses: bool = True) -> MonthNav:
    """Return the month control for ``request``'s ``campaign`` and ``month`` parameters.

    A month outside the chosen campaign falls back to its default month; an unknown campaign
    answers 404 (as any object the user cannot name).
    """
    params = request.GET if request.method == "GET" else request.POST
    campaign = campaign_chosen(params.get("campaign"))
    today = timezone.localdate()
    months = reporting_months(campaign, today)
    chosen = parse_month(params.get("month"))
    month = chosen if chosen in months else _default_month(months, today)
    found = month_statuses(user=request.user, campaign=campaign, months=months) if statuses else {}
    return MonthNav(
        campaigns=list(Campaign.objects.order_by("-starts_on", "code")),
        campaign=campaign,
        month=month,
        choices=[MonthChoice(m, found.get(m, "")) for m in months],
    )
