"""Refuse an uploaded .xlsx that would cost far more to open than its size suggests (a zip bomb).

An .xlsx is a zip of XML files. openpyxl trusts it: a 131 KB upload once cost 37 s of CPU and
290 MB, a 1 MB one 2.5 GB (issue 8). ``xlsx_check`` looks at the zip's directory and streams the
few XML parts whose size is not in the directory, reading no more than each limit allows, and
raises ``UnsafeWorkbookError`` with a Chinese message naming the problem. It is pure: bytes or a
path in, nothing written, no ORM; run it before openpyxl opens any uploaded workbook.

The limits and why these numbers: docs/decisions.md ("Zip-bomb limits").
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from core.errors import DomainError

MIB = 1024 * 1024
MAX_MEMBERS = 200  # a workbook has about ten parts; a few dozen with many sheets
MAX_CENTRAL_DIRECTORY_BYTES = 256 * 1024  # the zip's table of contents, read before anything
MAX_MEMBER_BYTES = 32 * MIB  # one unpacked part; a 5,000-row sheet of the template is ~6 MB
MAX_TOTAL_BYTES = 64 * MIB  # all unpacked parts together
MAX_RATIO = 100  # unpacked / packed; real sheets pack 5-20x, zeros ~1,000x
RATIO_FLOOR_BYTES = 1 * MIB  # smaller parts may pack as they like: they cost nothing
MAX_SHARED_STRINGS = 100_000  # 20 distinct texts for each of 5,000 rows
MAX_ROWS = 5_001  # a header and 5,000 rows (core.sheet_import: SheetSpec.max_rows)
MAX_COLUMNS = 100  # the template has 21
MAX_SHEET_HEAD_BYTES = 1 * MIB  # what may precede <sheetData> (where <dimension> sits)

ZIP_ALLOWED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
SHARED_STRINGS = re.compile(r"^xl/sharedStrings\.xml$", re.IGNORECASE)
CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


class UnsafeWorkbookError(DomainError):
    """The upload is not an .xlsx workbook, or opening it would cost too much."""


def xlsx_check(source: bytes | str | Path, *, max_rows: int = MAX_ROWS) -> None:
    """Raise ``UnsafeWorkbookError`` unless ``source`` is a workbook safe to open with openpyxl."""
    if isinstance(source, bytes | bytearray):
        _check_file(io.BytesIO(source), max_rows)
        return
    with open(source, "rb") as handle:
        _check_file(handle, max_rows)


def _check_file(handle: BinaryIO, max_rows: int) -> None:
    _check_directory_size(handle)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_a_workbook() from exc
    with archive:
        members = archive.infolist()
        _check_members(members)
        try:
            for info in members:
                if SHARED_STRINGS.match(info.filename):
                    _check_shared_strings(archive, info)
                elif SHEET.match(info.filename):
                    _check_dimension(archive, info, max_rows)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, SyntaxError) as exc:
            # zlib errors, a CRC mismatch, broken or forbidden XML (defusedxml raises subclasses)
            raise UnsafeWorkbookError(
                _("无法读取文件：工作簿内容已损坏（%(part)s）。") % {"part": info.filename}
            ) from exc


def _not_a_workbook() -> UnsafeWorkbookError:
    return UnsafeWorkbookError(
        _(
            "无法读取文件：不是 .xlsx 格式的 Excel 工作簿（.xls、.csv、加密的工作簿请先在 Excel 中"
            "另存为 .xlsx）。"
        )
    )


def _check_directory_size(handle: BinaryIO) -> None:
    """Refuse a zip whose table of contents is too long, before zipfile reads it into memory."""
    handle.seek(0, io.SEEK_END)
    length = handle.tell()
    tail_start = max(0, length - EOCD.size - 0xFFFF)  # the record may be followed by a comment
    handle.seek(tail_start)
    tail = handle.read()
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < EOCD.size:
        raise _not_a_workbook()
    record = EOCD.unpack_from(tail, position)
    entries, directory_bytes = record[4], record[5]
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        entries, directory_bytes = _zip64_directory(tail, position, handle)
    if entries > MAX_MEMBERS or directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _too_many_members(entries)


def _zip64_directory(tail: bytes, position: int, handle: BinaryIO) -> tuple[int, int]:
    """Return (entries, directory bytes) from a ZIP64 end record."""
    locator_at = position - ZIP64_LOCATOR.size
    if locator_at < 0 or tail[locator_at : locator_at + 4] != b"PK\x06\x07":
        raise _not_a_workbook()
    record_offset = ZIP64_LOCATOR.unpack_from(tail, locator_at)[2]
    handle.seek(record_offset)
    raw = handle.read(ZIP64_EOCD.size)
    if len(raw) < ZIP64_EOCD.size or raw[:4] != b"PK\x06\x06":
        raise _not_a_workbook()
    fields = ZIP64_EOCD.unpack(raw)
    return fields[7], fields[8]


def _too_many_members(count: int) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(
        _("文件包含 %(count)s 个部件，超过上限 %(limit)s 个，不像由 Excel 保存的工作簿。")
        % {"count": f"{count:,}", "limit": f"{MAX_MEMBERS:,}"}
    )


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    """Refuse by the directory alone: count, methods, declared sizes and compression ratios."""
    if len(members) > MAX_MEMBERS:
        raise _too_many_members(len(members))
    names = {info.filename for info in members}
    if "[Content_Types].xml" not in names:
        raise _not_a_workbook()
    total = 0
    for info in members:
        _check_member(info)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeWorkbookError(
                _("文件解压后超过 %(limit)d MB，请拆分后分批导入。")
                % {"limit": MAX_TOTAL_BYTES // MIB}
            )


def _check_member(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise _not_a_workbook()  # encrypted members
    if info.compress_type not in ZIP_ALLOWED_METHODS:
        raise UnsafeWorkbookError(
            _("无法读取文件：部件 %(part)s 使用了 Excel 不使用的压缩方式。")
            % {"part": info.filename}
        )
    if info.file_size > MAX_MEMBER_BYTES:
        raise UnsafeWorkbookError(
            _("文件中的部件 %(part)s 解压后有 %(size)s MB，超过上限 %(limit)d MB。")
            % {
                "part": info.filename,
                "size": f"{info.file_size / MIB:,.0f}",
                "limit": MAX_MEMBER_BYTES // MIB,
            }
        )
    if info.file_size > RATIO_FLOOR_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise UnsafeWorkbookError(
                _(
                    "文件中的部件 %(part)s 压缩比为 %(ratio)s:1，超过上限 %(limit)d:1"
                    "（疑似压缩炸弹）。"
                )
                % {"part": info.filename, "ratio": f"{ratio:,.0f}", "limit": MAX_RATIO}
            )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Capped(io.RawIOBase):
    """A read-only stream that fails once more than ``limit`` bytes were asked of it."""

    def __init__(self, stream: BinaryIO, limit: int, error: Exception):
        self.stream, self.left, self.error = stream, limit, error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            raise self.error
        data = self.stream.read(min(len(buffer), self.left, 64 * 1024))
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _too_many_strings(count: int) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(
        _("工作簿的共享字符串超过 %(limit)s 个（至少 %(count)s 个），请拆分后分批导入。")
        % {"limit": f"{MAX_SHARED_STRINGS:,}", "count": f"{count:,}"}
    )


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Count the <si> elements by streaming, stopping as soon as there are too many."""
    count, root = 0, None
    with archive.open(info) as stream:
        for _event, element in iterparse(stream, events=("start",), forbid_dtd=True):
            if root is None:
                root = element
                declared = max(int(root.get(k, 0) or 0) for k in ("count", "uniqueCount"))
                if declared > MAX_SHARED_STRINGS:
                    raise _too_many_strings(declared)
                continue
            if _local(element.tag) != "si":
                continue
            count += 1
            if count > MAX_SHARED_STRINGS:
                raise _too_many_strings(count)
            if count % 4096 == 0:
                root.clear()  # keep memory flat: the strings themselves are not needed


def _dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """Return the sheet's <dimension ref>, reading only what precedes <sheetData>."""
    too_long = UnsafeWorkbookError(
        _("工作表 %(part)s 的表头部分异常过长。") % {"part": info.filename}
    )
    with archive.open(info) as stream:
        capped = io.BufferedReader(_Capped(stream, MAX_SHEET_HEAD_BYTES, too_long))
        for _event, element in iterparse(capped, events=("start",), forbid_dtd=True):
            name = _local(element.tag)
            if name == "dimension":
                return element.get("ref", "")
            if name == "sheetData":
                return None
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_rows: int) -> None:
    """Refuse a sheet whose declared used range has more rows or columns than allowed."""
    ref = _dimension(archive, info)
    if not ref:
        return
    last = CELL.match(ref.split(":")[-1].strip().upper())
    if last is None:
        raise UnsafeWorkbookError(
            _("工作表 %(part)s 的范围 %(ref)s 无法识别。") % {"part": info.filename, "ref": ref}
        )
    rows, columns = int(last.group(2)), _column_number(last.group(1))
    if rows > max_rows:
        raise UnsafeWorkbookError(
            _(
                "工作表的范围 %(ref)s 共 %(rows)s 行，超过上限 %(limit)s 行"
                "（含表头）；请删除多余的空行或拆分文件。"
            )
            % {"ref": ref, "rows": f"{rows:,}", "limit": f"{max_rows:,}"}
        )
    if columns > MAX_COLUMNS:
        raise UnsafeWorkbookError(
            _("工作表的范围 %(ref)s 共 %(columns)s 列，超过上限 %(limit)d 列；请删除多余的列。")
            % {"ref": ref, "columns": f"{columns:,}", "limit": MAX_COLUMNS}
        )
