"""The case list exported to Excel: the list's rows and filters, its masking, a Chinese name;
large exports as a background job downloaded by their owner."""

import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from jobs import exports
from jobs.models import Job
from tests.factories import CaseFactory, CasePartyFactory

pytestmark = pytest.mark.django_db


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_small_export_downloads_at_once_with_the_lists_rows(client, member, agency):
    mine = CaseFactory(agency=agency("ZJ", "510104"), source="complaint")
    CasePartyFactory(case=mine)
    CaseFactory(agency=agency("ZJ", "510104"), source="comparison")
    CaseFactory(agency=agency("ZJ", "510105"), source="complaint")  # another county's
    client.force_login(member("ZJ", "510104", "clerk"))
    response = client.post("/cases/export/?source=complaint")
    assert response.status_code == 200
    name = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert name.startswith("案件清单_锦江区_")
    sheet = sheet_of(response.content)
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [mine.reference]
    party = mine.parties.get()
    assert rows[0][8] == party.person.id_number  # the clerk sees full numbers of own cases
    assert sheet.cell(row=3, column=9).number_format == "@"


def test_inspector_export_is_masked(client, member, agency):
    case = CaseFactory(agency=agency("ZJ", "510104"))
    party = CasePartyFactory(case=case)
    client.force_login(member("ZJ", "510000", "inspector"))
    rows = list(
        sheet_of(client.post("/cases/export/").content).iter_rows(min_row=3, values_only=True)
    )
    numbers = [r[8] for r in rows if r[0] == case.reference]
    assert numbers
    assert party.person.id_number not in numbers
    assert "*" in numbers[0]


def test_large_export_runs_as_a_job_downloaded_by_its_owner(
    client, member, agency, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 2)
    for _ in range(3):
        CaseFactory(agency=agency("ZJ", "510104"))
    owner = member("ZJ", "510104", "clerk")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/export/")
    job = Job.objects.get(kind="cases.export")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.result["rows"] == 3
    page = client.get(job.get_absolute_url())
    assert "案件清单_锦江区_" in page.content.decode()
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert len(list(sheet_of(content).iter_rows(min_row=3))) == 3
    client.force_login(member("ZJ", "510104", "reviewer"))
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_export_needs_login_and_post(client):
    assert client.post("/cases/export/").status_code == 302
    assert client.get("/cases/export/").status_code in (302, 405)
