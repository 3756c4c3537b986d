"""The complaint register's background jobs: the list export (投诉举报台账)."""

from django.utils.translation import gettext_lazy

from complaints.exports import HEADERS, TEXT_COLUMNS, WIDTHS, export_rows
from jobs.exports import ExportKind, register_export
from leads.exports import scope_label

EXPORT = register_export(
    ExportKind(
        name="complaints.export",
        label=gettext_lazy("导出投诉举报台账"),
        noun="投诉举报台账",
        headers=HEADERS,
        text_columns=TEXT_COLUMNS,
        widths=WIDTHS,
        rows=export_rows,
        scope=scope_label,
        list_url="complaints:list",
    )
)
