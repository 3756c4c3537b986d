"""Pages of self-inspection declarations: list, register, page with files, Excel import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions
from campaigns.selectors import campaign_chosen, campaigns_all
from cases.forms import ImportUploadForm, apply_case_error
from cases.models import CertificateType
from core.forms import run_service, show_on_form
from core.http import stored_file_response, xlsx_response
from core.paginator import IdFirstPaginator
from declarations import job_kinds, selectors, services
from declarations.forms import (
    DECLARATION_PATHS,
    DECLARED_PATHS,
    AttachmentForm,
    DeclarationForm,
    DeclaredPersonFormSet,
)
from declarations.imports import template_workbook
from jobs import imports as job_imports


def _writable_agencies(user) -> list:
    return permissions.agencies_where(user, permissions.WRITE_ROLES)


@login_required
@require_GET
def declaration_list(request):
    """List the declarations the user may see, for one campaign, 50 to a page."""
    campaign = campaign_chosen(request.GET.get("campaign"))
    q = request.GET.get("q", "")
    queryset = selectors.declaration_search(
        selectors.declaration_list(user=request.user, campaign=campaign), user=request.user, q=q
    )
    page = IdFirstPaginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "declarations/list.html",
        {
            "page": page,
            "q": q,
            "campaign": campaign,
            "campaigns": campaigns_all(),
            "can_create": bool(_writable_agencies(request.user)),
        },
    )


def _specialties():
    return (
        CertificateType.objects.filter(is_active=True)
        .exclude(specialty="")
        .order_by("specialty")
        .values_list("specialty", flat=True)
        .distinct()
    )


@login_required
def declaration_create(request):
    """Register a declaration received on paper, with the persons it names."""
    agencies = _writable_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = DeclarationForm(request.POST or None, agencies=agencies)
    formset = DeclaredPersonFormSet(request.POST or None, prefix="persons", initial=[{}])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        declaration = run_service(
            lambda: services.declaration_create(
                actor=request.user,
                agency=form.chosen_agency,
                persons=formset.payload(),
                **form.payload(),
            ),
            lambda exc: apply_case_error(exc, form, formset, DECLARATION_PATHS, DECLARED_PATHS),
        )
        if declaration is not None:
            messages.success(request, _("已登记申报 %(ref)s。") % {"ref": declaration.reference})
            return redirect(declaration.get_absolute_url())
    return render(
        request,
        "declarations/form.html",
        {"form": form, "formset": formset, "specialties": _specialties()},
    )


@login_required
@require_GET
def declaration_detail(request, pk: int):
    """Show a declaration with its persons (numbers masked unless the user handles it)."""
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    can_change = permissions.user_can_change_declaration(user=request.user, declaration=declaration)
    return render(
        request,
        "declarations/detail.html",
        {
            "declaration": declaration,
            "persons": list(declaration.persons.all()),
            "attachments": list(declaration.attachments.all()),
            "full_id": permissions.user_can_unmask_declaration(
                user=request.user, declaration=declaration
            ),
            "can_change": can_change,
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
@require_POST
def attachment_add(request, pk: int):
    """Attach a received file to a declaration."""
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    request.back_url = declaration.get_absolute_url()
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.declaration_add_file(
            actor=request.user,
            declaration=declaration,
            uploaded_file=form.cleaned_data["file"],
            description=form.cleaned_data.get("description", ""),
        )
        messages.success(request, _("附件已上传。"))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect(declaration.get_absolute_url())


@login_required
@require_GET
def attachment_download(request, pk: int):
    """Stream a declaration's file, only if the user may see the declaration."""
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return stored_file_response(attachment)


@login_required
@require_GET
def import_template(request):
    """Download the declarations' Excel template."""
    return xlsx_response(template_workbook(), "自查自纠申报导入模板.xlsx")


@login_required
def import_declarations(request):
    """Upload a workbook: its check runs as a job, whose page lists every error or the records."""
    agencies = _writable_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, agencies=agencies, agency_label=_("受理机构")
    )
    if request.method == "POST" and form.is_valid():
        job = run_service(
            lambda: job_imports.import_check(
                job_kinds.DECLARATIONS,
                actor=request.user,
                agency=form.chosen_agency,
                upload=form.cleaned_data.get("file"),
            ),
            show_on_form(form),
        )
        if job is not None:
            return redirect(job.get_absolute_url())
    return render(request, "declarations/import.html", {"form": form})
