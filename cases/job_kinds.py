"""The case register's background jobs: checking an Excel import, then importing it.

Both are ``jobs.imports``' check and import over the case sheet (``cases.imports.SPEC``), the
whole file through ``services.case_create_many`` (set-based; ``case_create`` one by one would
take minutes for 10,000 rows).
"""

from django.utils.translation import gettext_lazy

from agencies import permissions
from cases.exports import HEADERS, TEXT_COLUMNS, WIDTHS, export_rows, scope_label
from cases.imports import SPEC
from jobs.exports import ExportKind, register_export
from jobs.imports import ImportKind, register_import


def _create(*, actor, agency, **payload):
    from cases import services  # the domain layer above this module

    return services.case_create(actor=actor, agency=agency, **payload)


def _create_many(*, actor, agency, payloads, on_progress=None):
    from cases import services  # the domain layer above this module

    return services.case_create_many(
        actor=actor, agency=agency, payloads=payloads, on_progress=on_progress
    )


def _link(case) -> dict:
    return {"id": case.pk, "reference": case.reference, "url": case.get_absolute_url()}


CASES = register_import(
    ImportKind(
        name="cases",
        spec=SPEC,
        create=_create,
        create_many=_create_many,
        link=_link,
        may_import=permissions.user_can_enter_case,
        check_label=gettext_lazy("检查导入文件"),
        import_label=gettext_lazy("导入案件"),
        upload_url="cases:import",
        list_url="cases:list",
    )
)
CHECK = CASES.check_kind
IMPORT = CASES.import_kind


EXPORT = register_export(
    ExportKind(
        name="cases.export",
        label=gettext_lazy("导出案件清单"),
        noun="案件清单",
        headers=HEADERS,
        text_columns=TEXT_COLUMNS,
        widths=WIDTHS,
        rows=export_rows,
        scope=scope_label,
        list_url="cases:list",
    )
)
