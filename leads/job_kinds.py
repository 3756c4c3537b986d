"""The lead register's background jobs: the list export (登记台账)."""

from django.utils.translation import gettext_lazy

from jobs.exports import ExportKind, register_export
from leads.exports import HEADERS, TEXT_COLUMNS, WIDTHS, export_rows, scope_label

EXPORT = register_export(
    ExportKind(
        name="leads.export",
        label=gettext_lazy("导出线索台账"),
        noun="线索台账",
        headers=HEADERS,
        text_columns=TEXT_COLUMNS,
        widths=WIDTHS,
        rows=export_rows,
        scope=scope_label,
        list_url="leads:list",
    )
)
