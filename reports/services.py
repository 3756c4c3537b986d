"""Writes of the monthly report: submit, approve, return, consolidate, report upward, remind."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, Department, Region
from agencies.selectors import Signature, signature_of
from audit.actions import Action
from audit.services import audit_record
from campaigns.selectors import campaign_reporting, campaigns_reporting
from cases.evidence import file_store, files_discard
from cases.validation import Errors, clean_text
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.months import (
    month_day_label,
    month_label,
    month_param,
    parse_month,
    previous_month,
)
from notifications.services import notification_send
from reports import deadlines, periods
from reports.kinds import KINDS, kind_of
from reports.models import (
    REPORTING,
    Consolidation,
    Report,
    ReportDeadline,
    ReportRevision,
    SummaryAttachment,
    SummaryDraft,
    province_reports_q,
)
from reports.periods import Period, check_month
from reports.summary import NARRATIVE


def month_of(value) -> datetime.date:
    """Return the first day of the month given as ``2019-03`` (or a date); refuse anything else."""
    month = parse_month(value)
    if month is None:
        raise DomainError(
            _("月份格式应为“YYYY-MM”，如 2019-03。"), fields={"month": [_("月份格式有误。")]}
        )
    return month


def _month_route(month: datetime.date) -> tuple[str, dict]:
    """Return the reports index of ``month`` as a notification's link."""
    return "reports:list", {"month": month_param(month)}


@transaction.atomic
def report_get_or_create(
    *,
    agency: Agency,
    month: datetime.date,
    user=None,
    kind: str = Report.Kind.ANNEX1,
    campaign=None,
) -> Report:
    """Return the agency's 附件1 of ``campaign`` (else the campaign that reports the month) for
    the month, creating a draft if there is none."""
    month = month_of(month)
    if agency.department.kind != REPORTING:
        raise DomainError(
            _("“%(agency)s”不报送附件1。") % {"agency": agency.name},
            fields={"agency": [_("该机构不是报送部门。")]},
        )
    campaign = campaign or campaign_reporting(month)
    check_month(campaign, month)
    report, created = Report.objects.get_or_create(
        campaign=campaign, agency=agency, kind=kind, month=month
    )
    if created:
        audit_record(
            actor=user,
            action=Action.REPORT_CREATED,
            target=report,
            agency=agency,
            data={"month": month.isoformat(), "campaign": campaign.code},
        )
    return report


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("agency", "agency__department", "agency__region")
        .get(pk=report.pk)
    )


def _signature(user) -> Signature:
    """Return how ``user`` signs forms; refuse a user whose profile has no real name."""
    signature = signature_of(user)
    if signature is None:
        message = _(
            "附件1须由填表人、负责人署真实姓名：请先在“个人信息”页面（右上角您的用户名）"
            "填写姓名和联系电话。"
        )
        raise DomainError(message, fields={"real_name": [message]})
    return signature


def _next_number(report: Report) -> int:
    latest = (
        ReportRevision.objects.filter(report=report)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (latest or 0) + 1


def _prepare(locked: Report, user, signature: Signature) -> ReportRevision:
    """Freeze the rows of the locked, open report as a new revision prepared by ``user``."""
    if not locked.is_open:
        raise ConflictError(
            _("该%(noun)s当前状态为“%(status)s”，不能重复填报，请刷新页面。")
            % {"noun": locked.noun, "status": locked.get_status_display()}
        )
    kind = kind_of(locked)
    kind.check_open(locked)
    rows = kind.compile(locked)
    size = kind.size(rows)
    revision = ReportRevision.objects.create(
        report=locked,
        number=_next_number(locked),
        prepared_by=user,
        preparer_name=signature.name,
        preparer_phone=signature.phone,
        prepared_at=timezone.now(),
        row_count=size,
    )
    kind.freeze(revision, rows)
    before = locked.status
    locked.status, locked.current_revision = Report.Status.PREPARED, revision
    locked.save(update_fields=["status", "current_revision", "updated_at"])
    audit_record(
        actor=user,
        action=Action.REPORT_PREPARED,
        target=locked,
        agency=locked.agency,
        changes={"status": [before, locked.status]},
        data={"revision": revision.number, "rows": size, "preparer": signature.name},
    )
    return revision


def _sign(locked: Report, user, signature: Signature) -> ReportRevision:
    """Sign the locked, prepared report off and send it to the parent agency."""
    if locked.status != Report.Status.PREPARED:
        raise ConflictError(
            _("该%(noun)s当前状态为“%(status)s”，没有待签发的内容，请刷新页面。")
            % {"noun": locked.noun, "status": locked.get_status_display()}
        )
    revision = locked.current_revision
    revision.signed_by, revision.signer_name, revision.signer_phone = (
        user,
        signature.name,
        signature.phone,
    )
    revision.submitted_at = timezone.now()
    revision.save(update_fields=["signed_by", "signer_name", "signer_phone", "submitted_at"])
    locked.status, locked.return_reason = Report.Status.SUBMITTED, ""
    locked.save(update_fields=["status", "return_reason", "updated_at"])
    audit_record(
        actor=user,
        action=Action.REPORT_SUBMITTED,
        target=locked,
        agency=locked.agency,
        changes={"status": [Report.Status.PREPARED, locked.status]},
        data={"revision": revision.number, "signer": signature.name},
    )
    notification_send(
        users=permissions.report_reviewers(locked),
        key=f"report-submitted:{locked.pk}:{revision.number}",
        title=_("%(report)s 已报送，待审核") % {"report": locked},
        body=_("共 %(n)d 行。") % {"n": revision.row_count},
        target=locked,
    )
    return revision


def _notify_signers(locked: Report, revision: ReportRevision, prepared_by) -> None:
    notification_send(
        users=permissions.report_signers(locked).exclude(pk=prepared_by.pk),
        key=f"report-prepared:{locked.pk}:{revision.number}",
        title=_("%(report)s 已填报，待您签发") % {"report": locked},
        body=_("填表人：%(name)s，共 %(n)d 行。")
        % {"name": revision.preparer_name, "n": revision.row_count},
        target=locked,
    )


@transaction.atomic
def report_prepare(*, report: Report, prepared_by) -> Report:
    """Freeze the report's rows as a new revision for a reviewer of the agency to sign off."""
    if not permissions.user_can_prepare_report(user=prepared_by, report=report):
        raise PermissionDeniedError(
            _("只有本机构的录入员或审核员可以填报该%(noun)s。") % {"noun": report.noun}
        )
    signature = _signature(prepared_by)
    locked = _lock(report)
    revision = _prepare(locked, prepared_by, signature)
    _notify_signers(locked, revision, prepared_by)
    report.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def report_sign(*, report: Report, signed_by) -> Report:
    """Sign the prepared report off as the agency's 负责人, which sends it to the parent agency."""
    if not permissions.user_can_sign_report(user=signed_by, report=report):
        raise PermissionDeniedError(
            _("只有本机构的审核员（负责人）可以签发该%(noun)s。") % {"noun": report.noun}
        )
    signature = _signature(signed_by)
    locked = _lock(report)
    _sign(locked, signed_by, signature)
    report.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def report_submit(*, report: Report, submitted_by) -> Report:
    """Prepare the report and, when the user may sign it off, sign and send it up at once.

    A reviewer of the agency who prepares the report is its 填表人 and 负责人 in one step; a
    clerk's report waits (prepared) until a reviewer of the same agency signs it.
    """
    if not permissions.user_can_sign_report(user=submitted_by, report=report):
        return report_prepare(report=report, prepared_by=submitted_by)
    signature = _signature(submitted_by)
    locked = _lock(report)
    _prepare(locked, submitted_by, signature)
    _sign(locked, submitted_by, signature)
    report.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def report_withdraw(*, report: Report, withdrawn_by, reason: str) -> Report:
    """Take a prepared report back before sign-off, with a reason; it opens again for changes."""
    if not permissions.user_can_withdraw_report(user=withdrawn_by, report=report):
        raise PermissionDeniedError(
            _("只有本机构的录入员或审核员可以撤回该%(noun)s。") % {"noun": report.noun}
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("撤回理由不能为空。"), fields={"reason": [_("请填写撤回理由。")]})
    locked = _lock(report)
    if locked.status != Report.Status.PREPARED:
        raise ConflictError(
            _("该%(noun)s当前状态为“%(status)s”，只有待签发的%(noun)s可以撤回，请刷新页面。")
            % {"noun": locked.noun, "status": locked.get_status_display()}
        )
    withdrawn = locked.current_revision
    ReportRevision.objects.filter(pk=withdrawn.pk).update(
        outcome=ReportRevision.Outcome.WITHDRAWN, return_reason=reason
    )
    # Back to where it stood before: the last revision sent up (returned by the parent), if any.
    previous = locked.revisions.filter(submitted_at__isnull=False).order_by("-number").first()
    locked.current_revision = previous
    locked.status = Report.Status.RETURNED if previous else Report.Status.DRAFT
    locked.save(update_fields=["status", "current_revision", "updated_at"])
    audit_record(
        actor=withdrawn_by,
        action=Action.REPORT_WITHDRAWN,
        target=locked,
        agency=locked.agency,
        changes={"status": [Report.Status.PREPARED, locked.status]},
        data={"revision": withdrawn.number, "reason": reason},
    )
    if withdrawn.prepared_by_id and withdrawn.prepared_by_id != withdrawn_by.pk:
        notification_send(
            users=[withdrawn.prepared_by],
            key=f"report-withdrawn:{locked.pk}:{withdrawn.number}",
            title=_("%(report)s 未签发，已撤回") % {"report": locked},
            body=_("撤回理由：%(reason)s") % {"reason": reason},
            target=locked,
        )
    report.__dict__.update(locked.__dict__)
    return locked


def _decide(*, report: Report, user, to_status: str, reason: str = "") -> Report:
    """Move a submitted report to ``to_status``; exactly one of concurrent reviewers succeeds."""
    if permissions.user_submitted_report(user=user, report=report):
        raise PermissionDeniedError(
            _("不能审核本人填报或签发的%(noun)s（四眼原则），请由另一名审核员审核。")
            % {"noun": report.noun}
        )
    if not permissions.user_can_review_report(user=user, report=report):
        raise PermissionDeniedError(
            _("只有上级机构的审核员可以审核该%(noun)s。") % {"noun": report.noun}
        )
    now = timezone.now()
    # A conditional UPDATE: of two reviewers acting at once, only one finds it still submitted.
    changed = Report.objects.filter(pk=report.pk, status=Report.Status.SUBMITTED).update(
        status=to_status, return_reason=reason, updated_at=now
    )
    if not changed:
        current = Report.objects.get(pk=report.pk)
        raise ConflictError(
            _("该%(noun)s已被处理（当前状态：%(status)s），本次操作未生效，请刷新页面。")
            % {"noun": current.noun, "status": current.get_status_display()}
        )
    outcome = (
        ReportRevision.Outcome.APPROVED
        if to_status == Report.Status.APPROVED
        else ReportRevision.Outcome.RETURNED
    )
    # The parent's reviewer is recorded as such, never as the form's 负责人 (the agency's own).
    ReportRevision.objects.filter(pk=report.current_revision_id).update(
        outcome=outcome, reviewed_by=user, reviewed_at=now, return_reason=reason
    )
    report.refresh_from_db()
    return report


@transaction.atomic
def report_approve(*, report: Report, approved_by) -> Report:
    """Approve a submitted report; its frozen rows then roll up into the parent's report."""
    report = _decide(report=report, user=approved_by, to_status=Report.Status.APPROVED)
    audit_record(
        actor=approved_by,
        action=Action.REPORT_APPROVED,
        target=report,
        agency=report.agency,
        changes={"status": [Report.Status.SUBMITTED, Report.Status.APPROVED]},
        data={"revision": report.current_revision_id},
    )
    notification_send(
        users=permissions.agency_staff([report.agency_id], permissions.WRITE_ROLES),
        key=f"report-approved:{report.pk}:{report.current_revision_id}",
        title=_("%(report)s 已审核通过") % {"report": report},
        target=report,
    )
    return report


@transaction.atomic
def report_return(*, report: Report, returned_by, reason: str) -> Report:
    """Return a submitted report with a reason; the agency revises and resubmits it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("退回理由不能为空。"), fields={"reason": [_("请填写退回理由。")]})
    report = _decide(
        report=report, user=returned_by, to_status=Report.Status.RETURNED, reason=reason
    )
    audit_record(
        actor=returned_by,
        action=Action.REPORT_RETURNED,
        target=report,
        agency=report.agency,
        changes={"status": [Report.Status.SUBMITTED, Report.Status.RETURNED]},
        data={"reason": reason, "revision": report.current_revision_id},
    )
    notification_send(
        users=permissions.agency_staff([report.agency_id], permissions.WRITE_ROLES),
        key=f"report-returned:{report.pk}:{report.current_revision_id}",
        title=_("%(report)s 被退回") % {"report": report},
        body=_("退回理由：%(reason)s") % {"reason": reason},
        target=report,
    )
    return report


def _province_reports(period: Period):
    reports = Report.objects.filter(province_reports_q(), **period.lookup)
    return reports.select_related("agency__department", "current_revision")


def _consolidator_agency() -> Agency:
    return Agency.objects.get(department__is_lead=True, level=Region.Level.PROVINCE)


def _consolidation_get_or_create(*, period: Period, created_by) -> tuple[Consolidation, bool]:
    """Return the period's consolidation, locked, creating it if there is none.

    Two 住建厅 reviewers may press 生成全省汇总 at once: the second INSERT waits on the unique
    period, fails, and is rolled back to its savepoint; that caller then locks and uses the row
    the first one created, instead of answering 500.
    """
    created = False
    if not Consolidation.objects.filter(**period.lookup).exists():
        try:
            with transaction.atomic():
                Consolidation.objects.create(
                    **period.lookup, agency=_consolidator_agency(), created_by=created_by
                )
            created = True
        except IntegrityError:
            pass
    return Consolidation.objects.select_for_update().get(**period.lookup), created


def consolidation_period(*, month=None, campaign=None, phase=None) -> Period:
    """Return the period a consolidation covers: a phase's summaries, or a month's 附件1 (of
    ``campaign``, else the campaign that reports the month)."""
    if phase is not None:
        return Period(phase.campaign, Report.Kind.SUMMARY, phase=phase)
    month = month_of(month)
    return Period(campaign or campaign_reporting(month), Report.Kind.ANNEX1, month=month)


@transaction.atomic
def consolidation_create(*, created_by, month=None, campaign=None, phase=None) -> Consolidation:
    """Consolidate the five departments' approved provincial reports of the period: the month's
    附件1, or the phase's summaries."""
    period = consolidation_period(month=month, campaign=campaign, phase=phase)
    if not permissions.user_can_consolidate(user=created_by):
        raise PermissionDeniedError(_("只有住房城乡建设厅审核员可以汇总全省报表。"))
    _signature(created_by)  # the 汇总 sheet names its 填表人
    reports = {r.agency.department.code: r for r in _province_reports(period)}
    missing = [
        department.name
        for department in Department.objects.filter(kind=REPORTING)
        if department.code not in reports
        or reports[department.code].status != Report.Status.APPROVED
    ]
    if missing:
        raise DomainError(
            _("以下部门%(period)s的报表尚未审核通过，不能汇总：%(names)s。")
            % {"period": period.label, "names": "、".join(missing)},
            fields={"month": missing},
        )
    consolidation, created = _consolidation_get_or_create(period=period, created_by=created_by)
    if consolidation.status == Consolidation.Status.REPORTED:
        raise ConflictError(
            _("%(period)s的全省汇总已上报，不能重新汇总。") % {"period": period.label}
        )
    consolidation.created_by = created_by
    consolidation.save(update_fields=["created_by"])
    consolidation.revisions.set([r.current_revision_id for r in reports.values()])
    audit_record(
        actor=created_by,
        action=Action.CONSOLIDATION_CREATED if created else Action.CONSOLIDATION_RECOMPILED,
        target=consolidation,
        agency=consolidation.agency,
        data={
            "campaign": period.campaign.code,
            "period": period.label,
            "revisions": sorted(r.current_revision_id for r in reports.values()),
        },
    )
    return consolidation


@transaction.atomic
def consolidation_report(*, consolidation: Consolidation, reported_by) -> Consolidation:
    """Report the consolidation upward (上报); ministry users can read it from then on."""
    if not permissions.user_can_consolidate(user=reported_by):
        raise PermissionDeniedError(_("只有住房城乡建设厅审核员可以上报全省汇总。"))
    _signature(reported_by)  # the 汇总 sheet names its 负责人
    changed = Consolidation.objects.filter(
        pk=consolidation.pk, status=Consolidation.Status.DRAFT
    ).update(
        status=Consolidation.Status.REPORTED, reported_by=reported_by, reported_at=timezone.now()
    )
    if not changed:
        raise ConflictError(_("该全省汇总已上报，请勿重复操作。"))
    consolidation.refresh_from_db()
    audit_record(
        actor=reported_by,
        action=Action.CONSOLIDATION_REPORTED,
        target=consolidation,
        agency=consolidation.agency,
        changes={"status": [Consolidation.Status.DRAFT, Consolidation.Status.REPORTED]},
    )
    return consolidation


# -- scheduled work (called by reports.tasks) ------------------------------------------------


@transaction.atomic
def reports_open_month(*, month: datetime.date) -> int:
    """Create the draft 附件1 of every reporting agency for ``month`` in each campaign that
    reports it; return the new count."""
    month = month_of(month)
    agencies = list(
        Agency.objects.filter(is_active=True, department__kind=REPORTING).values_list(
            "pk", flat=True
        )
    )
    created = 0
    for campaign in campaigns_reporting(month):
        annex = Report.objects.filter(campaign=campaign, kind=Report.Kind.ANNEX1, month=month)
        existing = set(annex.values_list("agency_id", flat=True))
        created += len(
            Report.objects.bulk_create(
                [
                    Report(campaign=campaign, agency_id=pk, month=month)
                    for pk in agencies
                    if pk not in existing
                ],
                ignore_conflicts=True,
            )
        )
    return created


def _pending(*, campaign, month: datetime.date, rules: dict):
    """Yield (agency, due, rule) for the month's reports not yet signed off and sent up.

    Agencies without a draft count too: the drafts are opened by a daily task that may not have
    run yet.
    """
    filed = Report.objects.filter(
        campaign=campaign,
        kind=Report.Kind.ANNEX1,
        month=month,
        status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED],
    ).values("agency_id")
    agencies = (
        Agency.objects.filter(is_active=True, department__kind=REPORTING)
        .exclude(pk__in=filed)
        .select_related("parent")
        .order_by("path")
    )
    dues = {stage: deadlines.due_date(stage, month, rules) for stage in rules}
    for agency in agencies:
        yield agency, dues[agency.level], rules[agency.level]


def _consolidation_pending(campaign, month: datetime.date) -> bool:
    """Return True while 住建厅 has not reported ``month``'s consolidation to the ministry."""
    return not Consolidation.objects.filter(
        campaign=campaign, month=month, status=Consolidation.Status.REPORTED
    ).exists()


def report_reminders_send(*, today: datetime.date) -> int:
    """Remind agencies (and 住建厅 of its consolidation) a few working days before a deadline,
    in every campaign that reports last month.

    Only last month's report is filed now: its filing opened on the 1st, and every deadline
    falls within this month (``deadlines.MAX_WORKING_DAY``).
    """
    month = previous_month(today)
    return sum(
        _reminders_send(campaign=campaign, month=month, today=today)
        for campaign in campaigns_reporting(month)
    )


def _key(campaign, text: str) -> str:
    """Return a notification key, told apart per campaign (rounds may report the same month)."""
    return f"{text}:{campaign.code}"


def _reminders_send(*, campaign, month: datetime.date, today: datetime.date) -> int:
    rules = deadlines.deadline_rules(campaign)
    due_soon = [
        (agency, due)
        for agency, due, rule in _pending(campaign=campaign, month=month, rules=rules)
        if deadlines.reminder_due(rule, month, today)
    ]
    staff = permissions.staff_by_agency([a.pk for a, _d in due_soon], permissions.WRITE_ROLES)
    sent = 0
    for agency, due in due_soon:
        sent += notification_send(
            users=staff.get(agency.pk, []),
            key=_key(campaign, f"report-reminder:{agency.pk}:{month_param(month)}:{due}"),
            title=_("请于%(due)s前报送%(month)s的附件1")
            % {"due": month_day_label(due), "month": month_label(month)},
            body=_("%(agency)s %(month)s的月报尚未签发报送。")
            % {"agency": agency.name, "month": month_label(month)},
            route=_month_route(month),
        )
    rule = rules[deadlines.CONSOLIDATION]
    if deadlines.reminder_due(rule, month, today) and _consolidation_pending(campaign, month):
        due = deadlines.due_date(deadlines.CONSOLIDATION, month, rules)
        sent += notification_send(
            users=permissions.consolidators(),
            key=_key(campaign, f"consolidation-reminder:{month_param(month)}:{due}"),
            title=_("请于%(due)s前将%(month)s的全省汇总上报住房城乡建设部")
            % {"due": month_day_label(due), "month": month_label(month)},
            route=_consolidations_route(month),
        )
    return sent


def _consolidations_route(month: datetime.date) -> tuple[str, dict]:
    return "reports:consolidations", {"month": month_param(month)}


def _overdue_to_parents(campaign, month: datetime.date, overdue: list[Agency]) -> int:
    """Tell each parent agency's reviewers which of their children are overdue (once a month)."""
    by_parent: dict[int, list[Agency]] = {}
    for agency in overdue:
        if agency.parent_id:
            by_parent.setdefault(agency.parent_id, []).append(agency)
    reviewers = permissions.staff_by_agency(by_parent, {permissions.REVIEWER})
    return sum(
        notification_send(
            users=reviewers.get(parent_id, []),
            key=_key(campaign, f"report-overdue:{parent_id}:{month_param(month)}"),
            title=_("%(month)s附件1逾期未报：%(n)d 个下级机构")
            % {"month": month_label(month), "n": len(children)},
            body="、".join(a.name for a in children),
            route=_month_route(month),
        )
        for parent_id, children in by_parent.items()
    )


def _overdue_to_consolidators(campaign, month, overdue: list[Agency], users) -> int:
    """Tell 住建厅 of the overdue agencies, once per stage as each stage's deadline passes."""
    sent = 0
    for stage in deadlines.STAGES:
        late = [a for a in overdue if a.level == stage]
        if not late:
            continue
        names = "、".join(a.name for a in late[:20]) + ("等" if len(late) > 20 else "")
        sent += notification_send(
            users=users,
            key=_key(campaign, f"report-overdue:province:{month_param(month)}:{stage}"),
            title=_("%(month)s附件1逾期未报：%(stage)s %(n)d 个机构")
            % {
                "month": month_label(month),
                "stage": Region.Level(stage).label,
                "n": len(late),
            },
            body=names,
            route=_month_route(month),
        )
    return sent


def reports_overdue_notify(*, today: datetime.date) -> int:
    """List last month's overdue reports for the parents' reviewers and for 住建厅, and tell
    住建厅 when its consolidation to the ministry is overdue (in every campaign reporting it)."""
    month = previous_month(today)
    return sum(
        _overdue_notify(campaign=campaign, month=month, today=today)
        for campaign in campaigns_reporting(month)
    )


def _overdue_notify(*, campaign, month: datetime.date, today: datetime.date) -> int:
    rules = deadlines.deadline_rules(campaign)
    pending = _pending(campaign=campaign, month=month, rules=rules)
    overdue = [agency for agency, due, _rule in pending if today > due]
    consolidators = list(permissions.consolidators())
    sent = _overdue_to_parents(campaign, month, overdue)
    sent += _overdue_to_consolidators(campaign, month, overdue, consolidators)
    due = deadlines.due_date(deadlines.CONSOLIDATION, month, rules)
    if today > due and _consolidation_pending(campaign, month):
        sent += notification_send(
            users=consolidators,
            key=_key(campaign, f"consolidation-overdue:{month_param(month)}"),
            title=_("%(month)s的全省汇总逾期未上报住房城乡建设部（期限%(due)s）")
            % {"month": month_label(month), "due": month_day_label(due)},
            route=_consolidations_route(month),
        )
    return sent


# -- deadlines (the admin edits them through here) -----------------------------------------


def deadline_check(*, campaign, stage: str, working_day: int, reminder_working_days: int) -> None:
    """Refuse a deadline that breaks the chain's order or lies past the month's working days."""
    rules = deadlines.deadline_rules(campaign)
    rules[stage] = deadlines.DeadlineRule(stage, working_day, reminder_working_days)
    errors: dict[str, list[str]] = {}
    if not 1 <= working_day <= deadlines.MAX_WORKING_DAY:
        errors["working_day"] = [
            _("须在次月第1至第%(n)d个工作日之间。") % {"n": deadlines.MAX_WORKING_DAY}
        ]
    elif problems := deadlines.order_problems(rules):
        labels = dict(ReportDeadline.Stage.choices)
        errors["working_day"] = [
            _("“%(first)s”（第%(a)d个工作日）须早于“%(then)s”（第%(b)d个工作日）。")
            % {
                "first": labels[first],
                "a": rules[first].working_day,
                "then": labels[then],
                "b": rules[then].working_day,
            }
            for first, then in problems
        ]
    if errors:
        message = _("报送期限须按县、市、省级部门、汇总上报的顺序先后到期。")
        raise DomainError(message, fields=errors)


@transaction.atomic
def deadline_update(
    *, deadline: ReportDeadline, working_day: int, reminder_working_days: int, actor
) -> ReportDeadline:
    """Change a stage's deadline, keeping the chain's order, and record who changed it."""
    deadline_check(
        campaign=deadline.campaign,
        stage=deadline.stage,
        working_day=working_day,
        reminder_working_days=reminder_working_days,
    )
    stored = (
        ReportDeadline.objects.select_for_update()
        .filter(campaign=deadline.campaign, stage=deadline.stage)
        .first()
    )
    before = {
        "working_day": stored.working_day if stored else None,
        "reminder_working_days": stored.reminder_working_days if stored else None,
    }
    deadline, _created = ReportDeadline.objects.update_or_create(
        campaign=deadline.campaign,
        stage=deadline.stage,
        defaults={"working_day": working_day, "reminder_working_days": reminder_working_days},
    )
    after = {"working_day": working_day, "reminder_working_days": reminder_working_days}
    audit_record(
        actor=actor,
        action=Action.DEADLINE_CHANGED,
        target=deadline,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return deadline


# -- phase summaries (工作总结): the chain above is the same; these write their content ------

SUMMARY_TEXT_LIMIT = 20000
SUMMARY_FIELDS = tuple(key for key, _title in NARRATIVE)


@transaction.atomic
def summary_get_or_create(*, agency: Agency, phase, user=None) -> Report:
    """Return the agency's summary of ``phase``, creating a draft if there is none."""
    kind = KINDS[Report.Kind.SUMMARY]
    if agency.department.kind != REPORTING or agency.level not in kind.levels:
        message = _("“%(agency)s”不报送阶段工作总结（由市（州）和省级部门报送）。") % {
            "agency": agency.name
        }
        raise DomainError(message, fields={"agency": [message]})
    periods.check_phase_begun(phase)
    report, created = Report.objects.get_or_create(
        campaign=phase.campaign, agency=agency, kind=Report.Kind.SUMMARY, phase=phase
    )
    if created:
        audit_record(
            actor=user,
            action=Action.REPORT_CREATED,
            target=report,
            agency=agency,
            data={"phase": phase.kind, "campaign": phase.campaign.code},
        )
    return report


def _summary_lock_open(report: Report, actor) -> Report:
    """Return the summary locked, refusing a user who may not write it or a closed one."""
    if not permissions.user_can_prepare_report(user=actor, report=report):
        raise PermissionDeniedError(_("只有本机构的录入员或审核员可以编写该工作总结。"))
    locked = _lock(report)
    if locked.kind != Report.Kind.SUMMARY:
        raise DomainError(_("该报表不是阶段工作总结。"))
    if not locked.is_open:
        raise ConflictError(
            _("该工作总结当前状态为“%(status)s”，不能修改；退回或撤回后可修改。")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def summary_draft_save(*, report: Report, actor, **texts) -> SummaryDraft:
    """Save the summary's narrative (工作开展情况, 存在问题, 下一步工作) while it is open."""
    locked = _summary_lock_open(report, actor)
    errors = Errors()
    cleaned = {
        key: clean_text(texts.get(key), key, errors, limit=SUMMARY_TEXT_LIMIT)
        for key in SUMMARY_FIELDS
    }
    errors.raise_if_any()
    draft, _created = SummaryDraft.objects.select_for_update().get_or_create(report=locked)
    changed = [key for key, value in cleaned.items() if getattr(draft, key) != value]
    if not changed:
        return draft
    for key in changed:
        setattr(draft, key, cleaned[key])
    draft.updated_by = actor
    draft.save()
    audit_record(
        actor=actor,
        action=Action.SUMMARY_SAVED,
        target=locked,
        agency=locked.agency,
        data={"fields": changed, "lengths": {key: len(cleaned[key]) for key in changed}},
    )
    return draft


def summary_add_file(*, report: Report, actor, uploaded_file, description: str = ""):
    """Attach a file to an open summary; the file is deleted again if its row is not written."""
    stored: list[str] = []
    try:
        return _summary_attach(
            report=report,
            actor=actor,
            uploaded_file=uploaded_file,
            description=description,
            stored=stored,
        )
    except BaseException:
        files_discard(stored, SummaryAttachment)
        raise


@transaction.atomic
def _summary_attach(*, report, actor, uploaded_file, description: str, stored: list):
    locked = _summary_lock_open(report, actor)
    attachment = file_store(
        SummaryAttachment,
        uploaded_file=uploaded_file,
        description=description,
        actor=actor,
        stored=stored,
        report=locked,
    )
    audit_record(
        actor=actor,
        action=Action.SUMMARY_FILE_ADDED,
        target=locked,
        agency=locked.agency,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment
