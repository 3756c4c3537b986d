"""Pages of the monthly report: reviewers' index, a report, 住建厅 and ministry consolidations."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency
from agencies.selectors import agencies_for_role, user_is_consolidator, user_is_ministry
from config.errors import DomainError
from reports import deadlines, selectors, services
from reports.models import REPORTING_DEPARTMENTS, Consolidation, Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month_from(request) -> datetime.date:
    value = request.GET.get("month") or request.POST.get("month")
    if value:
        try:
            return services.parse_month(value)
        except DomainError:
            pass
    return deadlines.previous_month(timezone.localdate())


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


@login_required
def report_index(request):
    """List the month's reports: the user's own and those of the agencies below (for reviewers)."""
    if user_is_ministry(request.user) and not agencies_for_role(
        user=request.user, roles={"clerk", "reviewer", "inspector"}
    ):
        return redirect("reports:consolidations")
    month = _month_from(request)
    own_agencies = [
        a
        for a in agencies_for_role(user=request.user, roles={"clerk", "reviewer"})
        if a.department.code in REPORTING_DEPARTMENTS
    ]
    own_reports = {r.agency_id: r for r in selectors.report_list(user=request.user, month=month)}
    own = [(a, own_reports.get(a.pk)) for a in own_agencies]
    reviewed = []
    for agency in selectors.reviewable_agencies(user=request.user):
        children = selectors.children_status(user=request.user, agency=agency, month=month)
        if children:
            reviewed.append((agency, children))
    if user_is_consolidator(request.user):
        reviewed.insert(
            0,
            (
                _("各部门省级月报（由住房城乡建设厅审核）"),
                selectors.province_status(user=request.user, month=month),
            ),
        )
    months = [month]
    for _i in range(11):
        months.append(deadlines.previous_month(months[-1]))
    return render(
        request,
        "reports/index.html",
        {
            "month": month,
            "months": months,
            "own": own,
            "reviewed": reviewed,
            "is_consolidator": user_is_consolidator(request.user),
            "is_ministry": user_is_ministry(request.user),
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
    try:
        report = services.report_get_or_create(
            agency=agency, month=_month_from(request), user=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:list")
    return redirect("reports:detail", report.pk)


def _report(request, pk: int) -> Report:
    return get_object_or_404(selectors.report_list(user=request.user).prefetch_related(None), pk=pk)


@login_required
def report_detail(request, pk: int):
    """Show a report's rows (frozen or a live preview), its revisions and the diff."""
    report = _report(request, pk)
    full_ids = selectors.user_sees_full_ids(user=request.user, target=report)
    rows, frozen = selectors.report_rows(report, full_ids=full_ids)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "rows": rows,
            "frozen": frozen,
            "revisions": report.revisions.select_related("reviewed_by").order_by("-number"),
            "diff": selectors.revision_diff(report, full_ids=full_ids),
            "children": selectors.children_status(
                user=request.user, agency=report.agency, month=report.month
            ),
            "may_submit": report.is_open and services.user_may_submit(request.user, report),
            "month_running": report.month >= timezone.localdate().replace(day=1),
            "may_review": report.status == Report.Status.SUBMITTED
            and services.user_may_review(request.user, report),
            "due": deadlines.due_date(report.agency.level, report.month),
        },
    )


def _next_url(request, pk: int) -> str:
    """Return the POSTed ``next`` when it stays on this site, else the report's page."""
    target = request.POST.get("next", "")
    # An unchecked ``next`` would let a crafted form send a reviewer to a phishing site.
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("reports:detail", args=[pk])


def _act(request, pk: int, action) -> HttpResponse:
    report = _report(request, pk)
    try:
        action(report)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_next_url(request, pk))


@login_required
@require_POST
def report_submit(request, pk: int):
    """Submit the report to the parent agency."""

    def submit(report):
        services.report_submit(report=report, submitted_by=request.user)
        messages.success(request, _("已报送。"))

    return _act(request, pk, submit)


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
def report_xlsx(request, pk: int):
    """Download the report's 附件1 workbook."""
    report = _report(request, pk)
    full_ids = selectors.user_sees_full_ids(user=request.user, target=report)
    return _xlsx(
        selectors.report_annex1_xlsx(report, full_ids=full_ids),
        selectors.report_filename(report),
    )


@login_required
def consolidation_index(request):
    """住建厅: the five departments and the month's consolidation; ministry: reported months."""
    is_consolidator = user_is_consolidator(request.user)
    consolidations = selectors.consolidation_list(user=request.user)
    if not is_consolidator:
        if not user_is_ministry(request.user) and not consolidations.exists():
            raise Http404
        return render(request, "reports/consolidations.html", {"consolidations": consolidations})
    month = _month_from(request)
    departments = selectors.province_status(user=request.user, month=month)
    current = consolidations.filter(month=month).first()
    return render(
        request,
        "reports/consolidation.html",
        {
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
            "consolidation": current,
            "consolidations": consolidations,
            "chart": selectors.consolidation_chart(user=request.user),
        },
    )


@login_required
@require_POST
def consolidation_create(request):
    """Consolidate the month's five approved provincial reports."""
    month = _month_from(request)
    try:
        services.consolidation_create(month=month, created_by=request.user)
        messages.success(request, _("已生成全省汇总。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("reports:consolidations") + f"?month={month:%Y-%m}")


@login_required
@require_POST
def consolidation_report(request, pk: int):
    """Report the consolidation to the ministry (上报)."""
    consolidation = get_object_or_404(selectors.consolidation_list(user=request.user), pk=pk)
    try:
        services.consolidation_report(consolidation=consolidation, reported_by=request.user)
        messages.success(request, _("已上报住房城乡建设部。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("reports:consolidations") + f"?month={consolidation.month:%Y-%m}")


@login_required
def consolidation_xlsx(request, pk: int):
    """Download the consolidation workbook."""
    consolidation = get_object_or_404(
        Consolidation.objects.restrict(request.user).select_related(
            "agency", "created_by", "reported_by"
        ),
        pk=pk,
    )
    return _xlsx(
        selectors.consolidation_annex1_xlsx(
            consolidation,
            full_ids=selectors.user_sees_full_ids(user=request.user, target=consolidation),
        ),
        selectors.consolidation_filename(consolidation),
    )
