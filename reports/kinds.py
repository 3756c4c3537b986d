"""The kinds of report that travel up the chain, each with its own content.

A report kind says how a report's content is compiled from the register, frozen into a revision,
shown, compared with the previous revision and written out as a document. The chain itself
(draft → submitted → approved or returned, every revision kept) is the same for every kind and
lives in ``reports.services``; a new form of the campaign is a new entry here, not a fork.
"""

from collections.abc import Callable
from dataclasses import dataclass

from reports import annex1
from reports.models import Report


@dataclass(frozen=True)
class ReportKind:
    """How one kind of report gets and shows its content."""

    code: str
    check_open: Callable  # (report) -> None, or raise why its period cannot be prepared now
    compile: Callable  # (report) -> content a submission would freeze now (a list of rows)
    freeze: Callable  # (revision, content) -> None: store the content, never to change
    rows: Callable  # (report, *, full_ids) -> (rows shown, frozen?)
    diff: Callable  # (report, *, full_ids) -> changes since the previous revision, or None
    document: Callable  # (report, *, full_ids) -> the document's bytes
    filename: Callable  # (report) -> the document's file name


KINDS: dict[str, ReportKind] = {
    Report.Kind.ANNEX1: ReportKind(
        code=Report.Kind.ANNEX1,
        check_open=annex1.check_open,
        compile=annex1.compile_rows,
        freeze=annex1.freeze,
        rows=annex1.rows,
        diff=annex1.revision_diff,
        document=annex1.workbook,
        filename=annex1.report_filename,
    ),
}


def kind_of(report: Report) -> ReportKind:
    """Return the kind of ``report``."""
    return KINDS[report.kind]
