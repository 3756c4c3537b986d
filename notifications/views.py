from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.services import notification_mark_read


@login_required
def notification_list(request):
    """Show the user's notifications, newest first."""
    items = request.user.notifications.all()[:200]
    return render(request, "notifications/list.html", {"items": items})


@login_required
@require_POST
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect("notifications:list")
