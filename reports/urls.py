from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="list"),
    path("open/", views.report_open, name="open"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/sign/", views.report_sign, name="sign"),
    path("<int:pk>/withdraw/", views.report_withdraw, name="withdraw"),
    path("<int:pk>/approve/", views.report_approve, name="approve"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/annex1.xlsx", views.report_xlsx, name="xlsx"),
    path("consolidations/", views.consolidation_index, name="consolidations"),
    path("consolidations/create/", views.consolidation_create, name="consolidation_create"),
    path(
        "consolidations/<int:pk>/report/", views.consolidation_report, name="consolidation_report"
    ),
    path(
        "consolidations/<int:pk>/annex1.xlsx", views.consolidation_xlsx, name="consolidation_xlsx"
    ),
]
