"""Writes of the job facility: start, run (claim, progress, succeed, fail), cancel, sweep.

A job is a row (``jobs.models.Job``); the Celery task only carries its id. ``job_run`` claims
the row with a conditional UPDATE, so two deliveries of the same message (acks_late: a worker
may die after the work and before the acknowledgement) run it once; a row left ``running`` by a
dead worker is claimed again once its heartbeat is older than ``STALE_AFTER``. The handler runs
inside one transaction together with the row's ``succeeded``, so its work and the state commit
or vanish together; progress is written on a second connection, so pages see it while that
transaction is open.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from audit.actions import Action
from audit.services import audit_record
from core.errors import ConflictError, DomainError, PermissionDeniedError
from jobs.models import Job
from jobs.registry import JobCancelledError, JobFailedError, kind_get

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=5)  # no progress for this long: the worker died
MAX_ATTEMPTS = 3  # a job that kills its worker every time is not started a fourth time
PROGRESS_INTERVAL = 0.25  # seconds between two progress writes (four a second at most)
INPUT_FOLDER = "jobs"  # under MEDIA_ROOT, which nothing serves
INPUT_NAME = re.compile(r"^[0-9a-f]{32}\.upload$")


# --------------------------------------------------------------------------- the input file


def _input_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / INPUT_FOLDER


def _input_path(job: Job) -> Path | None:
    if not INPUT_NAME.match(job.input_path or ""):
        return None  # never let a stored value name another path
    return _input_folder() / job.input_path


def _input_write(content: bytes) -> tuple[str, str]:
    """Store ``content`` privately; return its file name and SHA-256."""
    folder = _input_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.upload"
    # Write aside and rename, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name, hashlib.sha256(content).hexdigest()


def job_input(*, job: Job) -> bytes | None:
    """Return the job's input file, or None when it is gone or its bytes changed since upload."""
    path = _input_path(job)
    if path is None:
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == job.input_sha256 else None


def job_input_discard(*, job: Job) -> None:
    """Delete the job's input file and forget it."""
    path = _input_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
    if job.input_path:
        Job.objects.filter(pk=job.pk).update(input_path="")
        job.input_path = ""


# --------------------------------------------------------------------------- starting


@transaction.atomic
def job_start(
    *,
    kind: str,
    owner,
    agency=None,
    params: dict | None = None,
    content: bytes | None = None,
    input_name: str = "",
) -> Job:
    """Record a job and queue it once the caller's transaction commits."""
    from jobs.tasks import job_run as job_run_task  # the task module imports this one

    if kind_get(kind) is None:
        raise DomainError(_("未知的任务类型。"))
    job = Job(
        kind=kind,
        owner=owner,
        agency=agency,
        params=params or {},
        input_name=input_name[-255:],
        message=_("排队等待处理……"),
    )
    if content is not None:
        job.input_path, job.input_sha256 = _input_write(content)
    job.save()
    audit_record(
        actor=owner,
        action=Action.JOB_STARTED,
        target=job,
        agency=agency,
        data={"kind": kind, "input_name": job.input_name, "input_sha256": job.input_sha256},
    )
    job_run_task.delay_on_commit(job.pk)
    return job


# --------------------------------------------------------------------------- progress


class Progress:
    """Report a running job's progress: ``progress(done, total, message)``.

    Writes at most every ``PROGRESS_INTERVAL`` seconds (``force=True`` writes now), on a
    connection of its own: the handler's transaction is still open, and pages must see the
    count. That connection never waits for the handler's, which does not touch the job's row
    until the work is done. A job cancelled meanwhile raises ``JobCancelledError`` here, which
    undoes the work.
    """

    def __init__(self, job: Job):
        self.job = job
        self._connection = None
        self._written = 0.0

    def __call__(
        self, done: int, total: int | None = None, message: str | None = None, *, force=False
    ) -> None:
        self.job.done = max(0, done)
        if total is not None:
            self.job.total = max(0, total)
        if message is not None:
            self.job.message = str(message)[:200]
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_INTERVAL:
            self._written = now
            self._write()

    def _write(self) -> None:
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self._connection.ops.quote_name(Job._meta.db_table)
        with self._connection.cursor() as cursor:
            # Table and columns are the model's own names; the values are parameters.
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s, message = %s, heartbeat_at = now() "  # noqa: S608
                "WHERE id = %s RETURNING state",
                [self.job.done, self.job.total, self.job.message, self.job.pk],
            )
            row = cursor.fetchone()
        # No row: the job's own row is not yet visible to this connection (a test transaction).
        if row is not None and row[0] == Job.State.CANCELLED:
            raise JobCancelledError

    def close(self) -> None:
        """Close the progress connection (the final state is written by the handler's)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


# --------------------------------------------------------------------------- running


def _claim(job_id: int) -> Job | None:
    """Take the job for this worker: queued, or running with a dead worker; else None."""
    now = timezone.now()
    claimable = Q(state=Job.State.QUEUED) | Q(
        state=Job.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        done=0,
        message=_("正在处理……"),
    )
    if not claimed:
        return None
    job = Job.objects.select_related("owner", "agency").get(pk=job_id)
    if job.attempts > 1:
        audit_record(
            actor=None,
            action=Action.JOB_RESTARTED,
            target=job,
            agency=job.agency,
            data={"attempt": job.attempts},
        )
    return job


def _succeed(job: Job, result: dict, *, keep_input: bool) -> None:
    """Mark the job succeeded inside the handler's transaction (cancelled meanwhile: undo)."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.SUCCEEDED,
        result=result,
        done=job.done,
        total=job.total,
        message=job.message,
        finished_at=now,
        heartbeat_at=now,
        input_path=job.input_path if keep_input else "",
    )
    if not updated:
        raise JobCancelledError
    audit_record(actor=None, action=Action.JOB_SUCCEEDED, target=job, agency=job.agency, data={})
    if not keep_input and (path := _input_path(job)) is not None:
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    job.state, job.result, job.finished_at = Job.State.SUCCEEDED, result, now


@transaction.atomic
def _fail(job: Job, error: str, *, result: dict | None = None) -> None:
    """Mark a running job failed with a Chinese ``error``; its work was already undone."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.FAILED,
        error=error,
        result=result,
        message=_("失败"),
        finished_at=now,
        heartbeat_at=now,
    )
    if updated:
        audit_record(
            actor=None,
            action=Action.JOB_FAILED,
            target=job,
            agency=job.agency,
            data={"error": error},
        )
        job.state, job.error, job.result, job.finished_at = Job.State.FAILED, error, result, now
    job_input_discard(job=job)


def _execute(job: Job, kind) -> None:
    """Run the handler and record the outcome; the work and ``succeeded`` commit together."""
    progress = Progress(job)
    try:
        with transaction.atomic():
            result = kind.run(job=job, progress=progress)
            progress.close()  # no side write may wait for the row this transaction now locks
            _succeed(job, result, keep_input=kind.keep_input(result))
    except JobCancelledError:
        job.state = Job.State.CANCELLED
        job_input_discard(job=job)
    except JobFailedError as exc:
        _fail(job, exc.message, result=exc.result)
    except DomainError as exc:
        _fail(job, exc.message)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(job, _("任务执行中断，未写入任何数据。请重新发起；如仍失败，请联系管理员。"))
    finally:
        progress.close()


def job_run(*, job_id: int) -> str:
    """Run a queued job, or resume one whose worker died; return the job's state."""
    job = _claim(job_id)
    if job is None:
        return "skipped"  # finished, cancelled, or alive on another worker
    kind = kind_get(job.kind)
    if kind is None:
        _fail(job, _("未知的任务类型。"))
    elif job.attempts > MAX_ATTEMPTS:
        _fail(job, _("任务多次中断，已停止，未写入任何数据。请重新发起。"))
    else:
        _execute(job, kind)
    return job.state


@transaction.atomic
def job_cancel(*, job: Job, actor) -> Job:
    """Cancel a queued or running job; a running handler undoes its work at its next report."""
    if not permissions.user_can_manage_job(user=actor, job=job):
        raise PermissionDeniedError(_("只有任务发起人可以取消任务。"))
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.CANCELLED, message=_("已取消"), finished_at=now
    )
    if not updated:
        raise ConflictError(_("任务已结束，无法取消。"))
    audit_record(actor=actor, action=Action.JOB_CANCELLED, target=job, agency=job.agency)
    job.refresh_from_db()
    if job.state == Job.State.CANCELLED and not job.attempts:
        job_input_discard(job=job)  # never started: nothing else will delete it
    return job


# --------------------------------------------------------------------------- upkeep


def jobs_sweep() -> int:
    """Requeue jobs whose worker died or whose message was lost; delete expired input files.

    Return the number of jobs requeued. Requeuing is harmless when the first message is merely
    slow: ``job_run`` claims a job once.
    """
    from jobs.tasks import job_run as job_run_task

    now = timezone.now()
    cutoff = now - STALE_AFTER
    stale = Job.objects.filter(
        Q(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)
        | Q(state=Job.State.QUEUED, created_at__lt=cutoff)
    ).values_list("pk", flat=True)
    requeued = 0
    for pk in stale:
        job_run_task.delay(pk)
        requeued += 1
    _inputs_prune(now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    from jobs.exports import exports_prune  # exports build on this module

    exports_prune()
    return requeued


def _inputs_prune(cutoff: datetime.datetime) -> None:
    """Delete input files older than ``cutoff`` that no unfinished job needs."""
    Job.objects.filter(state__in=Job.FINISHED, finished_at__lt=cutoff).exclude(
        input_path=""
    ).update(input_path="")
    needed = set(Job.objects.exclude(input_path="").values_list("input_path", flat=True))
    folder = _input_folder()
    if not folder.exists():
        return
    for path in folder.iterdir():
        try:
            if path.name not in needed and path.stat().st_mtime < cutoff.timestamp():
                path.unlink()
        except OSError:
            continue  # another process may be removing it right now
