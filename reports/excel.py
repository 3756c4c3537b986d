"""Write 附件1 workbooks: plain rows in, .xlsx bytes out (no database access here).

Written in openpyxl's write-only mode, row by row, so a consolidation of tens of thousands of rows
streams to its file with flat memory and costs little more than bare values
(docs/performance.md §3). Write-only mode needs everything above the rows first (column widths,
the default row height, frozen panes) and takes merges and print settings until saving; each cell
is built with its named style's array and index, looked up once per workbook. Two openpyxl 3.1
internals are used, pinned by requirements.lock and covered by tests/reports/test_excel.py, which
reads back every cell's style, the merges and the print settings: ``_values_to_row`` of the
write-only sheet and ``Workbook._add_sheet``.
"""

import datetime
import io
import math
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from core.months import day_label
from reports import layout

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
# Excel sheet names: at most 31 characters, none of these.
FORBIDDEN_IN_SHEET_NAME = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
# A text starting with one of these is taken as a formula by Excel or LibreOffice (CSV/DDE
# injection): names and units come from case entry and Excel imports, i.e. from outside.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Signatory:
    """A person signing the footer: real name and phone."""

    name: str
    phone: str = ""


@dataclass
class SheetData:
    """One 附件1 sheet: the reporting agency, its rows and the footer facts."""

    agency_name: str
    rows: Sequence[dict]
    preparer: Signatory | None = None  # 填表人
    signer: Signatory | None = None  # 负责人
    submitted_on: datetime.date | None = None
    sheet_title: str = layout.ANNEX_LABEL


@dataclass
class Statistics:
    by_department: list[dict] = field(default_factory=list)
    by_prefecture: list[dict] = field(default_factory=list)


HEADER_FONT = Font(name=layout.FONT_NAME, size=layout.HEADER_FONT_SIZE)
HEADER_BOLD_FONT = Font(name=layout.FONT_NAME, size=layout.HEADER_FONT_SIZE, bold=True)
TITLE_FONT = Font(name=layout.FONT_NAME, size=layout.TITLE_FONT_SIZE, bold=True)
BODY_FONT = Font(name=layout.BODY_FONT_NAME, size=layout.FONT_SIZE)

# One named style per kind of cell, so a cell takes its whole style in one assignment: setting
# font, border, alignment and number format one by one hashes each object against the workbook's
# style tables, which took most of the writer's time on a large sheet (docs/performance.md §3).
# Hidden, so Excel's style gallery lists none of them.
LABEL = "附件1 标签"  # 附件1 above the title
HEADING = "附件1 小标题"  # a heading on the 统计 sheet
TITLE_STYLE = "附件1 标题"
LINE = "附件1 说明行"  # 报送部门 and the footer
HEADER = "附件1 表头"
BODY_CENTER = "附件1 正文居中"
BODY_LEFT = "附件1 正文"
BODY_TEXT_CENTER = "附件1 正文文本居中"
BODY_TEXT = "附件1 正文文本"  # identifiers: number format "@" (text)
CELL = "附件1 统计"  # a 统计 table cell: font and border only
BOX = "附件1 边框"  # a merged cell's part of the frame: border only
CELL_STYLES: dict[str, dict] = {
    LABEL: {"font": HEADER_FONT},
    HEADING: {"font": HEADER_BOLD_FONT},
    TITLE_STYLE: {"font": TITLE_FONT, "alignment": CENTER},
    LINE: {"font": HEADER_FONT, "alignment": LEFT},
    HEADER: {"font": HEADER_BOLD_FONT, "alignment": CENTER, "border": BORDER},
    BODY_CENTER: {"font": BODY_FONT, "alignment": CENTER, "border": BORDER},
    BODY_LEFT: {"font": BODY_FONT, "alignment": LEFT, "border": BORDER},
    BODY_TEXT_CENTER: {
        "font": BODY_FONT,
        "alignment": CENTER,
        "border": BORDER,
        "number_format": "@",
    },
    BODY_TEXT: {"font": BODY_FONT, "alignment": LEFT, "border": BORDER, "number_format": "@"},
    CELL: {"font": BODY_FONT, "border": BORDER},
    BOX: {"border": BORDER},
}
# A kind that leaves out font or border gets the workbook's own default, as a cell never given
# one has (NamedStyle's defaults differ: an empty Font, a Border without sides).
DEFAULTS = {"font": DEFAULT_FONT, "border": DEFAULT_BORDER}


@dataclass(frozen=True)
class _Style:
    """A named style as bound to one workbook: its array and its index in the cell styles."""

    array: StyleArray
    style_id: int


# Each workbook's styles by name, plain and with quotePrefix: a NamedStyle holds the ids of the
# one workbook it is bound to, so the styles are registered per workbook, once.
_STYLES: "weakref.WeakKeyDictionary[Workbook, dict[tuple[str, bool], _Style]]" = (
    weakref.WeakKeyDictionary()
)


def _register_styles(ws: Worksheet) -> dict[tuple[str, bool], _Style]:
    """Add the cell styles to ``ws``'s workbook unless an earlier sheet did; return them."""
    wb = ws.parent
    if wb not in _STYLES:
        styles = {}
        for name, attributes in CELL_STYLES.items():
            style = NamedStyle(name=name, hidden=True, **{**DEFAULTS, **attributes})
            wb.add_named_style(style)
            for quoted in (False, True):
                probe = Cell(ws, style_array=style.as_tuple())
                probe.quotePrefix = quoted  # Excel keeps it text even after the cell is edited
                styles[name, quoted] = _Style(probe._style, probe.style_id)
        _STYLES[wb] = styles
    return _STYLES[wb]


class _Cell(Cell):
    """A cell written once in write-only mode, its style looked up once per workbook.

    openpyxl looks each cell's style up in the workbook's table by hash when it writes the
    cell; here every cell of a kind shares the array and the index its named style got.
    """

    __slots__ = ("style_id",)
    has_style = True

    def __init__(self, ws: Worksheet, column: int, value, style: _Style):
        # Cell.__init__'s assignments, without its chain of calls (a cell per value written).
        self.parent = ws
        self.row = None
        self.column = column
        self._hyperlink = None
        self._comment = None
        self._style = style.array  # shared, never changed: a cell is written, then dropped
        self.style_id = style.style_id
        self.data_type = "n"
        self._value = None
        if value is not None:
            self.value = value


class StreamingSheet(WriteOnlyWorksheet):
    """openpyxl's write-only worksheet, taking each row as a list of ready cells (or None).

    openpyxl's own ``append`` accepts a styled cell only after failing to store it as a value:
    an exception with the cell's repr per styled cell, a fifth of writing 附件1. A row here is
    always cells, so they pass straight to openpyxl's row writer.
    """

    def _values_to_row(self, values, row_idx):
        for cell in values:
            if cell is not None:
                cell.row = row_idx
                yield cell


def _add_sheet(wb: Workbook, title: str) -> StreamingSheet:
    ws = StreamingSheet(parent=wb, title=title)
    wb._add_sheet(ws)  # what Workbook.create_sheet does for its own write-only sheet
    return ws


class _Rows:
    """Append a write-only sheet's rows in order, each cell with one of the named styles."""

    def __init__(self, ws: StreamingSheet):
        self.ws = ws
        self.styles = _register_styles(ws)
        self.next_row = 1

    def cell(self, column: int, value, style: str) -> Cell:
        """Return a cell of ``value`` in ``style``; a text never becomes a formula."""
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            cell = _Cell(self.ws, column, value, self.styles[style, True])
            cell.data_type = "s"
            return cell
        return _Cell(self.ws, column, value, self.styles[style, False])

    def append(self, cells: list, height: float | None = None) -> int:
        """Write the next row (``height`` in points, else the default); return its number."""
        row = self.next_row
        if height is not None:
            self.ws.row_dimensions[row].height = height
        self.ws.append(cells)
        if height is not None:
            del self.ws.row_dimensions[row]  # written: no need to keep an object per row
        self.next_row += 1
        return row

    def line(self, texts: dict[int, object], style: str, height: float | None = None) -> int:
        """Write a row of a few cells, all in ``style`` (column → value)."""
        cells = [None] * max(texts)
        for column, value in texts.items():
            cells[column - 1] = self.cell(column, value, style)
        return self.append(cells, height)


def _merge(ws: Worksheet, first: str, last: str, row: int, last_row: int | None = None) -> None:
    if first != last or (last_row and last_row != row):
        ws.merged_cells.add(f"{first}{row}:{last}{last_row or row}")


def _body_style(column: layout.Column) -> str:
    center = column.key in ("seq", "name")
    if column.as_text:
        return BODY_TEXT_CENTER if center else BODY_TEXT
    return BODY_CENTER if center else BODY_LEFT


def _date_text(day: datetime.date | None) -> str:
    if day is None:
        return layout.FOOTER_DATE_BLANK
    return day_label(day)


def _sheet_name(title: str, taken: set[str]) -> str:
    name = title.translate(FORBIDDEN_IN_SHEET_NAME)[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def write_annex1_sheet(ws: StreamingSheet, data: SheetData, on_row=None) -> int:
    """Fill ``ws`` with one 附件1 in the official layout; return the number of data rows.

    Rows are written as they come (``data.rows`` may be a generator), each with its height;
    ``on_row(n)`` is told after each data row.
    """
    out = _Rows(ws)
    body = _Body(out, data.rows)
    # Everything above the rows in the file comes first in write-only mode: widths, the
    # default row height (from the first rows), frozen panes, the page's properties.
    for index, column in enumerate(layout.COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.sheet_format.defaultRowHeight = body.usual_height
    ws.sheet_format.customHeight = True  # the default is a height, not a guess to refit
    _page_setup(ws)
    _write_heading(out, data)
    _write_header_rows(out)
    count = body.write(on_row)
    _write_footer(out, data)
    return count


def _write_heading(out: _Rows, data: SheetData) -> None:
    """附件1, the merged title and the 报送部门 line."""
    last = layout.LAST_COLUMN
    one_line = row_height(1)
    out.line({1: layout.ANNEX_LABEL}, LABEL, one_line)
    title = out.line({1: layout.TITLE}, TITLE_STYLE, 30)
    _merge(out.ws, "A", last, title)
    agency_line = layout.AGENCY_LINE.format(agency=data.agency_name)
    agency = out.line({1: agency_line}, LINE, one_line)
    _merge(out.ws, "A", last, agency)


def _write_header_rows(out: _Rows) -> None:
    """The two header rows with their merges (A and L span both)."""
    ncols = len(layout.COLUMNS)
    first_row = [None] * ncols
    for first, group_last, text in layout.H1_GROUPS:
        first_row[ord(first) - ord("A")] = text
        if first == group_last:  # spans both header rows
            _merge(out.ws, first, first, layout.ROW_H1, layout.ROW_H2)
        else:
            _merge(out.ws, first, group_last, layout.ROW_H1)
    second_row = [None, *(column.header for column in layout.COLUMNS[1:-1]), None]
    for values in (first_row, second_row):
        cells = [out.cell(col, value, HEADER) for col, value in enumerate(values, start=1)]
        out.append(cells, row_height(1))


def text_units(text: str) -> float:
    """Return the display width of one line of ``text`` in a column's character units.

    A CJK character (three bytes in UTF-8) is about two units wide, an ASCII one about one:
    (characters + UTF-8 bytes) / 2 gives exactly that, counted in C rather than per character.
    """
    return (len(text) + len(text.encode())) / 2


def line_count(text: str, capacity: float) -> int:
    """Return how many lines ``text`` wraps to in a column holding ``capacity`` units a line."""
    if "\n" in text:
        return sum(line_count(line, capacity) for line in text.split("\n"))
    units = text_units(text)
    return 1 if units <= capacity else math.ceil(units / capacity)


def row_height(lines: int) -> float:
    """Return the height in points that shows ``lines`` lines of body text, at most Excel's."""
    return min(lines * layout.BODY_LINE_HEIGHT + layout.ROW_PADDING, layout.MAX_ROW_HEIGHT)


def _row_lines(values: list, capacities: list[float]) -> int:
    """Return the most lines any of a row's texts wraps to in its column."""
    lines = 1
    for value, capacity in zip(values, capacities, strict=True):
        # Cheap first: a text of n characters is at most 2n units wide, so one at most half
        # as long as the lines found so far can hold cannot add a line.
        if isinstance(value, str) and (len(value) * 2 > capacity * lines or "\n" in value):
            lines = max(lines, line_count(value, capacity))
    return lines


# The sheet's default row height is the most frequent among this many first rows: written
# before any row in write-only mode, so it cannot wait for the last of a streamed sheet.
HEIGHT_SAMPLE = 1000


class _Body:
    """The data rows (or 本月无查处情况), each as high as its text needs."""

    def __init__(self, out: _Rows, rows: Iterable[dict]):
        self.out = out
        self.rows = iter(rows)
        self.columns = [
            (index, column.key, column.as_text, _body_style(column))
            for index, column in enumerate(layout.COLUMNS, start=1)
        ]
        self.capacities = [column.width - layout.WRAP_MARGIN for column in layout.COLUMNS]
        self.sample = [
            self._cells(seq, row)
            for seq, row in enumerate(islice(self.rows, HEIGHT_SAMPLE), start=1)
        ]
        heights = [height for _cells, height in self.sample] or [row_height(1)]
        self.usual_height = Counter(heights).most_common(1)[0][0]

    def _cells(self, seq: int, row: dict) -> tuple[list, float]:
        """Return the row's cells and the height its text needs."""
        cell = self.out.cell
        values, cells = [], []
        for index, key, as_text, style in self.columns:
            value = seq if key == "seq" else row.get(key, "")
            if value is None:
                value = ""
            elif as_text:
                # Identifiers stay text: no scientific notation, no lost leading zeros.
                value = str(value)
            values.append(value)
            cells.append(cell(index, value, style))
        return cells, row_height(_row_lines(values, self.capacities))

    def _write(self, cells: list, height: float) -> None:
        self.out.append(cells, None if height == self.usual_height else height)

    def write(self, on_row=None) -> int:
        """Write the rows; return how many."""
        if not self.sample:
            out = self.out
            cells = [out.cell(1, layout.ZERO_REPORT_TEXT, BODY_CENTER)]
            cells += [out.cell(col, None, BOX) for col in range(2, len(layout.COLUMNS) + 1)]
            row = out.append(cells)
            _merge(out.ws, "A", layout.LAST_COLUMN, row)
            return 0
        count = 0
        for cells, height in self.sample:
            self._write(cells, height)
            count += 1
            if on_row is not None:
                on_row(count)
        for row in self.rows:
            count += 1
            self._write(*self._cells(count, row))
            if on_row is not None:
                on_row(count)
        self.sample = []
        return count


def _person_text(label: str, person: Signatory | None) -> str:
    """Return ``填表人：张三  联系电话：028-…``, with room to write by hand when unsigned."""
    return layout.FOOTER_PERSON.format(
        label=label,
        name=person.name if person else layout.FOOTER_NAME_BLANK,
        phone_label=layout.FOOTER_PHONE,
        phone=person.phone if person else "",
    )


def _write_footer(out: _Rows, data: SheetData) -> None:
    """填表人 and 负责人 with their phones, and 申报时间, under the table."""
    footer_texts = {
        layout.FOOTER_PREPARER: _person_text(layout.FOOTER_PREPARER, data.preparer),
        layout.FOOTER_SIGNER: _person_text(layout.FOOTER_SIGNER, data.signer),
        layout.FOOTER_DATE: layout.FOOTER_DATE + _date_text(data.submitted_on),
    }
    texts = {
        ord(first) - ord("A") + 1: footer_texts[label]
        for first, _last, label in layout.FOOTER_GROUPS
    }
    row = out.line(texts, LINE, 24)
    for first, group_last, _label in layout.FOOTER_GROUPS:
        _merge(out.ws, first, group_last, row)


def _page_setup(ws: Worksheet) -> None:
    """A4 landscape, fit to width, header rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{layout.ROW_H1}:{layout.ROW_H2}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.freeze_panes = f"A{layout.FIRST_DATA_ROW}"


def _write_table(out: _Rows, headers: Sequence[str], rows: Iterable) -> None:
    out.append([out.cell(col, header, HEADER) for col, header in enumerate(headers, start=1)])
    for values in rows:
        out.append([out.cell(col, value, CELL) for col, value in enumerate(values, start=1)])


def _write_statistics(ws: StreamingSheet, stats: Statistics) -> None:
    out = _Rows(ws)
    for letter, width in zip("ABCD", (24, 26, 26, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    out.line({1: "按部门、执业资格类别、处理措施统计"}, HEADING)
    _write_table(
        out,
        layout.STATISTICS_DEPARTMENT_HEADERS,
        (
            (item["department"], item["category"], item["measure"], item["count"])
            for item in stats.by_department
        ),
    )
    out.append([])
    out.line({1: "按市（州）统计"}, HEADING)
    _write_table(
        out,
        layout.STATISTICS_PREFECTURE_HEADERS,
        ((item["prefecture"], item["count"]) for item in stats.by_prefecture),
    )


def _workbook() -> Workbook:
    """Return an empty write-only workbook: each sheet streams its rows to a temporary file."""
    return Workbook(write_only=True)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def annex1_workbook(sheet: SheetData) -> bytes:
    """Return one report's workbook: a single 附件1 sheet."""
    wb = _workbook()
    write_annex1_sheet(_add_sheet(wb, _sheet_name(sheet.sheet_title, set())), sheet)
    return _save(wb)


def consolidation_write(
    stream,
    *,
    departments: Iterable[SheetData],
    summary: SheetData,
    stats: Statistics,
    on_row=None,
) -> int:
    """Write the consolidation to ``stream``: one sheet per department, a 汇总 sheet and a
    统计 sheet. Rows may be generators (a large consolidation streams from the database);
    ``on_row(n)`` is told the rows written so far, all sheets together. Return their number."""
    wb = _workbook()
    taken: set[str] = set()
    written = 0
    for sheet in [*departments, summary]:
        title = layout.SUMMARY_SHEET if sheet is summary else sheet.sheet_title
        told = None if on_row is None else (lambda n, before=written: on_row(before + n))
        written += write_annex1_sheet(_add_sheet(wb, _sheet_name(title, taken)), sheet, told)
    _write_statistics(_add_sheet(wb, _sheet_name(layout.STATISTICS_SHEET, taken)), stats)
    wb.save(stream)
    return written


def consolidation_workbook(
    *, departments: Sequence[SheetData], summary: SheetData, stats: Statistics
) -> bytes:
    """Return the consolidation: one sheet per department, a 汇总 sheet and a 统计 sheet."""
    buffer = io.BytesIO()
    consolidation_write(buffer, departments=departments, summary=summary, stats=stats)
    return buffer.getvalue()
