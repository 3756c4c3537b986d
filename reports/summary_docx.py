"""The phase summary as a Word document in the usual 公文 layout (GB/T 9704-2012).

A4, margins 37/35/28/26 mm; the title in 二号 小标宋 centred; the body in 三号 仿宋 with a
first-line indent of two characters and a fixed 28 pt line pitch; headings 一、二、三、 in 黑体;
the counts as 附表; the issuing agency and date at the end, right-aligned, with 联系人. Fonts are
named, not embedded: an office's Word substitutes what it has (python-docx writes the East Asian
font name, which Word reads for Chinese text).

The writer takes a ``SummaryDocument`` (plain values) and returns bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(12)  # 二号, 三号, 小四
LINE_PITCH = Pt(28)


@dataclass
class Section:
    heading: str
    text: str


@dataclass
class CountTable:
    title: str
    columns: list[str]
    rows: list[list]


@dataclass
class SummaryDocument:
    """What the document says, in plain values (the writer knows no model)."""

    title: str
    sections: list[Section]
    totals: list[tuple[str, int]]
    tables: list[CountTable] = field(default_factory=list)
    issuer: str = ""
    date: str = ""
    contact: str = ""
    attachments: list[str] = field(default_factory=list)


def _font(run, name: str, size) -> None:
    run.font.name = name
    run.font.size = size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, font=BODY_FONT, size=BODY_SIZE, align=None, indent=True):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size)
    return paragraph


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _table(doc, table: CountTable) -> None:
    _paragraph(doc, table.title, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
        _font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, TABLE_SIZE)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, TABLE_SIZE)


def summary_document(content: SummaryDocument) -> bytes:
    """Return the summary as a .docx file's bytes."""
    doc = Document()
    _page(doc)
    _paragraph(
        doc,
        content.title,
        font=TITLE_FONT,
        size=TITLE_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(doc, "", indent=False)
    for section in content.sections:
        _paragraph(doc, section.heading, font=HEADING_FONT)
        for line in (section.text or "（无）").splitlines() or ["（无）"]:
            if line.strip():
                _paragraph(doc, line.strip())
    if content.totals:
        figures = "；".join(f"{label}{value}" for label, value in content.totals)
        _paragraph(doc, "主要数据：" + figures + "。")
    if content.attachments:
        _paragraph(doc, "附件：" + "；".join(content.attachments))
    _paragraph(doc, "", indent=False)
    for text in (content.issuer, content.date):
        if text:
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if content.contact:
        _paragraph(doc, content.contact)
    for table in content.tables:
        doc.add_page_break()
        _table(doc, table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
