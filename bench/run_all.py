"""Run the benchmarks (list endpoint, province-month compile, 附件1 writer) and summarise them.

Usage (``make bench``; fill the database once before with ``bench/fill_cases.py``):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench
    .venv/bin/python bench/run_all.py [--seconds 90] [--runs 5]
"""

import argparse
import datetime
import platform

import compile_month
import excel_write
import list_endpoint
from _common import print_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=90, help="time bound per scenario")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="runs per median")
    args = parser.parse_args()
    started = datetime.datetime.now().astimezone()
    print(f"bench {started:%Y-%m-%d %H:%M %Z} on {platform.node()} ({platform.machine()})\n")

    print("== 1. GET /api/v1/cases/ ==")
    endpoint = list_endpoint.run(
        argparse.Namespace(
            clients=args.clients,
            requests=args.requests,
            seconds=args.seconds,
            warmup=40,
            workers=args.workers,
            worker_class="sync",
            threads=1,
            show_sql=False,
            what_if=True,
        )
    )
    print("\n== 2. Compile one province-month of 附件1 ==")
    compiled = compile_month.run(
        argparse.Namespace(department="ZJ", month="2019-03", runs=args.runs)
    )
    print("\n== 3. Write a 5,000-row 附件1 workbook ==")
    written = excel_write.run(argparse.Namespace(rows=5000, runs=args.runs))

    print("\n== Summary ==")
    rows = [
        [
            f"list {r['user']}, {r['query']}",
            f"p50 {r['api']['p50']:.0f} / p95 {r['api']['p95']:.0f} / p99 {r['api']['p99']:.0f} ms,"
            f" {r['api']['rps']:.1f} req/s",
            f"p50 {r['raw']['p50']:.0f} / p95 {r['raw']['p95']:.0f} ms",
            f"{r['api']['p50'] / r['raw']['p50']:.1f}×",
        ]
        for r in endpoint
    ]
    rows.append(
        [
            f"compile ZJ 2019-03 ({compiled['agencies']} agencies, {compiled['rows']} rows)",
            f"{compiled['compile_ms']:.0f} ms",
            f"{compiled['raw_subtree_ms']:.0f} ms",
            f"{compiled['compile_ms'] / compiled['raw_subtree_ms']:.1f}×",
        ]
    )
    rows.append(
        [
            f"附件1 workbook, {written['rows']:,} rows",
            f"{written['app_ms']:.0f} ms",
            f"{written['wo_ms']:.0f} ms (write_only)",
            f"{written['app_ms'] / written['wo_ms']:.1f}×",
        ]
    )
    print_table(["benchmark", "app", "physical limit", "ratio"], rows)


if __name__ == "__main__":
    main()
