"""The case register's routes under /api/v1/."""

from cases.api.views import CaseViewSet, EvidenceViewSet, PersonViewSet, UnitViewSet


def register(router):
    """Register this app's API routes on the shared router."""
    router.register("cases", CaseViewSet, basename="case")
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("persons", PersonViewSet, basename="person")
    router.register("units", UnitViewSet, basename="unit")
