"""Run the benchmarks of issue 14 and print each target with its ratio and "met / not met".

Usage (``make bench``; fill the database once before with ``bench/fill_cases.py`` and
``bench/fill_reports.py``):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench1m
    .venv/bin/python bench/run_all.py [--seconds 20] [--runs 5] [--skip lists,import]

Each part runs against its physical limit in the same run (docs/performance.md); a part that
fails is reported as such and the others still run. The import and the consolidation job write
their own data and run against ``--scratch-url`` (default: a ``guazheng_bench_scratch`` database
next to DATABASE_URL, created and migrated when missing), never the filled database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import traceback
from dataclasses import dataclass

from _common import ROOT, print_table


@dataclass
class Target:
    """One line of the summary: what was measured against what, and the bound it must keep."""

    name: str
    figure: str
    limit: str
    ratio: float | None
    bound: str
    met: bool | None  # None: not measured


def ratio_target(name, app, limit, unit, bound, *, limit_name=""):
    """Return a Target for ``app / limit ≤ bound``."""
    ratio = app / limit if limit else None
    return Target(
        name,
        f"{app:,.0f} {unit}",
        f"{limit:,.0f} {unit}{limit_name}",
        ratio,
        f"≤ {bound}×",
        ratio is not None and ratio <= bound,
    )


def compile_targets(args) -> list[Target]:
    import compile_month

    result = compile_month.run(argparse.Namespace(department="ZJ", month="2019-03", runs=args.runs))
    chain, single = result["compile_ms"], result["raw_subtree_ms"]
    ratio = result.get("ratio", chain / single)  # the median of each round's own ratio
    targets = [
        Target(
            f"compile ZJ 2019-03 through the chain ({result['agencies']} agencies, per agency)",
            f"{chain:,.0f} ms",
            f"{single:,.0f} ms one query",
            ratio,
            "≤ 1.5×",
            ratio <= 1.5 and result.get("rows_identical", True),
        )
    ]
    if result.get("bulk_ms") is not None:
        bulk = result["bulk_ms"]
        targets.append(
            Target(
                "bulk recompile of the province-month",
                f"{bulk:,.0f} ms",
                f"{single:,.0f} ms one query",
                bulk / single if single else None,
                "≤ 2,000 ms",
                bulk <= 2000,
            )
        )
    return targets


def workbook_targets(args) -> list[Target]:
    import excel_write

    written = excel_write.run(argparse.Namespace(rows=5000, runs=args.runs, alternate=0))
    return [
        ratio_target(
            "附件1 workbook, 5,000 rows",
            written["app_ms"],
            written["wo_ms"],
            "ms",
            1.2,
            limit_name=" write_only",
        )
    ]


def consolidation_targets(args) -> list[Target]:
    command = [sys.executable, "bench/consolidation_write.py", "--rows", "50000", "--json"]
    figures = _json_child(command, scratch=True)
    job = figures["job"]
    return [
        Target(
            "50,000-row consolidation job, peak RSS",
            f"{job['peak']:.0f} MB, {job['seconds']:.1f} s",
            f"write_only {figures['write_only']['seconds']:.1f} s",
            job["seconds"] / figures["write_only"]["seconds"],
            "< 200 MB",
            job["peak"] < 200,
        )
    ]


def list_targets(args) -> list[Target]:
    import list_endpoint

    results = list_endpoint.run(
        argparse.Namespace(
            clients=20,
            requests=args.requests,
            seconds=args.seconds,
            warmup=40,
            workers=3,
            worker_class="sync",
            threads=1,
            show_sql=False,
            what_if=False,
            lists="cases,leads,complaints,pages",
        )
    )
    me = {r["user"]: r["api"]["rps"] for r in results if r["path"] == list_endpoint.ME[1]}
    targets = []
    for r in results:
        if r["path"] == list_endpoint.ME[1]:
            continue
        share = r["api"]["rps"] / me[r["user"]]
        bound = 0.25 if "decided_month" in r["path"] else 0.40
        p95 = r["api"]["p95"]
        targets.append(
            Target(
                f"list {r['user']}, {r['query']} (20 clients)",
                f"{r['api']['rps']:.1f} req/s, p95 {p95:.0f} ms",
                f"/me/ {me[r['user']]:.0f} req/s",
                share,
                f"≥ {bound:.0%} of /me/, p95 ≤ 300 ms",
                share >= bound and p95 <= 300,
            )
        )
    return targets


def page_targets(args) -> list[Target]:
    import pages

    results = pages.run(argparse.Namespace(requests=args.page_requests, only=""))
    return [
        Target(
            f"page {r['user']}: {r['page']}",
            f"p95 {r['p95']:.0f} ms, {r['queries']} queries",
            "",
            None,
            "p95 ≤ 150 ms",
            r["met"],
        )
        for r in results
    ]


def import_targets(args) -> list[Target]:
    import import_check

    saved = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = scratch_url()  # the import writes: never the filled database
    try:
        figures = import_check.run("import", 10000)
    finally:
        os.environ["DATABASE_URL"] = saved
    seconds = figures["seconds"]
    return [
        Target(
            "import 10,000 case rows: check + import, end to end",
            f"{seconds:.1f} s (check {figures['check_seconds']:.1f} + import "
            f"{figures['import_seconds']:.1f}), peak {figures['peak_mb']:.0f} MB",
            "",
            None,
            "≤ 20 s",
            seconds <= 20,
        )
    ]


def _json_child(command: list[str], *, scratch: bool) -> dict:
    """Run a bench script in its own process; return the JSON of its last line."""
    env = dict(os.environ)
    if scratch:
        env["DATABASE_URL"] = scratch_url()
    output = subprocess.run(  # noqa: S603 — our own scripts, fixed arguments
        command, check=True, capture_output=True, text=True, cwd=ROOT, env=env
    ).stdout
    import json

    return json.loads(output.strip().splitlines()[-1])


def scratch_url() -> str:
    """Return the database the writing benches use, created once and migrated each time."""
    import psycopg2

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    url = os.environ.get("BENCH_SCRATCH_URL", f"{base}/guazheng_bench_scratch")
    name = url.rsplit("/", 1)[1]
    server = psycopg2.connect(f"{base}/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    env = dict(os.environ, DATABASE_URL=url)
    # Every time: a scratch database made by an older checkout lacks the newer migrations.
    for step in (["migrate", "-v0"], ["load_reference_data"]):
        subprocess.run(  # noqa: S603 — manage.py, fixed arguments
            [sys.executable, "manage.py", *step], check=True, cwd=ROOT, env=env
        )
    return url


PARTS = {
    "compile": compile_targets,
    "workbook": workbook_targets,
    "consolidation": consolidation_targets,
    "lists": list_targets,
    "pages": page_targets,
    "import": import_targets,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="list requests per scenario")
    parser.add_argument("--seconds", type=float, default=20, help="time bound per list scenario")
    parser.add_argument("--page-requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--runs", type=int, default=5, help="runs per median")
    parser.add_argument("--skip", default="", help="comma-separated parts: " + ", ".join(PARTS))
    args = parser.parse_args()
    started = datetime.datetime.now().astimezone()
    print(f"bench {started:%Y-%m-%d %H:%M %Z} on {platform.node()} ({platform.machine()})")
    skipped = {p.strip() for p in args.skip.split(",") if p.strip()}
    targets: list[Target] = []
    for part, measure in PARTS.items():
        if part in skipped:
            continue
        print(f"\n== {part} ==", flush=True)
        try:
            targets += measure(args)
        except Exception:  # one part failing must not hide the others
            traceback.print_exc()
            targets.append(Target(part, "failed (see above)", "", None, "", None))
    print(f"\n== Summary ({datetime.datetime.now().astimezone():%H:%M}) ==")
    print_table(
        ["target", "app", "physical limit / yardstick", "ratio", "bound", "met"],
        [
            [
                t.name,
                t.figure,
                t.limit,
                f"{t.ratio:.2f}×" if t.ratio is not None else "",
                t.bound,
                {True: "met", False: "NOT MET", None: "not measured"}[t.met],
            ]
            for t in targets
        ],
    )


if __name__ == "__main__":
    from _common import setup_django

    setup_django()
    main()
