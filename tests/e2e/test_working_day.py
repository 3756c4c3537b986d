"""A staff member's working day in the browser (issue 13): a printed case page, the import's
number-typed ID, the export, every role's menu, the error pages, and axe on every page type."""

import io

import pytest
from openpyxl import load_workbook

from cases import services as case_services
from jobs.models import Job
from tests.cases.payloads import case_payload, person_payload
from tests.cases.test_import import good_rows, workbook
from tests.e2e.a11y import assert_accessible, axe_violations
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTY = ("ZJ", "510104")


def switch_to(page, login, user) -> None:
    """Log ``user`` in, leaving the previous user's session behind."""
    page.context.clear_cookies()
    login(user.username, TEST_PASSWORD)


def accessible_at(page, url: str) -> None:
    """Assert the page now shown has no axe violation, naming the address when it has."""
    violations = axe_violations(page)
    assert not violations, f"{url}\n" + "\n".join(violations)


def visit(page, url: str) -> int:
    """Open ``url`` and return the HTTP status it answered."""
    response = page.goto(url)
    return response.status if response else 0


def test_a_printed_case_page_has_no_navigation_and_is_an_a4_pdf(
    page, live_server, login, member, agency
):
    """Printed, the case page hides the menu, the buttons and the upload form; Chromium makes an
    A4 PDF of it."""
    clerk = member(*COUNTY, "clerk")
    case = case_services.case_create(actor=clerk, agency=agency(*COUNTY), **case_payload())
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("nav.navbar").is_visible()
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    assert page.get_by_role("button", name="退出").is_hidden()
    assert page.get_by_role("link", name="编辑").is_hidden()
    assert page.get_by_role("button", name="上传").is_hidden()
    assert page.get_by_text(case.reference).first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox[0 0 595" in pdf  # A4: 595 × 842 pt


def test_an_id_typed_as_a_number_in_the_import_gets_its_own_message(
    page, live_server, login, member, tmp_path
):
    """An 18-digit ID that Excel stored as 5.1010419920312E+17 is refused with what happened."""
    clerk = member(*COUNTY, "clerk")
    rows = good_rows()
    rows[0]["id_number"] = 510104197503150011.0  # a float: Excel's number-formatted cell
    path = tmp_path / "案件.xlsx"
    path.write_bytes(workbook(rows))
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(f"{live_server.url}/jobs/*/")
    message = page.get_by_text("该单元格被Excel存成了数字")
    message.wait_for()
    assert "5.1010419750315E+17" in message.inner_text()
    assert "文本" in message.inner_text()
    assert_accessible(page)


def test_the_case_list_export_opens_with_the_filtered_rows(
    page, live_server, login, member, agency
):
    """导出Excel with a status filter downloads a workbook holding exactly the listed cases."""
    clerk = member(*COUNTY, "clerk")
    county = agency(*COUNTY)
    kept = case_services.case_create(actor=clerk, agency=county, **case_payload())
    other = case_services.case_create(
        actor=clerk, agency=county, **case_payload(persons=[person_payload(2)])
    )
    case_services.case_start_investigation(actor=clerk, case=other)
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/?status=registered")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active  # noqa: SIM115
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert kept.reference in cells
    assert other.reference not in cells


ROLES = [
    ("clerk", COUNTY),
    ("reviewer", ("ZJ", "510100")),
    ("reviewer", ("ZJ", "510000")),
    ("inspector", ("ZJ", "510000")),
    ("ministry", ("BU", "510000")),
]


def test_every_role_s_menu_leads_to_pages_that_answer_and_pass_axe(
    page, live_server, login, member
):
    """Clerk, city and province reviewer, inspector and ministry: each menu link answers 200
    and the page it opens has no WCAG 2.1 AA violation."""
    for role, (department, region) in ROLES:
        user = member(department, region, role)
        switch_to(page, login, user)
        links = page.locator("nav.navbar a.nav-link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert links, role
        for href in links:
            assert visit(page, live_server.url + href) == 200, (role, region, href)
            accessible_at(page, f"{role} {region} {href}")


def test_not_found_and_forbidden_pages_are_chinese_within_the_layout(
    page, live_server, login, member
):
    """Another's case answers 404 and a page the role may not use 403, both in Chinese with the
    menu and a way back."""
    login(member("ZJ", "510000", "inspector").username, TEST_PASSWORD)
    assert visit(page, f"{live_server.url}/cases/999999/") == 404
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("nav.navbar").is_visible()
    assert "未找到" in page.locator("main").inner_text()
    assert_accessible(page)
    assert visit(page, f"{live_server.url}/cases/new/") == 403
    assert page.locator("nav.navbar").is_visible()
    assert page.get_by_role("link", name="首页").first.is_visible()
    assert_accessible(page)


def _pages_of_a_county(member, agency) -> tuple[object, list[str]]:
    """Create one of each record a county clerk works with; return the clerk and their pages."""
    from declarations.models import Declaration
    from reports import services as report_services
    from tests.complaints.test_views import phone_complaint
    from tests.reports.test_summaries import declare

    clerk = member(*COUNTY, "clerk")
    county = agency(*COUNTY)
    case = case_services.case_create(actor=clerk, agency=county, **case_payload())
    complaint, _code = phone_complaint(clerk, county)
    lead = complaint.lead
    declare(member, agency, COUNTY[1], 3)
    declaration = Declaration.objects.get()
    report = report_services.report_get_or_create(
        agency=county, month=case.opened_on.replace(day=1)
    )
    job = Job.objects.create(kind="cases.export", owner=clerk, agency=county)
    pages = [
        "/",
        "/cases/",
        f"/cases/{case.pk}/",
        "/cases/new/",
        f"/cases/{case.pk}/decide/",
        "/cases/import/",
        "/leads/",
        f"/leads/{lead.pk}/",
        "/leads/new/",
        "/complaints/",
        f"/complaints/{complaint.pk}/",
        "/complaints/new/",
        "/declarations/",
        f"/declarations/{declaration.pk}/",
        "/reports/?month=2019-03",
        f"/reports/{report.pk}/",
        "/reports/summaries/",
        "/notifications/",
        "/accounts/profile/",
        "/accounts/password/",
        f"/jobs/{job.pk}/",
    ]
    return clerk, pages


def test_every_page_type_has_no_accessibility_violation(page, live_server, login, member, agency):
    """A county clerk's pages, 住建厅's consolidation and the public pages pass axe-core."""
    clerk, pages = _pages_of_a_county(member, agency)
    for url in ("/public/", "/public/complaints/new/", "/public/complaints/status/"):
        assert visit(page, live_server.url + url) == 200, url
        accessible_at(page, url)
    login(clerk.username, TEST_PASSWORD)
    for url in pages:
        assert visit(page, live_server.url + url) == 200, url
        accessible_at(page, url)
    switch_to(page, login, member("ZJ", "510000", "reviewer"))
    for url in ("/reports/consolidations/?month=2019-03", "/reports/summaries/"):
        assert visit(page, live_server.url + url) == 200, url
        accessible_at(page, url)
