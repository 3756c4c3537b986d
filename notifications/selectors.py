"""Reads of a user's notifications: filtered by kind and grouped by what they say.

The kind is read from the notification's key (``report-submitted:…``, ``lead-overdue:…``), which
every sender already writes, so no sender changes and no column is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification

# kind → (label, key prefixes)
KINDS = {
    "reports": (_("月报与汇总"), ("report-", "consolidation-", "summary-")),
    "cases": (_("案件"), ("case-", "person-", "shared-")),
    "leads": (_("线索与投诉"), ("lead-", "lead:", "complaint")),
}
LIMIT = 300


def kind_choices() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, (label, _prefixes) in KINDS.items()]


def kind_of(key: str) -> str:
    """Return the kind of a notification key ("other" when no kind claims it)."""
    for name, (_label, prefixes) in KINDS.items():
        if key.startswith(prefixes):
            return name
    return "other"


def notifications_of(*, user, kind: str = "", unread: bool = False) -> QuerySet[Notification]:
    """Return ``user``'s notifications of ``kind`` (every kind when empty), newest first."""
    queryset = user.notifications.all()
    if kind in KINDS:
        condition = Q()
        for prefix in KINDS[kind][1]:
            condition |= Q(key__startswith=prefix)
        queryset = queryset.filter(condition)
    elif kind == "other":
        for _label, prefixes in KINDS.values():
            for prefix in prefixes:
                queryset = queryset.exclude(key__startswith=prefix)
    if unread:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


@dataclass
class Group:
    """Notifications saying the same thing (same title), shown as one line with a count."""

    title: str
    items: list[Notification] = field(default_factory=list)

    @property
    def latest(self) -> Notification:
        return self.items[0]

    @property
    def unread(self) -> int:
        return sum(1 for n in self.items if n.read_at is None)


def notifications_grouped(queryset: QuerySet[Notification]) -> list[Group]:
    """Group the newest ``LIMIT`` notifications by title, in the order of each group's latest."""
    groups: dict[str, Group] = {}
    for notification in queryset[:LIMIT]:
        groups.setdefault(notification.title, Group(notification.title)).items.append(notification)
    return list(groups.values())
