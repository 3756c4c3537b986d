"""Bulk import from an Excel workbook, for any register: the template, parsing, the dry run and
the all-or-nothing import, and what the clerk is shown.

An app describes its sheet with a ``SheetSpec``: the columns, which column ties rows into one
record (a case of several persons, a declaration of several persons), how a row becomes the
service's payload, and which service field paths map back to which columns. Everything else is
here once: the zip-bomb guard before the file is read, every error by row and column
(第N行「列」), the check that runs the real services inside a transaction that is always rolled
back, and the import that keeps all records or none (record by record, or the whole file in one
call of a register's batch service: ``run_import_many``).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from core.errors import BatchError, DomainError
from core.xlsx_guard import UnsafeWorkbookError, xlsx_check

HEADER_ROW = 1
HELP_SHEET = "说明"
EXAMPLE_SHEET = "填写示例"
LISTS_SHEET = "可选值"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}
SEPARATORS = re.compile(r"[、,，;；/\n]+")
GROUP, ITEM = "group", "item"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    level: str  # GROUP (read from the record's first row) or ITEM (one per row)
    help: str
    width: int = 16
    # Identifiers (证件号码, 信用代码, 证书编号): the template formats the column as text, so
    # Excel keeps every digit instead of turning 18 digits into 5.1010419920312E+17.
    as_text: bool = False
    # The allowed values: the template offers them in a drop-down (a suggestion list when
    # ``several`` values may be separated by 、, which a drop-down cannot hold).
    options: tuple[str, ...] = ()
    several: bool = False
    example: str = ""


@dataclass
class Group:
    """One record of the file: its key, its rows, its own payload and its items'."""

    key: str
    rows: list[int] = field(default_factory=list)
    payload: dict = field(default_factory=dict)
    items: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SheetSpec:
    """What one register's import sheet looks like and how its rows become payloads."""

    sheet: str  # the data sheet's title
    columns: Callable[[], list[Column]]
    group_key: str  # the column whose equal values make one record
    group_noun: str  # 案件, 申报 …
    item_noun: str  # 人员 …
    read_group: Callable[[Row], dict]  # the record's payload, from its first row
    read_item: Callable[[Row], dict]  # one item's payload, from every row
    items_field: str  # the service's keyword for the list of items ("persons")
    group_paths: dict[str, str]  # the service's field path → column key (record level)
    item_paths: dict[str, str]  # an item's field path → column key
    describe: Callable[[Group], dict]  # what the check lists for one record (date, names)
    notes: tuple[str, ...] = ()  # lines added to the 说明 sheet
    max_rows: int = 5000

    def header_of(self, key: str) -> str:
        return self.headers().get(key, "")

    def headers(self) -> dict[str, str]:
        """Return each column key's header (build it once per file: the labels are translated)."""
        return {c.key: c.header for c in self.columns()}


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
class ParseResult:
    groups: list[Group]
    errors: list[RowError]

    @property
    def item_count(self) -> int:
        return sum(len(g.items) for g in self.groups)

    @property
    def row_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def text(value) -> str:
    """Return a cell as stripped text (a whole float as an integer: 1.0 → "1")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def code_of(value: str, choices) -> str:
    """Return the code for a Chinese label (or the code itself); other text is passed on as is,
    for the service to refuse with the allowed values."""
    for code, label in choices:
        if value in (code, str(label)):
            return code
    return value


def labels(choices) -> str:
    return "、".join(str(label) for _value, label in choices)


def options(choices) -> tuple[str, ...]:
    """Return a choice list's labels as the template's drop-down values."""
    return tuple(str(label) for _value, label in choices)


class Row:
    """Read one sheet row's cells by column key, collecting errors with the Excel row number."""

    def __init__(
        self,
        spec: SheetSpec,
        number: int,
        cells: dict,
        errors: list[RowError],
        headers: dict[str, str] | None = None,
    ):
        self.spec, self.number, self.cells, self.errors = spec, number, cells, errors
        self.headers = spec.headers() if headers is None else headers

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.headers.get(key, ""), str(message)))

    def text(self, key: str) -> str:
        return text(self.cells.get(key))

    def identifier(self, key: str) -> str:
        """Return an identifier cell as text; a number means Excel has already lost digits.

        An 18-digit ID typed into a number-formatted cell is kept as a float with 15
        significant digits (5.1010419920312E+17): the last digits are gone and cannot be
        recovered, so the row is refused with what happened and how to avoid it.
        """
        value = self.cells.get(key)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and abs(value) >= 1e11:
            self.error(
                key,
                _(
                    "该单元格被Excel存成了数字（%(shown)s），长号码的末几位已经丢失。"
                    "请把这一列设置为“文本”格式（或使用下载的模板），重新输入完整号码。"
                )
                % {"shown": f"{value:.13E}" if isinstance(value, float) else value},
            )
            return ""
        return text(value)

    def date(self, key: str):
        """Return a date cell as Excel stored it (a date) or as typed (text), for the service."""
        value = self.cells.get(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        return value if isinstance(value, datetime.date) else self.text(key)

    def flag(self, key: str) -> bool:
        """Return a 是/否 cell as a bool, recording an error for anything else."""
        value = self.text(key).lower()
        if value not in YES | NO:
            self.error(key, _("请填写“是”或“否”。"))
        return value in YES

    def many(self, key: str, choices) -> list[str]:
        """Return a cell of several values separated by 、 as codes."""
        parts = [v.strip() for v in SEPARATORS.split(self.text(key)) if v.strip()]
        return [code_of(v, choices) for v in parts]

    def unit(self, prefix: str) -> dict | None:
        name, uscc = self.text(f"{prefix}_name"), self.identifier(f"{prefix}_uscc")
        return {"name": name, "uscc": uscc} if (name or uscc) else None


# --------------------------------------------------------------------------- the template


def _data_sheet(book: Workbook, spec: SheetSpec) -> None:
    """Write the data sheet: headers, text-formatted identifier columns, drop-downs."""
    sheet = book.active
    sheet.title = spec.sheet
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    last = spec.max_rows + HEADER_ROW
    for index, column in enumerate(spec.columns(), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = column.width
        if column.as_text:
            sheet.column_dimensions[letter].number_format = "@"
        if column.options:
            _drop_down(sheet, lists, column, letter, last)
    sheet.freeze_panes = "A2"


def _drop_down(sheet, lists, column: Column, letter: str, last: int) -> None:
    """Offer ``column.options`` in a list kept on the hidden sheet (no 255-character limit)."""
    position = sum(1 for cell in lists[1] if cell.value is not None) + 1
    list_letter = get_column_letter(position)
    lists.cell(row=1, column=position, value=column.header)
    for row, option in enumerate(column.options, start=2):
        lists.cell(row=row, column=position, value=option)
    reference = f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(column.options) + 1}"
    validation = DataValidation(
        type="list",
        formula1=f"={reference}",
        allow_blank=True,
        showErrorMessage=not column.several,
        errorTitle="不在可选范围内",
        error="请从下拉列表中选择。",
        promptTitle=column.header,
        prompt=("可多选，用顿号“、”分隔" if column.several else "请从下拉列表中选择")[:250],
        showInputMessage=True,
    )
    validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
    sheet.add_data_validation(validation)


def _notes_sheet(book: Workbook, spec: SheetSpec) -> None:
    notes = book.create_sheet(HELP_SHEET, 1)
    notes.append(["列名", "是否必填", "层级", "填写说明及允许的值"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    levels = {
        GROUP: f"{spec.group_noun}（取该序号第一行）",
        ITEM: f"{spec.item_noun}（每行一人）",
    }
    for column in spec.columns():
        notes.append(
            [
                column.header,
                "必填" if column.required else "选填",
                levels[column.level],
                column.help,
            ]
        )
    notes.append([])
    header = spec.header_of(spec.group_key)
    for line in (
        *spec.notes,
        "证件号码、统一社会信用代码、证书编号列已设为文本格式；请勿改为数字格式，否则Excel会丢失末几位。",
        "带下拉箭头的列请从列表中选择；“可多选”的列用顿号“、”分隔多个值。",
        "“填写示例”工作表有一行示例，仅供参考，导入时不读取。",
        "上传后先进行试导入检查，列出全部错误（第几行、哪一列）；无错误后确认导入。",
        f"导入为整体操作：任何一个{spec.group_noun}出错，全部不导入。",
        f"同一{spec.group_noun}的多行使用相同的“{header}”，{spec.group_noun}信息以第一行为准。",
    ):
        notes.append([line])
    for letter, width in zip("ABCD", (32, 10, 20, 80), strict=True):
        notes.column_dimensions[letter].width = width


def _example_sheet(book: Workbook, spec: SheetSpec) -> None:
    example = book.create_sheet(EXAMPLE_SHEET, 2)
    example.append([c.header for c in spec.columns()])
    example.append([c.example for c in spec.columns()])
    for index, column in enumerate(spec.columns(), start=1):
        letter = get_column_letter(index)
        example.column_dimensions[letter].width = column.width
        example.cell(row=1, column=index).font = Font(bold=True)
        if column.as_text:
            example.cell(row=2, column=index).number_format = "@"


def template_workbook(spec: SheetSpec) -> bytes:
    """Return the import template: the data sheet (identifier columns as text, drop-downs for
    coded columns), the 说明 sheet and a 填写示例 sheet with one example row."""
    book = Workbook()
    _data_sheet(book, spec)
    _notes_sheet(book, spec)
    _example_sheet(book, spec)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- parsing


def _open(content: bytes, max_rows: int):
    """Return the workbook, or a ParseResult refusing the file.

    Uploads are read with calamine (python-calamine, in Rust): 0.3 s for 10,000 rows where
    openpyxl's read-only mode took 3–4 s (issue 14); openpyxl still writes the templates. Cells
    come as calamine gives them: numbers as floats, dates as dates, empty cells as "".
    """
    try:
        # The guard reads the zip's directory first: a bomb never reaches the reader.
        xlsx_check(content, max_rows=max_rows + HEADER_ROW)
    except UnsafeWorkbookError as exc:
        return None, ParseResult([], [RowError(0, "", exc.message)])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # the reader raises several types for a file that is not a workbook
        return None, ParseResult(
            [], [RowError(0, "", _("无法读取文件：请上传由模板填写的 .xlsx 文件。"))]
        )
    return book, None


def _rows(book, name: str):
    """Return the data sheet's row count and its rows from the header on, or nothing when the
    first row is empty (the reader starts at the first row holding a value)."""
    names = book.sheet_names
    sheet = book.get_sheet_by_name(name) if name in names else book.get_sheet_by_index(0)
    first = sheet.start[0] if sheet.start else 0
    declared = max(0, first + sheet.height - HEADER_ROW)
    return declared, (iter(sheet.iter_rows()) if first == 0 else iter(()))


def _positions(spec: SheetSpec, header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Return the column index of each known header, and the required headers missing."""
    by_header = {c.header: c for c in spec.columns()}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        if value in by_header:
            positions[by_header[value].key] = index
    missing = [c.header for c in spec.columns() if c.required and c.key not in positions]
    return positions, missing


def parse_workbook(
    spec: SheetSpec, content: bytes, *, on_row: Callable[[int, int], None] | None = None
) -> ParseResult:
    """Read and check every row of an uploaded workbook; nothing is written.

    ``on_row(rows_read, rows_declared)`` is told of each row read (for a progress bar).
    """
    book, refused = _open(content, spec.max_rows)
    if refused is not None:
        return refused
    declared, rows = _rows(book, spec.sheet)
    positions, missing = _positions(spec, [text(v) for v in next(rows, ())])
    if missing:
        book.close()
        message = _("缺少必需的列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(missing)}
        return ParseResult([], [RowError(HEADER_ROW, "", message)])
    errors: list[RowError] = []
    groups: dict[str, Group] = {}
    # The columns are built once per file: building them per row (their translated labels and
    # help texts) cost half of reading a 10,000-row file.
    headers = spec.headers()
    group_keys = [c.key for c in spec.columns() if c.level == GROUP]
    for number, values in enumerate(rows, start=HEADER_ROW + 1):
        if number - HEADER_ROW > spec.max_rows:
            errors.append(RowError(number, "", _("单次最多导入 %(n)d 行。") % {"n": spec.max_rows}))
            break
        if on_row is not None:
            on_row(number - HEADER_ROW, declared)
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(text(v) == "" for v in cells.values()):
            continue
        _add_row(spec, Row(spec, number, cells, errors, headers), groups, group_keys)
    book.close()
    if not groups and not errors:
        errors.append(RowError(HEADER_ROW + 1, "", _("文件中没有数据行。")))
    return ParseResult(list(groups.values()), errors)


def _add_row(spec: SheetSpec, row: Row, groups: dict[str, Group], group_keys: list[str]) -> None:
    """Add an item row to its record (the record's first row carries the record's cells)."""
    key = row.text(spec.group_key)
    if not key:
        row.error(
            spec.group_key,
            _("必填：同一%(noun)s的多行填写相同序号。") % {"noun": spec.group_noun},
        )
        return
    group = groups.get(key)
    if group is None:
        group = groups[key] = Group(key=key)
        group.payload = spec.read_group(row)
        group.raw = {key: row.text(key) for key in group_keys}
    else:
        _check_same_group(spec, row, group, group_keys)
    group.rows.append(row.number)
    group.items.append(spec.read_item(row))


def _check_same_group(spec: SheetSpec, row: Row, group: Group, group_keys: list[str]) -> None:
    """Refuse record-level cells on later rows that contradict the record's first row."""
    first = group.rows[0]
    for key in group_keys:
        if key == spec.group_key:
            continue
        value = row.text(key)
        if value and value != group.raw.get(key, ""):
            row.error(
                key,
                _("与本%(noun)s第%(row)d行不一致（%(noun)s信息以第一行为准，其余行可留空）。")
                % {"row": first, "noun": spec.group_noun},
            )


# --------------------------------------------------------------------------- the run


def map_domain_error(
    spec: SheetSpec, error: DomainError, group: Group, headers: dict[str, str] | None = None
) -> list[RowError]:
    """Turn a service's field paths (``persons[1].id_number``) into row/column errors."""
    headers = spec.headers() if headers is None else headers
    item_path = re.compile(rf"^{re.escape(spec.items_field)}\[(\d+)\](?:\.(.+))?$")
    result = []
    for path, messages in (error.fields or {}).items():
        messages = messages if isinstance(messages, list | tuple) else [messages]
        match = item_path.match(path)
        if match and int(match.group(1)) < len(group.rows):
            row = group.rows[int(match.group(1))]
            key = spec.item_paths.get(match.group(2) or "", "")
        else:
            row, key = group.rows[0], spec.group_paths.get(path, path)
        for message in messages:
            result.append(RowError(row, headers.get(key, ""), str(message)))
    if not result:
        result.append(RowError(group.rows[0], "", error.message))
    return result


class _RollbackError(Exception):
    """Undo the whole import (a dry run, or any record refused)."""


def run_import(
    spec: SheetSpec,
    *,
    create: Callable[..., object],
    result: ParseResult,
    commit: bool,
    on_group: Callable[[int], None] | None = None,
) -> tuple[list[RowError], list]:
    """Create every record of ``result`` in one transaction; keep them only if all succeed.

    ``create(**payload, <items_field>=items)`` is the register's service. Return the errors by
    row and column, and the records kept (none on a dry run or an error).

    With ``commit=False`` (the dry run) the same calls run and are always rolled back, so the
    clerk sees the services' objections too before confirming. ``on_group(rows_done)`` is told
    after each record.
    """
    errors: list[RowError] = []
    created: list = []
    rows_done = 0
    try:
        with transaction.atomic():
            for group in result.groups:
                try:
                    with transaction.atomic():
                        created.append(create(**group.payload, **{spec.items_field: group.items}))
                except DomainError as exc:
                    errors.extend(map_domain_error(spec, exc, group))
                rows_done += len(group.rows)
                if on_group is not None:
                    on_group(rows_done)
            if errors or not commit:
                raise _RollbackError
    except _RollbackError:
        created = []
    return errors, created


def run_import_many(
    spec: SheetSpec,
    *,
    create_many: Callable[..., list],
    result: ParseResult,
    commit: bool,
    on_group: Callable[[int], None] | None = None,
) -> tuple[list[RowError], list]:
    """Create every record of ``result`` with one call of the register's batch service.

    The contract is ``run_import``'s (the same errors by row and column, all records or none,
    the dry run rolled back), for a register that checks and writes a whole file at once:
    ``create_many(payloads, on_progress=…)`` takes every record's payload in the file's order and
    returns the records, or raises ``BatchError`` naming each refused record by its index.
    ``on_group(rows_done)`` is told as the service reports records done.
    """
    groups = result.groups
    rows_done = [0]
    for group in groups:
        rows_done.append(rows_done[-1] + len(group.rows))

    def progress(groups_done: int) -> None:
        if on_group is not None:
            on_group(rows_done[min(groups_done, len(groups))])

    payloads = [{**group.payload, spec.items_field: group.items} for group in groups]
    headers = spec.headers()
    errors: list[RowError] = []
    created: list = []
    try:
        with transaction.atomic():
            try:
                created = create_many(payloads, on_progress=progress)
            except BatchError as exc:
                for index in sorted(exc.errors):
                    errors += map_domain_error(spec, exc.errors[index], groups[index], headers)
            except DomainError as exc:  # refused as a whole (the agency): each record says so
                for group in groups:
                    errors += map_domain_error(spec, exc, group, headers)
            if errors or not commit:
                raise _RollbackError
    except _RollbackError:
        created = []
    return errors, created


def upload_problem(upload) -> str | None:
    """Return why an uploaded file cannot be an import workbook, or None."""
    if upload is None:
        return _("请选择文件。")
    if not upload.name.lower().endswith(".xlsx"):
        return _("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
    if upload.size > MAX_UPLOAD_BYTES:
        return _("文件超过 10 MB，请拆分后分批导入。")
    return None


def check_summary(spec: SheetSpec, result: ParseResult, errors: list[RowError]) -> dict:
    """Return a check's outcome as JSON: every error, or the records a confirmation creates."""
    if errors:
        return {"ok": False, "errors": [str(e) for e in errors]}
    return {
        "ok": True,
        "errors": [],
        "group_count": len(result.groups),
        "item_count": result.item_count,
        "groups": [
            {"key": group.key, "rows": group.rows, **spec.describe(group)}
            for group in result.groups
        ],
    }


def import_summary(
    spec: SheetSpec, result: ParseResult, created: list, link: Callable[[object], dict]
) -> dict:
    """Return an import's outcome as JSON: the new records (``link`` names each: id, reference)."""
    return {
        "ok": True,
        "errors": [],
        "group_count": len(created),
        "item_count": result.item_count,
        "groups": [
            {"rows": group.rows, **spec.describe(group), **link(record)}
            for record, group in zip(created, result.groups, strict=True)
        ],
    }
