from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("import/", views.import_cases, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export/", views.case_export, name="export"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/investigate/", views.case_investigate, name="investigate"),
    path("<int:pk>/decide/", views.case_decide, name="decide"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/transfer/", views.case_transfer, name="transfer"),
    path("<int:pk>/transfer/accept/", views.case_transfer_accept, name="transfer_accept"),
    path("<int:pk>/transfer/reject/", views.case_transfer_reject, name="transfer_reject"),
    path("<int:pk>/transfer/cancel/", views.case_transfer_cancel, name="transfer_cancel"),
    path("<int:pk>/join/", views.case_join, name="join"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
]
