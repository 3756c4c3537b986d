"""A plain table as an Excel workbook: a title row, headers, rows. No ORM: rows in, bytes out.

For the registers' list exports (cases, leads, complaints). Written in openpyxl's write-only
mode, row by row, so a large export streams to its file with flat memory. Identifier columns are
text (an 18-digit ID must not become 5.1E+17), and a text that looks like a formula stays text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32767  # Excel's limit on a cell's text


def _styles(book: Workbook) -> None:
    # Named styles: one style record per kind of cell instead of one per cell (file size, speed).
    book.add_named_style(NamedStyle("t_title", font=Font(bold=True, size=13)))
    book.add_named_style(NamedStyle("t_head", font=Font(bold=True)))
    wrap = Alignment(wrap_text=True, vertical="top")
    book.add_named_style(NamedStyle("t_text", number_format="@", alignment=wrap))
    book.add_named_style(NamedStyle("t_body", alignment=wrap))


def _cell(sheet, value, style: str) -> WriteOnlyCell:
    if isinstance(value, str):
        value = value[:MAX_CELL]
    cell = WriteOnlyCell(sheet, value=value)
    cell.style = style
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def table_write(
    stream,
    *,
    title: str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    text_columns: Iterable[int] = (),
    widths: Sequence[int] = (),
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write the table to ``stream``; return the number of rows written.

    ``text_columns`` are 0-based indexes kept as text; ``on_row(n)`` is told after each row.
    """
    book = Workbook(write_only=True)
    _styles(book)
    sheet = book.create_sheet(sheet_title[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    sheet.append([_cell(sheet, title, "t_title")])
    sheet.append([_cell(sheet, h, "t_head") for h in headers])
    text = set(text_columns)
    count = 0
    for row in rows:
        sheet.append(
            [
                _cell(sheet, value, "t_text" if i in text else "t_body")
                for i, value in enumerate(row)
            ]
        )
        count += 1
        if on_row is not None:
            on_row(count)
    book.save(stream)
    return count


def table_workbook(**kwargs) -> bytes:
    """Return the table (``table_write``'s arguments) as the bytes of a workbook."""
    buffer = io.BytesIO()
    table_write(buffer, **kwargs)
    return buffer.getvalue()
