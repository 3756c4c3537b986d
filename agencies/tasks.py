"""Scheduled upkeep of the agencies' shared machinery."""

from celery import shared_task
from django.apps import apps

from agencies.counts import AgencyCount, counts_compact


@shared_task(name="agencies.compact_counts")
def compact_counts() -> int:
    """Fold every counter table's deltas (``agencies.counts``); return how many tables."""
    counters = [m for m in apps.get_models() if issubclass(m, AgencyCount)]
    for counter in counters:
        counts_compact(counter)
    return len(counters)
