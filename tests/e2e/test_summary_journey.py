"""The self-inspection summary in the browser: a city reviewer fills it, the provincial department
returns it with a reason, it is resubmitted and approved, 住建厅 consolidates and reports it,
and the ministry downloads the province's summary as Word (issue 10)."""

import datetime
import io

import pytest
from docx import Document

from campaigns.models import Phase
from declarations import services as declaration_services
from reports import services
from reports.models import Report
from tests.cases.payloads import person_payload, unit_payload
from tests.e2e.steps import confirmed
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARIES = "/reports/summaries/?campaign=sc-2019&phase=self_inspection"


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(user.username, TEST_PASSWORD)


def _departments_file(agency, member, phase, consolidator):
    """The five departments' provincial summaries, approved by 住建厅 (set up, not the journey)."""
    for code in ("ZJ", "RS", "JT", "SL", "TX"):
        filer = member(code, "510000", "reviewer", first_name=f"{code}负责人")
        report = services.summary_get_or_create(agency=agency(code, "510000"), phase=phase)
        services.summary_draft_save(
            report=report, actor=filer, work_done=f"{code}系统组织开展自查自纠。"
        )
        services.report_submit(report=report, submitted_by=filer)
        services.report_approve(report=report, approved_by=consolidator)


def test_a_city_summary_is_returned_resubmitted_approved_and_reaches_the_ministry(
    page, live_server, login, reference, agency, member
):
    phase = Phase.objects.get(campaign__code="sc-2019", kind=Phase.Kind.SELF_INSPECTION)
    declaration_services.declaration_create(
        actor=member("ZJ", "510104", "clerk"),
        agency=agency("ZJ", "510104"),
        declarant="unit",
        unit=unit_payload(1),
        declared_on=datetime.date(2019, 1, 20),
        persons=[
            {
                **person_payload(1),
                "actions": ["deregistration_applied"],
                "rectified": True,
                "rectified_on": datetime.date(2019, 1, 18),
            }
        ],
    )
    city = member("ZJ", "510100", "reviewer", first_name="周建", profile__office_phone="028-1")
    department = member("ZJ", "510000", "reviewer", first_name="吴敏")
    consolidator = member("ZJ", "510000", "reviewer", first_name="郑浩")
    base = live_server.url

    login(city.username, TEST_PASSWORD)
    page.goto(base + SUMMARIES)
    page.get_by_role("button", name="开始填写").click()
    assert page.locator('#summary-totals [data-key="persons"]').inner_text() == "1"
    page.fill("#id_work_done", "组织全市企业开展自查自纠，受理申报1份。")
    page.click("#save-summary")
    confirmed(page, "#submit-report")
    assert page.locator("#report-status").inner_text() == "已报送"
    report = Report.objects.get(kind=Report.Kind.SUMMARY, agency=agency("ZJ", "510100"))

    switch_user(page, login, department)
    page.goto(base + SUMMARIES)
    page.get_by_role("link", name="成都市住房和城乡建设局").click()
    page.click("#return-box summary")
    page.fill("#reason", "请补充典型案例")
    confirmed(page, "#return-report")
    assert page.locator("#report-status").inner_text() == "已退回"

    switch_user(page, login, city)
    page.goto(f"{base}/reports/{report.pk}/")
    assert page.locator("#return-reason").inner_text() == "请补充典型案例"
    page.fill("#id_work_done", "组织全市企业开展自查自纠，受理申报1份。典型案例：某公司注销1人。")
    page.click("#save-summary")
    confirmed(page, "#submit-report")
    assert page.locator("#report-status").inner_text() == "已报送"

    switch_user(page, login, department)
    page.goto(f"{base}/reports/{report.pk}/")
    confirmed(page, "#approve-report")
    assert page.locator("#report-status").inner_text() == "已通过"
    report.refresh_from_db()
    assert "典型案例" in report.current_revision.summary.work_done

    _departments_file(agency, member, phase, consolidator)
    switch_user(page, login, consolidator)
    page.goto(base + SUMMARIES)
    confirmed(page, "#consolidate-summaries")
    confirmed(page, "#report-summaries")
    assert page.get_by_text("已上报").first.is_visible()

    switch_user(page, login, member("BU", "510000", "ministry"))
    page.goto(base + SUMMARIES)
    with page.expect_download() as download:
        page.click("#download-province-summary")
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "专项整治自查自纠阶段工作总结" in text
    assert "ZJ系统组织开展自查自纠。" in text
    assert "申报人员（人）1" in text  # the 住建 department counts its cities' declarations
