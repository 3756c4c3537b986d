"""Pages of the lead register (thin: selectors read, services write)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from leads import selectors


@login_required
def lead_list(request):
    leads = selectors.lead_list(user=request.user)[:50]
    return render(request, "leads/list.html", {"leads": leads})


@login_required
def lead_detail(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    return render(request, "leads/detail.html", {"lead": lead})
