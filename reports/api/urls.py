from reports.api.views import ConsolidationViewSet, ReportViewSet


def register(router):
    """Register this app's API routes on the shared router."""
    router.register("reports", ReportViewSet, basename="report")
    router.register("consolidations", ConsolidationViewSet, basename="consolidation")
