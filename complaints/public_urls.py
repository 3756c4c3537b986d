"""The public front door's pages under /public/ (no login)."""

from django.urls import path

from complaints import public

app_name = "public"

urlpatterns = [
    path("", public.index, name="index"),
    path("complaints/new/", public.complaint_new, name="complaint_new"),
    path("complaints/status/", public.complaint_status, name="complaint_status"),
]
