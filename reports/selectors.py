"""Reads of the monthly report: lists, rows, children's status, diffs and workbook data."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Min, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, Department, Region
from campaigns.selectors import campaign_reporting
from cases.models import Case
from core.errors import NotFoundError
from core.months import month_label, next_month
from core.replica import reporting_reads
from reports import deadlines
from reports.kinds import kind_of
from reports.models import (
    REPORTING,
    Consolidation,
    Report,
    ReportRevision,
    SummaryAttachment,
    province_reports_q,
)


def report_list(
    *,
    user,
    month: datetime.date | None = None,
    action: str = "view",
    kind: str | None = None,
    campaign=None,
) -> QuerySet:
    """Return the reports the user may see, optionally of one campaign, month and kind."""
    qs = Report.objects.restrict(user, action).select_related(
        "campaign",
        "phase",
        "agency",
        "agency__department",
        "agency__region",
        "agency__parent",
        "current_revision",
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if month is not None:
        qs = qs.filter(month=month)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-month", "agency__department__sort_order", "agency__path")


def consolidation_list(
    *, user, month: datetime.date | None = None, campaign=None, kind: str | None = None
) -> QuerySet:
    """Return the consolidations the user may see (ministry users: only reported ones)."""
    qs = Consolidation.objects.restrict(user, "view").select_related(
        "campaign", "phase", "agency", "created_by", "reported_by"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if month is not None:
        qs = qs.filter(month=month)
    # Each frozen revision keeps its number of rows: summing five numbers, not counting the
    # province's rows (290 ms for three months at a million cases). A subquery, not a join and
    # GROUP BY: with the five select_related tables the join took 14 ms to plan for 0.3 ms of
    # execution (docs/performance.md §14).
    totals = (
        ReportRevision.objects.filter(consolidations=OuterRef("pk"))
        .order_by()
        .values("consolidations")
        .annotate(total=Sum("row_count"))
        .values("total")
    )
    return qs.annotate(row_count_total=Subquery(totals)).order_by("-month")


# When a report was first signed and sent up: the deadline is met (or missed) by that sending;
# a later resubmission after a return does not make an on-time report late.
# A subquery, not a join and GROUP BY over every selected column: that took 5-7 ms to plan for
# 0.2 ms of execution on each status table (docs/performance.md §14).
FIRST_SUBMITTED = Subquery(
    ReportRevision.objects.filter(report=OuterRef("pk"))
    .order_by()
    .values("report")
    .annotate(first=Min("submitted_at"))
    .values("first")
)


@dataclass
class ChildStatus:
    agency: Agency
    report: Report | None
    due: datetime.date | None

    @property
    def status_label(self) -> str:
        if self.report is None or self.report.status == Report.Status.DRAFT:
            return "未报"
        return self.report.get_status_display()

    @cached_property  # asked twice a row of a 205-row status table
    def late_days(self) -> int:
        """Return how many days after the due date the report was first sent up (0: on time)."""
        first = getattr(self.report, "first_submitted_at", None)
        filed_on = timezone.localtime(first).date() if first else None
        return deadlines.days_late(self.due, filed_on)

    @cached_property
    def is_late(self) -> bool:
        """Return True past the due date until the report is signed off and sent up."""
        filed = self.report is not None and self.report.is_filed
        return bool(not filed and self.due and timezone.localdate() > self.due)


def _statuses(*, user, agencies: list[Agency], month, campaign, rules=None) -> list[ChildStatus]:
    """Return each of ``agencies`` with its 附件1 of ``month`` where the user may read it (else
    None: 未报) and the day it is due at its level."""
    reports = {
        r.agency_id: r
        for r in Report.objects.restrict(user, "view")
        .filter(campaign=campaign, kind=Report.Kind.ANNEX1, month=month, agency__in=agencies)
        .select_related("current_revision")
        .annotate(first_submitted_at=FIRST_SUBMITTED)
    }
    rules = rules or deadlines.deadline_rules(campaign)
    return [
        ChildStatus(a, reports.get(a.pk), deadlines.due_date(a.level, month, rules))
        for a in agencies
    ]


def children_status(
    *, user, agency: Agency, month: datetime.date, campaign=None
) -> list[ChildStatus]:
    """Return each agency below ``agency`` in the user's scope with its report (未报/退回…).

    Only children whose reports the user may read are listed: 住建厅 reads the other
    departments' province-level reports, not their cities', so their page shows no children
    rather than statuses it could not open (or a false 未报).
    """
    children = (
        Agency.objects.restrict(user, "view")
        .filter(parent=agency, is_active=True)
        .select_related("department", "region")
    )
    children = list(children.order_by("region__code"))
    campaign = campaign or campaign_reporting(month)
    return _statuses(user=user, agencies=children, month=month, campaign=campaign)


def province_status(
    *, user, month: datetime.date | None, rules=None, campaign=None
) -> list[ChildStatus]:
    """Return the five departments' province-level agencies with the user's view of their reports.

    The agencies' names are public; a report the user may not read counts as not reported.
    """
    agencies = list(
        Agency.objects.filter(province_reports_q(prefix=""))
        .select_related("department", "region")
        .order_by("department__sort_order")
    )
    if month is None:
        return [ChildStatus(a, None, None) for a in agencies]
    campaign = campaign or campaign_reporting(month)
    return _statuses(user=user, agencies=agencies, month=month, campaign=campaign, rules=rules)


def _month_run(found: set[datetime.date], limit: int) -> list[datetime.date]:
    """Return every month from the first to the last of ``found`` (the last ``limit``): a month
    in which nothing was approved is shown as 0, not left out of the axis."""
    if not found:
        return []
    months, month = [], min(found)
    while month <= max(found):
        months.append(month)
        month = next_month(month)
    return months[-limit:]


@reporting_reads()
def consolidation_chart(*, user, months: int = 12, campaign=None) -> dict:
    """Return approved province-level row counts by month × department the user may read, every
    month of the span included, and the same figures as table rows (the chart's text form)."""
    reports = Report.objects.restrict(user, "view")
    if campaign is not None:
        reports = reports.filter(campaign=campaign)
    rows = (
        reports.filter(province_reports_q(), kind=Report.Kind.ANNEX1, status=Report.Status.APPROVED)
        .values("month", "agency__department__short_name")
        .annotate(n=Sum("current_revision__row_count"))  # stored at freezing, not counted
        .order_by("month")
    )
    labels = _month_run({r["month"] for r in rows}, months)
    departments = list(
        Department.objects.filter(kind=REPORTING).values_list("short_name", flat=True)
    )
    data = {d: [0] * len(labels) for d in departments}
    for r in rows:
        if r["month"] in labels:
            data[r["agency__department__short_name"]][labels.index(r["month"])] = r["n"]
    return {
        "labels": [month_label(m) for m in labels],
        "datasets": [{"label": d, "data": v} for d, v in data.items()],
        "departments": departments,
        "table": [
            {
                "month": month_label(m),
                "values": [data[d][i] for d in departments],
                "total": sum(data[d][i] for d in departments),
            }
            for i, m in enumerate(labels)
        ],
    }


def visible_case_ids(*, user, case_ids) -> set[int]:
    """Return those of ``case_ids`` whose cases ``user`` may open (report rows link to them)."""
    ids = {pk for pk in case_ids if pk}
    if not ids:
        return set()
    return set(Case.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))


def inspected_agencies(*, user) -> list[Agency]:
    """Return the agencies whose reports (and those below) the user oversees as an inspector."""
    return permissions.agencies_where(user, {permissions.INSPECTOR})


def inspected_status(*, user, agency: Agency, month: datetime.date, campaign=None):
    """Return every reporting agency from ``agency`` down, in the user's scope, with its report
    of ``month`` (未报 where there is none): an inspector's read-only view of the filing."""
    agencies = list(
        Agency.objects.restrict(user, "view")
        .filter(path__startswith=agency.path, is_active=True, department__kind=REPORTING)
        .order_by("path")  # a row shows the agency's name only: no department or region joined
    )
    campaign = campaign or campaign_reporting(month)
    return _statuses(user=user, agencies=agencies, month=month, campaign=campaign)


def reviewable_agencies(*, user) -> list[Agency]:
    """Return the agencies whose children's reports the user reviews."""
    return permissions.agencies_where(user, {permissions.REVIEWER})


# The content of a report depends on its kind (reports.kinds): these read it through the kind.


def report_rows(report: Report, *, full_ids: bool) -> tuple[list[dict], bool]:
    """Return the report's rows and whether they are frozen (else a live preview)."""
    return kind_of(report).rows(report, full_ids=full_ids)


def revision_diff(report: Report, *, full_ids: bool) -> dict | None:
    """Return what changed since the previous revision (or None)."""
    return kind_of(report).diff(report, full_ids=full_ids)


def report_document(report: Report, *, full_ids: bool) -> tuple[bytes, str]:
    """Return the report's document (the 附件1 workbook …) and its file name.

    Users who may see a report but do not need full ID numbers (e.g. inspectors doing spot
    checks) still download it, with the numbers masked, rather than being refused: the sheet is
    what they check against, and a masked copy carries everything but the numbers.
    """
    kind = kind_of(report)
    return kind.document(report, full_ids=full_ids), kind.filename(report)


# Phase summaries: the same statuses, the children and due dates of a phase.


def summary_children(*, user, agency: Agency, phase) -> list[ChildStatus]:
    """Return the 市(州) agencies below ``agency`` in the user's scope with their summary."""
    children = list(
        Agency.objects.restrict(user, "view")
        .filter(parent=agency, is_active=True, level=Region.Level.PREFECTURE)
        .select_related("department", "region")
        .order_by("region__code")
    )
    reports = {
        r.agency_id: r
        for r in Report.objects.restrict(user, "view")
        .filter(kind=Report.Kind.SUMMARY, phase=phase, agency__in=children)
        .select_related("current_revision")
        .annotate(first_submitted_at=FIRST_SUBMITTED)
    }
    return [ChildStatus(c, reports.get(c.pk), phase.summary_due_city) for c in children]


def summary_province_status(*, user, phase) -> list[ChildStatus]:
    """Return the five departments' provincial summaries of ``phase`` as the user sees them."""
    agencies = list(
        Agency.objects.filter(province_reports_q(prefix=""))
        .select_related("department", "region")
        .order_by("department__sort_order")
    )
    reports = {
        r.agency_id: r
        for r in Report.objects.restrict(user, "view")
        .filter(kind=Report.Kind.SUMMARY, phase=phase, agency__in=agencies)
        .select_related("current_revision")
        .annotate(first_submitted_at=FIRST_SUBMITTED)
    }
    return [ChildStatus(a, reports.get(a.pk), phase.summary_due_province) for a in agencies]


def summary_file_get(*, user, pk) -> SummaryAttachment:
    """Return one file of a summary the user may see (else NotFoundError)."""
    try:
        return SummaryAttachment.objects.restrict(user, "view").get(pk=int(pk))
    except (SummaryAttachment.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该附件。")) from exc
