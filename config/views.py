"""Site-wide pages: the home page (a dashboard per role)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.selectors import membership_list, user_is_consolidator, user_is_ministry


@login_required
def home(request):
    """Show the user's memberships and the entry points their roles allow."""
    memberships = membership_list(user=request.user)
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "is_consolidator": user_is_consolidator(request.user),
            "is_ministry": user_is_ministry(request.user),
        },
    )
