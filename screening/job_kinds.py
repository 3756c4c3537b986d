"""The screening app's background jobs: a suspect list's check or import, a roster comparison.

Each runs inside the job facility's one transaction (``jobs.services``), so a failed or killed
run writes no lead; the job row carries the batch report the page and the API show.
"""

from django.utils.translation import gettext_lazy

from core.errors import DomainError
from jobs.models import Job
from jobs.registry import JobFailedError, JobKind, register
from jobs.services import job_input

SUSPECTS = "screening.suspects"
COMPARISON = "screening.comparison"


def _content(job: Job) -> bytes:
    content = job_input(job=job)
    if content is None:
        raise JobFailedError(gettext_lazy("上传的文件已失效，请重新上传。"))
    return content


def _suspects_run(*, job: Job, progress) -> dict:
    """Check a suspect list and, unless it is a dry run, raise its leads (all or nothing)."""
    from screening.suspects import SuspectListError, suspects_import

    try:
        return suspects_import(
            actor=job.owner,
            intake=job.agency,
            content=_content(job),
            file_name=job.input_name,
            dry_run=bool(job.params.get("dry_run")),
            progress=progress,
        )
    except SuspectListError as exc:
        raise JobFailedError(exc.message, result=exc.result) from exc
    except DomainError as exc:
        raise JobFailedError(exc.message, result={"ok": False, "errors": [exc.message]}) from exc


def _comparison_run(*, job: Job, progress) -> dict:
    """Load both rosters and raise the comparison's leads, in one transaction."""
    from screening.rosters import RosterError, rosters_compare
    from screening.services import roster_path

    paths = [roster_path(job.params[key]) for key in ("registrations", "insurance")]
    if not all(path.is_file() for path in paths):
        raise JobFailedError(gettext_lazy("上传的名册已失效，请重新上传。"))
    try:
        return rosters_compare(
            actor=job.owner,
            intake=job.agency,
            registrations=paths[0],
            insurance=paths[1],
            period=(job.params["from"], job.params["to"]),
            dry_run=bool(job.params.get("dry_run")),
            progress=progress,
        )
    except RosterError as exc:
        raise JobFailedError(exc.message, result=exc.result) from exc
    finally:
        # Kept while the job may still be retried (a killed worker never reaches this line).
        for path in paths:
            path.unlink(missing_ok=True)


register(
    JobKind(
        name=SUSPECTS,
        label=gettext_lazy("导入部转疑似名单"),
        run=_suspects_run,
        result_template="screening/suspects_result.html",
    )
)
register(
    JobKind(
        name=COMPARISON,
        label=gettext_lazy("社保与注册数据比对"),
        run=_comparison_run,
        result_template="screening/comparison_result.html",
    )
)
