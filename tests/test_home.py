"""The home page: a dashboard per role, built only from what each user may see."""

import datetime
import itertools

import pytest
from django.utils import timezone

from agencies.models import Agency
from core.months import previous_month
from reports import deadlines, services
from reports.models import Consolidation, Report
from tests.factories import CaseFactory, campaign_2019

REPORTING_DEPARTMENTS = ("ZJ", "RS", "JT", "SL", "TX")

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response, response.context["board"], response.content.decode()


def counts(board) -> dict:
    return {status: n for status, _label, n in board.case_counts}


def this_and_last_month():
    this_month = timezone.localdate().replace(day=1)
    return this_month, previous_month(this_month)


def approved_province_reports(member, month):
    """File and approve the five departments' provincial reports; return 住建厅's reviewer."""
    consolidator = member("ZJ", "510000", "reviewer")
    for code in REPORTING_DEPARTMENTS:
        filer = member(code, "510000", "reviewer")  # prepares and signs in one step
        report = services.report_get_or_create(agency=filer.memberships.get().agency, month=month)
        services.report_submit(report=report, submitted_by=filer)
        services.report_approve(report=report, approved_by=consolidator)
    return consolidator


def test_anonymous_is_sent_to_login(client):
    """An anonymous visitor is asked to log in."""
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_clerk_sees_own_case_counts_with_links_to_the_filtered_list(client, member, agency):
    """A county clerk counts the county's cases by status, never another county's."""
    jinjiang, qingyang = agency("ZJ", "510104"), agency("ZJ", "510105")
    CaseFactory.create_batch(2, agency=jinjiang, status="registered")
    CaseFactory(agency=jinjiang, status="investigating")
    CaseFactory(agency=qingyang, status="registered")
    _response, board, html = home(client, member("ZJ", "510104", "clerk"))
    assert counts(board) == {"registered": 2, "investigating": 1, "decided": 0, "closed": 0}
    assert board.case_total == 3
    assert 'href="/cases/?status=registered"' in html
    assert 'href="/cases/?status=closed"' in html
    assert board.pending_review is None  # a clerk reviews nothing
    assert board.province is None
    assert "工作台" in html


def test_clerk_sees_cases_transferred_to_the_county(client, member, agency):
    """A case offered to the county is counted and linked until the county accepts it."""
    jinjiang = agency("ZJ", "510104")
    offered = CaseFactory(agency=agency("ZJ", "510105"), transfer_to=jinjiang)
    CaseFactory(agency=jinjiang)
    _response, board, html = home(client, member("ZJ", "510104", "clerk"))
    assert board.incoming_count == 1
    assert [c.pk for c in board.incoming] == [offered.pk]
    assert f'href="/cases/{offered.pk}/"' in html
    assert board.case_total == 2  # the offered case is visible, as in the case list


def test_clerk_sees_this_and_last_months_reports_with_due_dates(client, member, agency):
    """Both months are listed with their status and due date; a submitted one says so."""
    this_month, last_month = this_and_last_month()
    clerk = member("ZJ", "510104", "clerk")
    jinjiang = agency("ZJ", "510104")
    report = services.report_get_or_create(agency=jinjiang, month=last_month)
    services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    _response, board, html = home(client, clerk)
    rows = {(item.month, item.report.status if item.report else None) for item in board.own_reports}
    assert rows == {(this_month, None), (last_month, Report.Status.SUBMITTED)}
    for item in board.own_reports:
        assert item.due == deadlines.due_date("county", item.month)
        assert item.due.isoformat() in html
    assert f'href="/reports/{report.pk}/"' in html
    assert [r.pk for r in board.submitted_reports] == [report.pk]


def test_reviewer_is_told_of_a_report_awaiting_their_sign_off(client, member, agency):
    """A report the clerk prepared is listed for the agency's reviewer with its 填表人."""
    clerk = member("ZJ", "510104", "clerk", first_name="王丽")
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    services.report_prepare(report=report, prepared_by=clerk)
    _response, board, html = home(client, member("ZJ", "510104", "reviewer"))
    assert [r.pk for r in board.prepared_reports] == [report.pk]
    assert "填表人：王丽" in html
    assert board.submitted_reports == []


def test_clerk_is_told_of_a_returned_report_and_its_reason(client, member, agency):
    """A report returned in any month is listed with the reviewer's reason."""
    clerk, reviewer = member("ZJ", "510105", "clerk"), member("ZJ", "510100", "reviewer")
    report = services.report_get_or_create(agency=agency("ZJ", "510105"), month=MARCH)
    services.report_submit(report=report, submitted_by=member("ZJ", "510105", "reviewer"))
    services.report_return(report=report, returned_by=reviewer, reason="第1行证书编号有误")
    _response, board, html = home(client, clerk)
    assert [r.pk for r in board.returned_reports] == [report.pk]
    assert "第1行证书编号有误" in html


def test_city_reviewer_counts_child_reports_awaiting_review(client, member, agency):
    """Submitted reports of the city's counties count per month; other cities' do not."""
    for department, region in (("ZJ", "510104"), ("ZJ", "510105"), ("ZJ", "510703")):
        filer = member(department, region, "reviewer")
        report = services.report_get_or_create(agency=agency(department, region), month=MARCH)
        services.report_submit(report=report, submitted_by=filer)
    _response, board, html = home(client, member("ZJ", "510100", "reviewer"))
    assert board.pending_review == [{"month": MARCH, "n": 2}]
    assert 'href="/reports/?campaign=sc-2019&amp;month=2019-03"' in html
    assert board.province is None


def test_province_reviewer_sees_the_five_departments_of_last_month(client, member):
    """住建厅's reviewer sees each department's provincial report and the consolidation link."""
    _this_month, last_month = this_and_last_month()
    consolidator = member("ZJ", "510000", "reviewer")
    rs_filer = member("RS", "510000", "reviewer")
    rs_report = services.report_get_or_create(
        agency=rs_filer.memberships.get().agency, month=last_month
    )
    services.report_submit(report=rs_report, submitted_by=rs_filer)
    _response, board, html = home(client, consolidator)
    statuses = {child.agency.department.code: child.status_label for child in board.province}
    assert statuses == {"ZJ": "未报", "RS": "已报送", "JT": "未报", "SL": "未报", "TX": "未报"}
    assert board.pending_review == [{"month": last_month, "n": 1}]
    assert f'href="/reports/consolidations/?campaign=sc-2019&amp;month={last_month:%Y-%m}"' in html
    assert board.province_consolidation is None


def test_inspector_sees_case_counts_only(client, member, agency):
    """An inspector reads case counts of the subtree; no reports, transfers or reviews."""
    CaseFactory(agency=agency("ZJ", "510104"), status="decided")
    CaseFactory(agency=agency("RS", "510104"), status="decided")
    _response, board, _html = home(client, member("ZJ", "510000", "inspector"))
    assert counts(board)["decided"] == 1
    assert board.incoming_count is None
    assert board.own_reports is None
    assert board.pending_review is None
    assert board.province is None


def test_ministry_sees_only_reported_consolidations(client, member, agency):
    """The ministry sees reported consolidations with downloads, and no case counts at all."""
    CaseFactory(agency=agency("ZJ", "510104"))
    consolidator = approved_province_reports(member, MARCH)
    reported = services.consolidation_create(month=MARCH, created_by=consolidator)
    services.consolidation_report(consolidation=reported, reported_by=consolidator)
    february = datetime.date(2019, 2, 1)
    Consolidation.objects.create(
        campaign=campaign_2019(), agency=reported.agency, month=february
    )  # a draft: not sent up
    _response, board, html = home(client, member("BU", "510000", "ministry"))
    assert board.ministry_only
    assert [c.pk for c in board.consolidations] == [reported.pk]
    assert f'href="/reports/consolidations/{reported.pk}/annex1.xlsx"' in html
    assert board.case_counts is None
    assert "/cases/?status=" not in html
    assert "可见案件" not in html
    assert "2019年2月" not in html
    assert "我的任职" not in html


@pytest.mark.parametrize("rows", [1, 50])
def test_reviewer_dashboard_query_count_does_not_grow(
    client, member, agency, django_assert_max_num_queries, rows
):
    """住建厅's reviewer's dashboard runs a fixed number of queries for 1 or 50 of everything."""
    consolidator = member("ZJ", "510000", "reviewer")
    province, chengdu = agency("ZJ", "510000"), agency("ZJ", "510100")
    CaseFactory.create_batch(rows, agency=chengdu, status="registered")
    CaseFactory.create_batch(rows, agency=agency("ZJ", "510700"), transfer_to=province)
    months = [datetime.date(2019, m, 1) for m in range(1, 13)]
    cities = Agency.objects.filter(parent=province).order_by("path")
    statuses = [Report.Status.SUBMITTED, Report.Status.RETURNED]
    Report.objects.bulk_create(
        [
            Report(campaign=campaign_2019(), agency=a, month=m, status=statuses[i % 2])
            for i, (a, m) in enumerate(itertools.product([province, *cities], months))
        ][:rows]
    )
    client.force_login(consolidator)
    # session, user, memberships, case counts (the counters; the cases offered to the user),
    # lead counts (the counters, those awaiting the user, the overdue), incoming list,
    # deadlines, own reports, reviews, province agencies and reports, consolidation, unread
    # notifications, session save, one resolving the visible agency ids, two the month
    # control, one whether any case is offered to the user's agencies.
    with django_assert_max_num_queries(24):
        response = client.get("/")
    board = response.context["board"]
    assert response.status_code == 200
    assert board.case_total == 2 * rows
    assert board.incoming_count == rows
    assert len(board.province) == 5


def test_ministry_dashboard_query_count_does_not_grow(
    client, member, django_assert_max_num_queries
):
    """The ministry's dashboard is a handful of queries however many months were reported."""
    consolidator = approved_province_reports(member, MARCH)
    consolidation = services.consolidation_create(month=MARCH, created_by=consolidator)
    services.consolidation_report(consolidation=consolidation, reported_by=consolidator)
    Consolidation.objects.bulk_create(
        [
            Consolidation(
                campaign=campaign_2019(),
                agency=consolidation.agency,
                month=datetime.date(2018, m, 1),
                status="reported",
            )
            for m in range(1, 13)
        ]
    )
    client.force_login(member("BU", "510000", "ministry"))
    with django_assert_max_num_queries(10):  # two of them the month control (campaigns)
        response = client.get("/")
    assert len(response.context["board"].consolidations) == 13


def test_dashboard_counts_the_leads_waiting_for_the_user(client, member, agency):
    """A county clerk sees the leads routed to their agency as waiting for them."""
    import datetime

    from leads.services import lead_register
    from tests.factories import valid_resident_id, valid_uscc

    province = member("ZJ", "510000", "clerk")
    clerk = member("ZJ", "510105", "clerk")
    lead_register(
        actor=province,
        agency=agency("ZJ", "510000"),
        source="ministry_list",
        received_on=datetime.date(2019, 3, 8),
        text="疑似挂证名单",
        persons=[
            {
                "name": "钱二",
                "id_number": valid_resident_id(77),
                "certificate": {
                    "category": "constructor",
                    "level": "1",
                    "specialty": "建筑工程",
                    "number": "川1510007777",
                },
                "registered_unit": {"name": "青羊公司", "uscc": valid_uscc(977, region="510105")},
            }
        ],
    )
    client.force_login(clerk)
    board = client.get("/").context["board"]
    assert board.lead_counts["pending"] == 1
    assert board.lead_counts["mine"] == 1
    assert board.lead_counts["overdue"] == 1  # due in April 2019
