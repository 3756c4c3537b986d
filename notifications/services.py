"""Sending notifications; each (user, key) is delivered once however often it is asked for."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from notifications.models import Notification

logger = logging.getLogger(__name__)


def notification_link(*, target=None, route: tuple[str, dict] | None = None) -> str:
    """Return the link of a notification: the target's page, or a named route with a query."""
    if target is not None:
        return target.get_absolute_url()
    if route is not None:
        name, query = route
        return reverse(name) + (f"?{urlencode(query)}" if query else "")
    return ""


def notification_send(
    *,
    users,
    key: str,
    title: str,
    body: str = "",
    target=None,
    route: tuple[str, dict] | None = None,
) -> int:
    """Notify each user once per ``key``; e-mail those with an address. Return how many were new.

    The notification links to ``target``'s page or to ``route`` (a URL name and its query), so
    the services that send one never build a URL themselves.
    """
    url = notification_link(target=target, route=route)
    sent = 0
    for user in users:
        _, created = Notification.objects.get_or_create(
            user=user, key=key, defaults={"title": title, "body": body, "url": url}
        )
        if created:
            sent += 1
            if user.email:
                transaction.on_commit(lambda u=user: _email(u.email, title, body))
    return sent


def _email(address: str, title: str, body: str) -> None:
    try:
        send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except OSError:
        logger.exception("could not e-mail %s", address)


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one (or all) of the user's notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
