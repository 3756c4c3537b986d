"""Demo reports for a first look: the 附件1 chain of spring 2019 walked by the demo users.

Every step goes through ``reports.services`` with the demo user who would really take it, so the
reports carry real revisions, 填表人/负责人 with their phones, audit events and notifications: a
clerk prepares, a reviewer of the same agency signs it off (a reviewer who prepares it signs in
the same step), the parent's reviewer approves. February and March 2019 are done end to end
(consolidated and reported to the ministry); April is in progress, so the city reviewer has a
report to approve, a county a returned report to fix and 锦江区人社局's reviewer one to sign.

The self-inspection phase summaries are in progress too (``SUMMARIES``).

Each step runs only when its report or consolidation has not reached that step yet, so running
``seed_demo`` again changes nothing (and never undoes what someone did by hand in between).

Demo only: the services stamp each step with the real time, which would print today's date as
2019's 申报时间. Right after a step, the demo moves the times of the revision (prepared, signed,
reviewed) and of the consolidation to working days of the month's filing window, each before its
stage's deadline (``_moment``). Audit events and notifications keep the real time: the audit log
is append-only.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Region
from reports import deadlines, services
from reports.models import Consolidation, Report, ReportRevision

# The 2019 campaign's first reported month is February (January, the self-inspection month, is
# covered by its phase summary: ``campaigns.reference``).
DONE_MONTHS = (datetime.date(2019, 2, 1), datetime.date(2019, 3, 1))
OPEN_MONTH = datetime.date(2019, 4, 1)

# Who prepares, who signs off (a reviewer of the same agency) and who approves (the parent's
# reviewer; 住建厅's for province-level reports), children before parents: an approved child's
# rows roll up into the parent's report only if it is approved before the parent prepares.
# Agencies with demo cases file (zero reports where nothing was decided that month); JT, SL and
# TX file zero reports from their provincial offices. 住建厅's own report is signed by one of its
# reviewers and approved by another (四眼原则).
# (department, region, prepared by, signed by, approved by)
CHAIN = (
    ("ZJ", "510104", "county_clerk", "county_reviewer", "city_reviewer"),
    ("ZJ", "510105", "county2_clerk", "county2_reviewer", "city_reviewer"),
    ("ZJ", "510100", "city_clerk", "city_reviewer", "province_reviewer"),
    ("ZJ", "510700", "mianyang_reviewer", "mianyang_reviewer", "province_reviewer"),
    ("ZJ", "510000", "province_clerk", "province_signer", "province_reviewer"),
    ("RS", "510104", "rs_county_clerk", "rs_county_reviewer", "rs_city_reviewer"),
    ("RS", "510100", "rs_city_reviewer", "rs_city_reviewer", "rs_province_reviewer"),
    ("RS", "510000", "rs_province_reviewer", "rs_province_reviewer", "province_reviewer"),
    ("JT", "510000", "jt_province_reviewer", "jt_province_reviewer", "province_reviewer"),
    ("SL", "510000", "sl_province_reviewer", "sl_province_reviewer", "province_reviewer"),
    ("TX", "510000", "tx_province_reviewer", "tx_province_reviewer", "province_reviewer"),
)
CONSOLIDATOR = "province_reviewer"

# April 2019: 锦江区 waits for 成都市's review; 青羊区 was returned and has to prepare it again;
# 锦江区人社局's clerk prepared it and its reviewer has yet to sign it off.
# (department, region, prepared by, signed by, returned by, reason); None = not (yet) taken.
IN_PROGRESS = (
    ("ZJ", "510104", "county_clerk", "county_reviewer", None, ""),
    (
        "ZJ",
        "510105",
        "county2_clerk",
        "county2_reviewer",
        "city_reviewer",
        "第1行“实际工作单位”与社会保险缴费记录不一致，请核实后重新报送。",
    ),
    ("RS", "510104", "rs_county_clerk", None, None, ""),
)


def _users(usernames: set[str]) -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    missing = sorted(usernames - users.keys())
    if missing:
        raise LookupError(f"demo users missing (run seed_demo first): {', '.join(missing)}")
    return users


def _agencies() -> dict[tuple[str, str], Agency]:
    keys = {(d, r) for d, r, *_rest in (*CHAIN, *IN_PROGRESS, *SUMMARIES)}
    return {
        (a.department.code, a.region.code): a
        for a in Agency.objects.select_related("department", "region", "parent").filter(
            department__code__in={d for d, _r in keys}, region__code__in={r for _d, r in keys}
        )
    }


# The parent stage of each level: a report is approved just before its parent prepares its own.
PARENT_STAGE = {
    Region.Level.COUNTY: deadlines.PREFECTURE,
    Region.Level.PREFECTURE: deadlines.PROVINCE,
    Region.Level.PROVINCE: deadlines.CONSOLIDATION,
}


def _moment(month: datetime.date, stage: str, before: int, at: str) -> datetime.datetime:
    """Return ``at`` o'clock ``before`` working days before ``stage``'s deadline for ``month``."""
    working_day = max(1, deadlines.deadline_rules()[stage].working_day - before)
    day = deadlines.nth_working_day(deadlines.filing_opens(month), working_day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(at)))


def _backdate(report: Report, *, prepared=False, signed=False, reviewed=False) -> None:
    """Move the current revision's steps just taken into the month's filing window (demo only)."""
    stage, month = report.agency.level, report.month
    times = {}
    if prepared:
        times["prepared_at"] = _moment(month, stage, 2, "10:00")
    if signed:
        times["submitted_at"] = _moment(month, stage, 1, "16:00")
    if reviewed:
        times["reviewed_at"] = _moment(month, PARENT_STAGE[stage], 2, "09:30")
    if times:
        ReportRevision.objects.filter(pk=report.current_revision_id).update(**times)


def _file(*, agency: Agency, month: datetime.date, preparer, signer) -> tuple[Report, int]:
    """Prepare and sign the agency's report unless it got that far; return it and the steps."""
    report = services.report_get_or_create(agency=agency, month=month, user=preparer)
    prepared = signed = False
    if report.status == Report.Status.DRAFT and not report.revisions.exists():
        if signer is not None and signer.pk == preparer.pk:  # a reviewer: one step
            report = services.report_submit(report=report, submitted_by=preparer)
            _backdate(report, prepared=True, signed=True)
            return report, 1
        report, prepared = services.report_prepare(report=report, prepared_by=preparer), True
    if report.status == Report.Status.PREPARED and signer is not None:
        report, signed = services.report_sign(report=report, signed_by=signer), True
    _backdate(report, prepared=prepared, signed=signed)
    return report, prepared + signed


def _consolidate(month: datetime.date, user) -> int:
    """Consolidate the month and report it to the ministry unless done; return the steps."""
    steps = 0
    consolidation = Consolidation.objects.filter(month=month).first()
    if consolidation is None:
        consolidation = services.consolidation_create(month=month, created_by=user)
        Consolidation.objects.filter(pk=consolidation.pk).update(
            created_at=_moment(month, deadlines.CONSOLIDATION, 2, "10:00")
        )
        steps += 1
    if consolidation.status == Consolidation.Status.DRAFT:
        services.consolidation_report(consolidation=consolidation, reported_by=user)
        Consolidation.objects.filter(pk=consolidation.pk).update(
            reported_at=_moment(month, deadlines.CONSOLIDATION, 1, "16:00")
        )
        steps += 1
    return steps


def _month_done(month: datetime.date, agencies: dict, users: dict) -> int:
    steps = 0
    for department, region, preparer, signer, approver in CHAIN:
        report, taken = _file(
            agency=agencies[department, region],
            month=month,
            preparer=users[preparer],
            signer=users[signer],
        )
        steps += taken
        if report.status == Report.Status.SUBMITTED:
            services.report_approve(report=report, approved_by=users[approver])
            _backdate(report, reviewed=True)
            steps += 1
    return steps + _consolidate(month, users[CONSOLIDATOR])


def _month_in_progress(month: datetime.date, agencies: dict, users: dict) -> int:
    steps = 0
    for department, region, preparer, signer, returner, reason in IN_PROGRESS:
        report, taken = _file(
            agency=agencies[department, region],
            month=month,
            preparer=users[preparer],
            signer=users[signer] if signer else None,
        )
        steps += taken
        if taken and returner and report.status == Report.Status.SUBMITTED:
            services.report_return(report=report, returned_by=users[returner], reason=reason)
            _backdate(report, reviewed=True)
            steps += 1
    return steps


# The self-inspection summaries (due 12 and 15 February 2019): 成都市 approved by the provincial
# department, 绵阳市 awaiting its review, 成都市人社局 returned, and 住建厅's own department
# summary prepared by its clerk, awaiting its 负责人.
# (department, region, prepared by, signed by, reviewed by, returned with)
SUMMARIES = (
    ("ZJ", "510100", "city_clerk", "city_reviewer", "province_reviewer", ""),
    ("ZJ", "510700", "mianyang_reviewer", "mianyang_reviewer", None, ""),
    (
        "RS",
        "510100",
        "rs_city_reviewer",
        "rs_city_reviewer",
        "rs_province_reviewer",
        "请补充人力资源服务机构自查情况后重新报送。",
    ),
    ("ZJ", "510000", "province_clerk", None, None, ""),
)
SUMMARY_TEXTS = {
    "work_done": (
        "按照省级方案部署，1月组织辖区企业和注册人员开展自查自纠，通过门户网站、微信公众号"
        "公布申报方式，逐一受理企业申报材料，对申报注销注册的人员协调办理注销手续。"
    ),
    "problems": "部分企业对自查自纠政策理解不到位，申报材料不完整；个别人员注销手续办理较慢。",
    "next_steps": "全面排查阶段结合社保数据开展比对，对未申报的问题线索逐一核查。",
}


def _summary_moment(phase, level: str, at: str, before: int = 1) -> datetime.datetime:
    """Return ``at`` o'clock ``before`` working days before the level's summary deadline."""
    due = phase.summary_due_city if level == Region.Level.PREFECTURE else phase.summary_due_province
    day = due
    for _step in range(before):
        day -= datetime.timedelta(days=1)
        while not deadlines.is_working_day(day):
            day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(at)))


def _summary_step(phase, agency, users, plan) -> int:
    """Walk one demo summary as far as its plan says, unless it got there; return the steps."""
    _d, _r, preparer, signer, reviewer, reason = plan
    report = services.summary_get_or_create(agency=agency, phase=phase, user=users[preparer])
    if report.revisions.exists():
        return 0
    services.summary_draft_save(report=report, actor=users[preparer], **SUMMARY_TEXTS)
    if signer == preparer:
        report = services.report_submit(report=report, submitted_by=users[preparer])
    else:
        report = services.report_prepare(report=report, prepared_by=users[preparer])
        if signer:
            report = services.report_sign(report=report, signed_by=users[signer])
    level, steps = agency.level, 2
    times = {"prepared_at": _summary_moment(phase, level, "10:00", 2)}
    if signer:
        times["submitted_at"] = _summary_moment(phase, level, "16:00")
    if reviewer and reason:
        services.report_return(report=report, returned_by=users[reviewer], reason=reason)
    elif reviewer:
        services.report_approve(report=report, approved_by=users[reviewer])
    if reviewer:
        times["reviewed_at"] = _summary_moment(phase, level, "09:30", 0)
        steps += 1
    ReportRevision.objects.filter(pk=report.current_revision_id).update(**times)
    return steps


def _summaries_in_progress(agencies: dict, users: dict) -> int:
    from campaigns.models import Phase

    phase = Phase.objects.get(campaign__code="sc-2019", kind=Phase.Kind.SELF_INSPECTION)
    return sum(_summary_step(phase, agencies[plan[0], plan[1]], users, plan) for plan in SUMMARIES)


@transaction.atomic
def demo_reports_create() -> int:
    """Walk the demo reports of February–April 2019 through the chain; return the steps taken."""
    usernames = {u for _d, _r, *people in CHAIN for u in people}
    usernames |= {u for _d, _r, p, s, r, _x in IN_PROGRESS for u in (p, s, r) if u}
    usernames |= {u for _d, _r, p, s, r, _x in SUMMARIES for u in (p, s, r) if u}
    users = _users(usernames | {CONSOLIDATOR})
    agencies = _agencies()
    steps = sum(_month_done(month, agencies, users) for month in DONE_MONTHS)
    steps += _summaries_in_progress(agencies, users)
    return steps + _month_in_progress(OPEN_MONTH, agencies, users)
