"""The zip-bomb guard: hand-built bombs are refused at once, in Chinese, and real workbooks pass."""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from core import xlsx_guard
from core.xlsx_guard import MIB, UnsafeWorkbookError, xlsx_check

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = b'<?xml version="1.0"?><Types/>'


def sheet_head(ref: str = "A1:U10") -> bytes:
    return f'<worksheet xmlns="{MAIN}"><dimension ref="{ref}"/><sheetData>'.encode()


def build(parts: dict[str, bytes | tuple]) -> bytes:
    """Return a zip of ``parts``; a tuple value is (head, chunk, times, tail), streamed in."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, content in parts.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            head, chunk, times, tail = content
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(head)
                for _ in range(times):
                    member.write(chunk)
                member.write(tail)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zeros_sheet() -> bytes:
    """A sheet of 100 MB of zeros: about 100 KB packed."""
    return build({"xl/worksheets/sheet1.xml": (sheet_head(), b"0" * MIB, 100, b"")})


@pytest.fixture(scope="module")
def ten_million_strings() -> bytes:
    """A sharedStrings.xml of 10 million one-letter strings, declaring no count."""
    chunk = b"<si><t>a</t></si>" * 100_000
    part = (f'<sst xmlns="{MAIN}">'.encode(), chunk, 100, b"</sst>")
    return build({"xl/sharedStrings.xml": part})


def refuse(source) -> tuple[str, float, int]:
    """Return the refusal's message, the seconds it took and the peak traced memory in bytes."""
    started = time.perf_counter()
    with pytest.raises(UnsafeWorkbookError) as refused:
        xlsx_check(source)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeWorkbookError):
            xlsx_check(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return refused.value.message, elapsed, peak


def assert_cheap(peak: int) -> None:
    """The refusal holds little memory: nothing was unpacked whole. (Times are measured by
    bench/import_check.py and recorded in docs/performance.md, never asserted: a busy machine
    would fail a timed test.)"""
    assert peak < 50 * MIB, f"peak {peak / MIB:.0f} MB"


def test_a_hundred_megabytes_of_zeros_is_refused_at_once(zeros_sheet, tmp_path):
    """A 100 MB sheet packed to ~100 KB is refused from the zip directory, writing nothing."""
    assert len(zeros_sheet) < 300 * 1024
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zeros_sheet)
    message, _elapsed, peak = refuse(path)
    assert "xl/worksheets/sheet1.xml" in message
    assert "超过上限 32 MB" in message
    assert_cheap(peak)
    assert [p.name for p in tmp_path.iterdir()] == ["bomb.xlsx"]


def test_ten_million_shared_strings_are_refused_at_once(ten_million_strings):
    """A sharedStrings.xml of 10 million tiny strings is refused without being unpacked."""
    message, _elapsed, peak = refuse(ten_million_strings)
    assert "xl/sharedStrings.xml" in message
    assert_cheap(peak)


def test_shared_strings_over_the_count_are_refused_while_streaming():
    """Distinct strings within the size limits are counted and refused at the limit."""
    count = xlsx_guard.MAX_SHARED_STRINGS + 5_000
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(count))
    sst = f'<sst xmlns="{MAIN}">'.encode() + strings + b"</sst>"
    content = build({"xl/sharedStrings.xml": sst})
    message, _elapsed, peak = refuse(content)
    assert message.startswith("工作簿的共享字符串超过 100,000 个")
    assert_cheap(peak)


def test_a_declared_shared_string_count_over_the_limit_is_refused_before_counting():
    """The sst's own uniqueCount over the limit is enough to refuse."""
    sst = f'<sst xmlns="{MAIN}" count="10000000" uniqueCount="10000000"><si><t>a</t></si></sst>'
    message, _elapsed, _peak = refuse(build({"xl/sharedStrings.xml": sst.encode()}))
    assert "10,000,000" in message


def test_a_highly_compressed_part_under_the_size_limit_is_refused_by_its_ratio():
    """Five MB of zeros is under the size limit but packs ~1,000:1."""
    content = build({"xl/worksheets/sheet1.xml": (sheet_head(), b"0" * MIB, 5, b"")})
    message, _elapsed, peak = refuse(content)
    assert "压缩比" in message
    assert "疑似压缩炸弹" in message
    assert_cheap(peak)


def test_the_total_unpacked_size_is_limited(monkeypatch):
    """Parts each within the limits may not add up past the total."""
    monkeypatch.setattr(xlsx_guard, "MAX_TOTAL_BYTES", 2 * MIB)
    monkeypatch.setattr(xlsx_guard, "RATIO_FLOOR_BYTES", 64 * MIB)
    part = (b"", b"0" * MIB, 1, b"")
    message, _elapsed, _peak = refuse(build({f"xl/media/{i}.bin": part for i in range(3)}))
    assert message == "文件解压后超过 2 MB，请拆分后分批导入。"


def test_too_many_parts_are_refused_before_the_directory_is_read():
    """Ten thousand empty parts are refused from the end record, not by listing them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(10_000):
            archive.writestr(f"x/{i}", b"")
    message, _elapsed, peak = refuse(buffer.getvalue())
    assert message.startswith("文件包含 10,001 个部件，超过上限 200 个")
    assert_cheap(peak)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("A1:U1048576", "共 1,048,576 行，超过上限 5,001 行"),
        ("A1:XFD2", "共 16,384 列，超过上限 100 列"),
    ],
)
def test_a_sheet_declaring_too_many_rows_or_columns_is_refused(ref, expected):
    """The <dimension> of a sheet is read before openpyxl would walk its rows."""
    sheet = sheet_head(ref) + b"</sheetData></worksheet>"
    message, _elapsed, _peak = refuse(build({"xl/worksheets/sheet1.xml": sheet}))
    assert expected in message


@pytest.mark.parametrize(
    "content",
    [
        b"not a workbook",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # .xls (or an encrypted .xlsx)
        b"PK\x05\x06" + b"\0" * 18,  # an empty zip
    ],
)
def test_a_file_that_is_not_an_xlsx_zip_is_refused(content):
    """Anything but a zip holding [Content_Types].xml is not a workbook."""
    message, _elapsed, _peak = refuse(content)
    assert message.startswith("无法读取文件：不是 .xlsx 格式的 Excel 工作簿")


def test_xml_with_entity_declarations_is_refused():
    """A billion-laughs sharedStrings.xml is refused by the defused parser."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&b;</t></si></sst>"
    )
    message, _elapsed, _peak = refuse(build({"xl/sharedStrings.xml": laughs}))
    assert message == "无法读取文件：工作簿内容已损坏（xl/sharedStrings.xml）。"


def test_other_compression_methods_are_refused():
    """Excel writes only stored and deflated parts; bzip2 and lzma are not opened."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    message, _elapsed, _peak = refuse(buffer.getvalue())
    assert "压缩方式" in message


def test_a_full_workbook_at_the_row_limit_passes():
    """5,000 rows of 21 filled columns (openpyxl writes them inline) are within every limit."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件导入")
    sheet.append([f"列{c}" for c in range(21)])
    for r in range(5_000):
        sheet.append([f"{r}-{c}-成都某建设有限公司" for c in range(21)])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx_check(buffer.getvalue())  # no refusal


def test_shared_strings_up_to_the_limit_pass():
    """Exactly the allowed number of distinct strings (as Excel would store them) passes."""
    count = xlsx_guard.MAX_SHARED_STRINGS
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(count))
    sst = f'<sst xmlns="{MAIN}" uniqueCount="{count}">'.encode() + strings + b"</sst>"
    xlsx_check(build({"xl/sharedStrings.xml": sst}))
