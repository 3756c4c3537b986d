"""A large consolidation's workbook is written by a background job and downloaded by its owner."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from jobs.models import Job
from reports import services
from reports.job_kinds import CONSOLIDATION_WORKBOOK
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


@pytest.fixture
def consolidation(agency, member):
    """The five departments' approved March reports, consolidated: ZJ's with three rows."""
    consolidator = member("ZJ", "510000", "reviewer")
    decided_case(agency("ZJ", "510000"), parties=3)
    for code in ("ZJ", "RS", "JT", "SL", "TX"):
        report = services.report_get_or_create(agency=agency(code, "510000"), month=MARCH)
        report = services.report_submit(
            report=report, submitted_by=member(code, "510000", "reviewer")
        )
        services.report_approve(report=report, approved_by=consolidator)
    return services.consolidation_create(month=MARCH, created_by=consolidator), consolidator


def test_a_large_consolidation_is_written_by_a_job_its_owner_downloads(
    client, member, consolidation, monkeypatch, django_capture_on_commit_callbacks
):
    """Past the export limit the download starts a job; its file has every row, streamed from
    the frozen rows, and only the job's owner may download it."""
    monkeypatch.setattr("jobs.exports.SYNC_LIMIT", 2)
    consolidation, consolidator = consolidation
    client.force_login(consolidator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reports/consolidations/{consolidation.pk}/annex1.xlsx")
    job = Job.objects.get(kind=CONSOLIDATION_WORKBOOK)
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert (job.done, job.total) == (6, 6)  # three rows, on 住建 and on 汇总
    assert job.result["rows"] == 3
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == ["住建", "人社", "交通", "水利", "通信", "汇总", "统计"]
    assert [wb["汇总"].cell(row=r, column=1).value for r in (6, 7, 8)] == [1, 2, 3]
    assert wb["住建"]["C8"].value == wb["汇总"]["C8"].value  # full ID numbers for 住建厅
    client.force_login(member("ZJ", "510000", "reviewer"))
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_a_small_consolidation_downloads_at_once(client, consolidation):
    """Up to the limit the workbook is the response itself, no job."""
    consolidation, consolidator = consolidation
    client.force_login(consolidator)
    response = client.get(f"/reports/consolidations/{consolidation.pk}/annex1.xlsx")
    assert response.status_code == 200
    assert not Job.objects.exists()
    assert load_workbook(io.BytesIO(response.content))["汇总"]["A8"].value == 3
