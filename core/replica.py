"""Reporting reads that may go to a streaming replica (config/db_router.py decides).

Only what is named here reads from the replica: previews of a report being compiled, the
consolidation chart and statistics, the dashboards' counts. Everything else, and anything inside
a transaction, reads from the primary, so a page after a write sees that write (a replica lags by
up to a second or so). Without a replica configured every alias here is the primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, router

REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("reporting_reads", default=False)


@contextmanager
def reporting_reads() -> Iterator[None]:
    """Let the reads within (ORM and ``read_alias()`` cursors) use the replica.

    A context manager and, as ``@reporting_reads()``, a decorator; a context variable, so each
    thread or task has its own.
    """
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_active() -> bool:
    """Return whether the current code runs inside ``reporting_reads()``."""
    return _reporting.get()


def read_alias(model) -> str:
    """Return the alias a raw SQL read of ``model``'s table should use, as the ORM would."""
    return router.db_for_read(model) or DEFAULT_DB_ALIAS
