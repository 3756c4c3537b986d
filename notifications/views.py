from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.middleware import safe_next_url
from notifications import selectors
from notifications.services import notification_mark_read


@login_required
def notification_list(request):
    """Show the user's notifications, grouped by what they say, filtered by kind."""
    kind = request.GET.get("kind", "")
    unread = request.GET.get("unread") == "1"
    queryset = selectors.notifications_of(user=request.user, kind=kind, unread=unread)
    return render(
        request,
        "notifications/list.html",
        {
            "groups": selectors.notifications_grouped(queryset),
            "kinds": selectors.kind_choices(),
            "kind": kind,
            "unread": unread,
        },
    )


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and follow its link (a link stored by the sender)."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    notification_mark_read(user=request.user, pk=notification.pk)
    target = notification.url if notification.url.startswith("/") else ""
    return redirect(target or "notifications:list")


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read (with the others of its group named in ``id``)."""
    ids = {pk} | {int(v) for v in request.POST.getlist("id") if v.isdigit() and len(v) < 12}
    for value in ids:
        notification_mark_read(user=request.user, pk=value)
    return redirect(safe_next_url(request, default="/notifications/"))


@login_required
@require_POST
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect(safe_next_url(request, default="/notifications/"))
