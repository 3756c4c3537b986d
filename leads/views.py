"""Pages of the lead register (thin: selectors read, services write).

A lead that is a complaint is shown on its complaint's page, which adds the complainant and the
reply to the same panels; the lead's actions send the user back there.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions
from agencies.querysets import CHANGE
from cases.forms import CaseForm, EvidenceForm, PersonFormSet, ReasonForm, apply_case_error
from cases.models import CertificateType
from cases.selectors import case_list
from core.forms import run_service, show_on_form
from core.http import stored_file_response
from core.paginator import IdFirstPaginator
from core.paging import PAGE_SIZES, page_links, page_size
from jobs.views import export_list
from leads import selectors, services
from leads.forms import (
    AssignForm,
    CloseForm,
    LeadFilterForm,
    LeadForm,
    LeadPersonFormSet,
    LeadUnitFormSet,
    apply_lead_error,
    case_initial,
)
from leads.models import Lead

PAGE_SIZE = 50


def writable_agencies(user) -> list:
    return permissions.agencies_where(user, permissions.WRITE_ROLES)


def lead_page_url(lead: Lead) -> str:
    """Return the page that shows ``lead``: its complaint's, when it is one."""
    complaint = getattr(lead, "complaint", None)  # the reverse one-to-one; no complaints import
    return complaint.get_absolute_url() if complaint is not None else lead.get_absolute_url()


def specialties():
    return (
        CertificateType.objects.filter(is_active=True)
        .exclude(specialty="")
        .order_by("specialty")
        .values_list("specialty", flat=True)
        .distinct()
    )


# --------------------------------------------------------------------------- list


def list_rows(user, leads) -> list[dict]:
    """Return one row per lead: full ID numbers only where the user may unmask them."""
    today = timezone.localdate()
    return [
        {
            "lead": lead,
            "full_id": permissions.user_can_unmask_lead(user=user, lead=lead),
            "overdue": lead.is_open and lead.deadline < today,
        }
        for lead in leads
    ]


@login_required
def lead_list(request):
    """List the leads the user may see (or, under 待我处理, those waiting for them)."""
    mine = request.GET.get("tab") == "mine"
    user = request.user
    base = selectors.leads_in_triage(user=user) if mine else selectors.lead_list_rows(user=user)
    form = LeadFilterForm(request.GET or None, user=user)
    queryset = form.apply(base)
    if form.value("q"):
        queryset = selectors.lead_search(queryset, user=user, q=form.value("q"))
    page = IdFirstPaginator(queryset, page_size(request, PAGE_SIZE)).get_page(
        request.GET.get("page")
    )
    selectors.with_list_persons(page.object_list)
    return render(
        request,
        "leads/list.html",
        {
            "form": form,
            "page": page,
            "page_links": page_links(page),
            "page_sizes": PAGE_SIZES,
            "rows": list_rows(user, page.object_list),
            "mine": mine,
            "can_create": bool(writable_agencies(user)),
        },
    )


# --------------------------------------------------------------------------- register


def intake_formsets(request):
    """Return the persons and units formsets of an intake page (bound on POST)."""
    data = request.POST if request.method == "POST" else None
    return (
        LeadPersonFormSet(data, prefix="persons"),
        LeadUnitFormSet(data, prefix="units"),
    )


@login_required
def lead_create(request):
    """Register a lead received by the user's agency with the persons and units it names."""
    agencies = writable_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = LeadForm(request.POST or None, agencies=agencies)
    persons, units = intake_formsets(request)
    if request.method == "POST" and all(f.is_valid() for f in (form, persons, units)):
        lead = run_service(
            lambda: services.lead_register(
                actor=request.user,
                agency=form.chosen_agency,
                persons=persons.payload(),
                units=units.payload(),
                **form.payload(),
            ),
            lambda exc: apply_lead_error(exc, form, persons, units),
        )
        if lead is not None:
            messages.success(
                request,
                _("已登记线索 %(ref)s（%(state)s）。")
                % {"ref": lead.reference, "state": lead.get_state_display()},
            )
            return redirect(lead.get_absolute_url())
    return render(
        request,
        "leads/form.html",
        {"form": form, "persons": persons, "units": units, "specialties": specialties()},
    )


# --------------------------------------------------------------------------- detail


def lead_actions(user, lead: Lead) -> dict:
    """Return which steps to offer; the services still guard every one of them."""
    can = permissions.user_can_handle_lead(user=user, lead=lead)
    state = lead.state
    closable = can and state in services.CLOSABLE_STATES
    return {
        "accept": can and state in (Lead.State.TRIAGE, Lead.State.PENDING),
        "reject": can and state == Lead.State.PENDING,
        "assign": can and state == Lead.State.TRIAGE,
        "close": closable,
        "open_case": closable,
        "attach": can and state != Lead.State.CLOSED,
        "any": can and state != Lead.State.CLOSED,
    }


def lead_panels(request, lead: Lead) -> dict:
    """Return what the lead's panels show (shared by the lead and the complaint page)."""
    user = request.user
    return {
        "lead": lead,
        "persons": list(lead.persons.all()),
        "units": list(lead.units.all()),
        "attachments": list(lead.attachments.all()),
        "full_id": permissions.user_can_unmask_lead(user=user, lead=lead),
        "history": selectors.lead_history(lead=lead),
        "related": selectors.lead_related(lead=lead, user=user),
        "declarations": selectors.lead_declarations(lead=lead, user=user),
        "actions": lead_actions(user, lead),
        "overdue": lead.is_open and lead.deadline < timezone.localdate(),
        "reason_form": ReasonForm(label=_("退回理由"), prefix="reject"),
        "assign_form": AssignForm(lead=lead, prefix="assign"),
        "close_form": CloseForm(prefix="close"),
        "evidence_form": EvidenceForm(),
    }


@login_required
def lead_detail(request, pk):
    """Show one lead: facts, persons, units, files, related cases, history and the steps."""
    lead = selectors.lead_get(user=request.user, pk=pk)
    if getattr(lead, "complaint", None) is not None:
        return redirect(lead.complaint.get_absolute_url())
    return render(request, "leads/detail.html", lead_panels(request, lead))


# --------------------------------------------------------------------------- steps


def _action_page(request, lead, form, *, title, submit, warning):
    return render(
        request,
        "leads/action_form.html",
        {
            "lead": lead,
            "back_url": lead_page_url(lead),
            "form": form,
            "title": title,
            "submit": submit,
            "warning": warning,
        },
    )


def _changeable(request, pk) -> Lead:
    lead = selectors.lead_get(user=request.user, pk=pk, action=CHANGE)
    request.back_url = lead_page_url(lead)
    return lead


@login_required
@require_POST
def lead_accept(request, pk):
    """Take a lead routed or waiting here: this agency verifies it from now on."""
    lead = _changeable(request, pk)
    services.lead_accept(actor=request.user, lead=lead)
    messages.success(request, _("已接收线索，请开始核查。"))
    return redirect(lead_page_url(lead))


@login_required
def lead_reject(request, pk):
    """Send a lead routed here back to where it came from, with the reason."""
    lead = _changeable(request, pk)
    form = ReasonForm(request.POST or None, label=_("退回理由"), prefix="reject")
    if request.method == "POST" and form.is_valid():
        done = run_service(
            lambda: services.lead_reject(
                actor=request.user, lead=lead, reason=form.cleaned_data["reason"]
            ),
            show_on_form(form),
        )
        if done is not None:
            messages.success(request, _("已退回线索至 %(to)s。") % {"to": done.agency})
            return redirect("leads:list")
    return _action_page(
        request,
        lead,
        form,
        title=_("退回线索"),
        submit=_("确认退回"),
        warning=_("退回后线索回到分办机构；第二次退回将提级至上级机构。"),
    )


@login_required
def lead_assign(request, pk):
    """Route a lead waiting in triage to the agency that should verify it."""
    lead = _changeable(request, pk)
    form = AssignForm(request.POST or None, lead=lead, prefix="assign")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            lambda: services.lead_assign(
                actor=request.user, lead=lead, to_agency=data["agency"], reason=data["reason"]
            ),
            show_on_form(form),
        )
        if done is not None:
            messages.success(request, _("已分办线索至 %(to)s。") % {"to": done.agency})
            return redirect("leads:list")
    return _action_page(
        request,
        lead,
        form,
        title=_("分办线索"),
        submit=_("确认分办"),
        warning=_("分办后线索交由所选机构接收并核查，本机构不再办理。"),
    )


@login_required
def lead_close(request, pk):
    """Close a lead with its outcome (joined to a case, a duplicate, unsubstantiated …)."""
    lead = _changeable(request, pk)
    form = CloseForm(request.POST or None, prefix="close")
    if request.method == "POST" and form.is_valid():
        payload = form.payload(
            cases=case_list(user=request.user), leads=selectors.lead_list(user=request.user)
        )
        done = run_service(
            lambda: services.lead_close(actor=request.user, lead=lead, **payload),
            show_on_form(form),
        )
        if done is not None:
            messages.success(request, _("线索已办结：%(o)s。") % {"o": done.get_outcome_display()})
            return redirect(lead_page_url(lead))
    return _action_page(
        request,
        lead,
        form,
        title=_("办结线索"),
        submit=_("确认办结"),
        warning=_("办结后线索不能再修改或上传材料。"),
    )


@login_required
def lead_open_case(request, pk):
    """Open a case from a lead through the case form, prefilled from the lead."""
    lead = _changeable(request, pk)
    initial, persons_initial = case_initial(services.case_payload(lead))
    if request.method == "POST":
        form = CaseForm(request.POST, agencies=[lead.agency])
        formset = PersonFormSet(request.POST, prefix="persons")
        if form.is_valid() and formset.is_valid():
            fields = {**form.payload(), "persons": formset.payload()}
            done = run_service(
                lambda: services.lead_open_case(actor=request.user, lead=lead, **fields),
                lambda exc: apply_case_error(exc, form, formset),
            )
            if done is not None:
                messages.success(
                    request,
                    _("已由线索 %(lead)s 立案 %(case)s。")
                    % {"lead": done.reference, "case": done.case.reference},
                )
                return redirect(done.case.get_absolute_url())
    else:
        form = CaseForm(initial=initial, agencies=[lead.agency])
        formset = PersonFormSet(initial=persons_initial, prefix="persons")
    return render(
        request,
        "leads/open_case.html",
        {
            "lead": lead,
            "back_url": lead_page_url(lead),
            "form": form,
            "formset": formset,
            "specialties": specialties(),
        },
    )


# --------------------------------------------------------------------------- files


@login_required
@require_POST
def attachment_add(request, pk):
    """Attach a file gathered while verifying the lead."""
    lead = _changeable(request, pk)
    request.back_url = lead_page_url(lead) + "#attachments"
    form = EvidenceForm(request.POST, request.FILES)
    form.is_valid()
    services.lead_add_file(
        actor=request.user,
        lead=lead,
        uploaded_file=form.cleaned_data.get("file"),
        description=form.cleaned_data.get("description", ""),
    )
    messages.success(request, _("材料已上传。"))
    return redirect(request.back_url)


@login_required
@require_GET
def attachment_download(request, pk):
    """Stream a lead's file, only if the user may see the lead."""
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return stored_file_response(attachment)


@login_required
@require_POST
def lead_export(request):
    """Export the filtered list to Excel (a background job with progress when large)."""
    from leads.job_kinds import EXPORT

    return export_list(request, EXPORT)
