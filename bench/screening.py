"""Measure the roster comparison end to end against the bare SQL join and a pandas merge.

Generates N registrations and 3·N payment months (three months of the period) with planted
mismatches at known rates, then runs, each in its own process so peak RSS is its own:

- ``app``: ``screening.rosters.rosters_compare`` (COPY, checks, rules, leads written), in one
  transaction, rolled back at the end unless ``--keep`` (so the bench can be repeated);
- ``sql``: the bare COPY of both files and one GROUP BY/anti-join for the same unpaid rule;
- ``pandas``: ``read_csv`` of both files and a merge for the same rule (if pandas imports;
  ``--pandas-path`` adds a directory to sys.path for a pandas installed aside).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench \\
        .venv/bin/python bench/screening.py --registrations 1000000
"""

from __future__ import annotations

import argparse
import csv
import datetime
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import print_table, setup_django

MONTHS = ("2019-01", "2019-02", "2019-03")
RATES = {"unpaid": 0.02, "twice": 0.005, "hr": 0.01}  # planted per registration
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
COUNTIES = ("510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114")


def resident_id(seq: int) -> str:
    """Return a distinct valid number per ``seq``: county, birth day and serial from it."""
    county, rest = COUNTIES[seq % len(COUNTIES)], seq // len(COUNTIES)
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rest // 1000)
    body = f"{county}{birth:%Y%m%d}{rest % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def uscc(seq: int) -> str:
    body = f"91{COUNTIES[seq % len(COUNTIES)]}{seq:09d}"
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def generate(folder: Path, count: int, seed: int = 7) -> tuple[Path, Path, dict]:
    """Write the two CSVs; return their paths and the planted counts."""
    rng = random.Random(seed)
    units = [uscc(i) for i in range(1, max(10, count // 20))]
    hr_units = [uscc(10_000_000 + i) for i in range(1, 50)]
    planted = {"unpaid": 0, "twice": 0, "hr": 0}
    registrations, payments = folder / "reg.csv", folder / "ins.csv"
    with open(registrations, "w", newline="") as reg, open(payments, "w", newline="") as pay:
        reg_out, pay_out = csv.writer(reg), csv.writer(pay)
        reg_out.writerow(
            [
                "证件号码",
                "姓名",
                "执业资格类别",
                "专业",
                "证书编号",
                "注册单位名称",
                "注册单位统一社会信用代码",
            ]
        )
        pay_out.writerow(
            ["证件号码", "姓名", "缴费单位名称", "缴费单位统一社会信用代码", "缴费月份"]
        )
        person = 0
        written = 0
        while written < count:
            person += 1
            number = resident_id(person)
            unit = rng.choice(units)
            name = f"人员{person}"
            reg_out.writerow(
                [
                    number,
                    name,
                    "一级建造师",
                    "建筑工程",
                    f"川1{person:09d}",
                    f"单位{unit[-6:]}",
                    unit,
                ]
            )
            written += 1
            draw = rng.random()
            payer = unit
            if draw < RATES["unpaid"]:
                payer, planted["unpaid"] = rng.choice(units), planted["unpaid"] + 1
            elif draw < RATES["unpaid"] + RATES["hr"]:
                payer, planted["hr"] = rng.choice(hr_units), planted["hr"] + 1
            elif draw < RATES["unpaid"] + RATES["hr"] + RATES["twice"] and written < count:
                other = rng.choice(units)
                reg_out.writerow(
                    [
                        number,
                        name,
                        "一级建造师",
                        "建筑工程",
                        f"川1{person:09d}",
                        f"单位{other[-6:]}",
                        other,
                    ]
                )
                written += 1
                planted["twice"] += 1
            payer_name = (
                f"人力资源服务公司{payer[-6:]}" if payer in hr_units else f"单位{payer[-6:]}"
            )
            for month in MONTHS:
                pay_out.writerow([number, name, payer_name, payer, month])
    return registrations, payments, planted


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StepClock:
    """Print the time since the previous mark: per progress step, and per statement if asked."""

    def __init__(self, statements: bool, backend: int):
        self.statements, self.backend = statements, backend
        self.last = self.started = time.perf_counter()

    def progress(self, number, total, message, force=False) -> None:
        now = time.perf_counter()
        print(f"  step {number}/{total} at {now - self.started:6.1f} s  {message}", flush=True)
        self.last = now

    def __call__(self, execute, statement, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            took = time.perf_counter() - began
            if self.statements and took >= 0.05:
                text = " ".join(statement.split())[:90]
                peak = _backend_peak_mb(self.backend)
                print(f"    {took:6.2f} s  backend peak {peak:>6}  {text}", flush=True)


def _auto_explain(connection, min_ms: int) -> None:
    """Have PostgreSQL send the plan of each statement over ``min_ms`` back as a notice."""
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")  # a superuser's bench database
        for setting, value in (
            ("log_min_duration", f"{min_ms}ms"),
            ("log_analyze", "on"),
            ("log_buffers", "on"),
            ("log_nested_statements", "on"),
            ("log_level", "notice"),
        ):
            cursor.execute(f"SET auto_explain.{setting} = '{value}'")


def _backend_peak_mb(pid: int) -> str:
    """Return the PostgreSQL backend's peak RSS (VmHWM; shared buffers it touched included,
    parallel workers not), readable when the server runs on this machine."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "unknown (server not on this machine)"
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return f"{kb / 1024:.0f} MB"


def run_app(registrations, payments, keep: bool, steps: bool, explain: int, queue) -> None:
    setup_django()
    from django.db import connection, transaction

    from screening.rosters import rosters_compare
    from screening.selectors import screening_intake

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    clock = StepClock(statements=steps, backend=backend)
    if explain:
        _auto_explain(connection, explain)
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.execute_wrapper(clock):
            report = rosters_compare(
                actor=None,
                intake=screening_intake(),
                registrations=registrations,
                insurance=payments,
                period=(MONTHS[0], MONTHS[-1]),
                dry_run=False,
                progress=clock.progress if steps else None,
            )
            with connection.cursor() as cursor:
                # What COMMIT would do: check the deferred foreign keys of the rows written.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - started
            print(f"  app: PostgreSQL backend peak RSS {_backend_peak_mb(backend)}", flush=True)
            for notice in connection.connection.notices if explain else ():
                print(notice)
            if not keep:
                transaction.set_rollback(True)
    except Exception as exc:  # report, not hide
        queue.put(("app", repr(exc), 0, 0))
        raise
    queue.put(("app", elapsed, _peak_mb(), report["total"]))


BARE_SQL = """
CREATE TEMPORARY TABLE r (id_number text, name text, category text, specialty text,
    certificate_number text, unit_name text, unit_uscc text);
CREATE TEMPORARY TABLE p (id_number text, name text, unit_name text, unit_uscc text, month text);
"""
BARE_JOIN = """
SELECT count(DISTINCT r.id_number) FROM r
WHERE NOT EXISTS (SELECT 1 FROM p WHERE p.id_number = r.id_number AND p.unit_uscc = r.unit_uscc
                  AND p.month BETWEEN '2019-01' AND '2019-03')
"""


def run_sql(registrations, payments, queue) -> None:
    setup_django()
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL)
        for table, path in (("r", registrations), ("p", payments)):
            with open(path, "rb") as handle:
                handle.readline()
                cursor.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv)", handle)
        cursor.execute("ANALYZE r; ANALYZE p")
        loaded = time.perf_counter()
        cursor.execute(BARE_JOIN)
        unpaid = cursor.fetchone()[0]
    done = time.perf_counter()
    split = {"load s": round(loaded - started, 1), "join s": round(done - loaded, 1)}
    queue.put(("sql", done - started, _peak_mb(), {"unpaid": unpaid, **split}))


def run_pandas(registrations, payments, pandas_path, queue) -> None:
    if pandas_path:
        sys.path.insert(0, pandas_path)
    try:
        import pandas as pd
    except ImportError:
        queue.put(("pandas", "not installed", 0, 0))
        return
    started = time.perf_counter()
    reg = pd.read_csv(registrations, dtype=str)
    pay = pd.read_csv(payments, dtype=str)
    pay = pay[pay["缴费月份"].between(MONTHS[0], MONTHS[-1])]
    paid = pay[["证件号码", "缴费单位统一社会信用代码"]].drop_duplicates()
    paid.columns = ["证件号码", "注册单位统一社会信用代码"]
    merged = reg.merge(paid, how="left", indicator=True)
    unpaid = merged.loc[merged["_merge"] == "left_only", "证件号码"].nunique()
    queue.put(("pandas", time.perf_counter() - started, _peak_mb(), {"unpaid": unpaid}))


def _in_process(target, *args):
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=target, args=(*args, queue))
    process.start()
    process.join()
    return queue.get() if not queue.empty() else (target.__name__, "crashed", 0, 0)


def _files(folder: Path, count: int) -> tuple[Path, Path]:
    """Return the two CSVs in ``folder``, generated unless a run of the same size left them."""
    folder = folder / str(count)
    registrations, payments = folder / "reg.csv", folder / "ins.csv"
    done = folder / "planted.txt"  # written last: a killed generation is not reused
    if done.exists():
        print(f"reusing {folder}: planted {done.read_text().strip()}")
        return registrations, payments
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    registrations, payments, planted = generate(folder, count)
    lines = sum(1 for _ in open(payments)) - 1  # noqa: SIM115
    print(
        f"generated {count} registrations, {lines} payment months "
        f"in {time.perf_counter() - started:.1f} s; planted {planted}"
    )
    done.write_text(f"{planted}\n")
    return registrations, payments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="commit the leads of the app run")
    parser.add_argument("--pandas-path", default="", help="a directory holding pandas")
    parser.add_argument(
        "--steps", action="store_true", help="print the app's steps and statements over 50 ms"
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="MS",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the app's statements over MS (auto_explain)",
    )
    parser.add_argument(
        "--only", default="app,sql,pandas", help="comma-separated contenders to run"
    )
    parser.add_argument(
        "--files", default="", help="keep the generated CSVs in this directory (reused if there)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.files or scratch)
        registrations, payments = _files(folder, args.registrations)
        contenders = {
            "app": (
                "app (rosters_compare, leads written)",
                run_app,
                (args.keep, args.steps, args.explain),
            ),
            "sql": ("bare SQL (COPY + anti-join)", run_sql, ()),
            "pandas": ("pandas (read_csv + merge)", run_pandas, (args.pandas_path,)),
        }
        rows = []
        for key in args.only.split(","):
            name, target, extra = contenders[key]
            _label, seconds, peak, found = _in_process(target, registrations, payments, *extra)
            shown = f"{seconds:.1f}" if isinstance(seconds, float) else seconds
            rows.append([name, shown, f"{peak:.0f}", found])
        print_table(["run", "seconds", "peak RSS MB", "found"], rows)


if __name__ == "__main__":
    main()
