"""The job page: a progress bar while it runs (polled by static JS), the result when done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions
from core.http import XLSX, xlsx_response
from jobs import exports, selectors, services
from jobs import imports as import_services
from jobs.imports import import_kind_of
from jobs.registry import kind_get

STATE_BADGES = {
    "queued": "secondary",
    "running": "info text-dark",
    "succeeded": "success",
    "failed": "danger",
    "cancelled": "secondary",
}


@login_required
@require_GET
def job_detail(request, pk: int):
    """Show a job's progress (refreshing itself) or its result."""
    job = selectors.job_get(user=request.user, pk=pk)
    kind = kind_get(job.kind)
    percent = job.percent
    context = {
        "job": job,
        "kind": kind,
        "result": job.result or {},
        "badge": STATE_BADGES.get(job.state, "secondary"),
        "bar_step": percent - percent % 5,  # the width class (jobs.css): no inline style (CSP)
        "can_manage": permissions.user_can_manage_job(user=request.user, job=job),
    }
    if kind is not None and job.is_finished:
        context.update(kind.context(job, request.user))
    return render(request, "jobs/detail.html", context)


@login_required
@require_POST
def job_cancel(request, pk: int):
    """Cancel a queued or running job."""
    job = selectors.job_get(user=request.user, pk=pk)
    request.back_url = job.get_absolute_url()
    services.job_cancel(job=job, actor=request.user)
    messages.info(request, _("任务已取消，未写入任何数据。"))
    return redirect(job.get_absolute_url())


def _import_check(request, pk: int):
    job = selectors.job_get(user=request.user, pk=pk)
    kind = import_kind_of(job)
    if kind is None or job.kind != kind.check_kind:
        raise Http404
    return kind, job


@login_required
@require_POST
def import_confirm(request, pk: int):
    """Import the checked workbook in a job (all or nothing); its page lists the new records."""
    kind, check = _import_check(request, pk)
    request.back_url = reverse(kind.upload_url)
    job = import_services.import_confirm(kind, actor=request.user, check=check)
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def import_cancel(request, pk: int):
    """Forget the checked workbook without importing anything."""
    kind, check = _import_check(request, pk)
    import_services.import_cancel(kind, actor=request.user, check=check)
    messages.info(request, _("已取消导入，未导入任何%(noun)s。") % {"noun": kind.spec.group_noun})
    return redirect(kind.upload_url)


@login_required
@require_GET
def job_download(request, pk: int):
    """Download a finished export: its owner only (the rows were read with their scope)."""
    job = selectors.job_get(user=request.user, pk=pk)
    if not permissions.user_can_manage_job(user=request.user, job=job):
        raise Http404
    path, name = exports.export_file(job)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = XLSX
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_list(request, kind: exports.ExportKind):
    """Answer a list page's 导出Excel: the file at once when small, else a job with progress.

    Called by the registers' views with their ``ExportKind``; the query string is the list's.
    """
    total, content = exports.export_now(kind, user=request.user, query=request.GET)
    if content is not None:
        return xlsx_response(content, exports.filename(kind, request.user, request.GET))
    job = services.job_start(
        kind=kind.name, owner=request.user, params={"query": request.GET.urlencode()}
    )
    messages.info(request, _("共 %(n)d 条记录，正在后台导出，完成后可在本页下载。") % {"n": total})
    return redirect(job.get_absolute_url())
