"""Time compiling one province-month of 附件1 against hand-written SQL doing the same work.

Usage (after ``bench/fill_cases.py`` filled the bench database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench
    .venv/bin/python bench/compile_month.py [--department ZJ] [--month 2019-03] [--runs 5]

A province-month is every established decision of the month in the department's subtree, one
row per case party. The app compiles it agency by agency up the chain (each report's own facts,
then the approved child reports' frozen rows), so the work it does for the month's facts is
``reports.compile.report_rows`` once per agency of the subtree. That is timed against:

* the same per-agency loop running the hand-written SQL below (same joins, same measure
  aggregation, no 补报/更正 bookkeeping), which isolates what the compile query's extra CTEs cost;
* one hand-written query over the whole subtree (``agency.path LIKE '/…/%'``): the physical limit
  of producing those rows in the database.

Each figure is the median of ``--runs`` runs after one warm-up run; the row counts must agree.
"""

import argparse
import datetime
import time

from _common import median, print_table, setup_django

RAW_SQL = """
WITH labels AS (
    SELECT l.kind, l.label, l.ord
    FROM unnest(%(kinds)s::text[], %(labels)s::text[]) WITH ORDINALITY AS l(kind, label, ord)
)
SELECT p.name, p.id_number,
       COALESCE(cert.number, ''), COALESCE(ct.title, ''),
       COALESCE(ru.name, ''), COALESCE(au.name, ''),
       COALESCE(uu.name, ''), COALESCE(uu.uscc, ''),
       CASE WHEN d.self_corrected
            THEN COALESCE(NULLIF(d.self_correction_text, ''), '已整改') ELSE '' END,
       CASE WHEN ms.words IS NULL AND d.penalty_text = '' THEN ''
            ELSE COALESCE(ms.words, d.penalty_text)
                 || CASE WHEN d.document_number <> '' THEN '（' || d.document_number || '）'
                         ELSE '' END END
FROM cases_decision d
JOIN cases_case c ON c.id = d.case_id
JOIN agencies_agency a ON a.id = c.agency_id
JOIN cases_caseparty cp ON cp.case_id = c.id
JOIN cases_person p ON p.id = cp.person_id
LEFT JOIN cases_certificate cert ON cert.id = cp.certificate_id
LEFT JOIN cases_certificatetype ct ON ct.id = cert.certificate_type_id
LEFT JOIN cases_unit ru ON ru.id = COALESCE(cp.registered_unit_id, cert.registered_unit_id)
LEFT JOIN cases_unit au ON au.id = cp.actual_unit_id
LEFT JOIN cases_unit uu
    ON uu.id = COALESCE(c.certificate_user_unit_id, cp.registered_unit_id, cert.registered_unit_id)
LEFT JOIN LATERAL (
    SELECT string_agg(l.label, '、' ORDER BY l.ord) AS words
    FROM (SELECT DISTINCT m.kind FROM cases_measure m WHERE m.party_id = cp.id) mk
    JOIN labels l ON l.kind = mk.kind
) ms ON true
WHERE {scope}
  AND d.outcome = 'established'
  AND d.decided_on >= %(month)s AND d.decided_on < %(next_month)s
ORDER BY a.path, d.decided_on, c.reference, cp.position, cp.id
"""


def timed(fn, runs: int) -> tuple[float, int]:
    fn()  # warm-up: caches and plans
    seconds, count = [], 0
    for _ in range(runs):
        begin = time.perf_counter()
        count = fn()
        seconds.append(time.perf_counter() - begin)
    return median(seconds), count


def run(args) -> dict:
    setup_django()
    from django.db import connection

    from agencies.models import Agency
    from campaigns.selectors import campaign_reporting
    from cases.models import Case, Measure
    from reports import compile as compiler
    from reports.deadlines import next_month

    year, mon = (int(x) for x in args.month.split("-"))
    month = datetime.date(year, mon, 1)
    campaign_id = campaign_reporting(month).pk
    top = Agency.objects.get(department__code=args.department, level="province")
    # Bottom-up, as the chain compiles: counties, then prefectures, then the province.
    order = {"county": 0, "prefecture": 1, "province": 2}
    subtree = sorted(
        Agency.objects.filter(path__startswith=top.path).values_list("id", "name", "level"),
        key=lambda a: (order[a[2]], a[0]),
    )
    params = {
        "month": month,
        "next_month": next_month(month),
        "kinds": [kind for kind, _label in Measure.Kind.choices],
        "labels": [str(label) for _kind, label in Measure.Kind.choices],
    }
    per_agency_sql = RAW_SQL.format(scope="c.agency_id = %(agency)s")
    subtree_sql = RAW_SQL.format(scope="a.path LIKE %(prefix)s")

    def app_compile() -> int:
        return sum(
            len(
                compiler.report_rows(
                    campaign_id=campaign_id, agency_id=pk, agency_name=name, month=month
                )
            )
            for pk, name, _level in subtree
        )

    def raw_per_agency() -> int:
        total = 0
        with connection.cursor() as cursor:
            for pk, _name, _level in subtree:
                cursor.execute(per_agency_sql, {**params, "agency": pk})
                total += len(cursor.fetchall())
        return total

    def raw_subtree() -> int:
        with connection.cursor() as cursor:
            cursor.execute(subtree_sql, {**params, "prefix": top.path + "%"})
            return len(cursor.fetchall())

    total_cases = Case.objects.count()
    print(
        f"cases in the database: {total_cases:,}; {top.name} subtree: {len(subtree)} agencies; "
        f"month {month:%Y-%m}; {args.runs} runs each (median)"
    )
    app_s, app_rows = timed(app_compile, args.runs)
    per_s, per_rows = timed(raw_per_agency, args.runs)
    one_s, one_rows = timed(raw_subtree, args.runs)
    if not app_rows == per_rows == one_rows:
        print(f"WARNING: row counts differ: {app_rows} / {per_rows} / {one_rows}")
    print_table(
        ["variant", "queries", "rows", "median ms", "ratio to one raw query"],
        [
            [
                "reports.compile.report_rows per agency",
                len(subtree),
                app_rows,
                f"{app_s * 1000:.1f}",
                f"{app_s / one_s:.2f}×",
            ],
            [
                "hand-written SQL per agency",
                len(subtree),
                per_rows,
                f"{per_s * 1000:.1f}",
                f"{per_s / one_s:.2f}×",
            ],
            ["hand-written SQL, whole subtree", 1, one_rows, f"{one_s * 1000:.1f}", "1.00×"],
        ],
    )
    print(f"compile vs hand-written per agency: {app_s / per_s:.2f}×")
    return {
        "agencies": len(subtree),
        "rows": app_rows,
        "compile_ms": app_s * 1000,
        "raw_per_agency_ms": per_s * 1000,
        "raw_subtree_ms": one_s * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--department", default="ZJ")
    parser.add_argument("--month", default="2019-03")
    parser.add_argument("--runs", type=int, default=5)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
