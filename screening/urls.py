from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("suspects/", views.suspects, name="suspects"),
    path("comparison/", views.comparison, name="comparison"),
    path("insurance/", views.insurance_lookup, name="insurance_lookup"),
]
