"""The screening routes under /api/v1/ (listed before the router's, so that ``leads/imports/``
is not read as a lead's id)."""

from django.urls import path

from screening.api.views import ComparisonView, InsuranceLookupView, SuspectImportView

urlpatterns = [
    path("leads/imports/", SuspectImportView.as_view(), name="lead-import"),
    path("screening/comparisons/", ComparisonView.as_view(), name="screening-comparison"),
    path("screening/insurance/", InsuranceLookupView.as_view(), name="screening-insurance"),
]
