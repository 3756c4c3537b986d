"""Site-wide pages: the home page (a dashboard per role)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.selectors import membership_list
from home.selectors import dashboard_for
from reports.navigation import month_nav


@login_required
def home(request):
    """Show what needs the user's attention, as far as their roles let them see, for the chosen
    campaign and month (the month control every report page has)."""
    nav = month_nav(request, statuses=False)
    return render(
        request,
        "home.html",
        {
            "nav": nav,
            "memberships": membership_list(user=request.user),
            "board": dashboard_for(user=request.user, campaign=nav.campaign, month=nav.month),
        },
    )
