"""Keep the garbage collector off the objects every request shares.

After start-up a worker holds a few hundred thousand objects that live as long as it does:
Django, DRF and the app's modules, URL patterns, models, forms and serializers. Python's
collection of its oldest generation walks all of them, so every few hundred requests one request
pays a pause of 80–90 ms: a status table's p95 was 152 ms against a p50 of 65 ms
(docs/performance.md §12). ``gc.freeze()`` moves them to a permanent generation the collector
no longer walks, as the ``gc`` documentation suggests for long-lived servers; garbage made by
requests is collected as before.
"""

import gc

from django.urls import get_resolver


def freeze_startup_heap() -> None:
    """Import every view (through the URL patterns), collect once, then freeze what is left."""
    get_resolver().url_patterns  # noqa: B018 — imports the views, forms and serializers
    gc.collect()
    gc.freeze()
