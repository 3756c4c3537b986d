"""Sending notifications; each (user, key) is delivered once however often it is asked for."""

import logging
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Notice:
    """One notification for some users (``notification_send_many``); ``url`` its link."""

    users: list
    key: str
    title: str
    body: str = ""
    url: str = ""


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
    return notification_send_many([Notice(list(users), key, title, body, url)])


def notification_send_many(notices: list[Notice]) -> int:
    """Send each notice to its users, each (user, key) once, in two statements however many;
    e-mail the new ones' recipients who have an address. Return how many were new."""
    wanted = {(user.pk, notice.key): (user, notice) for notice in notices for user in notice.users}
    if not wanted:
        return 0
    sent = set(
        Notification.objects.filter(
            user_id__in={pk for pk, _key in wanted}, key__in={key for _pk, key in wanted}
        ).values_list("user_id", "key")
    )
    new = [pair for key, pair in wanted.items() if key not in sent]
    # A concurrent sender of the same key loses nothing: the constraint keeps one row.
    Notification.objects.bulk_create(
        [
            Notification(user=user, key=n.key, title=n.title, body=n.body, url=n.url)
            for user, n in new
        ],
        ignore_conflicts=True,
    )
    for user, notice in new:
        if user.email:
            transaction.on_commit(lambda u=user, n=notice: _email(u.email, n.title, n.body))
    return len(new)


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
