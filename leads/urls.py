from django.urls import path

from leads import views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="list"),
    path("export/", views.lead_export, name="export"),
    path("new/", views.lead_create, name="create"),
    path("files/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/accept/", views.lead_accept, name="accept"),
    path("<int:pk>/reject/", views.lead_reject, name="reject"),
    path("<int:pk>/assign/", views.lead_assign, name="assign"),
    path("<int:pk>/close/", views.lead_close, name="close"),
    path("<int:pk>/open-case/", views.lead_open_case, name="open_case"),
    path("<int:pk>/files/", views.attachment_add, name="attachment_add"),
]
