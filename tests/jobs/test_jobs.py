"""The background-job facility: start, progress, all-or-nothing work, restarts, cancel, access."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from jobs import services
from jobs.models import Job
from jobs.registry import JobFailedError, JobKind, register
from notifications.models import Notification

pytestmark = pytest.mark.django_db

COUNT = "tests.count"


def count_rows(*, job, progress):
    """Write one notification per row, reporting progress; fail where the params say."""
    rows = job.params.get("rows", 3)
    for row in range(1, rows + 1):
        Notification.objects.create(user=job.owner, key=f"job-test:{job.pk}:{row}", title="行")
        if job.params.get("raise_at") == row:
            raise RuntimeError("the worker fell over")
        if job.params.get("refuse_at") == row:
            raise JobFailedError(f"第{row}行有误。", result={"errors": [f"第{row}行有误。"]})
        if job.params.get("on_row"):
            job.params["on_row"](job, row)
        progress(row, rows, f"第 {row} 行", force=True)
    return {"rows": rows, "size": len(services.job_input(job=job) or b"")}


register(JobKind(name=COUNT, label="测试任务", run=count_rows))


@pytest.fixture
def clerk(member):
    return member("ZJ", "510104", "clerk")


@pytest.fixture
def start(clerk, agency, django_capture_on_commit_callbacks, settings, tmp_path):
    """Return a function starting a COUNT job and running it eagerly, as without a broker."""
    settings.MEDIA_ROOT = str(tmp_path)

    def make(*, run=True, owner=None, **params):
        with django_capture_on_commit_callbacks(execute=run):
            job = services.job_start(
                kind=COUNT,
                owner=owner or clerk,
                agency=agency("ZJ", "510104"),
                params=params,
                content=b"input bytes",
                input_name="名单.xlsx",
            )
        job.refresh_from_db()
        return job

    return make


def input_files(settings) -> list:
    from pathlib import Path

    folder = Path(settings.MEDIA_ROOT) / "jobs"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_started_job_runs_eagerly_without_a_broker_and_records_its_result(start, settings):
    """Without a broker the job runs after commit, in-process: succeeded, progress full, audited."""
    job = start(rows=4)
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total) == (4, 4)
    assert job.result == {"rows": 4, "size": len(b"input bytes")}
    assert job.attempts == 1
    assert job.started_at <= job.finished_at
    assert Notification.objects.filter(key__startswith=f"job-test:{job.pk}:").count() == 4
    events = AuditEvent.objects.filter(target_id=str(job.pk)).order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == [Action.JOB_STARTED, Action.JOB_SUCCEEDED]
    assert input_files(settings) == []  # the input is deleted when the job ends


def test_the_input_file_is_private_and_named_by_the_facility(start, settings):
    """The upload waits under MEDIA_ROOT/jobs with mode 0600 and a random name, never served."""
    job = start(run=False)
    assert job.state == Job.State.QUEUED
    [name] = input_files(settings)
    assert re.fullmatch(r"[0-9a-f]{32}\.upload", name)
    assert job.input_path == name
    path = services._input_path(job)
    assert path.stat().st_mode & 0o777 == 0o600
    assert services.job_input(job=job) == b"input bytes"
    path.write_bytes(b"altered")
    assert services.job_input(job=job) is None  # the SHA-256 no longer matches


def test_a_handler_that_crashes_leaves_nothing_and_fails_in_chinese(start, settings):
    """An exception halfway rolls back every row the handler wrote; the error names no internals."""
    job = start(rows=5, raise_at=3)
    assert job.state == Job.State.FAILED
    assert job.error.startswith("任务执行中断，未写入任何数据。")
    assert "fell over" not in job.error
    assert not Notification.objects.filter(key__startswith=f"job-test:{job.pk}:").exists()
    assert input_files(settings) == []
    assert AuditEvent.objects.filter(target_id=str(job.pk), action=Action.JOB_FAILED).exists()


def test_a_handler_refusal_fails_the_job_with_its_message_and_details(start):
    """JobFailedError: the job fails with the handler's message, and the result keeps details."""
    job = start(rows=5, refuse_at=2)
    assert (job.state, job.error) == (Job.State.FAILED, "第2行有误。")
    assert job.result == {"errors": ["第2行有误。"]}
    assert not Notification.objects.filter(key__startswith=f"job-test:{job.pk}:").exists()


def test_a_message_delivered_twice_runs_the_job_once(start):
    """A finished job is not run again by a second delivery of its message."""
    job = start(rows=2)
    assert services.job_run(job_id=job.pk) == "skipped"
    assert Notification.objects.filter(key__startswith=f"job-test:{job.pk}:").count() == 2


def test_a_running_job_with_a_live_worker_is_left_alone(start):
    """A second delivery while the first worker still reports progress does nothing."""
    job = start(run=False)
    Job.objects.filter(pk=job.pk).update(state="running", heartbeat_at=timezone.now(), attempts=1)
    assert services.job_run(job_id=job.pk) == "skipped"
    assert not Notification.objects.exists()


def test_a_job_whose_worker_died_is_restarted(start):
    """Running with no heartbeat for longer than STALE_AFTER: claimed again and completed."""
    job = start(run=False, rows=2)
    dead = timezone.now() - services.STALE_AFTER - datetime.timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(state="running", heartbeat_at=dead, attempts=1)
    assert services.job_run(job_id=job.pk) == Job.State.SUCCEEDED
    job.refresh_from_db()
    assert job.attempts == 2
    assert AuditEvent.objects.filter(target_id=str(job.pk), action=Action.JOB_RESTARTED).exists()


def test_a_job_that_keeps_killing_its_worker_is_stopped(start):
    """After MAX_ATTEMPTS claims the job fails instead of running again."""
    job = start(run=False)
    dead = timezone.now() - services.STALE_AFTER - datetime.timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(
        state="running", heartbeat_at=dead, attempts=services.MAX_ATTEMPTS
    )
    assert services.job_run(job_id=job.pk) == Job.State.FAILED
    job.refresh_from_db()
    assert job.error.startswith("任务多次中断")
    assert not Notification.objects.exists()


def test_progress_writes_at_most_a_few_times_a_second(start, monkeypatch):
    """Ten thousand progress calls in a burst cost a write or two, not ten thousand."""
    job = start(run=False)
    writes = []
    monkeypatch.setattr(services.Progress, "_write", lambda self: writes.append(self.job.done))
    progress = services.Progress(job)
    for row in range(1, 10_001):
        progress(row, 10_000)
    assert len(writes) <= 2
    assert (job.done, job.total) == (10_000, 10_000)


def test_the_sweep_requeues_dead_and_lost_jobs_and_deletes_expired_inputs(
    start, settings, django_capture_on_commit_callbacks
):
    """Stale running and long-queued jobs are queued again; old unneeded files are deleted."""
    import os

    dead = timezone.now() - services.STALE_AFTER - datetime.timedelta(seconds=1)
    stale = start(run=False, rows=1)
    Job.objects.filter(pk=stale.pk).update(state="running", heartbeat_at=dead, attempts=1)
    lost = start(run=False, rows=1)
    Job.objects.filter(pk=lost.pk).update(created_at=dead)
    fresh = start(run=False, rows=1)
    orphan = services._input_folder() / ("0" * 32 + ".upload")
    orphan.write_bytes(b"left behind")
    old = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_sweep() == 2  # eager: both run to the end right here
    states = dict(Job.objects.values_list("pk", "state"))
    assert states[stale.pk] == states[lost.pk] == Job.State.SUCCEEDED
    assert states[fresh.pk] == Job.State.QUEUED
    assert not orphan.exists()
    assert input_files(settings) == [fresh.input_path]


def test_the_owner_cancels_a_queued_job_and_it_never_runs(start, client, clerk, settings):
    """取消任务 before a worker takes it: cancelled, its file deleted, a later delivery skips."""
    job = start(run=False)
    client.force_login(clerk)
    response = client.post(reverse("jobs:cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert input_files(settings) == []
    assert services.job_run(job_id=job.pk) == "skipped"
    assert not Notification.objects.exists()


def test_only_the_owner_may_cancel(start, client, member):
    """A colleague who may read the job gets 403 on cancel; the job is untouched."""
    job = start(run=False)
    client.force_login(member("ZJ", "510104", "clerk"))
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 403
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED


# --------------------------------------------------------------------------- access and shape


def test_api_answers_the_documented_shape(start, api, clerk):
    """GET /api/v1/jobs/{id}/ gives id, kind, state, progress, message, result, error, times."""
    job = start(rows=2)
    response = api(clerk).get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "id",
        "kind",
        "state",
        "progress",
        "message",
        "result",
        "error",
        "created_at",
        "finished_at",
    ]
    assert body["state"] == "succeeded"
    assert body["progress"] == {"done": 2, "total": 2}
    assert body["result"]["rows"] == 2
    assert body["error"] == ""


def test_job_access_three_ways(start, api, client, member, clerk):
    """Anonymous: 401/login; another county: 404; the agency's readers and the owner: 200."""
    job = start(rows=1)
    url, page = f"/api/v1/jobs/{job.pk}/", reverse("jobs:detail", args=[job.pk])
    assert api().get(url).status_code == 401
    assert client.get(page).status_code == 302
    outsider = member("ZJ", "510105", "clerk")
    assert api(outsider).get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    city_inspector = member("ZJ", "510100", "inspector")
    assert api(city_inspector).get(url).status_code == 200
    assert api(clerk).get(url).status_code == 200
    assert api(member("RS", "510104", "clerk")).get(url).status_code == 404


def test_a_job_without_an_agency_is_its_owners_alone(clerk, member, api, settings, tmp_path):
    """The owner always reads their job; nobody else does when it names no agency."""
    settings.MEDIA_ROOT = str(tmp_path)
    job = services.job_start(kind=COUNT, owner=clerk)
    assert api(clerk).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    colleague = member("ZJ", "510104", "reviewer")
    assert api(colleague).get(f"/api/v1/jobs/{job.pk}/").status_code == 404


def test_a_running_job_page_refreshes_itself_without_inline_script(start, client, clerk):
    """Progress bar, a static polling script, a <noscript> refresh and a reload link; no inline
    script or style (the CSP forbids both)."""
    job = start(run=False)
    Job.objects.filter(pk=job.pk).update(state="running", done=30, total=120, message="第 30 行")
    client.force_login(clerk)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'class="progress mb-2" role="progressbar"' in html
    assert 'aria-valuenow="25"' in html
    assert "job-w-25" in html
    assert "30 / 120（25%）" in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'href="/jobs/{job.pk}/">刷新</a>' in html
    assert f'data-job-url="/api/v1/jobs/{job.pk}/"' in html
    assert "/static/js/jobs-progress.js" in html
    assert "style=" not in html
    assert not re.search(r"<script>(?!</script>)|<script(?![^>]*\bsrc=)[^>]*>", html)


def test_a_finished_job_page_stops_refreshing(start, client, clerk):
    """Once finished the page neither refreshes nor polls, and shows the error when failed."""
    job = start(rows=2, refuse_at=1)
    client.force_login(clerk)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "refresh" not in html
    assert "jobs-progress.js" not in html
    assert "第1行有误。" in html
    assert "取消任务" not in html


# --------------------------------------------------------------------------- real transactions


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_handlers_transaction_is_open(reference, member, settings):
    """Pages read progress committed on the side connection before the work commits."""
    settings.MEDIA_ROOT = "/tmp/wt-jobs-media-progress"  # noqa: S108
    seen = []

    def look(job, row):
        seen.append(Job.objects.values_list("done", flat=True).get(pk=job.pk))

    owner = member("ZJ", "510104", "clerk")
    job = Job.objects.create(kind=COUNT, owner=owner, params={"rows": 3})
    job.params["on_row"] = look  # handed to the handler in memory only
    claimed = services._claim(job.pk)
    claimed.params = job.params
    services._execute(claimed, services.kind_get(COUNT))
    assert connection.in_atomic_block is False
    assert seen == [0, 1, 2]  # each row sees the previous row's progress, committed aside
    assert Job.objects.get(pk=job.pk).state == Job.State.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_job_cancelled_while_running_undoes_its_work(reference, member):
    """A cancel from another request is noticed at the next progress report; nothing stays."""
    owner = member("ZJ", "510104", "clerk")
    job = Job.objects.create(kind=COUNT, owner=owner, params={"rows": 4})

    def cancel_from_elsewhere(job, row):
        if row == 2:
            thread = threading.Thread(target=_cancel, args=(job.pk, owner.pk))
            thread.start()
            thread.join()

    claimed = services._claim(job.pk)
    claimed.params["on_row"] = cancel_from_elsewhere
    services._execute(claimed, services.kind_get(COUNT))
    assert claimed.state == Job.State.CANCELLED
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert not Notification.objects.filter(key__startswith=f"job-test:{job.pk}:").exists()


def _cancel(job_id, user_id):
    from django.contrib.auth import get_user_model
    from django.db import connection as thread_connection

    try:
        job = Job.objects.get(pk=job_id)
        services.job_cancel(job=job, actor=get_user_model().objects.get(pk=user_id))
    finally:
        thread_connection.close()
