"""The reports API: anonymous 401, another jurisdiction 404, the right user 200."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from reports import services
from reports.models import Consolidation, Report
from tests.factories import campaign_2019
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


@pytest.fixture
def county_report(agency):
    return services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)


def test_anonymous_gets_401(api, county_report):
    """Without credentials every reports endpoint answers 401."""
    client = api()
    assert client.get("/api/v1/reports/").status_code == 401
    assert client.get(f"/api/v1/reports/{county_report.pk}/").status_code == 401
    assert client.get("/api/v1/consolidations/").status_code == 401


def test_other_jurisdiction_gets_404(api, member, county_report):
    """A clerk of another county cannot read, submit or download the report."""
    client = api(member("ZJ", "510105", "clerk"))
    assert client.get(f"/api/v1/reports/{county_report.pk}/").status_code == 404
    assert client.post(f"/api/v1/reports/{county_report.pk}/submit/").status_code == 404
    assert client.get(f"/api/v1/reports/{county_report.pk}/annex1.xlsx").status_code == 404
    assert client.get("/api/v1/reports/?month=2019-03").json()["count"] == 0


def test_create_returns_the_existing_report(api, member, agency):
    """POST creates the month's report once and returns the same one afterwards."""
    client = api(member("ZJ", "510104", "clerk"))
    payload = {"agency": agency("ZJ", "510104").pk, "month": "2019-03"}
    first = client.post("/api/v1/reports/", payload, format="json")
    second = client.post("/api/v1/reports/", payload, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["month"] == "2019-03"
    other = client.post(
        "/api/v1/reports/", {"agency": agency("ZJ", "510105").pk, "month": "2019-03"}
    )
    assert other.status_code == 404
    bad = client.post("/api/v1/reports/", {**payload, "month": "三月"}, format="json")
    assert bad.status_code == 400
    assert "month" in bad.json()["extra"]["fields"]


def test_submit_return_resubmit_approve_through_the_api(api, member, agency, county_report):
    """The chain works through the API, with rows in the detail and a 409 on a stale approve."""
    decided_case(agency("ZJ", "510104"), parties=2)
    clerk = api(member("ZJ", "510104", "clerk"))
    signer = api(member("ZJ", "510104", "reviewer"))
    reviewer = api(member("ZJ", "510100", "reviewer"))
    url = f"/api/v1/reports/{county_report.pk}/"
    detail = clerk.get(url).json()
    assert detail["frozen"] is False
    assert len(detail["rows"]) == 2
    assert clerk.post(url + "submit/").json()["status"] == "prepared"
    assert clerk.post(url + "sign/").status_code == 403  # a clerk never signs
    assert reviewer.post(url + "sign/").status_code == 403  # nor does the city
    signed = signer.post(url + "sign/").json()
    assert signed["status"] == "submitted"
    assert signed["current_revision"]["signer_phone"] == "028-85559305"
    assert clerk.post(url + "approve/").status_code == 403
    empty = reviewer.post(url + "return/", {"reason": ""}, format="json")
    assert empty.status_code == 400
    returned = reviewer.post(url + "return/", {"reason": "文号缺失"}, format="json")
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "文号缺失"
    assert signer.post(url + "submit/").json()["status"] == "submitted"  # prepares and signs
    assert reviewer.post(url + "approve/").json()["status"] == "approved"
    conflict = reviewer.post(url + "approve/")
    assert conflict.status_code == 409
    assert "已被处理" in conflict.json()["message"]
    detail = reviewer.get(url).json()
    assert detail["frozen"] is True
    assert detail["current_revision"]["number"] == 2
    listed = reviewer.get("/api/v1/reports/?month=2019-03").json()
    assert [r["id"] for r in listed["results"]] == [county_report.pk]


def test_a_prepared_report_is_withdrawn_through_the_api(api, member, county_report):
    """The county's reviewer takes the clerk's preparation back with a reason (400 without)."""
    clerk = api(member("ZJ", "510104", "clerk"))
    signer = api(member("ZJ", "510104", "reviewer"))
    url = f"/api/v1/reports/{county_report.pk}/"
    assert clerk.post(url + "submit/").json()["status"] == "prepared"
    assert signer.post(url + "withdraw/", {"reason": ""}, format="json").status_code == 400
    withdrawn = signer.post(url + "withdraw/", {"reason": "漏报一人"}, format="json")
    assert withdrawn.json()["status"] == "draft"
    assert signer.post(url + "sign/").status_code == 409


def test_report_workbook_downloads(api, member, county_report):
    """annex1.xlsx answers an .xlsx workbook with the agency on the 报送部门 line."""
    response = api(member("ZJ", "510104", "clerk")).get(
        f"/api/v1/reports/{county_report.pk}/annex1.xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A3"].value == "报送部门：成都市锦江区住房和城乡建设局（加盖单位印章）"
    assert ws["A6"].value == "本月无查处情况"


def test_consolidation_api_for_zj_and_ministry(api, member, agency):
    """住建厅 consolidates and reports; the ministry then lists and downloads it."""
    consolidator = member("ZJ", "510000", "reviewer")
    for code in ("ZJ", "RS", "JT", "SL", "TX"):
        report = services.report_get_or_create(agency=agency(code, "510000"), month=MARCH)
        report = services.report_submit(
            report=report, submitted_by=member(code, "510000", "reviewer")
        )
        services.report_approve(report=report, approved_by=consolidator)
    ministry = api(member("BU", "510000", "ministry"))
    zj = api(consolidator)
    assert (
        api(member("ZJ", "510104", "reviewer"))
        .post("/api/v1/consolidations/", {"month": "2019-03"})
        .status_code
        == 403
    )
    created = zj.post("/api/v1/consolidations/", {"month": "2019-03"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert ministry.get("/api/v1/consolidations/?month=2019-03").json()["count"] == 0
    assert ministry.get(f"/api/v1/consolidations/{pk}/annex1.xlsx").status_code == 404
    assert zj.post(f"/api/v1/consolidations/{pk}/report/").json()["status"] == "reported"
    assert ministry.get("/api/v1/consolidations/?month=2019-03").json()["count"] == 1
    assert ministry.get("/api/v1/reports/").json()["count"] == 0
    download = ministry.get(f"/api/v1/consolidations/{pk}/annex1.xlsx")
    assert download.status_code == 200
    wb = load_workbook(io.BytesIO(download.content))
    assert wb.sheetnames == ["住建", "人社", "交通", "水利", "通信", "汇总", "统计"]
    assert Consolidation.objects.get().status == "reported"


@pytest.mark.parametrize("count", [1, 50])
def test_report_list_query_count_is_pinned(
    api, member, agency, django_assert_max_num_queries, count
):
    """Listing reports costs a fixed number of queries whatever the number of rows."""
    from agencies.models import Agency

    county = agency("ZJ", "510104")
    city = agency("ZJ", "510100")
    months = [datetime.date(2015 + i // 12, i % 12 + 1, 1) for i in range(count)]
    Report.objects.bulk_create(
        [Report(campaign=campaign_2019(), agency=county, month=m) for m in months]
    )
    client = api(member("ZJ", "510100", "reviewer"))
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/reports/?page_size=100")
    assert response.json()["count"] == count
    assert Agency.objects.filter(parent=city).exists()


@pytest.mark.parametrize("count", [1, 50])
def test_consolidation_list_query_count_is_pinned(
    api, member, agency, django_assert_max_num_queries, count
):
    """Listing consolidations costs a fixed number of queries."""
    Consolidation.objects.bulk_create(
        [
            Consolidation(
                campaign=campaign_2019(),
                agency=agency("ZJ", "510000"),
                month=datetime.date(2015 + i // 12, i % 12 + 1, 1),
                status="reported",
            )
            for i in range(count)
        ]
    )
    client = api(member("BU", "510000", "ministry"))
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/consolidations/?page_size=100")
    assert response.json()["count"] == count
