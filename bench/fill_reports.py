"""Walk the monthly 附件1 chain of every reporting agency through the app's services, bottom-up.

Usage (after ``bench/fill_cases.py`` filled the bench database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench
    nice -n 10 .venv/bin/python bench/fill_reports.py [--months 2019-02,2019-03,2019-04]

For each month in turn: the drafts of every reporting agency are opened
(``reports_open_month``, the daily task's service); then level by level — counties, cities, the
provincial departments — each agency's clerk prepares its report (compiling and freezing its
rows), its reviewer signs it off (签发, which sends it up) and the parent agency's reviewer
approves it; 住建厅's reviewer approves the provincial departments' reports, consolidates the
month and reports it to the ministry. Every step is a call of ``reports.services``, so the
reports carry real revisions, frozen rows, audit events and notifications. The default months
are the 2019 campaign's first three reported months: January is not one (the self-inspection
phase summary covers it, and the services refuse a January report).

Realism. In every month but the last, a few reports (``--returned-before``) are returned once
with a reason and approved when sent again. The last month is left in progress unless
``--complete`` is given (``LAST_MONTH``): of the counties' reports 10 % are still drafts, 3 %
prepared and awaiting their 负责人, 10 % submitted and awaiting the city, 5 % returned with a
reason; cities are further behind; no provincial department has filed yet, so the month has no
consolidation. Where each agency's report ends is drawn from a generator seeded with
(``--seed``, month, agency), so a rerun wants the same.

Resumable: each report is taken only as far as its target, from wherever it stands; steps done
are skipped, so an interrupted run is simply run again (and ``--complete`` later finishes the
last month). A report already past its target (say approved, now wanted as a draft) is left as
it is and counted as such.

Users: ``bench_<dept>_<region>_clerk`` and ``bench_<dept>_<region>_reviewer`` for every reporting
agency, and ``bench_consolidator``, a second reviewer of 住建厅 (住建厅's own report is signed by
one reviewer and approved by another, 四眼原则), created with
``agencies.services.membership_add`` and given a real name and phone (``profile_update``): the
forms are signed with them.

Timestamps: the services stamp each step with the current time, which would make every 2019
report years late. As ``reports/demo.py`` does, the revisions' times (prepared, sent up,
reviewed) and the consolidation's are then moved into the month's filing window, before the
stage's deadline, a share (``--late``) 1–3 working days after it: an UPDATE of those timestamp
columns only. ``--no-backdate`` keeps the real times. Audit events and notifications keep theirs.

After each month the tables written are ANALYZEd (the bench server runs without autovacuum).
"""

import argparse
import datetime
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from _common import print_table, setup_django

# Where the last month's reports stand, per level: (status, share); the rest are approved.
LAST_MONTH = {
    "county": (("draft", 0.10), ("prepared", 0.03), ("submitted", 0.10), ("returned", 0.05)),
    "prefecture": (("draft", 0.35), ("prepared", 0.05), ("submitted", 0.20), ("returned", 0.05)),
    "province": (("draft", 1.0),),
}
LEVELS = ("county", "prefecture", "province")
RETURN_REASONS = (
    "第3行“实际工作单位”与社会保险缴费记录不一致，请核实后重新报送。",
    "行政处罚一栏未写明处理决定文号，请补充后重新报送。",
    "有人员身份证号与执业注册信息不符，请核对后重新报送。",
    "自查自纠情况填写不完整，请补充注销注册时间后重新报送。",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红文斌俊峰鹏辉宇浩凯健林波玲晶燕"
CONSOLIDATOR = "bench_consolidator"
PROGRESS_SECONDS = 15


@dataclass(frozen=True)
class Target:
    """Where a report should end: its status, whether it was returned once before approval,
    and how many working days after its deadline it was first sent up."""

    status: str
    return_first: bool = False
    late: int = 0


@dataclass
class People:
    """The bench users who act on one agency's report."""

    clerk: object
    reviewer: object
    approver: object  # the parent's reviewer, or 住建厅's consolidator for a province report


class Timer:
    """Seconds and calls per service, for the closing table."""

    def __init__(self):
        self.seconds: Counter = Counter()
        self.calls: Counter = Counter()

    def call(self, name: str, function, **kwargs):
        started = time.perf_counter()
        result = function(**kwargs)
        self.seconds[name] += time.perf_counter() - started
        self.calls[name] += 1
        return result


# -- plan ----------------------------------------------------------------------------------------


def target_for(agency, month: datetime.date, *, last: bool, args) -> Target:
    """Return where ``agency``'s report of ``month`` should end (the same on every run)."""
    rng = random.Random(f"{args.seed}:{month.isoformat()}:{agency.pk}")
    draw, late = rng.random(), rng.random() < args.late
    late_days = rng.randint(1, 3) if late else 0
    if last and not args.complete:
        edge = 0.0
        for status, share in LAST_MONTH[agency.level]:
            edge += share
            if draw < edge:
                return Target(status, late=late_days)
        return Target("approved", late=late_days)
    return Target("approved", return_first=draw < args.returned_before, late=late_days)


# -- users ---------------------------------------------------------------------------------------


def username_of(agency, role: str) -> str:
    return f"bench_{agency.department.code.lower()}_{agency.region.code}_{role}"


def _real_name(serial: int) -> str:
    """Return a plausible three-character name, distinct for nearby serials."""
    return (
        SURNAMES[serial % len(SURNAMES)]
        + GIVEN[(serial // len(SURNAMES)) % len(GIVEN)]
        + GIVEN[(serial * 7 + 3) % len(GIVEN)]
    )


def ensure_users(agencies: list, lead_province) -> dict[str, object]:
    """Create the bench users, memberships and profiles that are missing; return them by name."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from agencies.models import Membership, Profile
    from agencies.services import membership_add, profile_update

    wanted = [(username_of(a, role), a, role) for a in agencies for role in ("clerk", "reviewer")]
    wanted.append((CONSOLIDATOR, lead_province, "reviewer"))
    names = [name for name, _a, _r in wanted]
    held = set(
        Membership.objects.filter(user__username__in=names).values_list(
            "user__username", "agency_id", "role"
        )
    )
    signed = set(
        Profile.objects.filter(user__username__in=names)
        .exclude(real_name="")
        .values_list("user__username", flat=True)
    )
    created = named = 0
    with transaction.atomic():
        for name, agency, role in wanted:
            if (name, agency.pk, role) not in held:
                membership_add(username=name, agency=agency, role=role)
                created += 1
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    with transaction.atomic():
        for serial, name in enumerate(names):
            if name not in signed:
                phone = f"028-86{serial:06d}"
                profile_update(user=users[name], real_name=_real_name(serial), office_phone=phone)
                named += 1
    print(f"bench users: {len(users)} ({created} memberships and {named} profiles created now)")
    return users


def people_of(agency, users: dict) -> People:
    if agency.level == "province":
        approver = users[CONSOLIDATOR]
    else:
        approver = users[username_of(agency.parent, "reviewer")]
    return People(
        clerk=users[username_of(agency, "clerk")],
        reviewer=users[username_of(agency, "reviewer")],
        approver=approver,
    )


# -- one report ----------------------------------------------------------------------------------

RANK = {"draft": 0, "prepared": 1, "submitted": 2, "returned": 3, "approved": 4}


def _reached(status: str, target: str) -> bool:
    """Return True when the report stands at its target, or past it (never taken back)."""
    return status == target or status == "approved" or RANK[status] > RANK[target]


def advance(report, target: Target, people: People, timer: Timer):
    """Take ``report`` towards ``target`` through the services; return it and the steps taken."""
    from reports import services
    from reports.models import Report, ReportRevision

    steps = 0
    while not _reached(report.status, target.status):
        status = report.status
        if status in (Report.Status.DRAFT, Report.Status.RETURNED):
            report = timer.call(
                "report_prepare",
                services.report_prepare,
                report=report,
                prepared_by=people.clerk,
            )
        elif status == Report.Status.PREPARED:
            report = timer.call(
                "report_sign", services.report_sign, report=report, signed_by=people.reviewer
            )
        elif target.status == Report.Status.RETURNED or (
            target.return_first
            and not report.revisions.filter(outcome=ReportRevision.Outcome.RETURNED).exists()
        ):
            reason = RETURN_REASONS[report.agency_id % len(RETURN_REASONS)]
            report = timer.call(
                "report_return",
                services.report_return,
                report=report,
                returned_by=people.approver,
                reason=reason,
            )
        else:
            report = timer.call(
                "report_approve",
                services.report_approve,
                report=report,
                approved_by=people.approver,
            )
        steps += 1
    return report, steps


# -- timestamps (see the module's docstring) ------------------------------------------------------

# The stage that reviews each level's reports, and so when they are approved.
PARENT_STAGE = {"county": "prefecture", "prefecture": "province", "province": "consolidation"}


def _day(month: datetime.date, working_day: int) -> datetime.date:
    """Return the ``working_day``-th working day of ``month``'s filing window (at least the 1st)."""
    from reports import deadlines

    return deadlines.nth_working_day(deadlines.filing_opens(month), max(1, working_day))


def _at(day: datetime.date, clock: str) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(clock)))


def _children_approved_on(report) -> datetime.date | None:
    """Return the day the last approved child report of the same month was approved."""
    from django.db.models import Max
    from django.utils import timezone

    from reports.models import Report

    latest = Report.objects.filter(
        campaign_id=report.campaign_id,
        kind=report.kind,
        month=report.month,
        agency__parent_id=report.agency_id,
        status=Report.Status.APPROVED,
    ).aggregate(at=Max("current_revision__reviewed_at"))["at"]
    return timezone.localtime(latest).date() if latest else None


def backdate(report, target: Target, rules: dict) -> None:
    """Move the report's revision times into its month's filing window, in the chain's order.

    The first revision is prepared and sent up the working day before the stage's deadline
    (``target.late`` working days after it), but never before its last child was approved;
    each further revision a working day later. A return comes the next morning; an approval
    the morning before the parent stage's deadline, or the morning after sending if later.
    """
    from core.workdays import add_working_days
    from reports.models import ReportRevision

    month, stage = report.month, report.agency.level
    first = _day(month, rules[stage].working_day + (target.late or -1))
    children = _children_approved_on(report)
    if children and children > first:
        first = children
    review = _day(month, rules[PARENT_STAGE[stage]].working_day - 1)
    for revision in ReportRevision.objects.filter(report=report).only(
        "pk", "number", "submitted_at", "reviewed_at", "outcome"
    ):
        sent = add_working_days(first, revision.number - 1)
        times = {"prepared_at": _at(sent, "10:00")}
        if revision.submitted_at:
            times["submitted_at"] = _at(sent, "16:00")
        if revision.reviewed_at:
            answered = add_working_days(sent, 1)
            if revision.outcome == ReportRevision.Outcome.APPROVED:
                answered = max(answered, review)
            times["reviewed_at"] = _at(answered, "09:30")
        ReportRevision.objects.filter(pk=revision.pk).update(**times)


def backdate_consolidation(consolidation, rules: dict) -> None:
    """Date the consolidation the day before its deadline, or the day the last provincial
    report was approved if later: created in the morning, reported in the afternoon."""
    from django.db.models import Max
    from django.utils import timezone

    from reports.models import Consolidation

    day = _day(consolidation.month, rules["consolidation"].working_day - 1)
    latest = consolidation.revisions.aggregate(at=Max("reviewed_at"))["at"]
    if latest:
        day = max(day, timezone.localtime(latest).date())
    Consolidation.objects.filter(pk=consolidation.pk).update(
        created_at=_at(day, "10:00"), reported_at=_at(day, "16:00")
    )


# -- a month -------------------------------------------------------------------------------------


class Tally:
    """What a run did: steps per month and level, and the reports left past their target."""

    def __init__(self):
        self.steps: Counter = Counter()
        self.past_target: list[str] = []


def fill_level(reports: list, level: str, month, *, last, args, users, rules, timer, tally):
    """Walk every report of ``level`` to its target, printing progress now and then."""
    started = shown = time.perf_counter()
    for done, report in enumerate(reports, start=1):
        target = target_for(report.agency, month, last=last, args=args)
        report, steps = advance(report, target, people_of(report.agency, users), timer)
        if steps:
            tally.steps[month, level] += steps
            if args.backdate:
                backdate(report, target, rules)
        if report.status != target.status:
            tally.past_target.append(f"{report.agency} {month:%Y-%m}: {report.status}")
        now = time.perf_counter()
        if now - shown > PROGRESS_SECONDS or done == len(reports):
            shown = now
            print(
                f"  {month:%Y-%m} {level:<10} {done:>4}/{len(reports)} reports, "
                f"{tally.steps[month, level]:>5} steps, {now - started:7.1f} s",
                flush=True,
            )


def consolidate(campaign, month, user, *, backdate_times: bool, rules: dict, timer) -> str:
    """Consolidate the month and report it to the ministry unless done; return what happened."""
    from reports import services
    from reports.models import Consolidation, Report, province_reports_q

    period = services.consolidation_period(month=month, campaign=campaign)
    consolidation = Consolidation.objects.filter(**period.lookup).first()
    if consolidation is None:
        pending = Report.objects.filter(province_reports_q(), **period.lookup).exclude(
            status=Report.Status.APPROVED
        )
        if pending.exists():
            return "not consolidated: provincial reports not all approved"
        consolidation = timer.call(
            "consolidation_create",
            services.consolidation_create,
            month=month,
            campaign=campaign,
            created_by=user,
        )
    if consolidation.status == Consolidation.Status.REPORTED:
        return "already reported"
    timer.call(
        "consolidation_report",
        services.consolidation_report,
        consolidation=consolidation,
        reported_by=user,
    )
    if backdate_times:
        backdate_consolidation(consolidation, rules)
    return "consolidated and reported"


def fill_month(month, *, last: bool, args, users, timer, tally) -> None:
    from campaigns.selectors import campaign_reporting
    from reports import deadlines, services
    from reports.models import Report

    started = time.perf_counter()
    opened = services.reports_open_month(month=month)
    campaign = campaign_reporting(month)
    rules = deadlines.deadline_rules(campaign)
    print(f"{month:%Y-%m} ({campaign.code}): {opened} drafts opened", flush=True)
    reports = list(
        Report.objects.filter(
            campaign=campaign, kind=Report.Kind.ANNEX1, month=month, agency__is_active=True
        )
        .select_related(
            "agency__department", "agency__region", "agency__parent", "current_revision"
        )
        .order_by("agency__path")
    )
    for level in LEVELS:
        at_level = [r for r in reports if r.agency.level == level]
        fill_level(
            at_level, level, month, last=last, args=args, users=users, rules=rules,
            timer=timer, tally=tally,
        )  # fmt: skip
    if last and not args.complete:
        print(f"  {month:%Y-%m} left in progress: no consolidation")
    else:
        outcome = consolidate(
            campaign, month, users[CONSOLIDATOR],
            backdate_times=args.backdate, rules=rules, timer=timer,
        )  # fmt: skip
        print(f"  {month:%Y-%m} consolidation: {outcome}")
    print(f"  {month:%Y-%m} ANALYZE of the tables written: {analyze():.1f} s")
    print(f"  {month:%Y-%m} done in {time.perf_counter() - started:.1f} s", flush=True)


def analyze() -> float:
    """ANALYZE the tables the chain writes; return the seconds it took.

    The bench server runs without autovacuum, so without this the next month's compile, and the
    pages measured afterwards, would be planned on report tables the planner has never sampled.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    from agencies.models import Membership, Profile
    from audit.models import AuditEvent
    from notifications.models import Notification
    from reports.models import Consolidation, Report, ReportRevision, ReportRow

    models = (Report, ReportRevision, ReportRow, Consolidation, Consolidation.revisions.through,
              Notification, AuditEvent, get_user_model(), Membership, Profile)  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(m._meta.db_table for m in models)}")
    return time.perf_counter() - started


# -- summary -------------------------------------------------------------------------------------


def print_summary(months: list, timer: Timer, tally: Tally) -> None:
    from django.db.models import Count

    from reports.models import Consolidation, Report, ReportRevision, ReportRow

    statuses = list(RANK)
    by_month = defaultdict(Counter)
    for month, status, n in (
        Report.objects.filter(kind=Report.Kind.ANNEX1, month__in=months)
        .values_list("month", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_month[month][status] = n
    revisions = Counter(
        dict(
            ReportRevision.objects.filter(report__month__in=months, report__kind="annex1")
            .values_list("report__month")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    rows = Counter(
        dict(
            ReportRow.objects.filter(
                revision__report__month__in=months, revision__report__kind="annex1"
            )
            .values_list("revision__report__month")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    consolidations = dict(
        Consolidation.objects.filter(month__in=months).values_list("month", "status")
    )
    print("\nreports of 附件1 by status (all agencies, whole database):")
    print_table(
        ["month", *statuses, "revisions", "frozen rows", "consolidation"],
        [
            [f"{m:%Y-%m}", *(by_month[m][s] for s in statuses), revisions[m], f"{rows[m]:,}",
             consolidations.get(m, "—")]
            for m in months
        ],
    )  # fmt: skip
    print("\nservice calls this run:")
    print_table(
        ["service", "calls", "total s", "mean ms"],
        [
            [name, timer.calls[name], f"{timer.seconds[name]:.1f}",
             f"{1000 * timer.seconds[name] / timer.calls[name]:.0f}"]
            for name in sorted(timer.calls)
        ],
    )  # fmt: skip
    if tally.past_target:
        print(f"\n{len(tally.past_target)} reports already past their target, left as they are:")
        for line in tally.past_target[:20]:
            print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--months", default="2019-02,2019-03,2019-04", help="comma-separated, oldest first"
    )
    parser.add_argument("--complete", action="store_true", help="finish the last month too")
    parser.add_argument(
        "--returned-before",
        type=float,
        default=0.03,
        help="share of reports returned once before approval (finished months)",
    )
    parser.add_argument(
        "--late", type=float, default=0.05, help="share of reports sent up after the deadline"
    )
    parser.add_argument("--seed", type=int, default=20190301)
    parser.add_argument(
        "--no-backdate",
        dest="backdate",
        action="store_false",
        help="keep the real times of each step instead of moving them into 2019",
    )
    args = parser.parse_args()

    setup_django()
    from agencies.models import Agency
    from core.months import month_param
    from reports.models import REPORTING
    from reports.services import month_of

    months = sorted(month_of(m.strip()) for m in args.months.split(","))
    started = time.perf_counter()
    agencies = list(
        Agency.objects.filter(is_active=True, department__kind=REPORTING)
        .select_related("department", "region", "parent")
        .order_by("path")
    )
    lead = next(a for a in agencies if a.department.is_lead and a.level == "province")
    users = ensure_users(agencies, lead)
    print(f"{len(agencies)} reporting agencies; months {', '.join(map(month_param, months))}")
    timer, tally = Timer(), Tally()
    for month in months:
        fill_month(month, last=month == months[-1], args=args, users=users, timer=timer,
                   tally=tally)  # fmt: skip
    print_summary(months, timer, tally)
    print(f"\ntotal {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
