"""Reference numbers per agency and year (ZJ-510104-2019-0007), issued by one atomic upsert.

A register keeps its counters in a model with ``agency``, ``year`` and ``last`` fields and a
unique (agency, year); two clerks registering at once never receive the same number.
"""

from django.db import connection


def next_number(model, *, agency_id: int, year: int) -> int:
    """Return the next number of ``agency_id`` in ``year`` from ``model``'s counters."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, year) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency_id, year],
        )
        (number,) = cursor.fetchone()
    return number
