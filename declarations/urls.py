from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("new/", views.declaration_create, name="create"),
    path("import/", views.import_declarations, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/files/", views.attachment_add, name="attachment_add"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
]
