"""Browser pages for the case register: list, case page, forms, transitions, evidence, import.

Views only collect input and show results: reads go through ``cases.selectors`` (which apply the
visibility rule, so another agency's case answers 404) and writes through ``cases.services``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions
from agencies.models import Region
from agencies.querysets import READ_ROLES, agency_ids_within
from cases import imports, job_kinds, selectors, services
from cases.filters import CaseFilterSet
from cases.forms import (
    CaseForm,
    DecisionForm,
    EvidenceForm,
    ImportUploadForm,
    JoinForm,
    PersonForm,
    PersonFormSet,
    ReasonForm,
    TransferForm,
    apply_case_error,
)
from cases.models import Case, CertificateType
from core.forms import run_service, show_on_form
from core.http import stored_file_response, xlsx_response
from core.paginator import IdFirstPaginator
from core.paging import PAGE_SIZES, page_links, page_size
from jobs import imports as job_imports
from jobs.views import export_list

PAGE_SIZE = 50
# Column headers that sort the list: (ordering value of CaseFilterSet, header).
SORTABLE = [
    ("reference", gettext_lazy("案件编号")),
    ("opened_on", gettext_lazy("立案日期")),
    ("status", gettext_lazy("状态")),
    ("decided_on", gettext_lazy("决定日期")),
]
STATUS_BADGES = {
    Case.Status.REGISTERED: "secondary",
    Case.Status.INVESTIGATING: "info text-dark",
    Case.Status.DECIDED: "warning text-dark",
    Case.Status.CLOSED: "success",
}


def _writable_agencies(user) -> list:
    return permissions.agencies_where(user, permissions.WRITE_ROLES)


@login_required
def case_list(request):
    """List the cases the user may see, filtered, sorted and 50 to a page."""
    queryset = selectors.case_list_rows(user=request.user)
    filterset = CaseFilterSet(request.GET or None, queryset=queryset, request=request)
    _style_filter_form(filterset.form, request.user)
    size = page_size(request, PAGE_SIZE)
    page = IdFirstPaginator(filterset.qs, size).get_page(request.GET.get("page"))
    selectors.with_list_parties(page.object_list)
    current = request.GET.get("ordering", "")
    columns = [
        {
            "label": label,
            "ordering": f"-{key}" if current == key else key,
            "active": current.lstrip("-") == key,
            "descending": current == f"-{key}",
        }
        for key, label in SORTABLE
    ]
    return render(
        request,
        "cases/list.html",
        {
            "filterset": filterset,
            "page": page,
            "page_links": page_links(page),
            "page_sizes": PAGE_SIZES,
            "columns": columns,
            "badges": STATUS_BADGES,
            "can_create": bool(_writable_agencies(request.user)),
        },
    )


def _visible_regions(user) -> list[Region]:
    """Return the regions of the agencies whose cases ``user`` reads (below the province)."""
    regions = Region.objects.select_related("parent").exclude(level=Region.Level.PROVINCE)
    if not user.is_superuser:
        agencies = agency_ids_within(user, READ_ROLES)
        regions = regions.filter(agencies__id__in=agencies).distinct()
    return list(regions.order_by("code"))


def _style_filter_form(form, user) -> None:
    """Render the shared FilterSet's fields as Bootstrap controls: the regions the user reads
    (none for a single county: there is nothing to choose), a month input, 全部 for no choice."""
    regions = _visible_regions(user)
    if len(regions) > 1:
        form.fields["region"].widget = forms.Select(
            choices=[("", _("全部"))] + [(r.code, r.full_name) for r in regions]
        )
        form.fields["region"].label = _("区划")
    else:
        del form.fields["region"]
    for field in form.fields.values():
        if hasattr(field, "empty_label"):  # django-filter's choice fields
            field.empty_label = _("全部")
    if form.data.get("linked"):
        form.fields["linked"].widget = forms.HiddenInput()  # set by a case page's "另有 N 件"
    else:
        del form.fields["linked"]
    form.fields["decided_month"].widget = forms.TextInput(
        attrs={"type": "month", "placeholder": "2019-03"}
    )
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs["class"] = "form-select form-select-sm"
        else:
            field.widget.attrs["class"] = "form-control form-control-sm"


def _actions(user, case) -> dict:
    """Return which transitions to offer; the services still guard every one of them."""
    status, pending = case.status, bool(case.transfer_to_id)
    can_change = permissions.user_can_change_case(user=user, case=case)
    return {
        "edit": can_change and status != Case.Status.CLOSED and not pending,
        "investigate": can_change and status == Case.Status.REGISTERED and not pending,
        "decide": can_change
        and status in (Case.Status.REGISTERED, Case.Status.INVESTIGATING)
        and not pending,
        "close": can_change and status == Case.Status.DECIDED,
        # Only a reviewer may reopen (the decision is withdrawn).
        "reopen": permissions.user_can_reopen_case(user=user, case=case)
        and status in (Case.Status.DECIDED, Case.Status.CLOSED),
        "transfer": can_change
        and status not in (Case.Status.CLOSED, Case.Status.DECIDED)
        and not pending,
        "cancel_transfer": can_change and pending,
        "receive": permissions.user_can_receive_transfer(user=user, case=case),
        "join": can_change,
        "attach": can_change and status != Case.Status.CLOSED,
    }


@login_required
def case_detail(request, pk: int):
    """Show one case: parties, units, decision, timeline, evidence, history and actions."""
    case = selectors.case_get(user=request.user, pk=pk)
    timeline = selectors.case_timeline(case=case, user=request.user)
    history = [event for event in timeline if event["changes"]]
    related = selectors.case_links(case=case, user=request.user)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "parties": list(case.parties.all()),
            "full_id": permissions.user_can_unmask_case(user=request.user, case=case),
            "decision": getattr(case, "decision", None),
            "timeline": timeline,
            "history": history,
            "evidence": selectors.evidence_list(case=case),
            "duplicates": selectors.case_duplicate_hints(case=case, user=request.user),
            "related": related[: selectors.SHOWN_CASES],
            "related_more": len(related) - len(related[: selectors.SHOWN_CASES]),
            "actions": _actions(request.user, case),
            "badges": STATUS_BADGES,
            "reason_form": ReasonForm(),
            "transfer_form": TransferForm(agencies=selectors.transfer_targets(case=case)),
            "evidence_form": EvidenceForm(),
            "join_form": JoinForm(),
        },
    )


def _case_form_page(request, *, case=None):
    """Create (``case`` None) or edit a case with its persons; nothing is written on error."""
    if case is None:
        agencies = _writable_agencies(request.user)
        if not agencies:
            raise PermissionDenied
        form_kwargs = {"agencies": agencies}
        initial, persons_initial = {}, [{}]
    else:
        form_kwargs = {"agencies": [case.agency]}
        initial = CaseForm.initial_for(case)
        persons_initial = [PersonForm.initial_for(p) for p in case.parties.all()]
    if request.method == "POST":
        form = CaseForm(request.POST, **form_kwargs)
        formset = PersonFormSet(request.POST, prefix="persons")
        if form.is_valid() and formset.is_valid():
            saved = run_service(
                lambda: _case_save(request, case, form, formset),
                lambda exc: apply_case_error(exc, form, formset),
            )
            if saved is not None:
                return redirect("cases:detail", pk=saved.pk)
    else:
        form = CaseForm(initial=initial, **form_kwargs)
        formset = PersonFormSet(initial=persons_initial, prefix="persons")
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "formset": formset,
            "case": case,
            "specialties": CertificateType.objects.filter(is_active=True)
            .exclude(specialty="")
            .order_by("specialty")
            .values_list("specialty", flat=True)
            .distinct(),
        },
    )


def _case_save(request, case, form, formset) -> Case:
    if case is None:
        case = services.case_create(
            actor=request.user,
            agency=form.chosen_agency,
            persons=formset.payload(),
            **form.payload(),
        )
        messages.success(request, _("已登记案件 %(ref)s。") % {"ref": case.reference})
        return case
    services.case_update(actor=request.user, case=case, persons=formset.payload(), **form.payload())
    messages.success(request, _("案件已保存。"))
    return case


@login_required
def case_create(request):
    """Register a new case with its persons and units."""
    return _case_form_page(request)


@login_required
def case_edit(request, pk: int):
    """Edit a case's facts, persons and units."""
    case = selectors.case_get(user=request.user, pk=pk, action="change")
    return _case_form_page(request, case=case)


@login_required
def case_decide(request, pk: int):
    """Record the decision (处理决定) and its measures."""
    case = selectors.case_get(user=request.user, pk=pk, action="change")
    form = DecisionForm(
        request.POST or None,
        request.FILES or None,
        case=case,
        evidence=selectors.evidence_list(case=case),
    )
    if request.method == "POST" and form.is_valid():
        decided = run_service(
            lambda: services.case_decide(actor=request.user, case=case, **form.payload()),
            form.apply_error,
        )
        if decided is not None:
            messages.success(request, _("处理决定已保存。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/decide.html", {"case": case, "form": form})


def _small_form(request, case, form, *, title: str, submit: str, url: str, confirm: str = ""):
    """Render a transition's own form page; ``confirm`` is what the dialog asks before it posts."""
    return render(
        request,
        "cases/action_form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "submit": submit,
            "action_url": url,
            "confirm": confirm % {"ref": case.reference} if confirm else "",
        },
    )


def _reason_action(
    request, pk, *, service, title, submit, done, confirm, required=True, action="change"
):
    """Show a small reason form (GET) or perform a transition that takes a reason (POST)."""
    case = selectors.case_get(user=request.user, pk=pk, action=action)
    form = ReasonForm(request.POST or None, required=required)
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            lambda: service(actor=request.user, case=case, reason=form.cleaned_data["reason"]),
            show_on_form(form),
        )
        if changed is not None:
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    return _small_form(
        request, case, form, title=title, submit=submit, url=request.path, confirm=confirm
    )


@login_required
def case_close(request, pk: int):
    """Close a decided case."""
    return _reason_action(
        request,
        pk,
        service=services.case_close,
        title=_("结案"),
        submit=_("确认结案"),
        done=_("案件已结案。"),
        confirm=_("将对案件 %(ref)s 结案。结案后不能再修改，只有审核员可以重新办理。"),
        required=False,
    )


@login_required
def case_reopen(request, pk: int):
    """Reopen a case, with the reason recorded."""
    return _reason_action(
        request,
        pk,
        service=services.case_reopen,
        title=_("重新办理"),
        submit=_("确认重新办理"),
        done=_("案件已重新办理。"),
        confirm=_("将重新办理案件 %(ref)s：已作出的处理决定随即撤回，案件回到调查中。"),
    )


@login_required
def case_transfer_reject(request, pk: int):
    """Refuse a transfer to the user's agency, with the reason recorded."""
    return _reason_action(
        request,
        pk,
        service=services.case_transfer_reject,
        title=_("退回移交"),
        submit=_("确认退回"),
        done=_("已退回移交。"),
        confirm=_("将退回案件 %(ref)s 的移交，退回理由会通知对方。"),
        action="view",
    )


@login_required
def case_transfer(request, pk: int):
    """Hand a case over to another agency, which accepts or rejects it."""
    case = selectors.case_get(user=request.user, pk=pk, action="change")
    form = TransferForm(request.POST or None, agencies=selectors.transfer_targets(case=case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transferred = run_service(
            lambda: services.case_transfer(
                actor=request.user, case=case, to_agency=data["to_agency"], reason=data["reason"]
            ),
            show_on_form(form),
        )
        if transferred is not None:
            messages.success(request, _("已提出移交，等待对方接收。"))
            return redirect("cases:detail", pk=case.pk)
    return _small_form(
        request,
        case,
        form,
        title=_("移交案件"),
        submit=_("确认移交"),
        url=request.path,
        confirm=_("将把案件 %(ref)s 移交至{to_agency}；对方接收或退回之前，本案不能修改。"),
    )


@login_required
def case_transfer_cancel(request, pk: int):
    """Withdraw a pending transfer, with an optional reason recorded."""
    return _reason_action(
        request,
        pk,
        service=services.case_transfer_cancel,
        title=_("撤回移交"),
        submit=_("确认撤回"),
        done=_("已撤回移交。"),
        confirm=_("将撤回案件 %(ref)s 的移交，案件仍由本机构承办。"),
        required=False,
    )


def _post_action(request, pk, call, done, action="change"):
    """Perform a transition without input; a refusal comes back as a message on the case page."""
    case = selectors.case_get(user=request.user, pk=pk, action=action)
    request.back_url = case.get_absolute_url()
    call(case)
    messages.success(request, done)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_investigate(request, pk: int):
    """Start the investigation of a registered case."""
    return _post_action(
        request,
        pk,
        lambda case: services.case_start_investigation(actor=request.user, case=case),
        _("已开始调查。"),
    )


@login_required
@require_POST
def case_transfer_accept(request, pk: int):
    """Accept a case transferred to the user's agency."""
    return _post_action(
        request,
        pk,
        lambda case: services.case_transfer_accept(actor=request.user, case=case),
        _("已接收移交的案件。"),
        action="view",
    )


@login_required
@require_POST
def case_join(request, pk: int):
    """Link this case with another visible case by its reference."""
    case = selectors.case_get(user=request.user, pk=pk, action="change")
    request.back_url = case.get_absolute_url()
    form = JoinForm(request.POST)
    form.is_valid()
    reference = str(form.cleaned_data.get("other") or "").strip()
    other = selectors.case_list(user=request.user).filter(reference=reference).first()
    services.case_join(actor=request.user, case=case, other=other)
    messages.success(request, _("已关联案件 %(ref)s。") % {"ref": other.reference})
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    """Attach a file to a case."""
    case = selectors.case_get(user=request.user, pk=pk, action="change")
    request.back_url = reverse("cases:detail", args=[case.pk]) + "#evidence"
    form = EvidenceForm(request.POST, request.FILES)
    form.is_valid()
    services.evidence_add(
        actor=request.user,
        case=case,
        uploaded_file=form.cleaned_data.get("file"),
        description=form.cleaned_data.get("description", ""),
    )
    messages.success(request, _("证据材料已上传。"))
    return redirect(request.back_url)


@login_required
@require_GET
def evidence_download(request, pk: int):
    """Stream an evidence file, only if the user may see its case."""
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    return stored_file_response(evidence)


@login_required
@require_GET
def import_template(request):
    """Download the Excel import template."""
    return xlsx_response(imports.template_workbook(), "案件导入模板.xlsx")


@login_required
def import_cases(request):
    """Upload a workbook: its check runs as a job, whose page lists every error or the cases."""
    agencies = _writable_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        job = run_service(
            lambda: job_imports.import_check(
                job_kinds.CASES,
                actor=request.user,
                agency=form.chosen_agency,
                upload=form.cleaned_data.get("file"),
            ),
            show_on_form(form),
        )
        if job is not None:
            return redirect(job.get_absolute_url())
    return render(request, "cases/import.html", {"form": form})


@login_required
@require_POST
def case_export(request):
    """Export the filtered case list to Excel (a background job with progress when large)."""
    return export_list(request, job_kinds.EXPORT)
