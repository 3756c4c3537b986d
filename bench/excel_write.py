"""Time writing a 5,000-row 附件1 workbook with reports.excel against bare openpyxl writers.

Usage (no database needed: the workbook writer takes rows in and gives bytes out):

    .venv/bin/python bench/excel_write.py [--rows 5000] [--runs 5]

Three writers put the same cells (the title lines, both header rows, the rows, the footer):

* ``reports.excel.annex1_workbook`` — the official layout: merges, fonts, borders, text formats,
  print settings;
* bare openpyxl, ordinary mode, values only (no styles, no merges);
* bare openpyxl, ``write_only`` mode (streaming rows): the physical limit of openpyxl.

Each figure is the median of ``--runs`` runs after one warm-up run. On a shared machine the
wall-clock medians scatter more than the writers differ; ``--alternate N`` also runs the app's
writer and the ``write_only`` writer alternately N times each in this process and compares their
CPU time (``time.process_time``), which other processes' load barely moves.
"""

import argparse
import datetime
import io
import random
import sys
import time

from _common import ROOT, median, print_table
from fill_cases import resident_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华"
TITLES = (
    "一级建造师（建筑工程）",
    "二级建造师（市政公用工程）",
    "一级注册结构工程师",
    "监理工程师（土木建筑工程）",
)


def sample_rows(n: int, seed: int = 7) -> list[dict]:
    """Return ``n`` plausible 附件1 rows (the dicts reports.compile produces)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append(
            {
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "id_number": resident_id(
                    f"510104{1960 + i % 40}0{1 + i % 9}1{i % 10}{i % 1000:03d}"
                ),
                "certificate_number": f"川151201{i:07d}",
                "certificate_title": rng.choice(TITLES),
                "registered_unit": "四川华信建设工程有限公司",
                "actual_unit": "成都蓉城工程设计有限公司",
                "unit_name": "四川华信建设工程有限公司",
                "unit_uscc": "91510104MA61XXXX0X",
                "self_correction": "已注销注册" if i % 3 == 0 else "",
                "penalty": ""
                if i % 3 == 0
                else "撤销注册、3年内不得再次申请注册（川建罚〔2019〕12号）",
                "remarks": "补报（2019年2月）" if i % 50 == 0 else "",
            }
        )
    return rows


def cell_grid(rows: list[dict], agency: str) -> list[list]:
    """Return every cell value annex1_workbook writes, row by row, as plain values."""
    from reports import layout

    grid: list[list] = [
        [layout.ANNEX_LABEL],
        [layout.TITLE],
        [layout.AGENCY_LINE.format(agency=agency)],
    ]
    h1 = [""] * len(layout.COLUMNS)
    for first, _last, text in layout.H1_GROUPS:
        h1[ord(first) - ord("A")] = text
    h2 = [""] + [c.header for c in layout.COLUMNS[1:-1]] + [""]
    grid += [h1, h2]
    for seq, row in enumerate(rows, start=1):
        grid.append([seq if c.key == "seq" else row.get(c.key, "") for c in layout.COLUMNS])
    footer = [""] * len(layout.COLUMNS)
    for first, _last, label in layout.FOOTER_GROUPS:
        footer[ord(first) - ord("A")] = label
    grid.append(footer)
    return grid


def timed(fn, runs: int) -> tuple[float, int]:
    fn()
    seconds, size = [], 0
    for _ in range(runs):
        begin = time.perf_counter()
        size = len(fn())
        seconds.append(time.perf_counter() - begin)
    return median(seconds), size


def alternate(app, limit, n: int) -> None:
    """Print the CPU-time medians and minima of ``app`` and ``limit`` run alternately."""
    cpu = {"app": [], "limit": []}
    for _ in range(n):
        for name, fn in (("app", app), ("limit", limit)):
            begin = time.process_time()
            fn()
            cpu[name].append(time.process_time() - begin)
    app_median, limit_median = median(cpu["app"]), median(cpu["limit"])
    print(
        f"CPU time, {n} alternating runs each: app median {app_median * 1000:.0f} ms "
        f"(min {min(cpu['app']) * 1000:.0f}), write_only median {limit_median * 1000:.0f} ms "
        f"(min {min(cpu['limit']) * 1000:.0f}); ratio {app_median / limit_median:.2f}× "
        f"(minima {min(cpu['app']) / min(cpu['limit']):.2f}×)"
    )


def run(args) -> dict:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from openpyxl import Workbook

    from reports import excel

    agency = "成都市锦江区住房和城乡建设局"
    rows = sample_rows(args.rows)
    sheet = excel.SheetData(
        agency_name=agency,
        rows=rows,
        preparer=excel.Signatory("张三", "028-86651234"),
        signer=excel.Signatory("李四", "028-86651235"),
        submitted_on=datetime.date(2019, 4, 1),
    )
    grid = cell_grid(rows, agency)

    def app() -> bytes:
        return excel.annex1_workbook(sheet)

    def bare() -> bytes:
        wb = Workbook()
        ws = wb.active
        for values in grid:
            ws.append(values)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    def write_only() -> bytes:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for values in grid:
            ws.append(values)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    if getattr(args, "alternate", 0):
        alternate(app, write_only, args.alternate)
    app_s, app_size = timed(app, args.runs)
    bare_s, bare_size = timed(bare, args.runs)
    wo_s, wo_size = timed(write_only, args.runs)
    print(f"附件1 workbook with {args.rows:,} rows; {args.runs} runs each (median)")
    print_table(
        ["writer", "median ms", "bytes", "ratio to write_only", "ratio to bare"],
        [
            [
                "reports.excel.annex1_workbook",
                f"{app_s * 1000:.0f}",
                f"{app_size:,}",
                f"{app_s / wo_s:.2f}×",
                f"{app_s / bare_s:.2f}×",
            ],
            [
                "openpyxl, values only",
                f"{bare_s * 1000:.0f}",
                f"{bare_size:,}",
                f"{bare_s / wo_s:.2f}×",
                "1.00×",
            ],
            [
                "openpyxl write_only",
                f"{wo_s * 1000:.0f}",
                f"{wo_size:,}",
                "1.00×",
                f"{wo_s / bare_s:.2f}×",
            ],
        ],
    )
    return {
        "rows": args.rows,
        "app_ms": app_s * 1000,
        "bare_ms": bare_s * 1000,
        "wo_ms": wo_s * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--alternate", type=int, default=0, metavar="N")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
