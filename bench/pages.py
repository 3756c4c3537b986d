"""Time every role's everyday pages, one user at a time, at a million cases.

Issue 14: the home dashboard of every role, the reports index, the consolidation page and the
inspectors' status table (the supervision view) answer with a single-user p95 ≤ 150 ms and a
query count that does not grow with the data. Each page is requested through Django's test
client in this process (the whole view, templates included; no network), ``--requests`` times
after a warm-up; its queries are counted once with ``CaptureQueriesContext``.

Usage (on a database filled by fill_cases.py, and fill_reports.py for the report pages):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench1m
    .venv/bin/python bench/pages.py [--requests 30] [--only home,reports]
"""

from __future__ import annotations

import argparse
import time

from _common import bench_user, percentile, print_table, setup_django

TARGET_P95_MS = 150.0

USERS = (
    # (username, department, region, role, label)
    ("bench_county_clerk", "ZJ", "510104", "clerk", "county clerk ZJ 锦江区"),
    ("bench_county_reviewer", "ZJ", "510104", "reviewer", "county reviewer ZJ 锦江区"),
    ("bench_city_reviewer", "ZJ", "510100", "reviewer", "city reviewer ZJ 成都市"),
    ("bench_province_reviewer", "ZJ", "510000", "reviewer", "province reviewer 住建厅"),
    ("bench_rs_province_reviewer", "RS", "510000", "reviewer", "province reviewer 人社厅"),
    ("bench_inspector", "ZJ", "510000", "inspector", "inspector 住建厅"),
    ("bench_ministry", "BU", "510000", "ministry", "ministry"),
    ("bench_tl_reviewer", "TL", "510000", "reviewer", "supervising bureau 铁路"),
)


def pages_for(username: str) -> list[tuple[str, str]]:
    """Return (name, path) of the pages ``username``'s role opens every day."""
    pages = [("home", "/")]
    if username in ("bench_ministry", "bench_province_reviewer"):
        # The consolidation page: the five departments, totals, the chart by month.
        pages.append(("consolidation page", "/reports/consolidations/?month=2019-03"))
    if username == "bench_ministry":
        return pages
    pages.append(("reports index", "/reports/?month=2019-03"))
    pages.append(("case list", "/cases/"))
    pages.append(("lead list", "/leads/"))
    return pages


def ensure_users():
    """Create the bench users and memberships when missing; return username → user."""
    return {name: bench_user(name, dept, region, role) for name, dept, region, role, _ in USERS}


def measure(client, path: str, requests: int) -> dict:
    """Return the status, query count and p50/p95/max of ``requests`` GETs of ``path``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    queries = len(ctx.captured_queries)  # now: each request resets the connection's log
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "status": status,
        "queries": queries,
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "max": max(timings),
    }


def run(args) -> list[dict]:
    """Measure every role's pages; return one dict per (user, page) with ``met``."""
    from django.test import Client

    from core.heap import freeze_startup_heap

    users = ensure_users()
    freeze_startup_heap()  # as config/wsgi.py does in each server worker
    only = set(args.only.split(",")) if args.only else None
    results = []
    for username, _dept, _region, _role, label in USERS:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[username])
        for name, path in pages_for(username):
            if only and not any(word in name for word in only):
                continue
            result = measure(client, path, args.requests)
            result |= {"user": label, "page": name, "path": path}
            result["met"] = result["status"] == 200 and result["p95"] <= TARGET_P95_MS
            results.append(result)
            print(
                f"{label:32} {name:20} {result['status']} {result['queries']:3} queries"
                f"  p50 {result['p50']:6.1f}  p95 {result['p95']:6.1f} ms",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--only", default="", help="comma-separated words of page names")
    args = parser.parse_args()
    setup_django()
    results = run(args)
    print()
    print_table(
        ["user", "page", "status", "queries", "p50 ms", "p95 ms", "p95 ≤ 150 ms"],
        [
            [
                r["user"],
                r["page"],
                r["status"],
                r["queries"],
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
                "met" if r["met"] else "not met",
            ]
            for r in results
        ],
    )


if __name__ == "__main__":
    main()
