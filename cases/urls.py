from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

app_name = "cases"


@login_required
def placeholder(request):
    return render(request, "placeholder.html")


urlpatterns = [path("", placeholder, name="list")]
