"""Full ID numbers only for those who file, review or receive the report; masked for the rest."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from agencies import permissions
from cases.identifiers import mask_id_number
from reports import services
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


@pytest.fixture
def county_report(agency, member):
    """A submitted county report with one row, and that row's full ID number."""
    case = decided_case(agency("ZJ", "510104"))
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    return report, case.parties.get().person.id_number


def shown_ids(client, api_client, report):
    """Return the ID number in the page, the API and both workbook downloads."""
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    (row,) = page.context["rows"]
    api_row = api_client.get(f"/api/v1/reports/{report.pk}/").json()["rows"][0]
    sheets = [
        load_workbook(io.BytesIO(response.content)).active["C6"].value
        for response in (
            client.get(f"/reports/{report.pk}/annex1.xlsx"),
            api_client.get(f"/api/v1/reports/{report.pk}/annex1.xlsx"),
        )
    ]
    return {row["id_number"], api_row["id_number"], *sheets}, page.content.decode()


@pytest.mark.parametrize(
    ("region", "role"), [("510104", "clerk"), ("510104", "reviewer"), ("510100", "reviewer")]
)
def test_the_filing_and_reviewing_chain_reads_full_numbers(
    client, api, member, county_report, region, role
):
    """The county's clerk and reviewer and the city's reviewer see full numbers everywhere."""
    report, id_number = county_report
    user = member("ZJ", region, role)
    client.force_login(user)
    ids, html = shown_ids(client, api(user), report)
    assert ids == {id_number}
    assert id_number in html


@pytest.mark.parametrize("region", ["510104", "510100", "510000"])
def test_inspectors_read_masked_numbers_and_get_a_masked_workbook(
    client, api, member, county_report, region
):
    """Inspectors see masked numbers in the page and API and download a masked workbook."""
    report, id_number = county_report
    user = member("ZJ", region, "inspector")
    client.force_login(user)
    ids, html = shown_ids(client, api(user), report)
    assert ids == {mask_id_number(id_number)}
    assert id_number not in html


def test_diff_on_the_page_masks_numbers_for_inspectors(client, member, agency, county_report):
    """The revision diff names added rows with masked numbers for an inspector."""
    report, _id_number = county_report
    services.report_return(
        report=report, returned_by=member("ZJ", "510100", "reviewer"), reason="漏报一人"
    )
    added = decided_case(agency("ZJ", "510104")).parties.get().person.id_number
    services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    client.force_login(member("ZJ", "510104", "inspector"))
    page = client.get(f"/reports/{report.pk}/")
    assert page.context["diff"]["added"][0]["id_number"] == mask_id_number(added)
    assert added not in page.content.decode()


def test_province_reports_full_for_zj_reviewers_masked_for_other_zj_staff(agency, member):
    """住建厅's reviewers approve RS's province report (full); its clerk only reads it (masked)."""
    report = services.report_get_or_create(agency=agency("RS", "510000"), month=MARCH)
    unmask = permissions.user_can_unmask_report
    assert unmask(user=member("ZJ", "510000", "reviewer"), report=report)
    assert unmask(user=member("RS", "510000", "clerk"), report=report)
    assert not unmask(user=member("ZJ", "510000", "clerk"), report=report)
    assert not unmask(user=member("RS", "510100", "clerk"), report=report)


def test_consolidation_workbook_full_for_consolidator_and_ministry_masked_for_inspector(
    client, agency, member
):
    """The consolidated workbook: full for 住建厅 reviewers and, once reported, the ministry."""
    consolidator = member("ZJ", "510000", "reviewer")
    id_number = decided_case(agency("ZJ", "510000")).parties.get().person.id_number
    for code in ("ZJ", "RS", "JT", "SL", "TX"):
        report = services.report_get_or_create(agency=agency(code, "510000"), month=MARCH)
        report = services.report_submit(
            report=report, submitted_by=member(code, "510000", "reviewer")
        )
        services.report_approve(report=report, approved_by=consolidator)
    consolidation = services.consolidation_create(month=MARCH, created_by=consolidator)
    services.consolidation_report(consolidation=consolidation, reported_by=consolidator)

    def ids_for(user):
        client.force_login(user)
        response = client.get(f"/reports/consolidations/{consolidation.pk}/annex1.xlsx")
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        return {wb["住建"]["C6"].value, wb["汇总"]["C6"].value}

    assert ids_for(consolidator) == {id_number}
    assert ids_for(member("BU", "510000", "ministry")) == {id_number}
    assert ids_for(member("ZJ", "510000", "inspector")) == {mask_id_number(id_number)}
