"""Write 附件1 workbooks: plain rows in, .xlsx bytes out (no database access here)."""

import datetime
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
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


def _register_styles(wb: Workbook) -> None:
    """Add the cell styles to ``wb`` unless an earlier sheet already did."""
    # Built per workbook: a NamedStyle holds the ids of the one workbook it is bound to.
    known = set(wb.named_styles)
    for name, attributes in CELL_STYLES.items():
        if name not in known:
            wb.add_named_style(NamedStyle(name=name, hidden=True, **{**DEFAULTS, **attributes}))


def _body_style(column: layout.Column) -> str:
    center = column.key in ("seq", "name")
    if column.as_text:
        return BODY_TEXT_CENTER if center else BODY_TEXT
    return BODY_CENTER if center else BODY_LEFT


def _put(cell: Cell, value, style: str | None = None) -> Cell:
    """Write ``value`` to ``cell``; a text never becomes a formula, whatever it starts with."""
    if style is not None:
        cell.style = style  # first: it replaces the whole style, quotePrefix included
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
    return cell


def _merge(ws: Worksheet, first: str, last: str, row: int, last_row: int | None = None) -> None:
    if first != last or (last_row and last_row != row):
        ws.merge_cells(f"{first}{row}:{last}{last_row or row}")


def _box(ws: Worksheet, row: int, first_col: int = 1, last_col: int | None = None) -> None:
    for col in range(first_col, (last_col or len(layout.COLUMNS)) + 1):
        ws.cell(row=row, column=col).style = BOX


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


def write_annex1_sheet(ws: Worksheet, data: SheetData) -> None:
    """Fill ``ws`` with one 附件1 in the official layout."""
    _register_styles(ws.parent)
    for index, column in enumerate(layout.COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    _write_heading(ws, data)
    _write_header_rows(ws)
    footer_row = _write_body(ws, data.rows)
    _write_footer(ws, data, footer_row)
    _page_setup(ws)


def _write_heading(ws: Worksheet, data: SheetData) -> None:
    """附件1, the merged title and the 报送部门 line."""
    last = layout.LAST_COLUMN
    _put(ws.cell(row=layout.ROW_ANNEX, column=1), layout.ANNEX_LABEL, LABEL)
    _put(ws.cell(row=layout.ROW_TITLE, column=1), layout.TITLE, TITLE_STYLE)
    _merge(ws, "A", last, layout.ROW_TITLE)
    ws.row_dimensions[layout.ROW_TITLE].height = 30
    agency_line = layout.AGENCY_LINE.format(agency=data.agency_name)
    _put(ws.cell(row=layout.ROW_AGENCY, column=1), agency_line, LINE)
    _merge(ws, "A", last, layout.ROW_AGENCY)


def _write_header_rows(ws: Worksheet) -> None:
    """The two header rows with their merges (A and L span both)."""
    ncols = len(layout.COLUMNS)
    for first, group_last, text in layout.H1_GROUPS:
        ws[f"{first}{layout.ROW_H1}"].value = text
        if first == group_last:  # spans both header rows
            _merge(ws, first, first, layout.ROW_H1, layout.ROW_H2)
        else:
            _merge(ws, first, group_last, layout.ROW_H1)
    for index, column in enumerate(layout.COLUMNS, start=1):
        if index not in (1, ncols):
            ws.cell(row=layout.ROW_H2, column=index, value=column.header)
    for row in (layout.ROW_H1, layout.ROW_H2):
        for col in range(1, ncols + 1):
            ws.cell(row=row, column=col).style = HEADER


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


def _set_row_heights(ws: Worksheet, first_row: int, heights: list[float]) -> None:
    """Give the data rows their heights: the most frequent as the sheet's default row height,
    the others row by row (a row's own height costs an object and XML per row)."""
    usual = Counter(heights).most_common(1)[0][0]
    ws.sheet_format.defaultRowHeight = usual
    ws.sheet_format.customHeight = True  # the default is a height, not a guess to refit
    for row in (layout.ROW_ANNEX, layout.ROW_AGENCY, layout.ROW_H1, layout.ROW_H2):
        ws.row_dimensions[row].height = row_height(1)
    for row, height in enumerate(heights, start=first_row):
        if height != usual:
            ws.row_dimensions[row].height = height


def _write_body(ws: Worksheet, rows: Sequence[dict]) -> int:
    """The data rows (or 本月无查处情况), each as high as its text needs; return the next row."""
    row_number = layout.FIRST_DATA_ROW
    if not rows:
        ws.cell(row=row_number, column=1, value=layout.ZERO_REPORT_TEXT)
        _merge(ws, "A", layout.LAST_COLUMN, row_number)
        _box(ws, row_number, first_col=2)
        ws.cell(row=row_number, column=1).style = BODY_CENTER
        return row_number + 1
    columns = [
        (index, column.key, column.as_text, _body_style(column))
        for index, column in enumerate(layout.COLUMNS, start=1)
    ]
    capacities = [column.width - layout.WRAP_MARGIN for column in layout.COLUMNS]
    heights = []
    for seq, row in enumerate(rows, start=1):
        values = []
        for index, key, as_text, style in columns:
            value = seq if key == "seq" else row.get(key, "")
            if value is None:
                value = ""
            elif as_text:
                # Identifiers stay text: no scientific notation, no lost leading zeros.
                value = str(value)
            _put(ws.cell(row=row_number, column=index), value, style)
            values.append(value)
        heights.append(row_height(_row_lines(values, capacities)))
        row_number += 1
    _set_row_heights(ws, layout.FIRST_DATA_ROW, heights)
    return row_number


def _person_text(label: str, person: Signatory | None) -> str:
    """Return ``填表人：张三  联系电话：028-…``, with room to write by hand when unsigned."""
    return layout.FOOTER_PERSON.format(
        label=label,
        name=person.name if person else layout.FOOTER_NAME_BLANK,
        phone_label=layout.FOOTER_PHONE,
        phone=person.phone if person else "",
    )


def _write_footer(ws: Worksheet, data: SheetData, row_number: int) -> None:
    """填表人 and 负责人 with their phones, and 申报时间, under the table."""
    footer_texts = {
        layout.FOOTER_PREPARER: _person_text(layout.FOOTER_PREPARER, data.preparer),
        layout.FOOTER_SIGNER: _person_text(layout.FOOTER_SIGNER, data.signer),
        layout.FOOTER_DATE: layout.FOOTER_DATE + _date_text(data.submitted_on),
    }
    for first, group_last, label in layout.FOOTER_GROUPS:
        _put(ws[f"{first}{row_number}"], footer_texts[label], LINE)
        _merge(ws, first, group_last, row_number)
    ws.row_dimensions[row_number].height = 24


def _page_setup(ws: Worksheet) -> None:
    """A4 landscape, fit to width, header rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{layout.ROW_H1}:{layout.ROW_H2}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.freeze_panes = f"A{layout.FIRST_DATA_ROW}"


def _write_table(ws: Worksheet, start_row: int, headers: Sequence[str], rows: Iterable) -> int:
    for col, header in enumerate(headers, start=1):
        _put(ws.cell(row=start_row, column=col), header, HEADER)
    row_number = start_row + 1
    for values in rows:
        for col, value in enumerate(values, start=1):
            _put(ws.cell(row=row_number, column=col), value, CELL)
        row_number += 1
    return row_number


def _write_statistics(ws: Worksheet, stats: Statistics) -> None:
    _register_styles(ws.parent)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 26
    ws.column_dimensions["D"].width = 10
    _put(ws["A1"], "按部门、执业资格类别、处理措施统计", HEADING)
    end = _write_table(
        ws,
        2,
        layout.STATISTICS_DEPARTMENT_HEADERS,
        (
            (item["department"], item["category"], item["measure"], item["count"])
            for item in stats.by_department
        ),
    )
    _put(ws.cell(row=end + 1, column=1), "按市（州）统计", HEADING)
    _write_table(
        ws,
        end + 2,
        layout.STATISTICS_PREFECTURE_HEADERS,
        ((item["prefecture"], item["count"]) for item in stats.by_prefecture),
    )
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def annex1_workbook(sheet: SheetData) -> bytes:
    """Return one report's workbook: a single 附件1 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(sheet.sheet_title, set())
    write_annex1_sheet(ws, sheet)
    return _save(wb)


def consolidation_workbook(
    *, departments: Sequence[SheetData], summary: SheetData, stats: Statistics
) -> bytes:
    """Return the consolidation: one sheet per department, a 汇总 sheet and a 统计 sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in departments:
        write_annex1_sheet(wb.create_sheet(_sheet_name(sheet.sheet_title, taken)), sheet)
    write_annex1_sheet(wb.create_sheet(_sheet_name(layout.SUMMARY_SHEET, taken)), summary)
    _write_statistics(wb.create_sheet(_sheet_name(layout.STATISTICS_SHEET, taken)), stats)
    return _save(wb)
