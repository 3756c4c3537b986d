"""Reads of the monthly report: lists, rows, children's status, diffs and workbook data."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from agencies import permissions
from agencies.models import Agency, Department, Region
from agencies.selectors import display_name
from cases.identifiers import mask_id_number
from core.months import month_label
from reports import compile as compiler
from reports import deadlines, excel, layout
from reports.models import (
    REPORTING,
    Consolidation,
    Report,
    ReportRevision,
    ReportRow,
    province_reports_q,
)

ROW_KEYS = (*compiler.ROW_FIELDS, "remarks")
HEADERS = {column.key: column.header for column in layout.COLUMNS}


def report_list(*, user, month: datetime.date | None = None, action: str = "view") -> QuerySet:
    """Return the reports the user may see, optionally of one month."""
    qs = Report.objects.restrict(user, action).select_related(
        "agency", "agency__department", "agency__region", "agency__parent", "current_revision"
    )
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "agency__department__sort_order", "agency__path")


def consolidation_list(*, user, month: datetime.date | None = None) -> QuerySet:
    """Return the consolidations the user may see (ministry users: only reported ones)."""
    qs = Consolidation.objects.restrict(user, "view").select_related(
        "agency", "created_by", "reported_by"
    )
    if month is not None:
        qs = qs.filter(month=month)
    return qs.annotate(row_count_total=Count("revisions__rows")).order_by("-month")


def mask_rows(rows: list[dict]) -> list[dict]:
    """Return copies of display rows with the ID numbers masked (510104********002X)."""
    return [{**row, "id_number": mask_id_number(row["id_number"])} for row in rows]


def display_rows(rows, *, report_agency_id: int | None) -> list[dict]:
    """Return row dicts for a sheet; rows from other agencies name their origin in 备注."""
    result = []
    for row in rows:
        get = row.get if isinstance(row, dict) else row.__dict__.get
        values = {key: get(key) or "" for key in ROW_KEYS}
        origin = get("origin_agency_id")
        if origin and origin != report_agency_id:
            values["remarks"] = "；".join(filter(None, [get("origin_name"), values["remarks"]]))
        values["kind"] = get("kind")
        values["case_party_id"] = get("case_party_id")
        values["fingerprint"] = get("fingerprint")
        result.append(values)
    return result


def revision_rows(revision: ReportRevision) -> list[ReportRow]:
    return list(ReportRow.objects.filter(revision=revision).order_by("seq"))


def report_rows(report: Report, *, full_ids: bool) -> tuple[list[dict], bool]:
    """Return the report's rows and whether they are frozen (else a live preview)."""
    if report.current_revision_id and not report.is_open:
        rows, frozen = revision_rows(report.current_revision), True
    else:
        rows, frozen = (
            compiler.report_rows(
                agency_id=report.agency_id, agency_name=report.agency.name, month=report.month
            ),
            False,
        )
    shown = display_rows(rows, report_agency_id=report.agency_id)
    return (shown if full_ids else mask_rows(shown)), frozen


def _row_key(row: dict) -> str:
    return f"p{row['case_party_id']}" if row.get("case_party_id") else row["id_number"]


def revision_diff(report: Report, *, full_ids: bool) -> dict | None:
    """Return the rows added, removed and changed since the previous revision (or None)."""
    revisions = list(report.revisions.order_by("-number")[:2])
    if len(revisions) < 2:
        return None

    def keyed(revision):
        rows = display_rows(revision_rows(revision), report_agency_id=0)
        return {_row_key(r): r for r in (rows if full_ids else mask_rows(rows))}

    new, old = keyed(revisions[0]), keyed(revisions[1])
    return {
        "from": revisions[1].number,
        "to": revisions[0].number,
        "added": [new[k] for k in new if k not in old],
        "removed": [old[k] for k in old if k not in new],
        "changed": [
            {
                "row": new[k],
                "fields": [
                    (HEADERS[f], old[k][f], new[k][f])
                    for f in compiler.ROW_FIELDS
                    if old[k][f] != new[k][f]
                ],
            }
            for k in new
            if k in old and old[k]["fingerprint"] != new[k]["fingerprint"]
        ],
    }


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

    @property
    def is_late(self) -> bool:
        open_ = self.report is None or self.report.is_open
        return bool(open_ and self.due and timezone.localdate() > self.due)


def children_status(*, user, agency: Agency, month: datetime.date) -> list[ChildStatus]:
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
    reports = {
        r.agency_id: r
        for r in Report.objects.restrict(user, "view")
        .filter(month=month, agency__in=children)
        .select_related("current_revision")
    }
    rules = deadlines.deadline_rules()
    return [
        ChildStatus(c, reports.get(c.pk), deadlines.due_date(c.level, month, rules))
        for c in children
    ]


def province_status(*, user, month: datetime.date, rules=None) -> list[ChildStatus]:
    """Return the five departments' province-level agencies with the user's view of their reports.

    The agencies' names are public; a report the user may not read counts as not reported.
    """
    agencies = list(
        Agency.objects.filter(province_reports_q(prefix=""))
        .select_related("department", "region")
        .order_by("department__sort_order")
    )
    reports = {
        r.agency_id: r
        for r in Report.objects.restrict(user, "view")
        .filter(month=month, agency__in=agencies)
        .select_related("current_revision")
    }
    due = deadlines.due_date(Region.Level.PROVINCE, month, rules)
    return [ChildStatus(a, reports.get(a.pk), due) for a in agencies]


def consolidation_chart(*, user, months: int = 12) -> dict:
    """Return approved province-level row counts by month × department the user may read."""
    rows = (
        Report.objects.restrict(user, "view")
        .filter(province_reports_q(), status=Report.Status.APPROVED)
        .values("month", "agency__department__short_name")
        .annotate(n=Count("current_revision__rows"))
        .order_by("month")
    )
    labels = sorted({r["month"] for r in rows})[-months:]
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
    }


def _local_date(moment) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def report_sheet(report: Report, *, full_ids: bool) -> excel.SheetData:
    """Return the sheet data of a report's workbook (frozen rows once submitted)."""
    rows, _frozen = report_rows(report, full_ids=full_ids)
    revision = report.current_revision if not report.is_open else None
    return excel.SheetData(
        agency_name=report.agency.name,
        rows=rows,
        submitter=revision.submitter_name if revision else "",
        approver=revision.approver_name if revision else "",
        submitted_on=_local_date(revision.submitted_at) if revision else None,
    )


def consolidation_workbook_data(consolidation: Consolidation, *, full_ids: bool) -> dict:
    """Return the sheets and statistics of a consolidation's workbook."""
    shown = (lambda rows: rows) if full_ids else mask_rows
    revisions = list(
        consolidation.revisions.select_related("report__agency__department").order_by(
            "report__agency__department__sort_order"
        )
    )
    rows_by_revision: dict[int, list[ReportRow]] = {r.pk: [] for r in revisions}
    for row in ReportRow.objects.filter(revision__in=revisions).order_by("revision", "seq"):
        rows_by_revision[row.revision_id].append(row)
    departments, summary_rows = [], []
    for revision in revisions:
        report = revision.report
        rows = rows_by_revision[revision.pk]
        departments.append(
            excel.SheetData(
                agency_name=report.agency.name,
                rows=shown(display_rows(rows, report_agency_id=report.agency_id)),
                submitter=revision.submitter_name,
                approver=revision.approver_name,
                submitted_on=_local_date(revision.submitted_at),
                sheet_title=report.agency.department.short_name,
            )
        )
        # The 汇总 sheet names every row's originating agency in 备注.
        summary_rows.extend(shown(display_rows(rows, report_agency_id=None)))
    summary = excel.SheetData(
        agency_name=consolidation.agency.name,
        rows=summary_rows,
        submitter=display_name(consolidation.created_by),
        approver=display_name(consolidation.reported_by),
        submitted_on=_local_date(consolidation.reported_at),
        sheet_title="汇总",
    )
    stats = compiler.statistics(revision_ids=[r.pk for r in revisions])
    return {
        "departments": departments,
        "summary": summary,
        "stats": excel.Statistics(**stats),
    }


# Users who may see a report but do not need full ID numbers (e.g. inspectors doing spot checks)
# still download its workbook, with the numbers masked, rather than being refused: the sheet is
# what they check against, and a masked copy carries everything but the numbers.
def report_annex1_xlsx(report: Report, *, full_ids: bool) -> bytes:
    """Return the report's workbook, with ID numbers masked unless ``full_ids``."""
    return excel.annex1_workbook(report_sheet(report, full_ids=full_ids))


def consolidation_annex1_xlsx(consolidation: Consolidation, *, full_ids: bool) -> bytes:
    """Return the consolidation's workbook, with ID numbers masked unless ``full_ids``."""
    data = consolidation_workbook_data(consolidation, full_ids=full_ids)
    return excel.consolidation_workbook(
        departments=data["departments"], summary=data["summary"], stats=data["stats"]
    )


def reviewable_agencies(*, user) -> list[Agency]:
    """Return the agencies whose children's reports the user reviews."""
    return permissions.agencies_where(user, {permissions.REVIEWER})


def report_filename(report: Report) -> str:
    return f"附件1_{report.agency.name}_{report.month:%Y-%m}.xlsx"


def consolidation_filename(consolidation: Consolidation) -> str:
    return f"附件1_全省汇总_{consolidation.month:%Y-%m}.xlsx"
