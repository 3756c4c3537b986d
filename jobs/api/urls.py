"""The job facility's routes under /api/v1/."""

from jobs.api.views import JobViewSet


def register(router):
    """Register this app's API routes on the shared router."""
    router.register("jobs", JobViewSet, basename="job")
