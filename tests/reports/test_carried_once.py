"""No row is carried twice: a month resubmitted late leaves out what a later month carries."""

import datetime

import pytest
from django.db.models import F

from reports import annex1, services
from reports.models import Report, ReportRow
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

FEB, MARCH, APRIL = (datetime.date(2019, m, 1) for m in (2, 3, 4))


def submit(agency, member, region, month):
    report = services.report_get_or_create(agency=agency("ZJ", region), month=month)
    return services.report_submit(report=report, submitted_by=member("ZJ", region, "reviewer"))


def carried(origin, *, agency_of) -> list[tuple[int, str]]:
    """Return (month, kind) of every current row of ``agency_of``'s reports from ``origin``."""
    return sorted(
        (row.revision.report.month.month, row.kind)
        for row in ReportRow.objects.filter(
            revision__report__agency=agency_of,
            revision__report__current_revision=F("revision"),
            origin_agency=origin,
        ).select_related("revision__report")
    )


def test_returned_month_leaves_out_child_rows_a_later_month_carried(agency, member):
    """A county's March rows carried by the city's April (补报) are not repeated in March rev 2."""
    county, city = agency("ZJ", "510104"), agency("ZJ", "510100")
    city_reviewer, province_reviewer = (
        member("ZJ", "510100", "reviewer"),
        member("ZJ", "510000", "reviewer"),
    )
    decided_case(county, parties=2)
    county_march = submit(agency, member, "510104", MARCH)
    city_march = submit(agency, member, "510100", MARCH)  # before the county's is approved
    services.report_approve(report=county_march, approved_by=city_reviewer)
    submit(agency, member, "510100", APRIL)  # carries the county's March rows as 补报
    assert carried(county, agency_of=city) == [(4, "late"), (4, "late")]

    services.report_return(report=city_march, returned_by=province_reviewer, reason="补充说明")
    city_march = submit(agency, member, "510100", MARCH)
    assert city_march.current_revision.row_count == 0
    assert carried(county, agency_of=city) == [(4, "late"), (4, "late")]


def test_returned_month_leaves_out_own_facts_a_later_month_carried(agency, member):
    """A fact decided on 31 March and carried in April as 补报 stays out of March's rev 2."""
    city = agency("ZJ", "510100")
    march = submit(agency, member, "510100", MARCH)
    decided_case(city, on=datetime.date(2019, 3, 31))
    (row,) = annex1.revision_rows(submit(agency, member, "510100", APRIL).current_revision)
    assert row.remarks == "补报（2019年3月）"
    services.report_return(
        report=march, returned_by=member("ZJ", "510000", "reviewer"), reason="重新核对"
    )
    march = submit(agency, member, "510100", MARCH)
    assert march.current_revision.row_count == 0
    assert carried(city, agency_of=city) == [(4, "late")]


def test_months_submitted_out_of_order_carry_a_late_child_once(agency, member):
    """A late county February carried by the city's April is not carried again by March."""
    county, city = agency("ZJ", "510104"), agency("ZJ", "510100")
    decided_case(county, on=datetime.date(2019, 2, 10))
    county_feb = submit(agency, member, "510104", FEB)
    submit(agency, member, "510100", FEB)
    services.report_approve(report=county_feb, approved_by=member("ZJ", "510100", "reviewer"))
    submit(agency, member, "510100", APRIL)  # before March
    march = submit(agency, member, "510100", MARCH)
    assert march.current_revision.row_count == 0
    assert carried(county, agency_of=city) == [(4, "late")]
    assert Report.objects.filter(agency=city).count() == 3
