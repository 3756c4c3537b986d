"""Site-wide pages: the home page (a dashboard per role)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.selectors import membership_list
from home.selectors import dashboard_for


@login_required
def home(request):
    """Show what needs the user's attention, as far as their roles let them see."""
    return render(
        request,
        "home.html",
        {
            "memberships": membership_list(user=request.user),
            "board": dashboard_for(user=request.user),
        },
    )
