"""Excel imports as background jobs, for any register: check (a dry run) → confirm → import.

An app registers an ``ImportKind`` in its ``job_kinds.py``: the sheet (``core.sheet_import``),
the service that creates one record (or, for a large register, the one that checks and creates a
whole file at once), who may import for an agency, and its pages. This module
makes the two job kinds of each (``<name>.import_check``, ``<name>.import``) and the services
its views call: the check keeps the uploaded file only when it passed; the confirmation hands
the file to the import job, which checks it again rather than trusting the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from agencies import permissions
from audit.actions import Action
from audit.services import audit_record
from core import sheet_import
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.xlsx_guard import UnsafeWorkbookError, xlsx_check
from jobs.models import Job
from jobs.registry import JobFailedError, JobKind, register
from jobs.services import job_input, job_input_discard, job_start


@dataclass(frozen=True)
class ImportKind:
    """One register's Excel import."""

    name: str  # "cases": the job kinds are "cases.import_check" and "cases.import"
    spec: sheet_import.SheetSpec
    create: Callable[..., Any]  # (actor=, agency=, **payload) -> the created record
    link: Callable[[Any], dict]  # what the result lists of a record: id, reference, url
    may_import: Callable[..., bool]  # (user=, agency=) -> bool
    check_label: Any  # 检查导入文件（案件）
    import_label: Any  # 导入案件
    upload_url: str  # the upload page's URL name ("cases:import")
    list_url: str  # where the imported records are listed ("cases:list")
    # (actor=, agency=, payloads=, on_progress=) -> the records: the whole file in one call,
    # set-based, used instead of ``create`` per record when given (``sheet_import.run_import_many``)
    create_many: Callable[..., list] | None = None

    @property
    def check_kind(self) -> str:
        return f"{self.name}.import_check"

    @property
    def import_kind(self) -> str:
        return f"{self.name}.import"


_IMPORTS: dict[str, ImportKind] = {}


def import_kind_of(job: Job) -> ImportKind | None:
    """Return the import a job of the check or import kind belongs to."""
    return _IMPORTS.get(job.kind.rsplit(".", 1)[0])


def _content(job: Job) -> bytes:
    content = job_input(job=job)
    if content is None:
        raise JobFailedError(_("导入文件已失效，请重新上传并检查。"))
    return content


def _reading(progress):
    def report(read: int, declared: int) -> None:
        progress(0, declared, _("正在读取文件：已读 %(n)d 行") % {"n": read})

    return report


def _counting(progress, total: int, verb: str):
    def report(rows_done: int) -> None:
        progress(
            rows_done,
            total,
            _("%(verb)s：%(done)d / %(total)d 行")
            % {"verb": verb, "done": rows_done, "total": total},
        )

    return report


def _creator(kind: ImportKind, job: Job):
    def create(**payload):
        return kind.create(actor=job.owner, agency=job.agency, **payload)

    return create


def _run(kind: ImportKind, job: Job, result, *, commit: bool, on_group):
    """Create the file's records (all or none; rolled back unless ``commit``): errors, records."""
    if kind.create_many is None:
        return sheet_import.run_import(
            kind.spec, create=_creator(kind, job), result=result, commit=commit, on_group=on_group
        )

    def create_many(payloads, on_progress):
        return kind.create_many(
            actor=job.owner, agency=job.agency, payloads=payloads, on_progress=on_progress
        )

    return sheet_import.run_import_many(
        kind.spec, create_many=create_many, result=result, commit=commit, on_group=on_group
    )


def _check_run(kind: ImportKind):
    def run(*, job: Job, progress) -> dict:
        """Check every row with a dry run of the services; write nothing."""
        spec = kind.spec
        result = sheet_import.parse_workbook(spec, _content(job), on_row=_reading(progress))
        errors = result.errors
        if not errors:
            errors, _created = _run(
                kind,
                job,
                result,
                commit=False,
                on_group=_counting(progress, result.row_count, _("正在检查")),
            )
        summary = sheet_import.check_summary(spec, result, errors)
        if summary["ok"]:
            message = _("检查通过：%(groups)d 个%(noun)s，%(items)d 名%(item)s。") % {
                "groups": summary["group_count"],
                "noun": spec.group_noun,
                "items": summary["item_count"],
                "item": spec.item_noun,
            }
        else:
            message = _("检查未通过：共 %(n)d 处错误。") % {"n": len(errors)}
        progress(job.total if summary["ok"] else job.done, None, message)
        return summary

    return run


def _import_run(kind: ImportKind):
    def run(*, job: Job, progress) -> dict:
        """Import the confirmed workbook, all or nothing, after checking it again."""
        spec = kind.spec
        result = sheet_import.parse_workbook(spec, _content(job), on_row=_reading(progress))
        errors, created = result.errors, []
        if not errors:
            errors, created = _run(
                kind,
                job,
                result,
                commit=True,
                on_group=_counting(progress, result.row_count, _("正在导入")),
            )
        if errors:
            raise JobFailedError(
                _("导入失败，未导入任何%(noun)s。共 %(n)d 处错误。")
                % {"noun": spec.group_noun, "n": len(errors)},
                result={"ok": False, "errors": [str(e) for e in errors]},
            )
        progress(
            job.total,
            None,
            _("已导入 %(groups)d 个%(noun)s（%(items)d 名%(item)s）。")
            % {
                "groups": len(created),
                "noun": spec.group_noun,
                "items": result.item_count,
                "item": spec.item_noun,
            },
        )
        return sheet_import.import_summary(spec, result, created, kind.link)

    return run


def _passed(result: dict) -> bool:
    return bool(result.get("ok"))


def _context(kind: ImportKind):
    def context(job: Job, user) -> dict:
        """Offer 确认导入 to the clerk who uploaded a passed file that still waits."""
        waiting = job.state == Job.State.SUCCEEDED and _passed(job.result or {}) and job.input_path
        may = permissions.user_can_manage_job(user=user, job=job)
        return {"import": kind, "spec": kind.spec, "can_confirm": bool(waiting) and may}

    return context


def register_import(kind: ImportKind) -> ImportKind:
    """Register an import and its two job kinds."""
    _IMPORTS[kind.name] = kind
    register(
        JobKind(
            name=kind.check_kind,
            label=kind.check_label,
            run=_check_run(kind),
            result_template="jobs/import_check_result.html",
            keep_input=_passed,
            context=_context(kind),
        )
    )
    register(
        JobKind(
            name=kind.import_kind,
            label=kind.import_label,
            run=_import_run(kind),
            result_template="jobs/import_result.html",
            context=_context(kind),
        )
    )
    return kind


# --------------------------------------------------------------------------- services


def _upload_content(kind: ImportKind, *, actor, agency, upload) -> bytes:
    """Return the upload's bytes, or refuse it on the form's file field."""
    if not kind.may_import(user=actor, agency=agency):
        raise PermissionDeniedError(
            _("您无权为该机构导入%(noun)s。") % {"noun": kind.spec.group_noun}
        )
    problem = sheet_import.upload_problem(upload)
    if problem is None:
        content = upload.read()
        try:
            # The zip's directory is checked here too, so a bomb is refused at once and never
            # stored; the job checks the stored file again before openpyxl reads it.
            xlsx_check(content, max_rows=kind.spec.max_rows + sheet_import.HEADER_ROW)
        except UnsafeWorkbookError as exc:
            problem = exc.message
    if problem is not None:
        raise DomainError(problem, fields={"file": [problem]})
    return content


@transaction.atomic
def import_check(kind: ImportKind, *, actor, agency, upload) -> Job:
    """Check an uploaded workbook in the background: every row, dry-running the services.

    A new upload replaces the file the clerk checked before for this register (it is deleted).
    """
    content = _upload_content(kind, actor=actor, agency=agency, upload=upload)
    waiting = Job.objects.filter(owner=actor, kind=kind.check_kind).exclude(input_path="")
    for earlier in waiting:
        job_input_discard(job=earlier)
    return job_start(
        kind=kind.check_kind, owner=actor, agency=agency, content=content, input_name=upload.name
    )


def _require_owner(actor, check: Job) -> None:
    if not permissions.user_can_manage_job(user=actor, job=check):
        raise PermissionDeniedError(_("只有上传该文件的人员可以确认或取消导入。"))


@transaction.atomic
def import_confirm(kind: ImportKind, *, actor, check: Job) -> Job:
    """Import the workbook a check passed, in the background; the job checks it again first."""
    _require_owner(actor, check)
    passed = check.state == Job.State.SUCCEEDED and (check.result or {}).get("ok")
    content = job_input(job=check) if passed else None
    if content is None:
        job_input_discard(job=check)
        raise ConflictError(_("导入文件已失效，请重新上传并检查。"))
    job = job_start(
        kind=kind.import_kind,
        owner=actor,
        agency=check.agency,
        params={"check": check.pk},
        content=content,
        input_name=check.input_name,
    )
    job_input_discard(job=check)  # the import job holds its own copy now
    return job


@transaction.atomic
def import_cancel(kind: ImportKind, *, actor, check: Job) -> None:
    """Forget a checked workbook without importing it (its file is deleted)."""
    _require_owner(actor, check)
    if check.input_path:
        audit_record(
            actor=actor, action=Action.JOB_INPUT_DISCARDED, target=check, agency=check.agency
        )
    job_input_discard(job=check)
