"""Counts per agency kept by the database, so a dashboard reads a province in a few rows.

A dashboard that counts a province's cases by status with ``COUNT(*) … GROUP BY`` reads every
one of them (140 ms at a million cases, five times that at five million). Instead each counted
table has a counter table of ``(agency, key, n)`` deltas that PostgreSQL statement triggers
append to on every INSERT, UPDATE (of the key or the agency), DELETE and TRUNCATE — whoever
writes: the services, bulk imports, ``COPY`` in the bench filler. A reader sums the deltas of
the agencies it may see: one index range per agency, whatever the number of rows behind it.

The deltas are only appended, never updated, so two clerks of the same county writing at once do
not queue on a shared counter row; ``counts_compact`` (a beat task) folds them back into one
row per (agency, key) now and then. ``counts_rebuild`` recounts from the table itself.

Reading goes through the visibility rule: the agencies are those ``restrict()`` grants by
subtree, and what a model's ``restrict_extra`` grants beyond it (a case offered to the user's
agency, a supervising bureau's specialty) is counted live from the table, outside the subtree.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection, models, transaction
from django.db.models import Count, Sum

from agencies.querysets import VIEW


class AgencyCount(models.Model):
    """A delta of the number of rows of some table with ``key`` at ``agency``."""

    # Indexed with the key (each model's Meta): the readers' one range per agency.
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, db_index=False)
    key = models.CharField(max_length=32)
    n = models.BigIntegerField()

    class Meta:
        abstract = True


def counter_triggers(*, table: str, counter: str, key: str, also: str = "") -> tuple[str, str]:
    """Return the SQL creating, and the SQL dropping, the triggers that keep ``counter`` (an
    ``AgencyCount`` table) equal to ``table``'s rows per (agency_id, ``key``).

    ``also`` names a bigint-array column whose every element ``d`` counts the row once more
    under the key ``"<key>:<d>"`` (cases under each supervising department of their parties).
    """
    fn = f"{counter}_sync"
    keys = _keys(key, also)
    watched = f"agency_id, {key}" + (f", {also}" if also else "")
    delta = (
        f"INSERT INTO {counter} (agency_id, key, n) SELECT agency_id, key, sum(n) FROM ("
        "{rows}) AS d GROUP BY agency_id, key HAVING sum(n) <> 0"
    )
    added = f"SELECT agency_id, key, 1 AS n FROM ({keys.format(src='new_rows')}) k"
    removed = f"SELECT agency_id, key, -1 AS n FROM ({keys.format(src='old_rows')}) k"
    before, after = watched.replace(", ", ", o."), watched.replace(", ", ", w.")
    moved = (
        "SELECT id FROM old_rows o JOIN new_rows w USING (id)"
        f" WHERE (o.{before}) IS DISTINCT FROM (w.{after})"
    )
    changed = (
        f"SELECT agency_id, key, -1 AS n FROM ({keys.format(src='old_rows')}) k"
        f" WHERE id IN ({moved}) UNION ALL "
        f"SELECT agency_id, key, 1 AS n FROM ({keys.format(src='new_rows')}) k"
        f" WHERE id IN ({moved})"
    )
    create = f"""
CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {delta.format(rows=added)};
  ELSIF TG_OP = 'DELETE' THEN {delta.format(rows=removed)};
  ELSIF TG_OP = 'UPDATE' THEN {delta.format(rows=changed)};
  ELSE DELETE FROM {counter};
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {fn}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER {fn}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER {fn}_upd AFTER UPDATE ON {table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER {fn}_trunc AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
DELETE FROM {counter};
INSERT INTO {counter} (agency_id, key, n)
  SELECT agency_id, key, count(*) FROM ({keys.format(src=table)}) k GROUP BY 1, 2;
"""
    drop = f"DROP FUNCTION {fn}() CASCADE;"
    return create, drop


def _keys(key: str, also: str) -> str:
    """Return a SELECT of (id, agency_id, key) for every count a row of ``{src}`` makes."""
    keys = f"SELECT id, agency_id, {key}::text AS key FROM {{src}}"
    if also:
        keys += f" UNION ALL SELECT id, agency_id, {key} || ':' || d FROM {{src}}, unnest({also}) d"
    return keys


def counts_within(queryset, counter_model, user, key: str) -> Counter:
    """Return, per ``key``, how many rows of ``queryset``'s model ``user`` may see: exactly
    ``queryset.restrict(user)`` counted, read from ``counter_model`` for the subtree.

    What ``restrict_extra`` grants beyond the subtree is counted by the queryset's
    ``counts_beyond(user, agency_ids, counter_model)`` when it has one, else live.
    """
    agency_ids, extra = queryset.restrict_parts(user, VIEW)
    counters = counter_model.objects.exclude(key__contains=":")  # the rows' own keys only
    if agency_ids is not None:
        if not agency_ids and extra is None:
            return Counter()
        counters = counters.filter(agency_id__in=agency_ids)
    totals = Counter(dict(counters.values_list("key").annotate(Sum("n")).order_by()))
    if extra is not None and agency_ids is not None:
        if hasattr(queryset, "counts_beyond"):
            totals.update(queryset.counts_beyond(user, agency_ids, counter_model))
        else:
            beyond = queryset.filter(extra).exclude(agency_id__in=agency_ids)
            totals.update(dict(beyond.values_list(key).annotate(Count("pk")).order_by()))
    return totals


def counts_compact(counter_model) -> None:
    """Fold ``counter_model``'s deltas into one row per (agency, key); rows appended meanwhile
    by other transactions are not seen by the DELETE and stay as they are."""
    table = counter_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} RETURNING agency_id, key, n) "
            f"INSERT INTO {table} (agency_id, key, n) SELECT agency_id, key, sum(n) FROM gone "
            "GROUP BY agency_id, key HAVING sum(n) <> 0"
        )


def counts_rebuild(counter_model, table: str, key: str, also: str = "") -> None:
    """Recount ``counter_model`` from ``table`` itself (after a restore, or to check), with the
    same ``key`` and ``also`` its triggers were made with (``counter_triggers``)."""
    counter = counter_model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {counter}")
        cursor.execute(
            f"INSERT INTO {counter} (agency_id, key, n) "
            f"SELECT agency_id, key, count(*) FROM ({_keys(key, also).format(src=table)}) k "
            "GROUP BY 1, 2"
        )
