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


def next_blocks(model, *, agency_id: int, counts: dict[int, int]) -> dict[int, int]:
    """Take ``counts[year]`` consecutive numbers of each year's series of ``agency_id`` in one
    statement; return the first number of each year's block.

    The block is the numbers ``next_number`` would have issued one by one (an import of many
    records); the counter row stays locked until the transaction ends, as for one number.
    """
    counts = {year: count for year, count in counts.items() if count > 0}
    if not counts:
        return {}
    table = model._meta.db_table
    years = sorted(counts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, last) VALUES "  # noqa: S608
            + ", ".join(["(%s, %s, %s)"] * len(years))
            + f" ON CONFLICT (agency_id, year) DO UPDATE SET last = {table}.last + EXCLUDED.last"
            " RETURNING year, last",
            [value for year in years for value in (agency_id, year, counts[year])],
        )
        lasts = dict(cursor.fetchall())
    return {year: lasts[year] - counts[year] + 1 for year in years}
