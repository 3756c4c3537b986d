"""Reads of background jobs; every one starts from ``Job.objects.restrict(user)``."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from agencies.querysets import VIEW
from core.errors import NotFoundError
from jobs.models import Job


def job_list(*, user) -> QuerySet[Job]:
    """Return the jobs ``user`` may read: their agencies' (the visibility rule) and their own."""
    return Job.objects.restrict(user, VIEW).select_related("agency", "owner")


def job_get(*, user, pk, kind: str | None = None) -> Job:
    """Return one job ``user`` may read (of ``kind`` when given); otherwise not found."""
    jobs = job_list(user=user)
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    try:
        return jobs.get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("未找到该任务。")) from exc
