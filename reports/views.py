"""Pages of the monthly report: reviewers' index, a report, 住建厅 and ministry consolidations."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies import permissions
from agencies.models import Agency
from agencies.selectors import signature_of
from campaigns.selectors import campaign_chosen
from core.forms import run_service, show_on_form
from core.http import attachment
from core.middleware import safe_next_url
from core.months import month_label, month_param, parse_month
from jobs import exports
from jobs.services import job_start
from reports import annex1, deadlines, selectors, services
from reports.job_kinds import CONSOLIDATION_WORKBOOK
from reports.kinds import kind_of
from reports.models import REPORTING, Consolidation, Report, ReportRevision
from reports.navigation import month_nav
from reports.summary_views import SummaryForm, summaries_url, summary_page_context


def _consolidations_url(campaign, month: datetime.date | None) -> str:
    query = f"?campaign={campaign.code}"
    if month is not None:
        query += f"&month={month_param(month)}"
    return reverse("reports:consolidations") + query


@login_required
def report_index(request):
    """List the month's reports: the user's own and those of the agencies below (for reviewers)."""
    if permissions.is_ministry(request.user) and not permissions.reads_cases(request.user):
        return redirect("reports:consolidations")
    nav = month_nav(request)
    month = nav.month
    own_agencies = [
        a
        for a in permissions.agencies_where(request.user, permissions.WRITE_ROLES)
        if a.department.kind == REPORTING
    ]
    own_reports = {  # the user's own agencies' reports (none to read for an inspector)
        r.agency_id: r
        for r in selectors.report_list(
            user=request.user, month=month, kind=Report.Kind.ANNEX1, campaign=nav.campaign
        ).filter(agency__in=own_agencies)
    }
    own = [(a, own_reports.get(a.pk)) for a in own_agencies]
    reviewed = []
    for agency in selectors.reviewable_agencies(user=request.user):
        children = selectors.children_status(
            user=request.user, agency=agency, month=month, campaign=nav.campaign
        )
        if children:
            reviewed.append((agency, children))
    inspected = [
        (
            agency,
            selectors.inspected_status(
                user=request.user, agency=agency, month=month, campaign=nav.campaign
            ),
        )
        for agency in selectors.inspected_agencies(user=request.user)
    ]
    is_consolidator = permissions.is_consolidator(request.user)
    if is_consolidator:
        reviewed.insert(
            0,
            (
                _("各部门省级月报（由住房城乡建设厅审核）"),
                selectors.province_status(user=request.user, month=month, campaign=nav.campaign),
            ),
        )
    return render(
        request,
        "reports/index.html",
        {
            "nav": nav,
            "month": month,
            "own": own,
            "reviewed": reviewed,
            "inspected": inspected,
            "is_consolidator": is_consolidator,
            "is_ministry": permissions.is_ministry(request.user),
        },
    )


@login_required
@require_POST
def report_open(request):
    """Open (or find) the report of one of the user's agencies for a month."""
    agency_id = request.POST.get("agency", "")
    if not agency_id.isdigit():
        raise Http404
    agency = get_object_or_404(Agency.objects.restrict(request.user, "change"), pk=agency_id)
    request.back_url = reverse("reports:list")
    campaign = campaign_chosen(request.POST.get("campaign"))
    report = services.report_get_or_create(
        agency=agency, month=request.POST.get("month"), user=request.user, campaign=campaign
    )
    return redirect("reports:detail", report.pk)


def _report(request, pk: int) -> Report:
    return get_object_or_404(selectors.report_list(user=request.user).prefetch_related(None), pk=pk)


def _chain_context(report: Report, user) -> dict:
    """Return what every kind's page shows of the chain: revisions and who may act now."""
    revisions = list(report.revisions.select_related("reviewed_by").order_by("-number"))
    prepared = report.status == Report.Status.PREPARED
    withdrawn = ReportRevision.Outcome.WITHDRAWN
    due = kind_of(report).due(report)
    return {
        "report": report,
        "revisions": revisions,
        "withdrawn": revisions[0]
        if revisions and report.is_open and revisions[0].outcome == withdrawn
        else None,
        "may_prepare": report.is_open
        and permissions.user_can_prepare_report(user=user, report=report),
        "signs_too": permissions.user_can_sign_report(user=user, report=report),
        "may_sign": prepared and permissions.user_can_sign_report(user=user, report=report),
        "may_withdraw": prepared and permissions.user_can_withdraw_report(user=user, report=report),
        "may_review": report.status == Report.Status.SUBMITTED
        and permissions.user_can_review_report(user=user, report=report),
        "due": due,
        "late_days": deadlines.days_late(due, _first_sent(revisions)),
    }


def _first_sent(revisions) -> datetime.date | None:
    """Return the local date a report was first signed and sent up (its deadline is met then)."""
    sent = [r.submitted_at for r in revisions if r.submitted_at]
    return timezone.localtime(min(sent)).date() if sent else None


def _annex1_context(report: Report, user) -> dict:
    full_ids = permissions.user_can_unmask_report(user=user, report=report)
    rows, frozen = selectors.report_rows(report, full_ids=full_ids)
    return {
        "rows": rows,
        "row_cases": selectors.visible_case_ids(user=user, case_ids=[r["case_id"] for r in rows]),
        "frozen": frozen,
        "diff": selectors.revision_diff(report, full_ids=full_ids),
        "children": selectors.children_status(
            user=user, agency=report.agency, month=report.month, campaign=report.campaign
        ),
        # The month can be filed once it has ended; until then the page says when.
        "filing_opens": deadlines.filing_opens(report.month),
        "filing_open": deadlines.is_filing_open(report.month, timezone.localdate()),
    }


@login_required
def report_detail(request, pk: int):
    """Show a report (附件1 rows or a summary's content, frozen or a live preview), its
    revisions and what the user may do with it now."""
    return _report_page(request, _report(request, pk))


def _report_page(request, report: Report, *, summary_form=None) -> HttpResponse:
    """Render a report's page; ``summary_form`` is a summary's narrative sent back with errors."""
    user = request.user
    context = _chain_context(report, user)
    if report.kind == Report.Kind.ANNEX1:
        context.update(_annex1_context(report, user))
        context["may_prepare"] = context["may_prepare"] and context["filing_open"]
    else:
        context.update(summary_page_context(report, user, form=summary_form))
    if context["may_prepare"] or context["may_sign"]:
        context["needs_profile"] = signature_of(user) is None
    context["confirm"] = confirmations(report, context)
    return render(request, kind_of(report).template, context)


def _changes_text(diff: dict | None) -> str:
    if not diff:
        return ""
    changes = [
        _("新增%(n)d行") % {"n": len(diff["added"])} if diff["added"] else "",
        _("删除%(n)d行") % {"n": len(diff["removed"])} if diff["removed"] else "",
        _("修改%(n)d行") % {"n": len(diff["changed"])} if diff["changed"] else "",
    ]
    names = [r["name"] for r in (diff["added"] + diff["removed"])[:3]]
    text = "、".join(c for c in changes if c) or _("内容无变化")
    detail = _("（%(names)s等）") % {"names": "、".join(names)} if names else ""
    return _("与第%(n)d版相比：%(text)s%(detail)s。") % {
        "n": diff["from"],
        "text": text,
        "detail": detail,
    }


def confirmations(report: Report, context: dict) -> dict:
    """Return what each irreversible step's dialog says: which form, month, agency, how many
    rows, and the first differences from the previous revision."""
    what = _("%(agency)s %(month)s的%(kind)s") % {
        "agency": report.agency.name,
        "month": month_label(report.month) if report.month else "",
        "kind": report.get_kind_display(),
    }
    rows = context.get("rows")
    count = _("共%(n)d行") % {"n": len(rows)} if rows is not None else ""
    if rows is not None and not rows and report.kind == Report.Kind.ANNEX1:
        count = _("本月无查处情况（零报告）")
    revision = report.current_revision
    number = _("第%(n)d版") % {"n": revision.number} if revision else ""
    changes = _changes_text(context.get("diff"))
    return {
        "prepare": _("将填报%(what)s：%(count)s。提交后内容冻结，由负责人签发报送。")
        % {"what": what, "count": count},
        "sign": _("将签发并报送%(what)s%(number)s（%(count)s）。报送后由上级审核，不能再撤回。")
        % {"what": what, "number": number, "count": count},
        "approve": _("将审核通过%(what)s%(number)s（%(count)s）。%(changes)s通过后计入上级汇总。")
        % {"what": what, "number": number, "count": count, "changes": changes},
        "return": _("将退回%(what)s%(number)s，退回理由会通知填报单位。")
        % {"what": what, "number": number},
    }


def _act(request, pk: int, action) -> HttpResponse:
    """Run an action on a report and go back (a refusal is shown there: core.middleware)."""
    report = _report(request, pk)
    request.back_url = safe_next_url(request, default=report.get_absolute_url())
    action(report)
    return redirect(request.back_url)


@login_required
@require_POST
def report_submit(request, pk: int):
    """Prepare the report; a reviewer of the agency signs it and sends it up in the same step."""

    def submit(report):
        report = services.report_submit(report=report, submitted_by=request.user)
        if report.status == Report.Status.PREPARED:
            messages.success(request, _("已填报，待本机构负责人签发后报送上级机构。"))
        else:
            messages.success(request, _("已签发并报送上级机构。"))

    return _act(request, pk, submit)


@login_required
@require_POST
def report_sign(request, pk: int):
    """Sign a prepared report off as the agency's 负责人 and send it up."""

    def sign(report):
        services.report_sign(report=report, signed_by=request.user)
        messages.success(request, _("已签发并报送上级机构。"))

    return _act(request, pk, sign)


@login_required
@require_POST
def report_withdraw(request, pk: int):
    """Take a prepared, unsigned report back with a reason."""

    def withdraw(report):
        services.report_withdraw(
            report=report, withdrawn_by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已撤回，可修改后重新填报。"))

    return _act(request, pk, withdraw)


@login_required
@require_POST
def report_approve(request, pk: int):
    """Approve a submitted report of an agency below."""

    def approve(report):
        services.report_approve(report=report, approved_by=request.user)
        messages.success(request, _("已审核通过：%(report)s") % {"report": report})

    return _act(request, pk, approve)


@login_required
@require_POST
def report_return(request, pk: int):
    """Return a submitted report with a reason."""

    def return_(report):
        services.report_return(
            report=report, returned_by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已退回：%(report)s") % {"report": report})

    return _act(request, pk, return_)


@login_required
def report_document(request, pk: int):
    """Download the report's document: the 附件1 workbook, or the summary as Word."""
    report = _report(request, pk)
    full_ids = permissions.user_can_unmask_report(user=request.user, report=report)
    content, filename = selectors.report_document(report, full_ids=full_ids)
    return attachment(content, filename, kind_of(report).media_type)


@login_required
def consolidation_index(request):
    """住建厅: the five departments and the month's consolidation; ministry: reported months."""
    is_consolidator = permissions.is_consolidator(request.user)
    consolidations = selectors.consolidation_list(user=request.user)
    if not is_consolidator:
        if not permissions.is_ministry(request.user) and not consolidations.exists():
            raise Http404
        return render(request, "reports/consolidations.html", {"consolidations": consolidations})
    nav = month_nav(request)
    month = nav.month
    departments = selectors.province_status(user=request.user, month=month, campaign=nav.campaign)
    current = consolidations.filter(campaign=nav.campaign, month=month).first()
    return render(
        request,
        "reports/consolidation.html",
        {
            "nav": nav,
            "month": month,
            "departments": departments,
            "total_rows": sum(
                d.report.current_revision.row_count
                for d in departments
                if d.report and d.report.current_revision
            ),
            "all_approved": all(
                d.report and d.report.status == Report.Status.APPROVED for d in departments
            ),
            "not_approved": [
                d.agency.department.short_name
                for d in departments
                if not (d.report and d.report.status == Report.Status.APPROVED)
            ],
            "consolidation": current,
            "consolidations": consolidations,
            "chart": selectors.consolidation_chart(user=request.user, campaign=nav.campaign),
            "due": month
            and deadlines.due_date(
                deadlines.CONSOLIDATION, month, deadlines.deadline_rules(nav.campaign)
            ),
        },
    )


@login_required
@require_POST
def consolidation_create(request):
    """Consolidate the month's five approved provincial reports."""
    campaign = campaign_chosen(request.POST.get("campaign"))
    month = parse_month(request.POST.get("month"))
    request.back_url = _consolidations_url(campaign, month)
    services.consolidation_create(month=month, campaign=campaign, created_by=request.user)
    messages.success(request, _("已生成全省汇总。"))
    return redirect(request.back_url)


@login_required
@require_POST
def consolidation_report(request, pk: int):
    """Report the consolidation to the ministry (上报)."""
    consolidation = get_object_or_404(selectors.consolidation_list(user=request.user), pk=pk)
    if consolidation.phase_id:
        request.back_url = summaries_url(consolidation.phase)
    else:
        request.back_url = _consolidations_url(consolidation.campaign, consolidation.month)
    services.consolidation_report(consolidation=consolidation, reported_by=request.user)
    messages.success(request, _("已上报住房城乡建设部。"))
    return redirect(request.back_url)


@login_required
def consolidation_document(request, pk: int):
    """Download the consolidation: the province's 附件1 workbook, or its summary as Word."""
    consolidation = get_object_or_404(
        Consolidation.objects.restrict(request.user).select_related(
            "campaign", "phase", "agency", "created_by", "reported_by"
        ),
        pk=pk,
    )
    if consolidation.kind == Report.Kind.ANNEX1:
        rows = annex1.consolidation_row_count(consolidation)
        if rows > exports.SYNC_LIMIT:  # seconds to write: a job with progress, then a download
            job = job_start(
                kind=CONSOLIDATION_WORKBOOK,
                owner=request.user,
                params={"consolidation": consolidation.pk},
            )
            messages.info(
                request, _("汇总表共 %(n)d 行，正在后台生成，完成后可在本页下载。") % {"n": rows}
            )
            return redirect(job.get_absolute_url())
    full_ids = permissions.user_can_unmask_consolidation(
        user=request.user, consolidation=consolidation
    )
    kind = kind_of(consolidation)
    return attachment(
        kind.consolidation_document(consolidation, full_ids=full_ids),
        kind.consolidation_filename(consolidation),
        kind.media_type,
    )


@login_required
@require_POST
def summary_save(request, pk: int):
    """Save the narrative of an open summary; every mistake comes back on the form at once."""
    report = get_object_or_404(
        selectors.report_list(user=request.user), pk=pk, kind=Report.Kind.SUMMARY
    )
    request.back_url = report.get_absolute_url()
    form = SummaryForm(request.POST)
    saved = form.is_valid() and run_service(
        lambda: services.summary_draft_save(report=report, actor=request.user, **form.cleaned_data),
        show_on_form(form),
    )
    if not saved:
        return _report_page(request, report, summary_form=form)
    messages.success(request, _("已保存工作总结草稿。"))
    return redirect(report.get_absolute_url())
