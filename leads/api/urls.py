"""The lead register's routes under /api/v1/."""

from leads.api.views import LeadViewSet


def register(router):
    """Register this app's API routes on the shared router."""
    router.register("leads", LeadViewSet, basename="lead")
