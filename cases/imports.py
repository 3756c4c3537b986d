"""Bulk import of cases from an Excel workbook: the template, parsing, validation, dry run.

One row per person; rows sharing a 案件序号 form one case, whose case-level columns are read from
its first row. Every error is reported by row and column before anything is written, and the
import itself is all or nothing.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cases.forms import CASE_PATHS, PERSON_PATHS
from cases.models import Case, CertificateType, Person
from core.errors import DomainError
from core.xlsx_guard import UnsafeWorkbookError, xlsx_check

SHEET = "案件导入"
HELP_SHEET = "说明"
MAX_ROWS = 5000
HEADER_ROW = 1
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}
SEPARATORS = re.compile(r"[、,，;；/\n]+")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    level: str  # "case" (read from the group's first row) or "person"
    help: str
    width: int = 16


def _labels(choices) -> str:
    return "、".join(str(label) for _value, label in choices)


def columns() -> list[Column]:
    """Return the template's columns in order (labels from the models' choices)."""
    return [
        Column(
            "group", "案件序号", True, "case", "同一案件的多名人员填写相同序号（如 1、2、3）", 10
        ),
        Column("source", "案件来源", True, "case", _labels(Case.Source.choices)),
        Column(
            "violations",
            "违法违规行为",
            True,
            "case",
            "可多选，用顿号“、”分隔：" + _labels(Case.Violation.choices),
            30,
        ),
        Column("opened_on", "立案日期", True, "case", "日期，如 2019-03-02"),
        Column("summary", "基本案情", False, "case", "文字，可留空", 30),
        Column("cuu_name", "买卖租借证书单位名称", False, "case", "可留空", 24),
        Column("cuu_uscc", "买卖租借证书单位统一社会信用代码", False, "case", "18位，可留空", 22),
        Column("hr_name", "人力资源服务机构名称", False, "case", "可留空", 24),
        Column("hr_uscc", "人力资源服务机构统一社会信用代码", False, "case", "18位，可留空", 22),
        Column("name", "姓名", True, "person", "专业技术人员姓名", 10),
        Column(
            "id_type",
            "证件类型",
            False,
            "person",
            "留空为居民身份证；" + _labels(Person.IdType.choices),
        ),
        Column("id_number", "证件号码", True, "person", "身份证号18位（15位一代证号自动升位）", 22),
        Column(
            "is_public_employee", "国家机关/事业单位工作人员", False, "person", "是 或 否，留空为否"
        ),
        Column(
            "cert_category",
            "执业资格类别",
            False,
            "person",
            "无证书可留空；" + _labels(CertificateType.Category.choices),
        ),
        Column("cert_level", "级别", False, "person", "一级、二级 或留空", 8),
        Column("cert_specialty", "专业", False, "person", "如 建筑工程", 14),
        Column("cert_number", "证书编号", False, "person", "填写执业资格类别时必填", 18),
        Column("reg_unit_name", "注册单位名称", False, "person", "可留空", 24),
        Column("reg_unit_uscc", "注册单位统一社会信用代码", False, "person", "18位，可留空", 22),
        Column("act_unit_name", "实际工作单位名称", False, "person", "可留空", 24),
        Column(
            "act_unit_uscc", "实际工作单位统一社会信用代码", False, "person", "18位，可留空", 22
        ),
    ]


def template_workbook() -> bytes:
    """Return the import template: the data sheet with Chinese headers and a 说明 sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns(), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(HELP_SHEET)
    notes.append(["列名", "是否必填", "层级", "填写说明及允许的值"])
    for cell in notes[1]:
        cell.font = bold
    for column in columns():
        notes.append(
            [
                column.header,
                "必填" if column.required else "选填",
                "案件（取该序号第一行）" if column.level == "case" else "人员（每行一人）",
                column.help,
            ]
        )
    notes.append([])
    for line in (
        "每行填写一名涉案人员；同一案件的多名人员使用相同的“案件序号”，案件信息以该序号的第一行为准。",
        "上传后先进行试导入检查，列出全部错误（第几行、哪一列）；无错误后确认导入。",
        "导入为整体操作：任何一个案件出错，全部不导入。",
        "已登记过的人员（按证件号码）和单位（按统一社会信用代码）自动匹配，不会重复建档。",
    ):
        notes.append([line])
    for letter, width in zip("ABCD", (32, 10, 20, 80), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if not self.row:
            return self.message  # the file as a whole
        if self.column:
            return _("第%(row)d行「%(column)s」：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("第%(row)d行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class CaseGroup:
    """One case of the file: its key, its rows and the payload for ``case_create``."""

    key: str
    rows: list[int] = field(default_factory=list)
    case: dict = field(default_factory=dict)
    persons: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


@dataclass
class ParseResult:
    groups: list[CaseGroup]
    errors: list[RowError]

    @property
    def person_count(self) -> int:
        return sum(len(g.persons) for g in self.groups)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(value: str, choices) -> str:
    """Return the code for a Chinese label (or the code itself); other text is passed on as is,
    for the service to refuse with the allowed values."""
    for code, label in choices:
        if value in (code, str(label)):
            return code
    return value


class _Row:
    """Read one sheet row's cells by column key, collecting errors with the Excel row number."""

    def __init__(self, number: int, cells: dict, errors: list[RowError]):
        self.number, self.cells, self.errors = number, cells, errors

    def error(self, key: str, message: str) -> None:
        header = next((c.header for c in columns() if c.key == key), "")
        self.errors.append(RowError(self.number, header, str(message)))

    def text(self, key: str) -> str:
        return _text(self.cells.get(key))

    def date(self, key: str):
        """Return a date cell as Excel stored it (a date) or as typed (text), for the service."""
        value = self.cells.get(key)
        return value if isinstance(value, datetime.date) else self.text(key)

    def unit(self, prefix: str) -> dict | None:
        name, uscc = self.text(f"{prefix}_name"), self.text(f"{prefix}_uscc")
        return {"name": name, "uscc": uscc} if (name or uscc) else None


def _read_case(row: _Row) -> dict:
    """Return the case-level payload of the group's first row, as the service takes it."""
    violations = [v.strip() for v in SEPARATORS.split(row.text("violations")) if v.strip()]
    return {
        "source": _code(row.text("source"), Case.Source.choices),
        "violations": [_code(v, Case.Violation.choices) for v in violations],
        "opened_on": row.date("opened_on"),
        "summary": row.text("summary"),
        "certificate_user_unit": row.unit("cuu"),
        "hr_agency": row.unit("hr"),
    }


def _read_person(row: _Row) -> dict:
    """Return one person payload of a row, as the service takes it."""
    public = row.text("is_public_employee").lower()
    if public not in YES | NO:
        row.error("is_public_employee", _("请填写“是”或“否”。"))
    certificate = None
    if any(row.text(k) for k in ("cert_category", "cert_level", "cert_specialty", "cert_number")):
        certificate = {
            "category": _code(row.text("cert_category"), CertificateType.Category.choices),
            "level": row.text("cert_level"),
            "specialty": row.text("cert_specialty"),
            "number": row.text("cert_number"),
        }
    id_type = row.text("id_type")
    return {
        "name": row.text("name"),
        "id_type": _code(id_type, Person.IdType.choices) if id_type else "resident_id",
        "id_number": row.text("id_number"),
        "is_public_employee": public in YES,
        "certificate": certificate,
        "registered_unit": row.unit("reg_unit"),
        "actual_unit": row.unit("act_unit"),
    }


def _open(content: bytes):
    """Return the workbook's data sheet and its header row, or a ParseResult refusing the file."""
    try:
        # The guard reads the zip's directory first: a bomb never reaches openpyxl.
        xlsx_check(content, max_rows=MAX_ROWS + HEADER_ROW)
    except UnsafeWorkbookError as exc:
        return None, ParseResult([], [RowError(0, "", exc.message)])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        return None, ParseResult(
            [], [RowError(0, "", _("无法读取文件：请上传由模板填写的 .xlsx 文件。"))]
        )
    return book, None


def _positions(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Return the column index of each known header, and the required headers missing."""
    by_header = {c.header: c for c in columns()}
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        if text in by_header:
            positions[by_header[text].key] = index
    missing = [c.header for c in columns() if c.required and c.key not in positions]
    return positions, missing


def parse_workbook(
    content: bytes, *, on_row: Callable[[int, int], None] | None = None
) -> ParseResult:
    """Read and check every row of an uploaded workbook; nothing is written.

    ``on_row(rows_read, rows_declared)`` is told of each row read (for a progress bar).
    """
    book, refused = _open(content)
    if refused is not None:
        return refused
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    declared = max(0, (sheet.max_row or 0) - HEADER_ROW)
    rows = sheet.iter_rows(values_only=True)
    positions, missing = _positions([_text(v) for v in next(rows, ())])
    if missing:
        book.close()
        message = _("缺少必需的列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(missing)}
        return ParseResult([], [RowError(HEADER_ROW, "", message)])
    errors: list[RowError] = []
    groups: dict[str, CaseGroup] = {}
    for number, values in enumerate(rows, start=HEADER_ROW + 1):
        if number - HEADER_ROW > MAX_ROWS:
            errors.append(RowError(number, "", _("单次最多导入 %(n)d 行。") % {"n": MAX_ROWS}))
            break
        if on_row is not None:
            on_row(number - HEADER_ROW, declared)
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        _add_row(_Row(number, cells, errors), groups)
    book.close()
    if not groups and not errors:
        errors.append(RowError(HEADER_ROW + 1, "", _("文件中没有数据行。")))
    return ParseResult(list(groups.values()), errors)


def _add_row(row: _Row, groups: dict[str, CaseGroup]) -> None:
    """Add a person row to its case group (the group's first row carries the case)."""
    key = row.text("group")
    if not key:
        row.error("group", _("必填：同一案件的人员填写相同序号。"))
        return
    group = groups.get(key)
    if group is None:
        group = groups[key] = CaseGroup(key=key)
        group.case = _read_case(row)
        group.raw = {c.key: row.text(c.key) for c in columns() if c.level == "case"}
    else:
        _check_same_case(row, group)
    group.rows.append(row.number)
    group.persons.append(_read_person(row))


def _check_same_case(row: _Row, group: CaseGroup) -> None:
    """Refuse case-level cells on later rows that contradict the group's first row."""
    first = group.rows[0]
    for column in columns():
        if column.level != "case" or column.key == "group":
            continue
        value = row.text(column.key)
        if value and value != group.raw.get(column.key, ""):
            row.error(
                column.key,
                _("与本案第%(row)d行不一致（案件信息以第一行为准，其余行可留空）。")
                % {"row": first},
            )


def _map_domain_error(error: DomainError, group: CaseGroup) -> list[RowError]:
    """Turn a service's field paths (``persons[1].id_number``) into row/column errors."""
    headers = {c.key: c.header for c in columns()}
    person_fields = PERSON_PATHS
    case_fields = CASE_PATHS
    result = []
    for path, messages in (error.fields or {}).items():
        messages = messages if isinstance(messages, list | tuple) else [messages]
        match = re.match(r"^persons\[(\d+)\](?:\.(.+))?$", path)
        if match and int(match.group(1)) < len(group.rows):
            row = group.rows[int(match.group(1))]
            key = person_fields.get(match.group(2) or "", "")
        else:
            row, key = group.rows[0], case_fields.get(path, path)
        for message in messages:
            result.append(RowError(row, headers.get(key, ""), str(message)))
    if not result:
        result.append(RowError(group.rows[0], "", error.message))
    return result


class _RollbackError(Exception):
    """Undo the whole import (a dry run, or any case refused)."""


def run_import(
    *,
    actor,
    agency,
    result: ParseResult,
    commit: bool,
    on_group: Callable[[int], None] | None = None,
) -> tuple[list[RowError], list]:
    """Create every case of ``result`` in one transaction; keep them only if all succeed.

    Return the errors by row and column, and the cases kept (none on a dry run or an error).

    With ``commit=False`` (the dry run) the same calls run and are always rolled back, so the
    clerk sees the services' objections too (e.g. a person already in another case's register
    under a different name) before confirming. ``on_group(rows_done)`` is told after each case.
    """
    from cases import services  # the domain layer; imported late so parsing works on its own

    errors: list[RowError] = []
    created: list = []
    rows_done = 0
    try:
        with transaction.atomic():
            for group in result.groups:
                try:
                    with transaction.atomic():
                        created.append(
                            services.case_create(
                                actor=actor, agency=agency, persons=group.persons, **group.case
                            )
                        )
                except DomainError as exc:
                    errors.extend(_map_domain_error(exc, group))
                rows_done += len(group.rows)
                if on_group is not None:
                    on_group(rows_done)
            if errors or not commit:
                raise _RollbackError
    except _RollbackError:
        created = []
    return errors, created


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def upload_problem(upload) -> str | None:
    """Return why an uploaded file cannot be an import workbook, or None."""
    if upload is None:
        return _("请选择文件。")
    if not upload.name.lower().endswith(".xlsx"):
        return _("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
    if upload.size > MAX_UPLOAD_BYTES:
        return _("文件超过 10 MB，请拆分后分批导入。")
    return None


def _when(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value or "")


def check_summary(result: ParseResult, errors: list[RowError]) -> dict:
    """Return a check's outcome as JSON: every error, or the cases a confirmation would create."""
    if errors:
        return {"ok": False, "errors": [str(e) for e in errors]}
    return {
        "ok": True,
        "errors": [],
        "case_count": len(result.groups),
        "person_count": result.person_count,
        "cases": [
            {
                "key": group.key,
                "rows": group.rows,
                "opened_on": _when(group.case.get("opened_on")),
                "persons": [person["name"] for person in group.persons],
            }
            for group in result.groups
        ],
    }


def import_summary(result: ParseResult, created: list) -> dict:
    """Return an import's outcome as JSON: the new cases with their references."""
    return {
        "ok": True,
        "errors": [],
        "case_count": len(created),
        "person_count": result.person_count,
        "cases": [
            {
                "id": case.pk,
                "reference": case.reference,
                "rows": group.rows,
                "persons": [person["name"] for person in group.persons],
            }
            for case, group in zip(created, result.groups, strict=True)
        ],
    }
