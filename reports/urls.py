from django.urls import path

from reports import summary_views, views

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
    path("<int:pk>/annex1.xlsx", views.report_document, name="xlsx"),
    path("<int:pk>/document/", views.report_document, name="document"),
    path("consolidations/", views.consolidation_index, name="consolidations"),
    path("consolidations/create/", views.consolidation_create, name="consolidation_create"),
    path(
        "consolidations/<int:pk>/report/", views.consolidation_report, name="consolidation_report"
    ),
    path(
        "consolidations/<int:pk>/annex1.xlsx",
        views.consolidation_document,
        name="consolidation_xlsx",
    ),
    path(
        "consolidations/<int:pk>/document/",
        views.consolidation_document,
        name="consolidation_document",
    ),
    path("summaries/", summary_views.summary_index, name="summaries"),
    path("summaries/open/", summary_views.summary_open, name="summary_open"),
    path("summaries/consolidate/", summary_views.summary_consolidate, name="summary_consolidate"),
    path("<int:pk>/summary/", views.summary_save, name="summary_save"),
    path("<int:pk>/summary/files/", summary_views.summary_attach, name="summary_attach"),
    path("summary-files/<int:pk>/", summary_views.summary_file, name="summary_file"),
]
