"""Demo reports for a newcomer's first look: the 附件1 chain of early 2019 walked by the demo users.

Every step goes through ``reports.services`` with the demo user who would really take it, so the
reports carry real revisions, 填表人/负责人, audit events and notifications. January and February
2019 are done end to end (consolidated and reported to the ministry); March is in progress, so the
city reviewer has a report to approve and a county a returned report to fix.

Each step runs only when its report or consolidation has not reached that step yet, so running
``seed_demo`` again changes nothing (and never undoes what someone did by hand in between).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency
from reports import services
from reports.models import Consolidation, Report

DONE_MONTHS = (datetime.date(2019, 1, 1), datetime.date(2019, 2, 1))
OPEN_MONTH = datetime.date(2019, 3, 1)

# Who files and who approves, children before parents (an approved child's rows roll up into the
# parent's report only if it is approved before the parent submits). Agencies with demo cases
# file (zero reports where nothing was decided that month); JT, SL and TX file zero reports
# from their provincial offices. Province-level reports are approved by 住建厅.
# (department, region, submitted by, approved by)
CHAIN = (
    ("ZJ", "510104", "county_clerk", "city_reviewer"),
    ("ZJ", "510105", "county2_clerk", "city_reviewer"),
    ("ZJ", "510100", "city_clerk", "province_reviewer"),
    ("ZJ", "510700", "mianyang_reviewer", "province_reviewer"),
    ("ZJ", "510000", "province_clerk", "province_reviewer"),
    ("RS", "510104", "rs_county_clerk", "rs_city_reviewer"),
    ("RS", "510100", "rs_city_reviewer", "rs_province_reviewer"),
    ("RS", "510000", "rs_province_reviewer", "province_reviewer"),
    ("JT", "510000", "jt_province_reviewer", "province_reviewer"),
    ("SL", "510000", "sl_province_reviewer", "province_reviewer"),
    ("TX", "510000", "tx_province_reviewer", "province_reviewer"),
)
CONSOLIDATOR = "province_reviewer"

# March 2019: 锦江区 waits for 成都市's review; 青羊区 was returned and has to resubmit.
# (department, region, submitted by, returned by, reason); returned_by None = left awaiting review.
IN_PROGRESS = (
    ("ZJ", "510104", "county_reviewer", None, ""),
    (
        "ZJ",
        "510105",
        "county2_clerk",
        "city_reviewer",
        "第1行“实际工作单位”与社会保险缴费记录不一致，请核实后重新报送。",
    ),
)


def _users(usernames: set[str]) -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    missing = sorted(usernames - users.keys())
    if missing:
        raise LookupError(f"demo users missing (run seed_demo first): {', '.join(missing)}")
    return users


def _agencies() -> dict[tuple[str, str], Agency]:
    keys = {(d, r) for d, r, *_rest in (*CHAIN, *IN_PROGRESS)}
    return {
        (a.department.code, a.region.code): a
        for a in Agency.objects.select_related("department", "region", "parent").filter(
            department__code__in={d for d, _r in keys}, region__code__in={r for _d, r in keys}
        )
    }


def _file(*, agency: Agency, month: datetime.date, submitter) -> tuple[Report, int]:
    """Submit the agency's report unless it was ever submitted; return it and the steps taken."""
    report = services.report_get_or_create(agency=agency, month=month, user=submitter)
    if report.status != Report.Status.DRAFT:  # submitted at least once already
        return report, 0
    return services.report_submit(report=report, submitted_by=submitter), 1


def _month_done(month: datetime.date, agencies: dict, users: dict) -> int:
    steps = 0
    for department, region, submitter, approver in CHAIN:
        report, taken = _file(
            agency=agencies[department, region], month=month, submitter=users[submitter]
        )
        steps += taken
        if report.status == Report.Status.SUBMITTED:
            services.report_approve(report=report, approved_by=users[approver])
            steps += 1
    consolidation = Consolidation.objects.filter(month=month).first()
    if consolidation is None:
        consolidation = services.consolidation_create(month=month, created_by=users[CONSOLIDATOR])
        steps += 1
    if consolidation.status == Consolidation.Status.DRAFT:
        services.consolidation_report(consolidation=consolidation, reported_by=users[CONSOLIDATOR])
        steps += 1
    return steps


def _month_in_progress(month: datetime.date, agencies: dict, users: dict) -> int:
    steps = 0
    for department, region, submitter, returner, reason in IN_PROGRESS:
        report, taken = _file(
            agency=agencies[department, region], month=month, submitter=users[submitter]
        )
        steps += taken
        if taken and returner:
            services.report_return(report=report, returned_by=users[returner], reason=reason)
            steps += 1
    return steps


@transaction.atomic
def demo_reports_create() -> int:
    """Walk the demo reports of January–March 2019 through the chain; return the steps taken."""
    usernames = {u for _d, _r, *people in CHAIN for u in people}
    usernames |= {u for _d, _r, s, r, _x in IN_PROGRESS for u in (s, r) if u}
    users = _users(usernames | {CONSOLIDATOR})
    agencies = _agencies()
    steps = sum(_month_done(month, agencies, users) for month in DONE_MONTHS)
    return steps + _month_in_progress(OPEN_MONTH, agencies, users)
