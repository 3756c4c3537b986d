"""Statuses, counts and the chart are built only from reports the user may read."""

import datetime

import pytest

from reports import selectors, services
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


def file_report(agency, member, code, region, approver=None):
    report = services.report_get_or_create(agency=agency(code, region), month=MARCH)
    report = services.report_submit(report=report, submitted_by=member(code, region, "reviewer"))
    if approver is not None:
        services.report_approve(report=report, approved_by=approver)
    return report


def test_zj_does_not_see_another_departments_city_statuses_on_its_province_page(
    client, agency, member
):
    """住建厅 opens RS's province report and sees no RS city statuses."""
    file_report(agency, member, "RS", "510100")
    rs_province = services.report_get_or_create(agency=agency("RS", "510000"), month=MARCH)
    consolidator = member("ZJ", "510000", "reviewer")
    assert (
        selectors.children_status(user=consolidator, agency=rs_province.agency, month=MARCH) == []
    )
    client.force_login(consolidator)
    page = client.get(f"/reports/{rs_province.pk}/")
    assert page.status_code == 200
    assert page.context["children"] == []
    assert "下级机构报送情况" not in page.content.decode()
    rs_reviewer = member("RS", "510000", "reviewer")
    statuses = {
        s.agency.region.code: s.status_label
        for s in selectors.children_status(user=rs_reviewer, agency=rs_province.agency, month=MARCH)
    }
    assert statuses["510100"] == "已报送"


def test_chart_and_province_status_count_only_readable_reports(agency, member):
    """RS's province clerk charts RS's rows only; 住建厅's reviewer charts all five."""
    consolidator = member("ZJ", "510000", "reviewer")
    decided_case(agency("RS", "510000"), parties=2)
    decided_case(agency("JT", "510000"))
    for code in ("RS", "JT"):
        file_report(agency, member, code, "510000", approver=consolidator)
    rs_clerk = member("RS", "510000", "clerk")

    def counts(user):
        chart = selectors.consolidation_chart(user=user)
        return {d["label"]: sum(d["data"]) for d in chart["datasets"] if sum(d["data"])}

    assert counts(rs_clerk) == {"人社": 2}
    assert counts(consolidator) == {"人社": 2, "交通": 1}
    assert counts(member("ZJ", "510104", "clerk")) == {}
    statuses = {
        s.agency.department.code: s.status_label
        for s in selectors.province_status(user=rs_clerk, month=MARCH)
    }
    assert (statuses["RS"], statuses["JT"]) == ("已通过", "未报")
    statuses = {
        s.agency.department.code: s.status_label
        for s in selectors.province_status(user=consolidator, month=MARCH)
    }
    assert (statuses["RS"], statuses["JT"]) == ("已通过", "已通过")
