"""Reads for the home page: a dashboard per role, each part from a restricted queryset.

The number of queries does not depend on how many cases or reports there are: counts are one
aggregate each, and lists are cut short.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from agencies import permissions
from agencies.counts import counts_within
from agencies.models import Agency
from agencies.querysets import memberships_of
from campaigns.selectors import campaign_current
from cases.models import Case, CaseCount
from cases.selectors import case_list
from core.months import next_month, previous_month
from core.replica import reporting_reads
from leads.models import Lead, LeadCount
from leads.selectors import lead_list
from reports import deadlines
from reports import selectors as report_selectors
from reports.models import REPORTING, Consolidation, Report, province_reports_q

INCOMING_LIMIT = 5


@dataclass
class OwnReport:
    """One of the user's agencies with its report for a month and when that report is due."""

    agency: Agency
    month: datetime.date
    report: Report | None
    due: datetime.date | None
    today: datetime.date

    @property
    def is_late(self) -> bool:
        """Return True past the due date until the report is signed off and sent up."""
        filed = self.report is not None and self.report.is_filed
        return bool(not filed and self.due and self.today > self.due)


@dataclass
class Dashboard:
    """What the home page shows; a part left empty (None) is not shown for the user's roles."""

    this_month: datetime.date
    last_month: datetime.date
    ministry_only: bool = False
    case_counts: list[tuple[str, str, int]] | None = None  # (status, label, count)
    case_total: int = 0
    incoming_count: int | None = None
    incoming: list[Case] = field(default_factory=list)
    lead_counts: dict | None = None  # {"triage", "pending", "verifying", "overdue", "mine"}
    own_reports: list[OwnReport] | None = None
    returned_reports: list[Report] = field(default_factory=list)  # any month: to resubmit
    prepared_reports: list[Report] = field(default_factory=list)  # any month: to sign off
    submitted_reports: list[Report] = field(default_factory=list)  # any month: awaiting review
    pending_review: list[dict] | None = None  # [{"month": date, "n": int}]
    province: list | None = None  # reports.selectors.ChildStatus of the five departments
    province_consolidation: Consolidation | None = None
    consolidations: list[Consolidation] | None = None


@reporting_reads()
def _case_counts(user, incoming: Q | None) -> tuple[list[tuple[str, str, int]], int, int | None]:
    """Return visible cases per status, their total and how many await the user's acceptance.

    The statuses come from the counters the database keeps per agency (``agencies.counts``): a
    province is a few hundred rows, not a scan of its cases; the offered cases are few and
    counted live on the ``transfer_to`` index.
    """
    by_status = counts_within(Case.objects.all(), CaseCount, user, "status")
    counts = [(status, label, by_status[status]) for status, label in Case.Status.choices]
    offered = None
    if incoming is not None:
        offered = case_list(user=user).prefetch_related(None).filter(incoming).count()
    return counts, sum(by_status.values()), offered


@reporting_reads()
def _lead_counts(user, today: datetime.date) -> dict:
    """Return the visible open leads by state, the overdue ones, and those awaiting ``user``
    (to route or accept, at agencies where they handle leads).

    States per agency come from the counters (``agencies.counts``); overdue is counted live
    among open leads only, on a partial index of theirs.
    """
    states = counts_within(Lead.objects.all(), LeadCount, user, "state")
    handled = permissions.writable_agency_ids(user)
    waiting = (Lead.State.TRIAGE, Lead.State.PENDING)
    mine = LeadCount.objects.filter(agency_id__in=handled, key__in=waiting).aggregate(n=Sum("n"))
    overdue = lead_list(user=user).filter(~Q(state=Lead.State.CLOSED), deadline__lt=today).count()
    return {
        "triage": states[Lead.State.TRIAGE],
        "pending": states[Lead.State.PENDING],
        "verifying": states[Lead.State.VERIFYING],
        "overdue": overdue,
        "mine": mine["n"] or 0,
    }


def _own_reports(user, agencies: list[Agency], months, today, rules, campaign):
    """Return each agency's report for each month (with due dates) and, of any month, its
    returned, prepared and submitted reports (few: each is soon redone, signed or reviewed)."""
    in_flight = (Report.Status.RETURNED, Report.Status.PREPARED, Report.Status.SUBMITTED)
    reports = report_selectors.report_list(
        user=user, kind=Report.Kind.ANNEX1, campaign=campaign
    ).filter(Q(month__in=months) | Q(status__in=in_flight), agency__in=agencies)
    by_key, by_status = {}, {status: [] for status in in_flight}
    for report in reports:
        by_key[report.agency_id, report.month] = report
        if report.status in by_status:
            by_status[report.status].append(report)
    own = [
        OwnReport(
            agency,
            month,
            by_key.get((agency.pk, month)),
            deadlines.due_date(agency.level, month, rules),
            today,
        )
        for agency in agencies
        for month in months
    ]
    return own, by_status


@reporting_reads()
def _pending_review(user, reviewed: list[Agency], consolidator: bool, campaign) -> list[dict]:
    """Return, per month, how many submitted reports of agencies below wait for the user."""
    condition = Q(agency__parent__in=reviewed)
    if consolidator:  # province-level department reports are reviewed by 住建厅
        condition |= province_reports_q()
    return list(
        Report.objects.restrict(user, "view")
        .filter(
            condition, campaign=campaign, kind=Report.Kind.ANNEX1, status=Report.Status.SUBMITTED
        )
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )


def dashboard_for(
    *, user, today: datetime.date | None = None, campaign=None, month=None
) -> Dashboard:
    """Return the home page's content for ``user``'s roles: the reports of ``month`` (by
    default last month) and the month after it, of ``campaign`` (by default the current one)."""
    today = today or timezone.localdate()
    campaign = campaign or campaign_current(today)
    last_month = month or previous_month(today.replace(day=1))
    this_month = next_month(last_month)
    board = Dashboard(this_month=this_month, last_month=last_month)
    months = [m for m in (this_month, last_month) if campaign.reports_month(m) and m <= today]
    writers = [m for m in memberships_of(user) if m.role in permissions.WRITE_ROLES]

    if permissions.is_ministry(user) and not permissions.reads_cases(user):
        # The ministry receives the consolidated 附件1 and nothing of the case register.
        board.ministry_only = True
        board.consolidations = list(
            report_selectors.consolidation_list(user=user).filter(
                status=Consolidation.Status.REPORTED
            )
        )
        return board

    if permissions.reads_cases(user):
        incoming = None
        if writers:
            incoming = Q(transfer_to_id__in=permissions.incoming_transfer_agency_ids(user))
        board.case_counts, board.case_total, board.incoming_count = _case_counts(user, incoming)
        board.lead_counts = _lead_counts(user, today)
        if board.incoming_count:
            board.incoming = list(
                case_list(user=user)
                .prefetch_related(None)
                .filter(incoming)
                .order_by("-updated_at")[:INCOMING_LIMIT]
            )

    consolidator = permissions.is_consolidator(user)
    reporting = _unique(m.agency for m in writers if m.agency.department.kind == REPORTING)
    # Due dates per level are data (ReportDeadline): read once, only when a part shows them.
    rules = deadlines.deadline_rules(campaign) if reporting or consolidator else None
    if reporting:
        board.own_reports, in_flight = _own_reports(user, reporting, months, today, rules, campaign)
        board.returned_reports = in_flight[Report.Status.RETURNED]
        board.prepared_reports = in_flight[Report.Status.PREPARED]
        board.submitted_reports = in_flight[Report.Status.SUBMITTED]

    reviewed = permissions.agencies_where(user, {permissions.REVIEWER})
    if reviewed:
        board.pending_review = _pending_review(user, reviewed, consolidator, campaign)
    if consolidator:
        board.province = report_selectors.province_status(
            user=user, month=last_month, rules=rules, campaign=campaign
        )
        board.province_consolidation = report_selectors.consolidation_list(
            user=user, month=last_month, campaign=campaign
        ).first()
    return board


def _unique(agencies) -> list[Agency]:
    seen, result = set(), []
    for agency in agencies:
        if agency.pk not in seen:
            seen.add(agency.pk)
            result.append(agency)
    return result
