"""The monthly report journey in the browser: prepare, sign, return, prepare again, sign,
approve, download."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from reports import services
from reports.models import Report
from tests.e2e.steps import confirmed
from tests.factories import TEST_PASSWORD
from tests.reports.conftest import decided_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARCH = datetime.date(2019, 3, 1)


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(user.username, TEST_PASSWORD)


def test_county_report_climbs_to_the_ministry(page, live_server, login, reference, agency, member):
    """The county clerk prepares, the county reviewer signs it off, the city returns it with a
    reason, the clerk prepares it again and the reviewer signs again, the city approves; the
    county's own names and phones are in the footer; the ministry downloads the consolidation."""
    county, city, province = agency("ZJ", "510104"), agency("ZJ", "510100"), agency("ZJ", "510000")
    decided_case(county, parties=2)
    clerk = member("ZJ", "510104", "clerk", first_name="王丽", profile__office_phone="028-86651234")
    signer = member(
        "ZJ", "510104", "reviewer", first_name="陈建国", profile__office_phone="028-86651235"
    )
    reviewer = member("ZJ", "510100", "reviewer", first_name="黄伟")
    base = live_server.url

    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{base}/reports/?month=2019-03")
    page.get_by_role("button", name="开始填报").click()
    assert page.locator("#rows tbody tr").count() == 2
    confirmed(page, "#submit-report")
    assert page.locator("#report-status").inner_text() == "待签发"
    report = Report.objects.get(agency=county, month=MARCH)

    switch_user(page, login, reviewer)  # nothing to review before the county signs
    page.goto(f"{base}/reports/?month=2019-03")
    row = page.locator("tr", has_text="成都市锦江区住房和城乡建设局")
    assert "待签发" in row.inner_text()
    assert row.get_by_role("button", name="通过").count() == 0

    switch_user(page, login, signer)
    page.goto(f"{base}/reports/{report.pk}/")
    confirmed(page, "#sign-report")
    assert page.locator("#report-status").inner_text() == "已报送"

    switch_user(page, login, reviewer)
    page.goto(f"{base}/reports/?month=2019-03")
    row = page.locator("tr", has_text="成都市锦江区住房和城乡建设局")
    row.locator("summary").click()
    row.get_by_placeholder("退回理由").fill("第2行身份证号有误")
    confirmed(page, row.get_by_role("button", name="退回", exact=True))
    assert "已退回" in page.locator("tr", has_text="成都市锦江区住房和城乡建设局").inner_text()

    switch_user(page, login, clerk)
    page.goto(f"{base}/reports/{report.pk}/")
    assert page.locator("#return-reason").inner_text() == "第2行身份证号有误"
    confirmed(page, "#submit-report")
    assert page.locator("#report-status").inner_text() == "待签发"

    switch_user(page, login, signer)
    page.goto(f"{base}/reports/{report.pk}/")
    confirmed(page, "#sign-report")
    assert page.locator("#report-status").inner_text() == "已报送"

    switch_user(page, login, reviewer)
    page.goto(f"{base}/reports/{report.pk}/")
    confirmed(page, "#approve-report")
    assert page.locator("#report-status").inner_text() == "已通过"
    report.refresh_from_db()
    assert report.revisions.count() == 2
    revision = report.current_revision
    assert (revision.preparer_name, revision.signer_name) == ("王丽", "陈建国")
    assert revision.reviewed_by == reviewer

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载附件1（Excel）").click()
    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    footer = [cell.value for cell in sheet[sheet.max_row] if cell.value]
    assert footer[:2] == [
        "填表人：王丽  联系电话：028-86651234",
        "负责人：陈建国  联系电话：028-86651235",
    ]

    # The rest of the chain through the services.
    consolidator = member("ZJ", "510000", "reviewer")
    city_report = services.report_get_or_create(agency=city, month=MARCH)
    city_report = services.report_submit(
        report=city_report, submitted_by=member("ZJ", "510100", "reviewer")
    )
    services.report_approve(report=city_report, approved_by=consolidator)
    for code in ("ZJ", "RS", "JT", "SL", "TX"):
        target = province if code == "ZJ" else agency(code, "510000")
        submitted = services.report_submit(
            report=services.report_get_or_create(agency=target, month=MARCH),
            submitted_by=member(code, "510000", "reviewer"),
        )
        services.report_approve(report=submitted, approved_by=consolidator)
    consolidation = services.consolidation_create(month=MARCH, created_by=consolidator)
    services.consolidation_report(consolidation=consolidation, reported_by=consolidator)

    switch_user(page, login, member("BU", "510000", "ministry"))
    page.goto(f"{base}/reports/consolidations/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith("2019-03.xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    assert workbook.sheetnames[-2:] == ["汇总", "统计"]
    summary = workbook["汇总"]
    assert summary["A3"].value == "报送部门：四川省住房和城乡建设厅（加盖单位印章）"
    assert summary["A7"].value == 2
    assert "成都市锦江区住房和城乡建设局" in summary["L6"].value
