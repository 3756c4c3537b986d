"""The complaint register's routes under /api/v1/: the staff's and the public front door's."""

from django.urls import path

from complaints.api.views import (
    ComplaintViewSet,
    PublicComplaintCreateView,
    PublicComplaintStatusView,
)


def register(router):
    """Register this app's API routes on the shared router."""
    router.register("complaints", ComplaintViewSet, basename="complaint")


urlpatterns = [
    path(
        "public/complaints/",
        PublicComplaintCreateView.as_view(),
        name="public-complaint-create",
    ),
    path(
        "public/complaints/<str:receipt>/",
        PublicComplaintStatusView.as_view(),
        name="public-complaint-status",
    ),
]
