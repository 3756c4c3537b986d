"""List exports to Excel: small ones at once, large ones as a background job with progress.

An app declares an ``ExportKind`` (what the rows are for a user and the list's query string)
in its ``job_kinds.py``; ``register_export`` makes it a job kind. The rows are read with the
visibility rule of the job's owner, so an export shows what its owner's list shows, masked the
same way. The file waits under MEDIA_ROOT/jobs/exports/ (never served directly) and is
downloaded by its owner only; the sweep deletes it after a day.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFoundError
from core.table_xlsx import table_write
from jobs.models import Job
from jobs.registry import JobKind, register

# At most this many rows are written while the user waits; more go to a background job.
SYNC_LIMIT = 2000
EXPORT_FOLDER = "jobs/exports"
EXPORT_NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")


@dataclass(frozen=True)
class ExportKind:
    """One register's list export."""

    name: str  # the job kind, e.g. "cases.export"
    label: Any  # lazy Chinese label of the job
    noun: str  # 案件清单 …, the file name's first word
    headers: list[str]
    text_columns: tuple[int, ...]
    widths: tuple[int, ...]
    # (user, query) → (row count, rows): the list's rows as its page filters them
    rows: Callable[[Any, QueryDict], tuple[int, Iterator[list]]]
    scope: Callable[[Any, QueryDict], str]  # the file name's place and time (锦江区_2019-03)
    list_url: str


def filename(kind: ExportKind, user, query: QueryDict) -> str:
    """Return the download's Chinese name, e.g. 案件清单_锦江区_2019-03.xlsx."""
    return f"{kind.noun}_{kind.scope(user, query)}.xlsx"


def _write(kind: ExportKind, stream, total: int, rows, on_row=None) -> int:
    today = timezone.localdate().isoformat()
    return table_write(
        stream,
        title=f"{kind.noun}（导出日期：{today}，共{total}条）",
        sheet_title=kind.noun,
        headers=kind.headers,
        rows=rows,
        text_columns=kind.text_columns,
        widths=kind.widths,
        on_row=on_row,
    )


def export_now(kind: ExportKind, *, user, query: QueryDict) -> tuple[int, bytes | None]:
    """Return (row count, workbook) when the export is small enough to write now, else
    (row count, None): the caller starts a job instead."""
    total, rows = kind.rows(user, query)
    if total > SYNC_LIMIT:
        return total, None
    buffer = io.BytesIO()
    _write(kind, buffer, total, rows)
    return total, buffer.getvalue()


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / EXPORT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_path() -> tuple[str, Path]:
    """Return a new export file's name and path (what a job's result names as its ``file``)."""
    name = f"{uuid.uuid4().hex}.xlsx"
    return name, _folder() / name


def _runner(kind: ExportKind):
    def run(*, job: Job, progress) -> dict:
        query = QueryDict(job.params.get("query", ""))
        total, rows = kind.rows(job.owner, query)
        progress(0, total, _("正在导出……"), force=True)
        name, path = export_path()
        with path.open("wb") as stream:
            written = _write(kind, stream, total, rows, on_row=lambda n: progress(n, total))
        progress(written, total, _("导出完成"), force=True)
        return {
            "file": name,
            "filename": filename(kind, job.owner, query),
            "rows": written,
            "list_url": kind.list_url,
        }

    return run


def register_export(kind: ExportKind) -> ExportKind:
    """Make ``kind`` a job kind (its page shows the download link when done)."""
    register(
        JobKind(
            name=kind.name,
            label=kind.label,
            run=_runner(kind),
            result_template="jobs/export_result.html",
        )
    )
    return kind


def export_file(job: Job) -> tuple[Path, str]:
    """Return the path and download name of a finished export job's file (else 404)."""
    result = job.result or {}
    name = str(result.get("file", ""))
    path = _folder() / name if EXPORT_NAME.match(name) else None
    if job.state != Job.State.SUCCEEDED or path is None or not path.exists():
        raise NotFoundError(_("导出文件不存在或已过期，请重新导出。"))
    return path, str(result.get("filename") or "导出.xlsx")


def exports_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete export files older than ``older_than``; return how many."""
    folder = Path(settings.MEDIA_ROOT) / EXPORT_FOLDER
    if not folder.exists():
        return 0
    cutoff = (timezone.now() - older_than).timestamp()
    removed = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
