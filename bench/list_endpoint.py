"""Measure GET /api/v1/cases/ (leads, complaints) under 20 clients against the raw SQL it runs.

Usage (after ``bench/fill_cases.py`` filled the bench database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench
    .venv/bin/python bench/list_endpoint.py [--clients 20] [--requests 2000] [--workers 3]

Starts gunicorn on a free loopback port (DEBUG off, the production worker class), creates two
bench users with API tokens — a county clerk (ZJ 510104) and a province reviewer (ZJ 510000) —
and drives each scenario (first page, default ordering; and ``?status=decided&decided_month=
2019-03``) with ``--clients`` threads over keep-alive ``http.client`` connections (reconnecting
when the server closes them) for ``--requests`` requests or ``--seconds``, whichever comes first.

``--lists cases,leads,complaints`` chooses the lists (first page of ``/api/v1/leads/`` and
``/api/v1/complaints/``; the bench data holds leads and complaints when ``fill_cases.py``
filled them). Each user's ``GET /api/v1/me/`` on the same server is the yardstick issue 14 sets:
a list's throughput as a share of it.

The physical limit: the very SQL statements one such request executes (captured in-process with
Django's test client: token, memberships, count, page, parties), replayed through psycopg2 over
``--clients`` concurrent connections. The ratio says how much the app adds on top of the
database work it issues.

What-if (``--no-what-if`` skips it): the same statements with the visibility condition
``(agency.path LIKE p OR transfer_to.path LIKE p)`` rewritten to the case's own columns
``(agency_id IN (ids) OR transfer_to_id IN (ids))`` for the agencies under ``p`` — the SQL an
index-friendly visibility rule would issue (docs/performance.md, finding 1). Bench-only: the app
is not changed; shown as n/a when the app already filters on the case's own columns.
"""

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import ROOT, bench_user, dsn, percentile, print_table, setup_django

USERS = (
    # (username, department, region, role, label)
    ("bench_county_clerk", "ZJ", "510104", "clerk", "county clerk ZJ 510104"),
    ("bench_province_reviewer", "ZJ", "510000", "reviewer", "province reviewer ZJ 510000"),
)
LISTS = {
    "cases": (
        ("first page", "/api/v1/cases/"),
        ("decided 2019-03", "/api/v1/cases/?status=decided&decided_month=2019-03"),
    ),
    "leads": (("leads", "/api/v1/leads/"),),
    "complaints": (("complaints", "/api/v1/complaints/"),),
    # The HTML lists, logged in with a session cookie as a browser is.
    "pages": (
        ("case list page", "/cases/"),
        ("case list page, decided 2019-03", "/cases/?status=decided&decided_month=2019-03"),
        ("lead list page", "/leads/"),
        ("complaint list page", "/complaints/"),
    ),
}
ME = ("/api/v1/me/", "/api/v1/me/")


SCOPE = re.compile(
    r"""\("agencies_agency"\."path"::text LIKE '([^']+)' OR T3\."path"::text LIKE '\1'\)"""
)


def rewrite_scope(statements: list[str]) -> list[str]:
    """Return ``statements`` with the path-LIKE visibility condition on the case's own ids."""
    from agencies.models import Agency

    def ids_for(match: re.Match) -> str:
        prefix = match.group(1).rstrip("%")
        agencies = Agency.objects.filter(path__startswith=prefix).values_list("pk", flat=True)
        ids = ",".join(str(pk) for pk in agencies)
        return f'("cases_case"."agency_id" IN ({ids}) OR "cases_case"."transfer_to_id" IN ({ids}))'

    return [SCOPE.sub(ids_for, sql) for sql in statements]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_users() -> dict[str, str]:
    """Create the bench users and memberships when missing; return username → a new API token."""
    from agencies.auth import token_issue

    tokens = {}
    for username, dept, region, role, _label in USERS:
        user = bench_user(username, dept, region, role)
        _instance, tokens[username] = token_issue(user=user)  # valid for 8 hours
    return tokens


def credentials(path: str, token: str) -> dict:
    """Return the headers that log a request in: the API's token, or a page's session cookie
    (``token`` is then a session key, see ``session_for``)."""
    if path.startswith("/api/"):
        return {"Authorization": f"Token {token}", "Accept": "application/json"}
    return {"Cookie": f"sessionid={token}"}


def session_for(username: str) -> str:
    """Log ``username`` in as a browser would; return the session key."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies["sessionid"].value


def capture_sql(path: str, token: str) -> tuple[list[str], int, int]:
    """Return the SQL one request executes, its status and the number of rows on the page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_" + k.upper(): v for k, v in credentials(path, token).items()}
    client = Client(HTTP_HOST="127.0.0.1", **headers)
    client.get(path)  # warm caches (content types, first-connection queries)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if not path.startswith("/api/"):
        rows = response.content.count(b"<tr") - 1  # the table's rows, less its header
        return [q["sql"] for q in ctx.captured_queries], response.status_code, rows
    body = response.json()
    rows = len(body["results"]) if "results" in body else 1  # /me/ is one object
    return [q["sql"] for q in ctx.captured_queries], response.status_code, rows


def start_gunicorn(port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_DEBUG="0", LOG_LEVEL="WARNING")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn exited at start") from None
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start listening within 30 s")


def drive(task, clients: int, requests: int, seconds: float, warmup: int) -> dict:
    """Run ``task(state)`` from ``clients`` threads; return latencies (ms), errors and req/s."""
    counter = {"left": requests + warmup, "started": 0}
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop_at: list[float] = []

    def worker():
        state = {}
        while True:
            with lock:
                if counter["left"] <= 0 or (stop_at and time.monotonic() > stop_at[0]):
                    break
                counter["left"] -= 1
                counter["started"] += 1
                measured = counter["started"] > warmup
            begin = time.perf_counter()
            try:
                task(state)
            except Exception as exc:
                errors.append(repr(exc))
                state.clear()
                continue
            elapsed = (time.perf_counter() - begin) * 1000
            if measured:
                with lock:
                    if not latencies:
                        marks["first"] = begin
                    latencies.append(elapsed)
                    marks["last"] = time.perf_counter()
        closer = state.get("close")
        if closer:
            closer()

    marks = {}
    stop_at.append(time.monotonic() + seconds)
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = (marks["last"] - marks["first"]) if latencies else float("nan")
    return {
        "n": len(latencies),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "rps": len(latencies) / wall if wall else float("nan"),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def http_task(port: int, path: str, token: str):
    headers = credentials(path, token)

    def task(state):
        conn = state.get("conn")
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            state["conn"], state["close"] = conn, conn.close
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the idle keep-alive connection: reconnect once.
            conn.close()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()

    return task


# A form's choices iterate through a server-side cursor: replay its SELECT directly.
CURSOR = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ', re.IGNORECASE)


def sql_task(statements: list[str], params: dict):
    import psycopg2

    statements = [
        CURSOR.sub("", sql)
        for sql in statements
        if not sql.upper().startswith(("FETCH ", "CLOSE ", "MOVE "))
    ]

    def task(state):
        conn = state.get("conn")
        if conn is None:
            conn = psycopg2.connect(**params)
            conn.autocommit = True
            state["conn"], state["close"] = conn, conn.close
        with conn.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    return task


def run(args) -> list[dict]:
    setup_django()
    tokens = ensure_users()
    from cases.models import Case

    total_cases = Case.objects.count()
    print(f"cases in the database: {total_cases:,}")
    params = dsn()

    scenarios = []
    lists = getattr(args, "lists", "cases")  # run_all.py passes no --lists
    queries = [query for name in lists.split(",") for query in LISTS[name.strip()]]
    for username, *_rest, label in USERS:
        for name, path in [*queries, ME]:
            token = tokens[username] if path.startswith("/api/") else session_for(username)
            statements, status, rows = capture_sql(path, token)
            if status != 200:
                raise SystemExit(f"{path} as {username}: HTTP {status}")
            scenarios.append(
                {
                    "user": label,
                    "query": name,
                    "path": path,
                    "token": token,
                    "sql": statements,
                    "what_if_sql": rewrite_scope(statements),
                    "rows": rows,
                }
            )
    if args.show_sql:
        for scenario in scenarios:
            print(f"\n-- {scenario['user']} · {scenario['query']}")
            for sql in scenario["sql"]:
                print(sql + ";")

    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_gunicorn(port, args.workers, args.worker_class, args.threads)
    results = []
    try:
        for scenario in scenarios:
            api = drive(
                http_task(port, scenario["path"], scenario["token"]),
                args.clients,
                args.requests,
                args.seconds,
                args.warmup,
            )
            raw = drive(
                sql_task(scenario["sql"], params),
                args.clients,
                args.requests,
                args.seconds,
                args.warmup,
            )
            what_if = None
            # Only when the app still scopes by path LIKE across joins; otherwise nothing to try.
            if args.what_if and scenario["what_if_sql"] != scenario["sql"]:
                what_if = drive(
                    sql_task(scenario["what_if_sql"], params),
                    args.clients,
                    args.requests,
                    args.seconds,
                    args.warmup,
                )
            for kind, figures in (("API", api), ("raw SQL", raw), ("what-if", what_if or {})):
                if figures.get("errors"):
                    print(
                        f"{scenario['user']} {scenario['query']} {kind}: "
                        f"{figures['errors']} errors, first {figures['first_error']}"
                    )
            results.append({**scenario, "api": api, "raw": raw, "what_if": what_if})
            print(
                f"  {scenario['user']:<30} {scenario['query']:<16} "
                f"API p50 {api['p50']:.1f} ms  raw p50 {raw['p50']:.1f} ms",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    print(
        f"\nGET {lists} — {args.clients} concurrent clients, gunicorn {args.workers} "
        f"{args.worker_class} workers, {total_cases:,} cases; latencies in ms\n"
    )
    me = {r["user"]: r["api"]["rps"] for r in results if r["path"] == ME[1]}
    rows = []
    for r in results:
        api, raw, what_if = r["api"], r["raw"], r["what_if"]
        row = [
            r["user"],
            r["query"],
            r["rows"],
            len(r["sql"]),
            api["n"],
            f"{api['p50']:.1f}",
            f"{api['p95']:.1f}",
            f"{api['p99']:.1f}",
            f"{api['rps']:.1f}",
            f"{raw['p50']:.1f}",
            f"{raw['p95']:.1f}",
            f"{raw['rps']:.1f}",
            f"{api['p50'] / raw['p50']:.1f}×",
            f"{api['rps'] / me[r['user']]:.0%}",
        ]
        if what_if:
            row += [f"{what_if['p50']:.1f}", f"{what_if['p95']:.1f}", f"{what_if['rps']:.1f}"]
        elif args.what_if:
            row += ["n/a", "n/a", "n/a"]
        rows.append(row)
    headers = [
        "user",
        "query",
        "rows",
        "queries",
        "requests",
        "API p50",
        "API p95",
        "API p99",
        "API req/s",
        "SQL p50",
        "SQL p95",
        "SQL req/s",
        "p50 ratio",
        "of /me/ req/s",
    ]
    if args.what_if:
        headers += ["what-if p50", "what-if p95", "what-if req/s"]
    print_table(headers, rows)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="per scenario and side")
    parser.add_argument("--seconds", type=float, default=90, help="time bound per scenario")
    parser.add_argument("--warmup", type=int, default=40, help="unmeasured requests first")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync", help="sync (as deployed) or gthread")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--show-sql", action="store_true", help="print the captured SQL")
    parser.add_argument(
        "--lists", default="cases", help="comma-separated: cases, leads, complaints, pages"
    )
    parser.add_argument(
        "--no-what-if",
        dest="what_if",
        action="store_false",
        help="skip replaying the SQL with the scope rewritten to agency ids",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = run(args)
    if args.json:
        keep = ("user", "query", "path", "rows", "api", "raw", "what_if")
        Path(args.json).write_text(
            json.dumps([{k: r[k] for k in keep} for r in results], indent=2, default=str)
        )


if __name__ == "__main__":
    main()
