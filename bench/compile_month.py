"""Time compiling one province-month of 附件1 against hand-written SQL doing the same work.

Usage (after ``bench/fill_cases.py`` filled the bench database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench
    .venv/bin/python bench/compile_month.py [--department ZJ] [--month 2019-03] [--runs 5]

A province-month is every established outcome decided in the month in the department's subtree:
one row per person found 挂证, one per case whose only established outcomes are its units'. The
app compiles it agency by agency up the chain (each report's own facts, then the approved child
reports' frozen rows). Timed, each over the whole subtree:

* the chain: ``reports.compile.report_rows`` once per agency, as each preparation runs it;
* the bulk compile: ``reports.compile.agencies_rows`` for all the subtree's agencies at once
  (the same SQL with every agency in its array), split by agency in Python;
* the hand-written SQL below per agency (same joins, same measure words, no 补报/更正
  bookkeeping): the floor of any per-agency loop;
* the same hand-written SQL once for the whole subtree (``agency.path LIKE '/…/%'``): the
  physical limit of producing those rows in the database, which the ratios are taken against.

The variants run in turn, ``--runs`` rounds after one warm-up round; each time is the median
of its rounds and each ratio the median over the rounds of the ratio within the round (steadier
on a shared machine whose load comes and goes). The hand-written SQL runs without JIT, as the
app's compile does. Every variant must produce the same rows: the chain and the bulk compile the
same dicts, and their own rows of the month the same ten columns of the form as both
hand-written variants, compared as sorted lists. Should the database hold reports
(``bench/fill_reports.py``), the compiles also do what the hand-written SQL does not: read the
facts of the months already filed, to find 补报 and 更正, and carry the children's approved
rows; those rows are counted apart.
"""

import argparse
import datetime
import time
from collections import Counter

from _common import median, print_table, setup_django

# Written for the bench from the schema, not from reports/compile.py: the same output columns
# and text (so the rows can be compared), without the bookkeeping CTEs.
RAW_SQL = """
WITH labels AS (
    SELECT l.kind, l.label, l.ord
    FROM unnest(%(kinds)s::text[], %(labels)s::text[]) WITH ORDINALITY AS l(kind, label, ord)
),
decided AS (
    SELECT d.id AS decision_id, d.document_number, d.penalty_text, d.referred_to_issuer,
           d.issuer, c.id AS case_id, c.agency_id, c.decided_on, c.reference,
           c.certificate_user_unit_id, c.hr_agency_id,
           CASE WHEN d.document_number <> '' THEN '（' || d.document_number || '）'
                ELSE '' END AS doc,
           (SELECT string_agg(l.label || CASE WHEN m.kind = 'fine' AND m.amount IS NOT NULL
                       THEN rtrim(rtrim(m.amount::text, '0'), '.') || '元' ELSE '' END,
                       '，' ORDER BY l.ord)
            FROM cases_outcome o JOIN cases_measure m ON m.outcome_id = o.id
            JOIN labels l ON l.kind = m.kind
            WHERE o.decision_id = d.id AND o.role = 'unit' AND o.result = 'established')
               AS unit_words,
           (SELECT string_agg(l.label || CASE WHEN m.kind = 'fine' AND m.amount IS NOT NULL
                       THEN rtrim(rtrim(m.amount::text, '0'), '.') || '元' ELSE '' END,
                       '，' ORDER BY l.ord)
            FROM cases_outcome o JOIN cases_measure m ON m.outcome_id = o.id
            JOIN labels l ON l.kind = m.kind
            WHERE o.decision_id = d.id AND o.role = 'hr_agency' AND o.result = 'established')
               AS hr_words
    FROM cases_case c
    JOIN agencies_agency a ON a.id = c.agency_id
    JOIN cases_decision d ON d.case_id = c.id
    WHERE {scope} AND c.campaign_id = %(campaign)s
      AND c.decided_on >= %(month)s AND c.decided_on < %(next_month)s
)
SELECT dd.agency_id, dd.decided_on, dd.reference, cp.position, cp.name, p.id_number,
       COALESCE(cert.number, ''), COALESCE(ct.title, ''),
       COALESCE(ru.name, ''), COALESCE(au.name, ''),
       COALESCE(uu.name, ''), COALESCE(uu.uscc, ''),
       CASE WHEN o.self_corrected
            THEN COALESCE(NULLIF(o.self_correction_text, ''), '已整改') ELSE '' END,
       COALESCE(NULLIF(concat_ws('；',
           CASE WHEN dd.unit_words IS NOT NULL OR dd.hr_words IS NOT NULL
                THEN '个人：' || pw.words ELSE pw.words END,
           '单位：' || dd.unit_words, '人力资源服务机构：' || dd.hr_words,
           CASE WHEN dd.referred_to_issuer
                THEN '移送发证机关（' || NULLIF(dd.issuer, '') || '）依法依规处罚' END), '')
           || dd.doc,
           NULLIF(dd.penalty_text, '') || dd.doc, '')
FROM decided dd
JOIN cases_outcome o ON o.decision_id = dd.decision_id AND o.role = 'person'
     AND o.result = 'established'
JOIN cases_caseparty cp ON cp.id = o.party_id
JOIN cases_person p ON p.id = cp.person_id
LEFT JOIN cases_certificate cert ON cert.id = cp.certificate_id
LEFT JOIN cases_certificatetype ct ON ct.id = cert.certificate_type_id
LEFT JOIN cases_unit ru ON ru.id = COALESCE(cp.registered_unit_id, cert.registered_unit_id)
LEFT JOIN cases_unit au ON au.id = cp.actual_unit_id
LEFT JOIN cases_unit uu
    ON uu.id = COALESCE(dd.certificate_user_unit_id, cp.registered_unit_id, cert.registered_unit_id)
LEFT JOIN LATERAL (
    SELECT string_agg(l.label || CASE WHEN m.kind = 'fine' AND m.amount IS NOT NULL
                THEN rtrim(rtrim(m.amount::text, '0'), '.') || '元' ELSE '' END,
                '，' ORDER BY l.ord) AS words
    FROM cases_measure m JOIN labels l ON l.kind = m.kind
    WHERE m.outcome_id = o.id
) pw ON true
UNION ALL
SELECT dd.agency_id, dd.decided_on, dd.reference, 0, '', '', '', '', '', '',
       COALESCE(cu.name, hu.name, ''), COALESCE(cu.uscc, hu.uscc, ''), '',
       COALESCE(NULLIF(concat_ws('；',
           '单位：' || dd.unit_words, '人力资源服务机构：' || dd.hr_words,
           CASE WHEN dd.referred_to_issuer
                THEN '移送发证机关（' || NULLIF(dd.issuer, '') || '）依法依规处罚' END), '')
           || dd.doc,
           NULLIF(dd.penalty_text, '') || dd.doc, '')
FROM decided dd
LEFT JOIN cases_unit cu ON cu.id = dd.certificate_user_unit_id
LEFT JOIN cases_unit hu ON hu.id = dd.hr_agency_id
WHERE EXISTS (SELECT 1 FROM cases_outcome uo WHERE uo.decision_id = dd.decision_id
                AND uo.role <> 'person' AND uo.result = 'established')
  AND NOT EXISTS (SELECT 1 FROM cases_outcome po WHERE po.decision_id = dd.decision_id
                AND po.role = 'person' AND po.result = 'established')
ORDER BY 1, 2, 3, 4
"""
_RAW_KEY_COLUMNS = 4  # agency, date, reference, position: the order, not the form's columns


def timed_in_turn(variants: dict, runs: int) -> tuple[dict, dict, dict]:
    """Run every variant once as a warm-up, then ``runs`` rounds of each in turn.

    Return each variant's median seconds, its last result, and the median over the rounds of
    its ratio to the round's last variant: on a shared machine whose load comes and goes, a
    ratio taken within a round is steadier than one of two medians taken minutes apart.
    """
    results = {name: fn() for name, fn in variants.items()}  # warm-up: caches and plans
    seconds = {name: [] for name in variants}
    for _ in range(runs):
        for name, fn in variants.items():
            begin = time.perf_counter()
            results[name] = fn()
            seconds[name].append(time.perf_counter() - begin)
    last = list(variants)[-1]
    ratios = {
        name: median([a / b for a, b in zip(times, seconds[last], strict=True)])
        for name, times in seconds.items()
    }
    return {name: median(times) for name, times in seconds.items()}, results, ratios


def _own_month_rows(compiled: dict, fields) -> tuple[list, Counter]:
    """Return the compiles' own rows of the month as form tuples, and the other rows by kind."""
    rows, others = [], Counter()
    for agency_id, agency_rows in compiled.items():
        for row in agency_rows:
            if row["origin_agency_id"] == agency_id and row["remarks"] == "":
                rows.append(tuple(row[name] for name in fields))
            else:
                others[row["kind"]] += 1
    return sorted(rows), others


def run(args) -> dict:
    setup_django()
    from django.db import connection

    from agencies.models import Agency
    from campaigns.selectors import campaign_reporting
    from cases.models import Case, Measure
    from core.months import next_month
    from reports import compile as compiler

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
    agencies = [(pk, name) for pk, name, _level in subtree]
    params = {
        "campaign": campaign_id,
        "month": month,
        "next_month": next_month(month),
        "kinds": [kind for kind, _label in Measure.Kind.choices],
        "labels": [str(label) for _kind, label in Measure.Kind.choices],
    }
    # Without JIT, as the app compiles (reports.compile._WITHOUT_JIT): compiling this statement
    # to machine code costs more (≈0.27 s for the subtree) than it saves.
    per_agency_sql = compiler._WITHOUT_JIT + RAW_SQL.format(scope="c.agency_id = %(agency)s")
    subtree_sql = compiler._WITHOUT_JIT + RAW_SQL.format(scope="a.path LIKE %(prefix)s")

    def chain() -> dict:
        return {
            pk: compiler.report_rows(
                campaign_id=campaign_id, agency_id=pk, agency_name=name, month=month
            )
            for pk, name in agencies
        }

    def bulk() -> dict:
        return compiler.agencies_rows(campaign_id=campaign_id, agencies=agencies, month=month)

    def raw_per_agency() -> list:
        found = []
        with connection.cursor() as cursor:
            for pk, _name in agencies:
                cursor.execute(per_agency_sql, {**params, "agency": pk})
                found += cursor.fetchall()
        return found

    def raw_subtree() -> list:
        with connection.cursor() as cursor:
            cursor.execute(subtree_sql, {**params, "prefix": top.path + "%"})
            return cursor.fetchall()

    print(
        f"cases in the database: {Case.objects.count():,}; {top.name} subtree: {len(subtree)} "
        f"agencies; month {month:%Y-%m}; {args.runs} runs each (median)"
    )
    seconds, results, ratios = timed_in_turn(
        {"chain": chain, "bulk": bulk, "raw_per_agency": raw_per_agency, "raw": raw_subtree},
        args.runs,
    )
    chain_s, bulk_s, per_s, one_s = (seconds[k] for k in ("chain", "bulk", "raw_per_agency", "raw"))
    chain_rows, bulk_rows, per_rows, one_rows = (
        results[k] for k in ("chain", "bulk", "raw_per_agency", "raw")
    )

    fields = compiler.ROW_FIELDS
    chain_own, chain_other = _own_month_rows(chain_rows, fields)
    bulk_own, _others = _own_month_rows(bulk_rows, fields)
    raw = sorted(tuple(r[_RAW_KEY_COLUMNS:]) for r in one_rows)
    raw_per = sorted(tuple(r[_RAW_KEY_COLUMNS:]) for r in per_rows)
    same = chain_rows == bulk_rows and chain_own == bulk_own == raw == raw_per
    if not same:
        print(
            f"WARNING: rows differ: chain {len(chain_own)}, bulk {len(bulk_own)}, "
            f"hand-written per agency {len(raw_per)}, whole subtree {len(raw)}"
        )
    if chain_other:
        print(f"besides the month's own rows, the compiles carry: {dict(chain_other)}")
    print_table(
        ["variant", "queries", "rows", "median ms", "ratio to one raw query (median of rounds)"],
        [
            [
                "chain: reports.compile.report_rows per agency",
                len(subtree),
                len(chain_own),
                f"{chain_s * 1000:.1f}",
                f"{ratios['chain']:.2f}×",
            ],
            [
                "bulk: reports.compile.agencies_rows, whole subtree",
                1,
                len(bulk_own),
                f"{bulk_s * 1000:.1f}",
                f"{ratios['bulk']:.2f}×",
            ],
            [
                "hand-written SQL per agency",
                len(subtree),
                len(raw_per),
                f"{per_s * 1000:.1f}",
                f"{ratios['raw_per_agency']:.2f}×",
            ],
            ["hand-written SQL, whole subtree", 1, len(raw), f"{one_s * 1000:.1f}", "1.00×"],
        ],
    )
    print(
        f"rows identical across the variants: {'yes' if same else 'NO'}; "
        f"chain vs hand-written per agency: {chain_s / per_s:.2f}×"
    )
    return {
        "agencies": len(subtree),
        "rows": len(chain_own),
        "rows_identical": same,
        "compile_ms": chain_s * 1000,
        "bulk_ms": bulk_s * 1000,
        "raw_per_agency_ms": per_s * 1000,
        "raw_subtree_ms": one_s * 1000,
        "ratio": ratios["chain"],
        "bulk_ratio": ratios["bulk"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--department", default="ZJ")
    parser.add_argument("--month", default="2019-03")
    parser.add_argument("--runs", type=int, default=5)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
