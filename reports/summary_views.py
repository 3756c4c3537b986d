"""Pages of the phase summaries (工作总结): the index per campaign and phase, the writing of one,
its files, and 住建厅's consolidation. A summary's own page is ``reports.views.report_detail``
(the chain's actions are the same as 附件1's)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions
from agencies.models import Agency
from campaigns.models import Campaign, Phase
from campaigns.selectors import campaign_chosen
from core.forms import CarrierFormMixin
from core.http import stored_file_response
from reports import selectors, services
from reports.kinds import KINDS
from reports.models import REPORTING, Report, SummaryDraft
from reports.summary import NARRATIVE, content_of

SUMMARY = Report.Kind.SUMMARY


def summaries_url(phase: Phase) -> str:
    return reverse("reports:summaries") + f"?campaign={phase.campaign.code}&phase={phase.kind}"


class SummaryForm(CarrierFormMixin, forms.Form):
    """The narrative of a summary (the counts are computed, never typed)."""

    work_done = forms.CharField(
        label=gettext_lazy("一、工作开展情况"), widget=forms.Textarea(attrs={"rows": 8})
    )
    problems = forms.CharField(
        label=gettext_lazy("二、存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_steps = forms.CharField(
        label=gettext_lazy("三、下一步工作"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SummaryFileForm(CarrierFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("附件"))
    description = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)


def summary_page_context(report: Report, user, *, form=None) -> dict:
    """Return what a summary's page shows besides the chain: the content and its editing
    (``form``: the narrative as sent, with its errors)."""
    content, frozen = content_of(report)
    draft = SummaryDraft.objects.filter(report=report).first()
    may_edit = report.is_open and permissions.user_can_prepare_report(user=user, report=report)
    return {
        "content": content,
        "frozen": frozen,
        "narrative": [(title, content[key]) for key, title in NARRATIVE],
        "may_edit": may_edit,
        "form": (
            form or SummaryForm(initial={key: getattr(draft, key, "") for key, _title in NARRATIVE})
        )
        if may_edit
        else None,
        "file_form": SummaryFileForm() if may_edit else None,
        "children": selectors.summary_children(user=user, agency=report.agency, phase=report.phase)
        if report.agency.level == "province"
        else [],
    }


def _phase_of(campaign, value) -> tuple[Phase | None, list[Phase]]:
    phases = list(campaign.phases.prefetch_related("extensions").order_by("starts_on", "kind"))
    chosen = next((p for p in phases if p.kind == value), None)
    return chosen or (phases[0] if phases else None), phases


def _own(user, phase) -> list[tuple[Agency, Report | None]]:
    """Return the user's agencies that file the summary, each with its report (or None)."""
    levels = KINDS[SUMMARY].levels
    agencies = [
        a
        for a in permissions.agencies_where(user, permissions.WRITE_ROLES)
        if a.department.kind == REPORTING and a.level in levels
    ]
    reports = {
        r.agency_id: r
        for r in Report.objects.filter(kind=SUMMARY, phase=phase, agency__in=agencies)
    }
    return [(a, reports.get(a.pk)) for a in agencies]


@login_required
@require_GET
def summary_index(request):
    """The phase summaries of a campaign: the user's own, those below to review, the province."""
    campaign = campaign_chosen(request.GET.get("campaign"))
    phase, phases = _phase_of(campaign, request.GET.get("phase"))
    context = {
        "campaign": campaign,
        "campaigns": list(Campaign.objects.order_by("-starts_on", "code")),
        "phase": phase,
        "phases": phases,
    }
    if phase is not None:
        reviewed = [
            (agency, selectors.summary_children(user=request.user, agency=agency, phase=phase))
            for agency in selectors.reviewable_agencies(user=request.user)
            if agency.level == "province"
        ]
        consolidator = permissions.is_consolidator(request.user)
        consolidations = selectors.consolidation_list(
            user=request.user, campaign=campaign, kind=SUMMARY
        ).filter(phase=phase)
        context.update(
            own=_own(request.user, phase),
            reviewed=[(a, children) for a, children in reviewed if children],
            is_consolidator=consolidator,
            province=selectors.summary_province_status(user=request.user, phase=phase)
            if consolidator
            else None,
            consolidation=consolidations.first(),
        )
    return render(request, "reports/summaries.html", context)


def _phase_from_post(request) -> Phase:
    value = request.POST.get("phase", "")
    if not value.isdigit():
        raise Http404
    return get_object_or_404(Phase.objects.select_related("campaign"), pk=value)


@login_required
@require_POST
def summary_open(request):
    """Open (or find) the summary of one of the user's agencies for a phase."""
    phase = _phase_from_post(request)
    agency_id = request.POST.get("agency", "")
    if not agency_id.isdigit():
        raise Http404
    agency = get_object_or_404(Agency.objects.restrict(request.user, "change"), pk=agency_id)
    request.back_url = reverse("reports:summaries")
    report = services.summary_get_or_create(agency=agency, phase=phase, user=request.user)
    return redirect(report.get_absolute_url())


def _summary(request, pk: int) -> Report:
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk, kind=SUMMARY)
    request.back_url = report.get_absolute_url()
    return report


@login_required
@require_POST
def summary_attach(request, pk: int):
    """Attach a file to an open summary."""
    report = _summary(request, pk)
    form = SummaryFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect(report.get_absolute_url())
    services.summary_add_file(
        report=report,
        actor=request.user,
        uploaded_file=form.cleaned_data["file"],
        description=form.cleaned_data.get("description", ""),
    )
    messages.success(request, _("附件已上传。"))
    return redirect(report.get_absolute_url())


@login_required
@require_GET
def summary_file(request, pk: int):
    """Stream a summary's file, only if the user may see the summary."""
    attachment = selectors.summary_file_get(user=request.user, pk=pk)
    return stored_file_response(attachment)


@login_required
@require_POST
def summary_consolidate(request):
    """住建厅 consolidates the five departments' approved provincial summaries of a phase."""
    phase = _phase_from_post(request)
    request.back_url = summaries_url(phase)
    services.consolidation_create(phase=phase, created_by=request.user)
    messages.success(request, _("已生成全省工作总结。"))
    return redirect(request.back_url)
