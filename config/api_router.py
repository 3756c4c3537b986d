"""Every API route under /api/v1/, registered in one place."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from agencies.api.auth import LogoutView, TokenView
from agencies.api.views import AgencyViewSet, DepartmentViewSet, MeView, RegionViewSet
from cases.api.urls import register as register_cases
from complaints.api.urls import register as register_complaints
from complaints.api.urls import urlpatterns as public_complaint_urls
from declarations.api.urls import register as register_declarations
from jobs.api.urls import register as register_jobs
from leads.api.urls import register as register_leads
from reports.api.urls import register as register_reports
from screening.api.urls import urlpatterns as screening_urls

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("departments", DepartmentViewSet, basename="department")
router.register("agencies", AgencyViewSet, basename="agency")

register_cases(router)
register_declarations(router)
register_reports(router)
register_jobs(router)
register_leads(router)
register_complaints(router)

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("me/", MeView.as_view(), name="me"),
    *public_complaint_urls,  # no login: the public front door (complaints/api/views.py)
    *screening_urls,  # before the router: leads/imports/ is no lead id
    *router.urls,
]
