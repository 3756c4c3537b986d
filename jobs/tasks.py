"""Celery tasks of the job facility: thin, idempotent, given only ids."""

from celery import shared_task

from jobs import services


@shared_task(name="jobs.run", acks_late=True)
def job_run(job_id: int) -> str:
    """Run a queued job, or resume one whose worker died; do nothing for any other."""
    return services.job_run(job_id=job_id)


@shared_task(name="jobs.sweep")
def jobs_sweep() -> int:
    """Requeue jobs whose worker died or whose message was lost; delete expired input files."""
    return services.jobs_sweep()
