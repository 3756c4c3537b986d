"""The kinds of report that travel up the chain, each with its own content.

A report kind says how a report's content is compiled from the register, frozen into a revision,
shown, compared with the previous revision and written out as a document, and which levels
file it. The chain itself (prepare → sign → submitted → approved or returned, every revision
kept; 住建厅's consolidation of the five departments) is the same for every kind and lives in
``reports.services``; a new form of the campaign is a new entry here, not a fork.
"""

from collections.abc import Callable
from dataclasses import dataclass

from agencies.models import Region
from core.http import DOCX, XLSX
from reports import annex1, deadlines, summary
from reports.models import Consolidation, Report


@dataclass(frozen=True)
class ReportKind:
    """How one kind of report gets and shows its content."""

    code: str
    levels: frozenset  # the agency levels that file it (Region.Level values)
    check_open: Callable  # (report) -> None, or raise why its period cannot be prepared now
    compile: Callable  # (report) -> content a preparation would freeze now
    size: Callable  # (content) -> the number a revision lists (rows, persons)
    freeze: Callable  # (revision, content) -> None: store the content, never to change
    rows: Callable  # (report, *, full_ids) -> (content shown, frozen?)
    diff: Callable  # (report, *, full_ids) -> changes since the previous revision, or None
    due: Callable  # (report) -> the date it is due, or None
    document: Callable  # (report, *, full_ids) -> the document's bytes
    filename: Callable  # (report) -> the document's file name
    media_type: str  # the document's content type
    consolidation_document: Callable  # (consolidation, *, full_ids) -> bytes
    consolidation_filename: Callable  # (consolidation) -> str
    template: str  # the report page


def _annex1_due(report: Report):
    return deadlines.due_date(
        report.agency.level, report.month, deadlines.deadline_rules(report.campaign)
    )


ALL_LEVELS = frozenset(Region.Level.values)

KINDS: dict[str, ReportKind] = {
    Report.Kind.ANNEX1: ReportKind(
        code=Report.Kind.ANNEX1,
        levels=ALL_LEVELS,
        check_open=annex1.check_open,
        compile=annex1.compile_rows,
        size=len,
        freeze=annex1.freeze,
        rows=annex1.rows,
        diff=annex1.revision_diff,
        due=_annex1_due,
        document=annex1.workbook,
        filename=annex1.report_filename,
        media_type=XLSX,
        consolidation_document=annex1.consolidation_workbook,
        consolidation_filename=annex1.consolidation_filename,
        template="reports/detail.html",
    ),
    # The plan: 市(州) departments sum up to their provincial department, which sums up to
    # 住建厅; counties file no summary.
    Report.Kind.SUMMARY: ReportKind(
        code=Report.Kind.SUMMARY,
        levels=frozenset({Region.Level.PREFECTURE, Region.Level.PROVINCE}),
        check_open=summary.check_open,
        compile=summary.compile_content,
        size=summary.size,
        freeze=summary.freeze,
        rows=summary.rows,
        diff=summary.revision_diff,
        due=summary.due_date,
        document=summary.document,
        filename=summary.summary_filename,
        media_type=DOCX,
        consolidation_document=summary.consolidation_document,
        consolidation_filename=summary.consolidation_filename,
        template="reports/summary_detail.html",
    ),
}


def kind_of(report: Report | Consolidation) -> ReportKind:
    """Return the kind of ``report`` (or of a consolidation)."""
    return KINDS[report.kind]
