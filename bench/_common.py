"""Shared helpers for the benchmark scripts: Django setup, timing statistics, table printing."""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure Django against DATABASE_URL with the local settings unless told otherwise."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Benchmarks measure the production code path: no debug SQL capture.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    if not os.environ.get("DATABASE_URL"):
        print(
            "DATABASE_URL is not set: using the default database of the settings. "
            "Point it at a dedicated bench database, e.g. "
            "postgres://postgres@127.0.0.1:5432/guazheng_bench",
            file=sys.stderr,
        )
    import django

    django.setup()


def dsn() -> dict:
    """Return psycopg2 connection keywords for Django's default database."""
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    return params


def percentile(values: list[float], pct: float) -> float:
    """Return the ``pct`` percentile (0-100) by nearest rank of sorted ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_table(headers: list[str], rows: list[list]) -> None:
    """Print a plain aligned table (also valid Markdown)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        print(line(row))


def bench_user(username: str, department: str, region: str, role: str):
    """Return the bench user ``username``, given a ``role`` membership at the agency of
    ``department`` and ``region`` (created through the app's service when missing)."""
    from agencies.models import Agency, Membership
    from agencies.services import membership_add

    agency = Agency.objects.get(department__code=department, region__code=region)
    membership = Membership.objects.filter(
        user__username=username, agency=agency, role=role
    ).first()
    if membership is None:
        membership = membership_add(username=username, agency=agency, role=role)
    return membership.user
