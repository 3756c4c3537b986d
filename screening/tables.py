"""Reading an uploaded table (.xlsx or .csv) into a header and numbered rows of text.

Pure: bytes in, rows out, no ORM. A file that is not a table, too large, or a zip bomb is refused
with ``TableError`` and a Chinese message before anything parses it (``core.xlsx_guard`` reads the
zip's directory before openpyxl). CSV is UTF-8 with or without a BOM; a file that is not UTF-8 is
read as GB18030 (what Excel on a Chinese Windows saves as "CSV").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.errors import DomainError
from core.sheet_import import text
from core.xlsx_guard import UnsafeWorkbookError, xlsx_check

HEADER_LINE = 1
CSV_FIELD_LIMIT = 10_000  # characters in one cell; csv's default is 131,072


class TableError(DomainError):
    """The upload cannot be read as a table."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells as text)


def decode_csv(content: bytes) -> str:
    """Return a CSV file's text: UTF-8 (a BOM dropped), else GB18030; refuse binary data."""
    if b"\x00" in content[:65536]:
        raise TableError(_("无法读取文件：不是文本格式的 CSV 表格。"))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TableError(_("无法读取文件：CSV 文件应为 UTF-8 或 GB18030 编码。")) from exc


def _csv_table(content: bytes, max_rows: int) -> Table:
    reader = csv.reader(io.StringIO(decode_csv(content), newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for values in reader:
            if any(len(v) > CSV_FIELD_LIMIT for v in values):
                raise TableError(_("第%(row)d行：单元格内容过长。") % {"row": reader.line_num})
            cells = [v.strip() for v in values]
            if header is None:
                header = cells
                continue
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                raise TableError(_("单次最多导入 %(n)d 行，请拆分后分批导入。") % {"n": max_rows})
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise TableError(
            _("第%(row)d行：CSV 格式错误，无法读取。") % {"row": reader.line_num}
        ) from exc
    return Table(header or [], rows)


def _xlsx_table(content: bytes, max_rows: int) -> Table:
    try:
        xlsx_check(content, max_rows=max_rows + HEADER_LINE)
    except UnsafeWorkbookError as exc:
        raise TableError(exc.message) from exc
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise TableError(_("无法读取文件：不是有效的 .xlsx 工作簿。")) from exc
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [text(v) for v in next(values, ())]
        rows = []
        for number, row in enumerate(values, start=HEADER_LINE + 1):
            cells = [text(v) for v in row]
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                raise TableError(_("单次最多导入 %(n)d 行，请拆分后分批导入。") % {"n": max_rows})
            rows.append((number, cells))
    finally:
        book.close()
    return Table(header, rows)


def read_table(content: bytes, name: str, *, max_bytes: int, max_rows: int) -> Table:
    """Return the first sheet of an .xlsx, or a .csv, as a header and its non-empty rows."""
    if not content:
        raise TableError(_("文件为空。"))
    if len(content) > max_bytes:
        raise TableError(
            _("文件超过 %(mb)d MB，请拆分后分批导入。") % {"mb": max_bytes // (1024 * 1024)}
        )
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        table = _xlsx_table(content, max_rows)
    elif lowered.endswith(".csv"):
        table = _csv_table(content, max_rows)
    else:
        raise TableError(_("请上传 .xlsx 或 .csv 格式的表格文件。"))
    if not any(table.header):
        raise TableError(_("文件为空：第1行应为列名。"))
    if not table.rows:
        raise TableError(_("文件中没有数据行。"))
    return table
