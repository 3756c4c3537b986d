"""Rate limits shared by every gunicorn worker: a counter per key and fixed window in PostgreSQL.

The public front door (complaints from anyone, status look-ups by receipt and code) is limited
per client address. The counters live in the database rather than a per-process cache so that a
limit holds across workers and restarts, and so a fresh machine needs no cache server. Addresses
are kept only as a keyed hash. Old windows are deleted by ``rate_counters_prune``.
"""

import time

from django.db import connection
from django.utils.crypto import salted_hmac

from core.models import RateCounter


def client_key(action: str, address: str) -> str:
    """Return the counter key of ``action`` by ``address`` (the address itself is not kept)."""
    digest = salted_hmac("core.ratelimit", address or "unknown").hexdigest()[:40]
    return f"{action[:40]}:{digest}"


def hit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one hit of ``key`` in the current window; return False once past ``limit``."""
    window = int(time.time()) // seconds * seconds
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (key, "window", hits) VALUES (%s, %s, 1) '  # noqa: S608
            f'ON CONFLICT (key, "window") DO UPDATE SET hits = {table}.hits + 1 RETURNING hits',
            [key, window],
        )
        (hits,) = cursor.fetchone()
    return hits <= limit


def rate_counters_prune(*, older_than_seconds: int = 86400) -> int:
    """Delete the counters of windows that ended long ago; return how many."""
    cutoff = int(time.time()) - older_than_seconds
    deleted, _ = RateCounter.objects.filter(window__lt=cutoff).delete()
    return deleted


def claim_once(key: str, *, issued_at: int) -> bool:
    """Record the single use of ``key`` issued at ``issued_at``; return False if used before.

    For one-time tokens (the public form's challenge): the row's window is the token's issue time,
    so it outlives the token's validity and ``rate_counters_prune`` removes it only afterwards.
    """
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (key, "window", hits) VALUES (%s, %s, 1) '  # noqa: S608
            'ON CONFLICT (key, "window") DO NOTHING RETURNING hits',
            [key[:100], issued_at],
        )
        return cursor.fetchone() is not None
