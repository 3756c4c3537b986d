"""The official layout of 附件1 (DOMAIN.md §5), in one place so it can be corrected.

[inferred] from a provincial authority's implementation of the national form; when the original
form is obtained, correct the texts, columns and merges here and nothing else.
"""

from dataclasses import dataclass

ANNEX_LABEL = "附件1"
TITLE = "工程建设领域专业技术人员职业资格“挂证”等违法违规情况处理汇总表"
AGENCY_LABEL = "报送部门："
SEAL_HINT = "（加盖单位印章）"
# The printed form reads 报送部门：（加盖单位印章）; the sheet fills in the department before the
# seal hint, which stays so the printed copy shows where the seal goes.
AGENCY_LINE = AGENCY_LABEL + "{agency}" + SEAL_HINT
ZERO_REPORT_TEXT = "本月无查处情况"
# The footer is signed by the reporting agency's own people, as official forms print it:
# 填表人：张三  联系电话：028-85559305 (who prepared it) and 负责人 (who signed it off).
FOOTER_PREPARER = "填表人："
FOOTER_SIGNER = "负责人："
FOOTER_PHONE = "联系电话："
FOOTER_PERSON = "{label}{name}  {phone_label}{phone}"
FOOTER_NAME_BLANK = "　　　　"  # room to sign by hand on a blank form
FOOTER_DATE = "申报时间："
FOOTER_DATE_BLANK = "　　年　　月　　日"


@dataclass(frozen=True)
class Column:
    key: str  # the row dict key (see reports.compile.ROW_FIELDS)
    header: str  # the H2 text (or the merged H1 text for A and L)
    width: float
    as_text: bool = False  # identifiers: written as strings with number_format "@"


# Widths in Excel character units. The 18-character identifiers get room to spare, so a wider
# fallback font (LibreOffice without 仿宋) still prints them on one line; 备注 is wide enough
# that a 200-character remark stays within one printed page's height.
COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6),
    Column("name", "姓名", 10),
    Column("id_number", "身份证号", 23, as_text=True),
    Column("certificate_number", "证书编号", 18, as_text=True),
    Column("certificate_title", "执业资格类别", 20),
    Column("registered_unit", "注册单位", 24),
    Column("actual_unit", "实际工作单位", 24),
    Column("unit_name", "单位名称", 24),
    Column("unit_uscc", "统一社会信用代码", 23, as_text=True),
    Column("self_correction", "自查自纠", 16),
    Column("penalty", "行政处罚", 30),
    Column("remarks", "备注", 24),
)
LAST_COLUMN = "L"

# Sheet rows (1-based).
ROW_ANNEX = 1
ROW_TITLE = 2
ROW_AGENCY = 3
ROW_H1 = 4
ROW_H2 = 5
FIRST_DATA_ROW = 6

# H1: (first column, last column, text); a column spanning both header rows is merged vertically.
H1_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("A", "A", "序号"),
    ("B", "G", "专业技术人员"),
    ("H", "I", "买卖租借证书单位"),
    ("J", "K", "处理结果"),
    ("L", "L", "备注"),
)
# Footer merges: (first column, last column, label).
FOOTER_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("A", "D", FOOTER_PREPARER),
    ("E", "G", FOOTER_SIGNER),
    ("H", "L", FOOTER_DATE),
)

FONT_NAME = "宋体"
BODY_FONT_NAME = "仿宋"
FONT_SIZE = 10
HEADER_FONT_SIZE = 11
TITLE_FONT_SIZE = 16

# Printed row heights. Excel and LibreOffice keep a row's stored height when its text wraps, so
# a data row is given the height its longest cell needs at its column's width (reports.excel):
# a CJK character takes about 2 of the column's character units, an ASCII one about 1.
BODY_LINE_HEIGHT = FONT_SIZE * 1.45  # points per line: CJK fonts' ascent, descent and leading
ROW_PADDING = 4.0  # points above and below the text
WRAP_MARGIN = 2.0  # character units of a column lost to the cell's padding and line breaking
MAX_ROW_HEIGHT = 409.0  # the highest row Excel stores

# Consolidation workbook.
SUMMARY_SHEET = "汇总"
STATISTICS_SHEET = "统计"
STATISTICS_DEPARTMENT_HEADERS = ("部门", "执业资格类别", "处理措施", "人数")
STATISTICS_PREFECTURE_HEADERS = ("市（州）", "人数")
