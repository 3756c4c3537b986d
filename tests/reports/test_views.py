"""The report pages: anonymous → login, another jurisdiction → 404, the right user → 200."""

import datetime

import pytest

from reports import services
from reports.models import Consolidation, Report
from tests.factories import campaign_2019
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


@pytest.fixture
def county_report(agency):
    return services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)


def test_anonymous_is_sent_to_login(client, county_report):
    """Every report page asks an anonymous visitor to log in."""
    for url in ("/reports/", f"/reports/{county_report.pk}/", "/reports/consolidations/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_other_jurisdiction_gets_404(client, member, county_report):
    """Another county's clerk cannot open, submit or download the report."""
    client.force_login(member("ZJ", "510105", "clerk"))
    assert client.get(f"/reports/{county_report.pk}/").status_code == 404
    assert client.post(f"/reports/{county_report.pk}/submit/").status_code == 404
    assert client.get(f"/reports/{county_report.pk}/annex1.xlsx").status_code == 404
    assert client.get("/reports/consolidations/").status_code == 404


def test_clerk_sees_rows_and_prepares_for_the_reviewers_sign_off(
    client, member, agency, county_report
):
    """The county clerk sees the preview rows and prepares with one click; the county's
    reviewer then signs it off from the same page, which sends it up."""
    decided_case(agency("ZJ", "510104"), parties=2)
    client.force_login(member("ZJ", "510104", "clerk"))
    page = client.get(f"/reports/{county_report.pk}/")
    assert page.status_code == 200
    assert "预览" in page.content.decode()
    assert len(page.context["rows"]) == 2
    client.post(f"/reports/{county_report.pk}/submit/")
    county_report.refresh_from_db()
    assert county_report.status == Report.Status.PREPARED
    client.force_login(member("ZJ", "510104", "reviewer"))
    page = client.get(f"/reports/{county_report.pk}/").content.decode()
    assert 'id="sign-report"' in page
    client.post(f"/reports/{county_report.pk}/sign/")
    county_report.refresh_from_db()
    assert county_report.status == Report.Status.SUBMITTED


def test_reviewer_index_lists_children_with_status_and_returns(client, member, agency):
    """The city reviewer sees its counties (未报 / 已报送) and returns one with a reason."""
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    client.force_login(member("ZJ", "510100", "reviewer"))
    page = client.get("/reports/?month=2019-03").content.decode()
    assert "成都市锦江区住房和城乡建设局" in page
    assert "未报" in page
    assert "已报送" in page
    client.post(f"/reports/{report.pk}/return/", {"reason": "缺少文号"})
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "缺少文号")


@pytest.mark.parametrize("count", [1, 20])
def test_index_query_count_is_pinned(client, member, agency, django_assert_max_num_queries, count):
    """The reviewer's index costs a fixed number of queries whatever the number of counties."""
    filer = member("ZJ", "510104", "reviewer")
    city = agency("ZJ", "510100")
    for child in list(city.children.all())[:count]:
        services.report_get_or_create(agency=child, month=MARCH)
    services.report_submit(
        report=Report.objects.get(agency=agency("ZJ", "510104"), month=MARCH), submitted_by=filer
    )
    client.force_login(member("ZJ", "510100", "reviewer"))
    with django_assert_max_num_queries(18):  # two of them the month control (campaigns)
        assert client.get("/reports/?month=2019-03").status_code == 200


def test_consolidation_page_for_zj_and_list_for_ministry(client, member, agency):
    """住建厅 sees the five departments and the chart; the ministry only reported months."""
    client.force_login(member("ZJ", "510000", "reviewer"))
    page = client.get("/reports/consolidations/?month=2019-03").content.decode()
    for name in ("四川省住房和城乡建设厅", "四川省人力资源和社会保障厅", "四川省通信管理局"):
        assert name in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    Consolidation.objects.create(
        campaign=campaign_2019(), month=MARCH, agency=agency("ZJ", "510000")
    )
    client.force_login(member("BU", "510000", "ministry"))
    listing = client.get("/reports/consolidations/")
    assert listing.status_code == 200
    assert "暂无已上报的汇总表" in listing.content.decode()
    assert client.get("/reports/").status_code == 302


def test_submitted_report_page_shows_frozen_rows(client, member, agency, county_report):
    """After submission the page shows the frozen revision and the revision history."""
    decided_case(agency("ZJ", "510104"))
    clerk = member("ZJ", "510104", "clerk")
    services.report_submit(report=county_report, submitted_by=clerk)
    client.force_login(clerk)
    page = client.get(f"/reports/{county_report.pk}/")
    assert page.status_code == 200
    assert "已冻结" in page.content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", ""],
)
def test_approve_never_redirects_off_site(client, member, agency, county_report, target):
    """A ``next`` pointing off the site is ignored: the reviewer lands on the report page."""
    services.report_submit(report=county_report, submitted_by=member("ZJ", "510104", "reviewer"))
    client.force_login(member("ZJ", "510100", "reviewer"))
    response = client.post(f"/reports/{county_report.pk}/approve/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{county_report.pk}/"


def test_return_redirects_to_a_local_next(client, member, agency, county_report):
    """A ``next`` on this site (the reviewer's index) is followed after a return."""
    services.report_submit(report=county_report, submitted_by=member("ZJ", "510104", "reviewer"))
    client.force_login(member("ZJ", "510100", "reviewer"))
    response = client.post(
        f"/reports/{county_report.pk}/return/",
        {"next": "/reports/?month=2019-03", "reason": "缺少文号"},
    )
    assert response["Location"] == "/reports/?month=2019-03"


@pytest.mark.parametrize("count", [1, 6])
def test_report_page_query_count_is_pinned(
    client, member, agency, county_report, django_assert_max_num_queries, count
):
    """The report page costs a fixed number of queries whatever its revisions and rows."""
    county = agency("ZJ", "510104")
    filer, reviewer = member("ZJ", "510104", "reviewer"), member("ZJ", "510100", "reviewer")
    report = county_report
    for number in range(1, count + 1):
        decided_case(county)
        report = services.report_submit(report=report, submitted_by=filer)
        if number < count:  # each returned revision names its reviewer on the page
            services.report_return(report=report, returned_by=reviewer, reason=f"第{number}次退回")
    services.report_approve(report=report, approved_by=reviewer)
    client.force_login(reviewer)
    # One of them: which rows' cases the user may open; one whether any case is offered to
    # the user's agencies (the visibility rule leaves the transfer branch out when none is).
    with django_assert_max_num_queries(19):
        page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    assert len(page.context["rows"]) == count
    assert len(page.context["revisions"]) == count


def test_opening_a_report_with_a_malformed_agency_answers_404(client, member):
    """A crafted form with a non-numeric agency is not found, never a server error."""
    client.force_login(member("ZJ", "510104", "clerk"))
    response = client.post("/reports/open/", {"agency": "abc", "month": "2019-03"})
    assert response.status_code == 404


def test_a_late_submission_is_marked_late_on_the_index_and_the_report_page(
    client, member, agency, county_report
):
    """March 2019 sent up today is far past its due date: the city's index and the report page
    both say how many days late it was first sent."""
    services.report_submit(report=county_report, submitted_by=member("ZJ", "510104", "reviewer"))
    client.force_login(member("ZJ", "510100", "reviewer"))
    index = client.get("/reports/?month=2019-03")
    county = next(
        c
        for _parent, children in index.context["reviewed"]
        for c in children
        if c.agency.pk == county_report.agency_id
    )
    assert county.late_days > 2000
    assert f"逾期{county.late_days}天报送" in index.content.decode()
    page = client.get(f"/reports/{county_report.pk}/")
    assert page.context["late_days"] == county.late_days
    assert 'id="late-mark"' in page.content.decode()


def test_report_rows_link_to_their_cases(client, member, agency, county_report):
    """Each 附件1 row's name opens its case for the county clerk and the city reviewer."""
    case = decided_case(agency("ZJ", "510104"))
    for user in (member("ZJ", "510104", "clerk"), member("ZJ", "510100", "reviewer")):
        client.force_login(user)
        page = client.get(f"/reports/{county_report.pk}/")
        assert page.context["row_cases"] == {case.pk}
        assert f'href="/cases/{case.pk}/"' in page.content.decode()
        assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_the_chart_spans_every_month_and_is_also_a_table(client, member):
    """A month with nothing approved is charted as 0; the page carries the figures as a table."""
    from reports.selectors import _month_run

    jan, feb, mar = (datetime.date(2019, m, 1) for m in (1, 2, 3))
    assert _month_run({jan, mar}, 12) == [jan, feb, mar]
    assert _month_run({jan, mar}, 2) == [feb, mar]
    assert _month_run(set(), 12) == []
    client.force_login(member("ZJ", "510000", "reviewer"))
    page = client.get("/reports/consolidations/?month=2019-03").content.decode()
    assert 'id="chart-table"' in page


def test_a_province_inspector_sees_every_report_s_status_and_opens_one(
    client, member, agency, county_report, django_assert_max_num_queries
):
    """住建厅's inspector gets the filing of the whole 住建 system read-only (未报 included),
    opens a county's report, and is offered no step on it."""
    services.report_submit(report=county_report, submitted_by=member("ZJ", "510104", "reviewer"))
    client.force_login(member("ZJ", "510000", "inspector"))
    with django_assert_max_num_queries(20):
        index = client.get("/reports/?month=2019-03")
    body = index.content.decode()
    assert 'id="inspected-reports"' in body
    assert f'href="/reports/{county_report.pk}/"' in body
    assert "没有需要填报或审核的月报" not in body
    ((_parent, statuses),) = index.context["inspected"]
    assert len(statuses) > 100  # the province, its cities and counties, one row each
    assert {s.agency.department.code for s in statuses} == {"ZJ"}
    page = client.get(f"/reports/{county_report.pk}/")
    assert page.status_code == 200
    for step in ('id="approve-report"', 'id="submit-report"', 'id="sign-report"'):
        assert step not in page.content.decode()
