"""Database routing when a streaming replica is configured (DATABASE_REPLICA_URL).

Wired in config/settings/base.py only when the replica exists. Reads go to the replica only
inside ``core.replica.reporting_reads()`` and outside any transaction on the primary; every
other read and every write goes to the primary (docs/decisions.md, "Reporting reads on a
replica").
"""

from django.db import DEFAULT_DB_ALIAS, connections

from core.replica import REPLICA, reporting_active


class ReplicaRouter:
    """Send named reporting reads to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        # A transaction on the primary may hold writes the replica has not seen, and its reads
        # must see them: keep them on the primary, whatever the caller asked for.
        if reporting_active() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        # Explicitly the primary, so that an object read from the replica lazily loads its
        # relations from the primary once the reporting block has ended.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's WAL
