"""The screening API and pages: who may start what, and the jobs on a real Celery worker."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from leads.models import Lead
from tests.screening.test_suspects import as_csv, row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def follow(client, job_id: int) -> dict:
    """Poll the job through the API until it ends."""
    deadline = time.monotonic() + 60
    body = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/jobs/{job_id}/").json()
        if body["state"] in Job.FINISHED:
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def upload(content: bytes, name="名单.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_only_province_housing_staff_may_import_a_list(reference, member, api, media):
    """Anonymous → 401/403, a county clerk → 403, a province 住建厅 clerk → 202 with the job."""
    url = "/api/v1/leads/imports/"
    assert api().post(url, {"file": upload(as_csv([row(1)]))}).status_code in (401, 403)
    county = member("ZJ", "510104", "clerk")
    assert api(county).post(url, {"file": upload(as_csv([row(1)]))}).status_code == 403
    clerk = member("ZJ", "510000", "clerk")
    response = api(clerk).post(url, {"file": upload(as_csv([row(1)])), "dry_run": "true"})
    assert response.status_code == 202, response.json()
    assert response.json()["kind"] == "screening.suspects"


def test_a_list_imports_on_the_worker_and_reports_in_the_api(
    reference, member, api, media, redis_worker
):
    """The import runs on the worker; the job's result counts new, known and other provinces."""
    clerk = member("ZJ", "510000", "clerk")
    client = api(clerk)
    content = as_csv([row(1), row(2), row(3, 所属省份="贵州省")])
    job = client.post("/api/v1/leads/imports/", {"file": upload(content)}).json()
    body = follow(client, job["id"])
    assert body["state"] == "succeeded", body
    assert (body["result"]["new"], body["result"]["other_province"]) == (2, 1)
    assert Lead.objects.filter(source="ministry_list").count() == 2
    again = client.post("/api/v1/leads/imports/", {"file": upload(content)}).json()
    assert follow(client, again["id"])["result"]["known"] == 2
    assert Lead.objects.count() == 2


def test_a_refused_list_fails_its_job_with_every_error_and_writes_nothing(
    reference, member, api, media, redis_worker
):
    """A list with a bad ID fails the job; the result lists 第N行「列」; no lead exists."""
    clerk = member("ZJ", "510000", "clerk")
    client = api(clerk)
    content = as_csv([row(1), row(2, 证件号码="123")])
    job = client.post("/api/v1/leads/imports/", {"file": upload(content)}).json()
    body = follow(client, job["id"])
    assert body["state"] == "failed"
    assert body["result"]["errors"][0].startswith("第3行「证件号码」")
    assert not Lead.objects.exists()


def test_a_zip_bomb_is_refused_at_the_door(reference, member, api, media):
    """A bomb never becomes a job: 400 with the guard's Chinese message."""
    from tests.screening.test_suspects import bomb

    clerk = member("ZJ", "510000", "clerk")
    response = api(clerk).post("/api/v1/leads/imports/", {"file": upload(bomb(), "bomb.xlsx")})
    assert response.status_code == 400
    assert "xl/worksheets/sheet1.xml" in response.json()["message"]
    assert not Job.objects.exists()


def test_the_upload_page_three_ways(reference, member, client, media):
    """Anonymous → login, a county clerk → 403, a province clerk → the form and then the job."""
    url = reverse("screening:suspects")
    assert client.get(url).status_code == 302
    client.force_login(member("ZJ", "510104", "clerk"))
    assert client.get(url).status_code == 403
    client.force_login(member("ZJ", "510000", "clerk"))
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload(as_csv([row(1)])), "dry_run": "on"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert job.params == {"dry_run": True}


def roster_uploads(tmp_path):
    from screening.rosters import PAYMENT_COLUMNS, REGISTRATION_COLUMNS
    from tests.screening.test_rosters import csv_file, roster

    registrations, payments = roster(tmp_path)
    files = []
    for name, header, rows in (
        ("reg.csv", REGISTRATION_COLUMNS, registrations),
        ("ins.csv", PAYMENT_COLUMNS, payments),
    ):
        files.append(upload(csv_file(tmp_path, name, header, rows).read_bytes(), name))
    return {
        "registrations": files[0],
        "insurance": files[1],
        "month_from": "2019-01",
        "month_to": "2019-03",
    }


def test_a_comparison_runs_on_the_worker(reference, member, api, media, redis_worker, tmp_path):
    """The comparison job raises the findings and reports counts per rule in the API."""
    client = api(member("ZJ", "510000", "clerk"))
    job = client.post("/api/v1/screening/comparisons/", roster_uploads(tmp_path)).json()
    body = follow(client, job["id"])
    assert body["state"] == "succeeded", body
    assert body["result"]["total"]["new"] == 4
    assert Lead.objects.filter(source="comparison").count() == 4
    assert not list((media / "screening").iterdir())  # the uploads are deleted


def test_a_comparison_failing_halfway_leaves_no_leads(
    reference, member, api, media, redis_worker, tmp_path, monkeypatch
):
    """A job that dies after inserting its leads (before the audit) fails and leaves none."""
    from screening import rosters

    def boom(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(rosters, "_audit_insert", boom)
    client = api(member("ZJ", "510000", "clerk"))
    job = client.post("/api/v1/screening/comparisons/", roster_uploads(tmp_path)).json()
    assert follow(client, job["id"])["state"] == "failed"
    assert not Lead.objects.exists()
