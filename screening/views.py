"""The screening pages: upload a suspect list, compare the rosters (both run as jobs, whose page
shows the progress and the report), and 人社's 社保缴费信息查询."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from agencies import permissions
from core.forms import run_service, show_on_form
from screening import selectors, services
from screening.forms import ComparisonForm, InsuranceLookupForm, SuspectUploadForm
from screening.models import ScreeningRun


def _require_screening(user):
    intake = selectors.screening_intake()
    if not permissions.user_can_screen(user=user, agency=intake):
        raise PermissionDenied


@login_required
def suspects(request):
    """Upload a suspect list: its check or import runs as a job with a progress bar."""
    _require_screening(request.user)
    form = SuspectUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = run_service(
            lambda: services.suspects_job_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            ),
            show_on_form(form),
        )
        if job is not None:
            return redirect(job.get_absolute_url())
    runs = selectors.run_list(user=request.user, kind=ScreeningRun.Kind.SUSPECTS)[:20]
    return render(request, "screening/suspects.html", {"form": form, "runs": runs})


@login_required
def comparison(request):
    """Upload both rosters and a period: the comparison runs as a job with a progress bar."""
    _require_screening(request.user)
    form = ComparisonForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = run_service(
            lambda: services.comparison_job_start(actor=request.user, **form.cleaned_data),
            show_on_form(form),
        )
        if job is not None:
            return redirect(job.get_absolute_url())
    runs = selectors.run_list(user=request.user, kind=ScreeningRun.Kind.COMPARISON)[:20]
    return render(request, "screening/comparison.html", {"form": form, "runs": runs})


@login_required
def insurance_lookup(request):
    """人社 staff look up a person's paying units for a period; every lookup is audited."""
    if not permissions.user_can_lookup_insurance(user=request.user):
        raise PermissionDenied
    form = InsuranceLookupForm(request.POST or None)
    units = None
    if request.method == "POST" and form.is_valid():
        units = run_service(
            lambda: services.insurance_lookup(user=request.user, **form.cleaned_data),
            show_on_form(form),
        )
    return render(request, "screening/insurance_lookup.html", {"form": form, "units": units})
