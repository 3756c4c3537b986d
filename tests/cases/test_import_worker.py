"""The Excel import on a real Celery worker over Redis, read through /api/v1/jobs/{id}/."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, CaseParty, Person
from jobs.models import Job
from tests.cases.test_import import CASE, XLSX, row, workbook

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def clerk(member):
    return member("ZJ", "510104", "clerk")


def rows(count: int) -> list[dict]:
    return [row(str(i), f"张{i}", i, **CASE) for i in range(1, count + 1)]


def follow(api_client, job_id: int, seen: list) -> dict:
    """Poll the job through the API until it ends; record each answer in ``seen``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = api_client.get(f"/api/v1/jobs/{job_id}/")
        assert response.status_code == 200
        body = response.json()
        seen.append(body)
        if body["state"] in Job.FINISHED:
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {seen[-1]}")


def start_check(client, content: bytes) -> int:
    file = SimpleUploadedFile("cases.xlsx", content, content_type=XLSX)
    response = client.post(reverse("cases:import"), {"file": file})
    assert response.status_code == 302
    return int(response.url.rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def slow_cases(monkeypatch):
    """Make checking each case take a moment, so that progress can be seen while the job runs."""
    from cases import bulk

    real_enter = bulk.FileRegister.enter

    def slow(self, **kwargs):
        time.sleep(0.3)
        return real_enter(self, **kwargs)

    monkeypatch.setattr(bulk.FileRegister, "enter", slow)


def test_an_import_runs_on_the_worker_with_progress_and_result_in_the_api(
    reference, clerk, client, api, media, redis_worker, slow_cases
):
    """Check and import run on the worker; the API shows progress while the work is open."""
    client.force_login(clerk)
    reader = api(clerk)
    seen: list = []
    check = follow(reader, start_check(client, workbook(rows(6))), seen)
    assert check["state"] == "succeeded", check
    assert check["result"]["ok"] is True
    assert check["progress"] == {"done": 6, "total": 6}
    assert check["message"] == "检查通过：6 个案件，6 名人员。"
    partial = [s["progress"]["done"] for s in seen if s["state"] == "running"]
    assert any(0 < done < 6 for done in partial), seen  # progress seen mid-transaction
    assert Case.objects.count() == 0

    response = client.post(reverse("jobs:import_confirm", args=[check["id"]]))
    assert response.status_code == 302
    job_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    done = follow(reader, job_id, seen := [])
    assert done["state"] == "succeeded", done
    assert done["progress"] == {"done": 6, "total": 6}
    references = sorted(c["reference"] for c in done["result"]["groups"])
    assert references == sorted(Case.objects.values_list("reference", flat=True))
    assert len(references) == 6
    assert done["finished_at"] is not None
    assert list((media / "jobs").iterdir()) == []  # both input files are gone


def test_an_import_killed_halfway_leaves_no_case_behind(
    reference, clerk, client, api, media, redis_worker, monkeypatch
):
    """The worker's handler dies after writing the cases: nothing is kept and the job fails in
    Chinese."""
    client.force_login(clerk)
    reader = api(clerk)
    check = follow(reader, start_check(client, workbook(rows(5))), [])
    assert check["result"]["ok"] is True

    from cases import bulk

    made = []

    def die_after_the_cases(actor, entries, links):
        made.append(Case.objects.count())
        raise RuntimeError("worker killed")

    monkeypatch.setattr(bulk, "_audit", die_after_the_cases)  # the last step of the writes
    response = client.post(reverse("jobs:import_confirm", args=[check["id"]]))
    job_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    failed = follow(reader, job_id, [])
    assert made == [5]  # the cases were written inside the job's transaction
    assert failed["state"] == "failed"
    assert failed["error"].startswith("任务执行中断，未写入任何数据。")
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0
    assert CaseParty.objects.count() == 0
    page = client.get(reverse("jobs:detail", args=[job_id]))
    assert "任务执行中断" in page.content.decode()
