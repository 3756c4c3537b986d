"""附件1 as a kind of report: its rows (frozen or live), their masking, diff and workbooks.

The SQL is in ``reports.compile``, the form's layout in ``reports.layout`` and the writer in
``reports.excel``; this module joins them for the report kind registry (``reports.kinds``).
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from agencies.models import Agency
from agencies.selectors import signature_of
from cases.identifiers import mask_id_number
from core.months import month_param
from core.replica import reporting_reads
from reports import compile as compiler
from reports import excel, layout, periods
from reports.models import Consolidation, Report, ReportRevision, ReportRow

ROW_KEYS = (*compiler.ROW_FIELDS, "remarks")
HEADERS = {column.key: column.header for column in layout.COLUMNS}


def compile_rows(report: Report) -> list[dict]:
    """Return the rows a submission of ``report`` would freeze now."""
    return compiler.report_rows(
        campaign_id=report.campaign_id,
        agency_id=report.agency_id,
        agency_name=report.agency.name,
        month=report.month,
    )


# What tells a compiled row from the frozen one: its content, its 备注 and how it is carried.
_COMPARED = (
    *compiler.ROW_FIELDS,
    "remarks",
    "kind",
    "row_key",
    "fingerprint",
    "source_revision_id",
)


@dataclass(frozen=True)
class Recompiled:
    """One agency's month recompiled: the rows a preparation would freeze now, and whether
    they differ from those its report froze last (``frozen`` is None without a revision)."""

    agency: Agency
    report: Report | None
    rows: list[dict]
    frozen: int | None
    changed: bool


def recompile_month(*, campaign, month: datetime.date, agencies: list[Agency]) -> list[Recompiled]:
    """Compile the month's 附件1 of every agency of ``agencies`` in one query and compare each
    with its report's current revision; nothing is written.

    Three queries whatever the number of agencies: the reports, the compile, the frozen rows.
    """
    reports = {
        report.agency_id: report
        for report in Report.objects.filter(
            campaign=campaign, kind=Report.Kind.ANNEX1, month=month, agency__in=agencies
        )
    }
    compiled = compiler.agencies_rows(
        campaign_id=campaign.pk, agencies=[(a.pk, a.name) for a in agencies], month=month
    )
    frozen: dict[int, list[tuple]] = defaultdict(list)
    revisions = [r.current_revision_id for r in reports.values() if r.current_revision_id]
    for revision_id, *values in (
        ReportRow.objects.filter(revision_id__in=revisions)
        .order_by("revision_id", "seq")
        .values_list("revision_id", *_COMPARED)
    ):
        frozen[revision_id].append(tuple(values))
    result = []
    for agency in agencies:
        report, rows = reports.get(agency.pk), compiled[agency.pk]
        kept = frozen[report.current_revision_id] if report and report.current_revision_id else None
        now = [tuple(row[name] for name in _COMPARED) for row in rows]
        result.append(
            Recompiled(
                agency=agency,
                report=report,
                rows=rows,
                frozen=None if kept is None else len(kept),
                changed=kept is not None and kept != now,
            )
        )
    return result


def check_open(report: Report) -> None:
    """Refuse to prepare a month outside the campaign's reported months or not yet ended."""
    periods.check_month(report.campaign, report.month)
    periods.check_filing_open(report.month)


def freeze(revision: ReportRevision, rows: list[dict]) -> None:
    """Store ``rows`` as the revision's frozen rows (never changed afterwards)."""
    fields = (*compiler.ROW_FIELDS, *compiler.META_FIELDS)
    ReportRow.objects.bulk_create(
        [
            ReportRow(revision=revision, seq=seq, **{name: row[name] for name in fields})
            for seq, row in enumerate(rows, start=1)
        ],
        batch_size=1000,
    )


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
        values["case_id"] = get("case_id")
        values["row_key"] = get("row_key")
        values["fingerprint"] = get("fingerprint")
        result.append(values)
    return result


def revision_rows(revision: ReportRevision) -> list[ReportRow]:
    return list(ReportRow.objects.filter(revision=revision).order_by("seq"))


def rows(report: Report, *, full_ids: bool) -> tuple[list[dict], bool]:
    """Return the report's rows and whether they are frozen (else a live preview)."""
    frozen = bool(report.current_revision_id and not report.is_open)
    if frozen:
        found = revision_rows(report.current_revision)
    else:
        # A live preview may lag the primary by the replica's delay; preparing compiles again
        # on the primary, inside its transaction.
        with reporting_reads():
            found = compile_rows(report)
    shown = display_rows(found, report_agency_id=report.agency_id)
    return (shown if full_ids else mask_rows(shown)), frozen


def _row_key(row: dict) -> str:
    return row.get("row_key") or row["id_number"]


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


def _local_date(moment) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _signatory(name: str, phone: str) -> excel.Signatory | None:
    return excel.Signatory(name, phone) if name else None


def _revision_footer(revision: ReportRevision | None) -> dict:
    """Return the footer of a revision: its frozen 填表人, 负责人 and 申报时间 (blank if none)."""
    if revision is None:
        return {}
    return {
        "preparer": _signatory(revision.preparer_name, revision.preparer_phone),
        "signer": _signatory(revision.signer_name, revision.signer_phone),
        "submitted_on": _local_date(revision.submitted_at),
    }


def _live_signatory(user) -> excel.Signatory | None:
    signature = signature_of(user)
    return excel.Signatory(signature.name, signature.phone) if signature else None


def report_sheet(report: Report, *, full_ids: bool) -> excel.SheetData:
    """Return the sheet data of a report's workbook (frozen rows once prepared)."""
    shown, _frozen = rows(report, full_ids=full_ids)
    revision = report.current_revision if not report.is_open else None
    return excel.SheetData(agency_name=report.agency.name, rows=shown, **_revision_footer(revision))


# The columns a sheet row is made of (display_rows reads them), loaded without model objects.
SHEET_COLUMNS = (
    *ROW_KEYS,
    "kind",
    "case_party_id",
    "row_key",
    "fingerprint",
    "origin_agency_id",
    "origin_name",
)
# Rows fetched from the database at a time while a consolidation streams to its file.
CHUNK = 2000


def _revision_rows_streamed(revision_id: int, *, report_agency_id, full_ids: bool):
    """Yield a revision's sheet rows in order, a chunk at a time (a server-side cursor)."""
    rows = (
        ReportRow.objects.filter(revision_id=revision_id)
        .order_by("seq")
        .values(*SHEET_COLUMNS)
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        (shown,) = display_rows([row], report_agency_id=report_agency_id)
        if not full_ids:
            shown["id_number"] = mask_id_number(shown["id_number"])
        yield shown


def _consolidation_revisions(consolidation: Consolidation) -> list[ReportRevision]:
    return list(
        consolidation.revisions.select_related("report__agency__department").order_by(
            "report__agency__department__sort_order"
        )
    )


def consolidation_row_count(consolidation: Consolidation) -> int:
    """Return the number of rows the consolidation's 汇总 sheet carries."""
    return sum(revision.row_count for revision in consolidation.revisions.all())


def consolidation_workbook_data(consolidation: Consolidation, *, full_ids: bool) -> dict:
    """Return the sheets and statistics of a consolidation's workbook, the rows as generators
    reading the database when the sheet is written (each twice: a department's sheet, 汇总)."""
    revisions = _consolidation_revisions(consolidation)
    departments = [
        excel.SheetData(
            agency_name=revision.report.agency.name,
            rows=_revision_rows_streamed(
                revision.pk, report_agency_id=revision.report.agency_id, full_ids=full_ids
            ),
            sheet_title=revision.report.agency.department.short_name,
            **_revision_footer(revision),
        )
        for revision in revisions
    ]

    def summary_rows():
        # The 汇总 sheet names every row's originating agency in 备注.
        for revision in revisions:
            yield from _revision_rows_streamed(
                revision.pk, report_agency_id=None, full_ids=full_ids
            )

    summary = excel.SheetData(
        agency_name=consolidation.agency.name,
        rows=summary_rows(),
        # 住建厅's own people: who consolidated it and who reported it upward.
        preparer=_live_signatory(consolidation.created_by),
        signer=_live_signatory(consolidation.reported_by) if consolidation.is_reported else None,
        submitted_on=_local_date(consolidation.reported_at),
        sheet_title="汇总",
    )
    with reporting_reads():  # frozen rows: the same on a replica once it has them
        stats = compiler.statistics(revision_ids=[r.pk for r in revisions])
    return {
        "departments": departments,
        "summary": summary,
        "stats": excel.Statistics(**stats),
    }


def workbook(report: Report, *, full_ids: bool) -> bytes:
    """Return the report's workbook, with ID numbers masked unless ``full_ids``."""
    return excel.annex1_workbook(report_sheet(report, full_ids=full_ids))


def consolidation_write(consolidation: Consolidation, stream, *, full_ids: bool, on_row=None):
    """Write the consolidation's workbook to ``stream`` as its rows come from the database;
    ``on_row(n)`` is told the rows written so far. Return the number of rows written."""
    data = consolidation_workbook_data(consolidation, full_ids=full_ids)
    return excel.consolidation_write(
        stream,
        departments=data["departments"],
        summary=data["summary"],
        stats=data["stats"],
        on_row=on_row,
    )


def consolidation_workbook(consolidation: Consolidation, *, full_ids: bool) -> bytes:
    """Return the consolidation's workbook, with ID numbers masked unless ``full_ids``."""
    buffer = io.BytesIO()
    consolidation_write(consolidation, buffer, full_ids=full_ids)
    return buffer.getvalue()


def report_filename(report: Report) -> str:
    return f"附件1_{report.agency.name}_{month_param(report.month)}.xlsx"


def consolidation_filename(consolidation: Consolidation) -> str:
    return f"附件1_全省汇总_{month_param(consolidation.month)}.xlsx"
