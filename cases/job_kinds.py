"""The case register's background jobs: checking an Excel import, then importing it.

Both run the whole workbook through ``cases.imports`` (the zip-bomb guard first, then every row
through the services); the import job checks the confirmed file again rather than trusting the
check. The check keeps its input file only when it passed, for the confirmation to take over.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import permissions
from cases import imports
from jobs.models import Job
from jobs.registry import JobFailedError, JobKind, register
from jobs.services import job_input

CHECK = "cases.import_check"
IMPORT = "cases.import"


def _content(job: Job) -> bytes:
    content = job_input(job=job)
    if content is None:
        raise JobFailedError(_("导入文件已失效，请重新上传并检查。"))
    return content


def _reading(progress):
    def report(read: int, declared: int) -> None:
        progress(0, declared, _("正在读取文件：已读 %(n)d 行") % {"n": read})

    return report


def _checking(progress, total: int, verb: str):
    def report(rows_done: int) -> None:
        progress(
            rows_done,
            total,
            _("%(verb)s：%(done)d / %(total)d 行")
            % {
                "verb": verb,
                "done": rows_done,
                "total": total,
            },
        )

    return report


def _rows(result: imports.ParseResult) -> int:
    return sum(len(group.rows) for group in result.groups)


def import_check_run(*, job: Job, progress) -> dict:
    """Check every row of the job's workbook with a dry run of the services; write nothing."""
    result = imports.parse_workbook(_content(job), on_row=_reading(progress))
    errors = result.errors
    if not errors:
        total = _rows(result)
        errors, _created = imports.run_import(
            actor=job.owner,
            agency=job.agency,
            result=result,
            commit=False,
            on_group=_checking(progress, total, _("正在检查")),
        )
    summary = imports.check_summary(result, errors)
    if summary["ok"]:
        message = _("检查通过：%(cases)d 个案件，%(persons)d 名人员。") % {
            "cases": summary["case_count"],
            "persons": summary["person_count"],
        }
    else:
        message = _("检查未通过：共 %(n)d 处错误。") % {"n": len(errors)}
    progress(job.total if summary["ok"] else job.done, None, message)
    return summary


def import_run(*, job: Job, progress) -> dict:
    """Import the confirmed workbook, all or nothing, after checking it again."""
    result = imports.parse_workbook(_content(job), on_row=_reading(progress))
    errors, created = result.errors, []
    if not errors:
        errors, created = imports.run_import(
            actor=job.owner,
            agency=job.agency,
            result=result,
            commit=True,
            on_group=_checking(progress, _rows(result), _("正在导入")),
        )
    if errors:
        raise JobFailedError(
            _("导入失败，未导入任何案件。共 %(n)d 处错误。") % {"n": len(errors)},
            result={"ok": False, "errors": [str(e) for e in errors]},
        )
    progress(
        job.total,
        None,
        _("已导入 %(cases)d 个案件（%(persons)d 名人员）。")
        % {
            "cases": len(created),
            "persons": result.person_count,
        },
    )
    return imports.import_summary(result, created)


def _passed(result: dict) -> bool:
    return bool(result.get("ok"))


def _check_context(job: Job, user) -> dict:
    """Offer 确认导入 to the clerk who uploaded a passed file that still waits."""
    waiting = job.state == Job.State.SUCCEEDED and _passed(job.result or {}) and job.input_path
    return {"can_confirm": bool(waiting) and permissions.user_can_manage_job(user=user, job=job)}


register(
    JobKind(
        name=CHECK,
        label=gettext_lazy("检查导入文件"),
        run=import_check_run,
        result_template="cases/import_check_result.html",
        keep_input=_passed,
        context=_check_context,
    )
)
register(
    JobKind(
        name=IMPORT,
        label=gettext_lazy("导入案件"),
        run=import_run,
        result_template="cases/import_result.html",
    )
)
