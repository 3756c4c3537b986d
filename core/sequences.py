"""Reference numbers issued by one atomic upsert, unique under concurrency.

A register keeps its counters in a model with its key columns, a ``last`` field and a unique
constraint over the key: per agency and year (ZJ-510104-2019-0007) or per day (a complaint's
receipt TS-20190312-0007). Two clerks registering at once never receive the same number.
"""

from django.db import connection


def next_in_series(model, **key) -> int:
    """Return the next number of the series ``key`` (column → value) in ``model``'s counters."""
    table = model._meta.db_table
    columns = sorted(key)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}, last) VALUES ({', '.join(['%s'] * len(columns))}, 1) "  # noqa: S608
            f"ON CONFLICT ({names}) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [key[c] for c in columns],
        )
        (number,) = cursor.fetchone()
    return number


def next_number(model, *, agency_id: int, year: int) -> int:
    """Return the next number of ``agency_id`` in ``year`` from ``model``'s counters."""
    return next_in_series(model, agency_id=agency_id, year=year)
