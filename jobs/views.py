"""The job page: a progress bar while it runs (polled by static JS), the result when done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions
from jobs import selectors, services
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
