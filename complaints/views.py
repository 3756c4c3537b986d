"""Pages of the complaint register (thin: selectors read, services write)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from complaints import selectors


@login_required
def complaint_list(request):
    complaints = selectors.complaint_list(user=request.user)[:50]
    return render(request, "complaints/list.html", {"complaints": complaints})


@login_required
def complaint_detail(request, pk):
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    return render(request, "complaints/detail.html", {"complaint": complaint})
