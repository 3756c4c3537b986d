"""Pages of the complaint register (thin: selectors read, services write).

A complaint's page is its lead's page (the same panels and steps) plus the complainant, whom
only the handling agency sees, and the reply owed. No list shows who complained.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies import permissions
from agencies.querysets import CHANGE
from complaints import selectors, services
from complaints.forms import ComplaintFilterForm, ComplaintForm, ReplyForm, WaiveForm
from core.forms import run_service, show_on_form
from core.paginator import IdFirstPaginator
from core.paging import PAGE_SIZES, page_links, page_size
from jobs.views import export_list
from leads import selectors as lead_selectors
from leads.forms import apply_lead_error
from leads.views import intake_formsets, lead_panels, specialties, writable_agencies

PAGE_SIZE = 50


def _code_key(pk) -> str:
    return f"complaint-query-code-{pk}"


@login_required
def complaint_list(request):
    """List the complaints the user may see, with the reply owed; never who complained."""
    user = request.user
    form = ComplaintFilterForm(request.GET or None, user=user)
    queryset = form.apply_complaint(selectors.complaint_list_rows(user=user))
    if form.value("q"):
        leads = lead_selectors.lead_search(
            lead_selectors.lead_list(user=user), user=user, q=form.value("q")
        )
        queryset = queryset.filter(lead__in=leads.values("pk"))
    page = IdFirstPaginator(queryset, page_size(request, PAGE_SIZE)).get_page(
        request.GET.get("page")
    )
    lead_selectors.with_list_persons([complaint.lead for complaint in page.object_list])
    today = timezone.localdate()
    rows = [
        {
            "complaint": complaint,
            "lead": complaint.lead,
            "full_id": permissions.user_can_unmask_lead(user=user, lead=complaint.lead),
            "overdue": complaint.lead.is_open and complaint.lead.deadline < today,
            "reply_overdue": not complaint.reply_settled and complaint.reply_due < today,
        }
        for complaint in page.object_list
    ]
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page": page,
            "page_links": page_links(page),
            "page_sizes": PAGE_SIZES,
            "rows": rows,
            "can_create": bool(writable_agencies(user)),
        },
    )


@login_required
def complaint_create(request):
    """Take a complaint on the phone: one page, then its receipt and query code, once."""
    agencies = writable_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, agencies=agencies)
    persons, units = intake_formsets(request)
    if request.method == "POST" and all(f.is_valid() for f in (form, persons, units)):
        result = run_service(
            lambda: services.complaint_register(
                actor=request.user,
                agency=form.chosen_agency,
                persons=persons.payload(),
                units=units.payload(),
                **form.payload(),
            ),
            lambda exc: apply_lead_error(exc, form, persons, units),
        )
        if result is not None:
            complaint, code = result
            # Shown once on the complaint's page, for the caller still on the line.
            request.session[_code_key(complaint.pk)] = code
            return redirect(complaint.get_absolute_url())
    return render(
        request,
        "complaints/form.html",
        {"form": form, "persons": persons, "units": units, "specialties": specialties()},
    )


def _page_context(request, complaint, **forms) -> dict:
    lead = lead_selectors.lead_get(user=request.user, pk=complaint.pk)
    can_handle = permissions.user_can_handle_lead(user=request.user, lead=lead)
    return {
        **lead_panels(request, lead),
        "complaint": complaint,
        "see_complainant": permissions.user_can_see_complainant(
            user=request.user, complaint=complaint
        ),
        "can_reply": can_handle and lead.is_open,
        "reply_form": forms.get("reply_form") or ReplyForm(prefix="reply"),
        "waive_form": forms.get("waive_form") or WaiveForm(prefix="waive"),
        "reply_overdue": not complaint.reply_settled and complaint.reply_due < timezone.localdate(),
    }


@login_required
def complaint_detail(request, pk):
    """Show a complaint: the lead's panels, the complainant (handling agency only), the reply."""
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    context = _page_context(request, complaint)
    context["query_code"] = request.session.pop(_code_key(complaint.pk), None)
    return render(request, "complaints/detail.html", context)


def _settle(request, pk, *, form_class, prefix, call, done):
    """Record the reply or waive it; errors are shown on the complaint page, nothing written."""
    complaint = selectors.complaint_get(user=request.user, pk=pk, action=CHANGE)
    if request.method != "POST":
        return redirect(complaint.get_absolute_url())
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        result = run_service(lambda: call(complaint, form), show_on_form(form))
        if result is not None:
            messages.success(request, done)
            return redirect(complaint.get_absolute_url())
    context = _page_context(request, complaint, **{f"{prefix}_form": form})
    return render(request, "complaints/detail.html", context)


@login_required
def complaint_reply(request, pk):
    """Record the reply given to the complainant."""
    return _settle(
        request,
        pk,
        form_class=ReplyForm,
        prefix="reply",
        call=lambda complaint, form: services.complaint_reply(
            actor=request.user, complaint=complaint, **form.payload()
        ),
        done=_("已记录答复。"),
    )


@login_required
def complaint_waive(request, pk):
    """Record why no reply is owed."""
    return _settle(
        request,
        pk,
        form_class=WaiveForm,
        prefix="waive",
        call=lambda complaint, form: services.complaint_waive_reply(
            actor=request.user, complaint=complaint, reason=form.cleaned_data["reason"]
        ),
        done=_("已记录不予答复的理由。"),
    )


@login_required
@require_POST
def complaint_export(request):
    """Export the filtered list to Excel (a background job with progress when large)."""
    from complaints.job_kinds import EXPORT

    return export_list(request, EXPORT)
