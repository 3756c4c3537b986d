"""Compile 附件1 rows and statistics in the database: one query with joins and aggregation each.

A report's rows are, in this order:

1. its own facts of the month: one row per case party of the agency's cases whose decision is
   ``established`` and dated in the month;
2. the frozen rows of the *approved* reports of the agencies directly below it, for the month;
3. late facts (补报): own facts dated in an earlier month whose report was already submitted and
   which no earlier report carried, and approved child reports of such months not yet carried;
4. corrections (更正): own facts reported earlier whose content has changed since, and own rows
   reported earlier whose decision was withdrawn (the case reopened) or changed to not
   established; such a row repeats the person with empty outcome columns and says why in 备注,
   and is marked by ``RETRACTED`` as its fingerprint so that it is carried only once.

Earlier reports are read from their frozen rows (``ReportRow``), never recomputed, so late facts
never rewrite history. A row that another month's report of the agency already carries (a later
month's 补报 or 更正, when this month is resubmitted after a return or submitted out of order) is
left out, so no row is ever carried twice.

The statement compiles any set of agencies at once, each row tagged with the agency whose report
it belongs to: a preparation or a preview compiles one, ``manage.py recompile_month`` a
department's whole subtree in one query (issue 14, ZJ's 205 agencies for 2019-03 at a million
cases: ≈1 s, ≈1.9 s with February filed and the children's rows carried, where one query per
agency takes ≈3 s and ≈5 s: each pays ≈4 ms of planning and its own start).
"""

import datetime
from collections.abc import Sequence

from django.db import connections

from agencies.models import Agency, Department, Region
from cases.models import (
    Case,
    CaseParty,
    Certificate,
    CertificateType,
    Decision,
    Measure,
    Outcome,
    Person,
    Unit,
)
from core.months import month_label, next_month
from core.replica import read_alias
from reports.models import Report, ReportRow

# The tables the SQL reads, by the name it uses: taken from the models, so a renamed table or
# model is followed (and tests/reports/test_compile.py checks every column the SQL names).
TABLES = {
    "agency": Agency,
    "case": Case,
    "caseparty": CaseParty,
    "certificate": Certificate,
    "certificatetype": CertificateType,
    "decision": Decision,
    "department": Department,
    "measure": Measure,
    "outcome": Outcome,
    "person": Person,
    "region": Region,
    "report": Report,
    "reportrow": ReportRow,
    "unit": Unit,
}


def _sql(template: str) -> str:
    """Fill the table names into a statement (``{decision}`` → ``cases_decision``)."""
    return template.format(**{name: model._meta.db_table for name, model in TABLES.items()})


def _enum_params() -> dict:
    """Return the stored values the SQL compares with, from the models' choices."""
    return {
        "established": Outcome.Result.ESTABLISHED,
        "not_established": Outcome.Result.NOT_ESTABLISHED,
        "person": Outcome.Role.PERSON,
        "unit_role": Outcome.Role.UNIT,
        "hr_role": Outcome.Role.HR_AGENCY,
        "fine": Measure.Kind.FINE,
        "submitted": Report.Status.SUBMITTED,
        "approved": Report.Status.APPROVED,
        "regular": ReportRow.Kind.REGULAR,
        "late": ReportRow.Kind.LATE,
        "correction": ReportRow.Kind.CORRECTION,
        "kinds": [kind for kind, _label in Measure.Kind.choices],
        "labels": [str(label) for _kind, label in Measure.Kind.choices],
        "retracted": RETRACTED,
        "annex1": Report.Kind.ANNEX1,
    }


# Text for the 自查自纠 column when the decision says self-corrected but gives no details.
DEFAULT_SELF_CORRECTION = "已整改"
# The fingerprint of a row that retracts an earlier one (no outcome stands any more).
RETRACTED = "retracted"
# 备注 of a retraction, after "更正（2019年3月）：".
WITHDRAWN_TEXT = "处理决定已撤销"
NOT_ESTABLISHED_TEXT = "改为不构成挂证"
# 行政处罚: whose measures a part lists, when the unit's or the HR agency's are there too.
PERSON_PART, UNIT_PART, HR_PART = "个人：", "单位：", "人力资源服务机构："
REFERRAL_TEXT = "移送发证机关（{issuer}）依法依规处罚"

ROW_FIELDS = (
    "name",
    "id_number",
    "certificate_number",
    "certificate_title",
    "registered_unit",
    "actual_unit",
    "unit_name",
    "unit_uscc",
    "self_correction",
    "penalty",
)
META_FIELDS = (
    "remarks",
    "kind",
    "case_party_id",
    "case_id",
    "row_key",
    "unit_measure_kinds",
    "unit_key",
    "document_number",
    "fact_month",
    "fingerprint",
    "origin_agency_id",
    "origin_name",
    "source_revision_id",
    "measure_kinds",
)

# The words and codes of one outcome's measures, in the order of Measure.Kind (a fine with its
# amount: 罚款10000元). ``{o}`` is the outcome's alias.
_MEASURE_WORDS = """
    SELECT string_agg(l.label || CASE WHEN m.kind = %(fine)s AND m.amount IS NOT NULL
                THEN rtrim(rtrim(m.amount::text, '0'), '.') || '元' ELSE '' END,
                '，' ORDER BY l.ord) AS words,
           string_agg(m.kind, ',' ORDER BY l.ord) AS kinds
    FROM {measure} m JOIN labels l ON l.kind = m.kind
    WHERE m.outcome_id = {o}.id
"""

# A row's content for telling whether it changed since it was reported (更正): its facts, not
# its wording, so that rephrasing 行政处罚 never re-reports a month. ``{r}`` is the row's alias;
# migration reports 0005 gave the rows frozen before it the same fingerprint.
FINGERPRINT = """md5(concat_ws('|', {r}.name, {r}.id_number, {r}.certificate_number,
    {r}.certificate_title, {r}.registered_unit, {r}.actual_unit, {r}.unit_name, {r}.unit_uscc,
    {r}.self_correction, {r}.measure_kinds, {r}.unit_measure_kinds, {r}.document_number))"""

# One statement compiles the reports of a set of agencies (``%(agencies)s``, with the names their
# own rows carry in ``%(names)s``): every CTE carries the agency it is compiled for, and every
# bookkeeping join matches on it, so one agency's report (a preparation, a preview) and a whole
# subtree's (``agencies_rows``) are the same SQL with a longer array.
# Built from constants of this module only (table names, the measure-words fragment): no input.
_COMPILE_SQL = _sql(
    """
WITH labels AS (
    SELECT l.kind, l.label, l.ord
    FROM unnest(%(kinds)s::text[], %(labels)s::text[]) WITH ORDINALITY AS l(kind, label, ord)
),
targets AS (
    SELECT t.agency_id, t.name
    FROM unnest(%(agencies)s::bigint[], %(names)s::text[]) AS t(agency_id, name)
),
closed_months AS (
    SELECT r.agency_id, r.month, (r.month + interval '1 month')::date AS next_month
    FROM {report} r
    WHERE r.agency_id = ANY(%(agencies)s) AND r.kind = %(annex1)s
      AND r.campaign_id = %(campaign)s AND r.month < %(month)s
      AND r.status IN (%(submitted)s, %(approved)s)
),
reported_cases AS (
    -- Cases an earlier report of the agency carried: their rows are compared, or retracted.
    SELECT DISTINCT pr.agency_id, prr.case_id FROM {reportrow} prr
    JOIN {report} pr ON pr.current_revision_id = prr.revision_id
    WHERE pr.agency_id = ANY(%(agencies)s) AND pr.kind = %(annex1)s
      AND pr.campaign_id = %(campaign)s AND pr.month < %(month)s
      AND prr.case_id IS NOT NULL
),
decided_cases AS (
    -- Case.decided_on copies the decision's date (one writer: cases.decisions) and is indexed
    -- with the agency, so each part is index ranges of (agency, decided_on): the month's
    -- decisions, those of each earlier month already filed (补报, 更正), and cases reported
    -- earlier but now decided in no filed month (更正). The parts are disjoint.
    SELECT c.id, c.agency_id, c.decided_on, c.reference, c.certificate_user_unit_id,
           c.hr_agency_id
    FROM {case} c
    WHERE c.agency_id = ANY(%(agencies)s) AND c.campaign_id = %(campaign)s
      AND c.decided_on >= %(month)s AND c.decided_on < %(next_month)s
    UNION ALL
    SELECT c.*
    FROM closed_months cm
    CROSS JOIN LATERAL (
        -- OFFSET 0 keeps this an index range per filed month (the planner, unable to estimate
        -- a range between two columns, read all the cases instead).
        SELECT c.id, c.agency_id, c.decided_on, c.reference, c.certificate_user_unit_id,
               c.hr_agency_id
        FROM {case} c
        WHERE c.agency_id = cm.agency_id AND c.campaign_id = %(campaign)s
          AND c.decided_on >= cm.month AND c.decided_on < cm.next_month
        OFFSET 0
    ) c
    UNION ALL
    SELECT c.*
    FROM (
        -- The agency's earlier decisions, tested against the cases reported (OFFSET 0: not by
        -- looking up each reported case, most of them a parent's children's).
        SELECT c.id, c.agency_id, c.decided_on, c.reference, c.certificate_user_unit_id,
               c.hr_agency_id
        FROM {case} c
        WHERE c.agency_id = ANY(%(agencies)s) AND c.campaign_id = %(campaign)s
          AND c.decided_on < %(month)s
        OFFSET 0
    ) c
    WHERE EXISTS (SELECT 1 FROM reported_cases rc
                  WHERE rc.agency_id = c.agency_id AND rc.case_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM closed_months cm WHERE cm.agency_id = c.agency_id
                        AND cm.month = date_trunc('month', c.decided_on)::date)
),
decided AS (
    -- Each decision with the measures of the unit that used the certificate and of the HR
    -- agency (in this CTE, not one joined back on decision_id: the planner has no statistics
    -- for a CTE's columns and would expect a join of two of them to multiply their rows).
    SELECT d.id AS decision_id, d.document_number, d.penalty_text, d.referred_to_issuer,
           d.issuer, c.agency_id, c.id AS case_id, c.decided_on, c.reference,
           c.certificate_user_unit_id, c.hr_agency_id,
           date_trunc('month', c.decided_on)::date AS fact_month,
           uw.words AS unit_words, hw.words AS hr_words,
           concat_ws(',', (SELECT string_agg('unit:' || k, ',') FROM unnest(
                               string_to_array(uw.kinds, ',')) k),
                          (SELECT string_agg('hr:' || k, ',') FROM unnest(
                               string_to_array(hw.kinds, ',')) k)) AS unit_kinds
    FROM decided_cases c
    JOIN {decision} d ON d.case_id = c.id
    LEFT JOIN {outcome} uo ON uo.decision_id = d.id AND uo.role = %(unit_role)s
         AND uo.result = %(established)s
    LEFT JOIN LATERAL ("""
    + _MEASURE_WORDS.replace("{o}", "uo")
    + """) uw ON true
    LEFT JOIN {outcome} ho ON ho.decision_id = d.id AND ho.role = %(hr_role)s
         AND ho.result = %(established)s
    LEFT JOIN LATERAL ("""
    + _MEASURE_WORDS.replace("{o}", "ho")
    + """) hw ON true
),
subjects AS (
    -- One row per person whose outcome is 构成 …
    SELECT 'p' || cp.id AS row_key, cp.id AS case_party_id, dd.*, cp.position,
           cp.name, p.id_number,
           COALESCE(cert.number, '') AS certificate_number,
           COALESCE(ct.title, '') AS certificate_title,
           COALESCE(ru.name, '') AS registered_unit,
           COALESCE(au.name, '') AS actual_unit,
           -- 买卖租借证书单位: the unit that used the certificate, by default the registered one.
           COALESCE(uu.name, '') AS unit_name, COALESCE(uu.uscc, '') AS unit_uscc,
           CASE WHEN o.self_corrected
                THEN COALESCE(NULLIF(o.self_correction_text, ''), %(default_sc)s) ELSE '' END
               AS self_correction,
           pw.words AS person_words, COALESCE(pw.kinds, '') AS measure_kinds
    FROM decided dd
    JOIN {outcome} o ON o.decision_id = dd.decision_id AND o.role = %(person)s
         AND o.result = %(established)s
    JOIN {caseparty} cp ON cp.id = o.party_id
    JOIN {person} p ON p.id = cp.person_id
    LEFT JOIN {certificate} cert ON cert.id = cp.certificate_id
    LEFT JOIN {certificatetype} ct ON ct.id = cert.certificate_type_id
    LEFT JOIN {unit} ru ON ru.id = COALESCE(cp.registered_unit_id, cert.registered_unit_id)
    LEFT JOIN {unit} au ON au.id = cp.actual_unit_id
    LEFT JOIN {unit} uu ON uu.id = COALESCE(
        dd.certificate_user_unit_id, cp.registered_unit_id, cert.registered_unit_id)
    LEFT JOIN LATERAL ("""
    + _MEASURE_WORDS.replace("{o}", "o")
    + """) pw ON true
    UNION ALL
    -- … and one row for a case whose only 构成 outcomes are its unit's or HR agency's.
    SELECT 'c' || dd.case_id, NULL::bigint, dd.*, 0,
           '', '', '', '', '', '',
           COALESCE(cu.name, hu.name, ''), COALESCE(cu.uscc, hu.uscc, ''),
           '', NULL::text, ''
    FROM decided dd
    LEFT JOIN {unit} cu ON cu.id = dd.certificate_user_unit_id
    LEFT JOIN {unit} hu ON hu.id = dd.hr_agency_id
    WHERE EXISTS (SELECT 1 FROM {outcome} uo WHERE uo.decision_id = dd.decision_id
                    AND uo.role <> %(person)s AND uo.result = %(established)s)
      AND NOT EXISTS (SELECT 1 FROM {outcome} po WHERE po.decision_id = dd.decision_id
                    AND po.role = %(person)s AND po.result = %(established)s)
),
facts AS (
    SELECT s.*, s.unit_kinds AS unit_measure_kinds,
           CASE WHEN s.unit_kinds <> '' THEN 'c' || s.case_id ELSE '' END AS unit_key,
           CASE
               WHEN parts.words <> '' THEN parts.words || doc.text
               WHEN s.penalty_text <> '' THEN s.penalty_text || doc.text
               ELSE ''
           END AS penalty
    FROM subjects s
    CROSS JOIN LATERAL (SELECT CASE WHEN s.document_number <> ''
                        THEN '（' || s.document_number || '）' ELSE '' END AS text) doc
    CROSS JOIN LATERAL (SELECT concat_ws('；',
        CASE WHEN s.person_words IS NULL THEN NULL
             WHEN s.unit_words IS NOT NULL OR s.hr_words IS NOT NULL
             THEN %(person_part)s || s.person_words
             ELSE s.person_words END,
        %(unit_part)s || s.unit_words,
        %(hr_part)s || s.hr_words,
        CASE WHEN s.referred_to_issuer
             THEN replace(%(referral)s, '{{issuer}}', NULLIF(s.issuer, '')) END) AS words) parts
),
fingerprinted AS (
    SELECT f.*, """
    + FINGERPRINT.replace("{r}", "f")
    + """ AS fingerprint
    FROM facts f
),
prior AS (
    -- The agency's own rows reported earlier, the latest of each (origin_agency_id is the agency).
    SELECT DISTINCT ON (rr.origin_agency_id, rr.row_key)
           rr.origin_agency_id, rr.row_key, rr.fingerprint, rr.fact_month, rr.case_id,
           rr.case_party_id, rr.name, rr.id_number, rr.certificate_number,
           rr.certificate_title, rr.registered_unit, rr.actual_unit, rr.unit_name, rr.unit_uscc
    FROM {reportrow} rr
    JOIN {report} r ON r.current_revision_id = rr.revision_id
    WHERE r.agency_id = ANY(%(agencies)s) AND r.kind = %(annex1)s
      AND r.campaign_id = %(campaign)s AND r.month < %(month)s
      AND rr.origin_agency_id = r.agency_id AND rr.row_key <> ''
    ORDER BY rr.origin_agency_id, rr.row_key, r.month DESC, rr.seq DESC
),
carried_later AS (
    -- Own facts a later month already carries (as 补报 or 更正).
    SELECT DISTINCT r.agency_id, rr.row_key
    FROM {reportrow} rr
    JOIN {report} r ON r.current_revision_id = rr.revision_id
    WHERE r.agency_id = ANY(%(agencies)s) AND r.kind = %(annex1)s
      AND r.campaign_id = %(campaign)s AND r.month > %(month)s
      AND rr.origin_agency_id = r.agency_id AND rr.row_key <> ''
),
compared AS MATERIALIZED (
    -- Each fact beside the latest row of it reported earlier, and each earlier row left without
    -- a fact. A FULL JOIN runs as a hash or merge join, never as a nested loop re-reading one
    -- side for each row of the other, which a NOT EXISTS became when the planner misjudged how
    -- many rows ``prior`` holds (over a minute for a province); MATERIALIZED plans it apart, so
    -- that no condition strict on one side reduces it to that loop again.
    SELECT f.*,
           pr.row_key AS prior_key, pr.fingerprint AS prior_fingerprint,
           pr.origin_agency_id AS prior_agency_id, pr.fact_month AS prior_fact_month,
           pr.case_id AS prior_case_id, pr.case_party_id AS prior_case_party_id,
           pr.name AS prior_name, pr.id_number AS prior_id_number,
           pr.certificate_number AS prior_certificate_number,
           pr.certificate_title AS prior_certificate_title,
           pr.registered_unit AS prior_registered_unit, pr.actual_unit AS prior_actual_unit,
           pr.unit_name AS prior_unit_name, pr.unit_uscc AS prior_unit_uscc
    FROM fingerprinted f
    FULL JOIN prior pr ON pr.origin_agency_id = f.agency_id AND pr.row_key = f.row_key
),
own AS (
    SELECT
        CASE WHEN cmp.prior_key IS NOT NULL THEN %(correction)s
             WHEN cmp.fact_month = %(month)s THEN %(regular)s
             ELSE %(late)s END AS kind,
        cmp.*
    FROM compared cmp
    WHERE cmp.row_key IS NOT NULL
      AND (cmp.prior_key IS NULL OR cmp.prior_fingerprint <> cmp.fingerprint)
      AND NOT EXISTS (SELECT 1 FROM carried_later cl
                      WHERE cl.agency_id = cmp.agency_id AND cl.row_key = cmp.row_key)
),
retracted AS (
    -- Rows reported earlier whose fact no longer stands: the decision withdrawn, or the
    -- person (or the case's units) now found not 挂证.
    SELECT cmp.prior_agency_id AS origin_agency_id, cmp.prior_key AS row_key,
           cmp.prior_fact_month AS fact_month, cmp.prior_case_id AS case_id,
           cmp.prior_case_party_id AS case_party_id, cmp.prior_name AS name,
           cmp.prior_id_number AS id_number,
           cmp.prior_certificate_number AS certificate_number,
           cmp.prior_certificate_title AS certificate_title,
           cmp.prior_registered_unit AS registered_unit, cmp.prior_actual_unit AS actual_unit,
           cmp.prior_unit_name AS unit_name, cmp.prior_unit_uscc AS unit_uscc,
           CASE WHEN EXISTS (SELECT 1 FROM {decision} d WHERE d.case_id = cmp.prior_case_id)
                THEN %(not_established_text)s ELSE %(withdrawn_text)s END AS reason
    FROM compared cmp
    WHERE cmp.row_key IS NULL AND cmp.prior_fingerprint <> %(retracted)s
      AND NOT EXISTS (SELECT 1 FROM carried_later cl
                      WHERE cl.agency_id = cmp.prior_agency_id AND cl.row_key = cmp.prior_key)
),
children AS (
    SELECT a.parent_id AS report_agency_id, r.month AS child_month, a.name AS child_name,
           rg.code AS child_region, rr.*
    FROM {report} r
    JOIN {agency} a ON a.id = r.agency_id
    JOIN {region} rg ON rg.id = a.region_id
    JOIN {reportrow} rr ON rr.revision_id = r.current_revision_id
    WHERE a.parent_id = ANY(%(agencies)s) AND r.kind = %(annex1)s
      AND r.campaign_id = %(campaign)s AND r.status = %(approved)s
      AND (r.month = %(month)s OR EXISTS (SELECT 1 FROM closed_months cm
                                          WHERE cm.agency_id = a.parent_id
                                            AND cm.month = r.month))
      -- Not if another month's report of the parent carries that child revision already.
      AND NOT EXISTS (
          SELECT 1 FROM {reportrow} carried
          JOIN {report} pr ON pr.current_revision_id = carried.revision_id
          WHERE pr.agency_id = a.parent_id AND pr.kind = %(annex1)s
            AND pr.campaign_id = %(campaign)s AND pr.month <> %(month)s
            AND carried.source_revision_id = r.current_revision_id)
)
SELECT * FROM (
    SELECT
        own.agency_id AS report_agency_id,
        CASE own.kind WHEN %(regular)s THEN 0 WHEN %(late)s THEN 2 ELSE 3 END AS sort_kind,
        0 AS sort_group, own.fact_month AS sort_month, ''::text AS sort_region,
        own.decided_on AS sort_date, own.reference AS sort_ref, own.position AS sort_pos,
        own.case_id AS sort_id,
        own.kind AS remark_kind, own.fact_month AS remark_month, ''::text AS remark_text,
        own.name, own.id_number, own.certificate_number, own.certificate_title,
        own.registered_unit, own.actual_unit, own.unit_name, own.unit_uscc,
        own.self_correction, own.penalty,
        own.kind, own.case_party_id, own.case_id, own.row_key, own.unit_measure_kinds,
        own.unit_key, own.document_number, own.fact_month, own.fingerprint,
        own.agency_id AS origin_agency_id, t.name AS origin_name,
        NULL::bigint AS source_revision_id, own.measure_kinds
    FROM own JOIN targets t ON t.agency_id = own.agency_id
    UNION ALL
    SELECT
        rt.origin_agency_id, 3, 0, rt.fact_month, '', NULL::date, '', 0, rt.case_id,
        %(retracted)s, rt.fact_month, rt.reason,
        rt.name, rt.id_number, rt.certificate_number, rt.certificate_title,
        rt.registered_unit, rt.actual_unit, rt.unit_name, rt.unit_uscc,
        '', '',
        %(correction)s, rt.case_party_id, rt.case_id, rt.row_key, '', '', '',
        rt.fact_month, %(retracted)s,
        rt.origin_agency_id, t.name, NULL::bigint, ''
    FROM retracted rt JOIN targets t ON t.agency_id = rt.origin_agency_id
    UNION ALL
    SELECT
        ch.report_agency_id, CASE WHEN ch.child_month < %(month)s THEN 2 ELSE 1 END,
        1, ch.child_month, ch.child_region, NULL::date, '', ch.seq, ch.id,
        CASE WHEN ch.child_month < %(month)s AND ch.remarks = '' THEN %(late)s
             ELSE 'child' END,
        ch.child_month, ch.remarks,
        ch.name, ch.id_number, ch.certificate_number, ch.certificate_title,
        ch.registered_unit, ch.actual_unit, ch.unit_name, ch.unit_uscc,
        ch.self_correction, ch.penalty,
        CASE WHEN ch.child_month < %(month)s AND ch.kind = %(regular)s THEN %(late)s
             ELSE ch.kind END,
        ch.case_party_id, ch.case_id, ch.row_key, ch.unit_measure_kinds, ch.unit_key,
        ch.document_number, ch.fact_month, ch.fingerprint,
        ch.origin_agency_id, ch.origin_name, ch.revision_id, ch.measure_kinds
    FROM children ch
) rows
ORDER BY report_agency_id, sort_kind, sort_group, sort_month, sort_region, sort_date, sort_ref,
    sort_pos, sort_id
"""
)

# Compiling the statement to machine code (JIT) cost 0.1 s for a province agency's compile and
# 3–6 s for a province's bulk compile, more than it saves. In the same simple query as the
# statement, SET LOCAL holds for it alone in autocommit, else to the end of the transaction
# (a preparation's own): one round trip, no setting left on a pooled connection.
_WITHOUT_JIT = "SET LOCAL jit = off;\n"

_SORT_COLUMNS = 9  # the agency compiled for, then the order of its rows
_REMARK_COLUMNS = 3


def remarks(kind: str, month: datetime.date, text: str) -> str:
    """Return the 备注 of a row: 补报（2019年3月）, 更正（2019年3月）[：why], or the child's own."""
    if kind == ReportRow.Kind.LATE:
        return f"补报（{month_label(month)}）"
    if kind == ReportRow.Kind.CORRECTION:
        return f"更正（{month_label(month)}）"
    if kind == RETRACTED:
        return f"更正（{month_label(month)}）：{text}"
    return text  # a regular row (empty) or a child's frozen 备注


def agencies_rows(
    *, campaign_id: int, agencies: Sequence[tuple[int, str]], month: datetime.date
) -> dict[int, list[dict]]:
    """Return, for each ``(id, name)`` of ``agencies``, the rows its report for ``month`` would
    freeze now, in order: one query for them all.

    Only the campaign's cases and reports count: a later round has its own months and rows.
    """
    named = dict(agencies)  # an agency twice would get its own rows twice
    ids = list(named)
    params = {
        **_enum_params(),
        "campaign": campaign_id,
        "agencies": ids,
        "names": list(named.values()),
        "month": month,
        "next_month": next_month(month),
        "default_sc": DEFAULT_SELF_CORRECTION,
        "withdrawn_text": WITHDRAWN_TEXT,
        "not_established_text": NOT_ESTABLISHED_TEXT,
        "person_part": PERSON_PART,
        "unit_part": UNIT_PART,
        "hr_part": HR_PART,
        "referral": REFERRAL_TEXT,
    }
    rows: dict[int, list[dict]] = {agency_id: [] for agency_id in ids}
    # A preview inside core.replica.reporting_reads() may read a replica; a freeze never does.
    with connections[read_alias(Case)].cursor() as cursor:
        cursor.execute(_WITHOUT_JIT + _COMPILE_SQL, params)
        skip = _SORT_COLUMNS + _REMARK_COLUMNS
        names = [column.name for column in cursor.description][skip:]
        for values in cursor.fetchall():
            row = dict(zip(names, values[skip:], strict=True))
            row["remarks"] = remarks(*values[_SORT_COLUMNS:skip])
            rows[values[0]].append(row)
    return rows


def report_rows(
    *, campaign_id: int, agency_id: int, agency_name: str, month: datetime.date
) -> list[dict]:
    """Return the rows the report of ``agency_id`` for ``month`` would freeze now, in order."""
    return agencies_rows(campaign_id=campaign_id, agencies=[(agency_id, agency_name)], month=month)[
        agency_id
    ]


_STATISTICS_SQL = _sql("""
WITH labels AS (
    SELECT l.kind, l.label
    FROM unnest(%(kinds)s::text[], %(labels)s::text[]) AS l(kind, label)
),
rows AS (
    SELECT rr.*, dep.name AS department, dep.sort_order,
           CASE a.level WHEN %(county)s THEN prg.name WHEN %(prefecture)s THEN rg.name
                ELSE '省本级' END AS prefecture,
           CASE a.level WHEN %(county)s THEN prg.code WHEN %(prefecture)s THEN rg.code
                ELSE '' END AS prefecture_code
    FROM {reportrow} rr
    JOIN {agency} a ON a.id = rr.origin_agency_id
    JOIN {department} dep ON dep.id = a.department_id
    JOIN {region} rg ON rg.id = a.region_id
    LEFT JOIN {region} prg ON prg.id = rg.parent_id
    -- A retraction is no handled person: it takes back an earlier month's row.
    WHERE rr.revision_id = ANY(%(revisions)s) AND rr.fingerprint <> %(retracted)s
),
measures AS (
    -- A person's measures, counted per row (a case row has no person: only its units count).
    SELECT rows.id, COALESCE(l.label, mk) AS measure
    FROM rows
    CROSS JOIN LATERAL unnest(CASE WHEN rows.measure_kinds = ''
        THEN ARRAY[CASE WHEN rows.self_correction <> '' THEN '自查自纠' ELSE '其他' END]
        ELSE string_to_array(rows.measure_kinds, ',') END) AS mk
    LEFT JOIN labels l ON l.kind = mk
    WHERE rows.row_key NOT LIKE 'c%%'
),
unit_measures AS (
    -- The unit's and the HR agency's measures, counted once per case however many rows
    -- repeat them.
    SELECT rows.department, rows.sort_order, rows.unit_key,
           CASE split_part(uk, ':', 1) WHEN 'hr' THEN %(hr_category)s
                ELSE %(unit_category)s END AS category,
           COALESCE(l.label, split_part(uk, ':', 2)) AS measure
    FROM rows
    CROSS JOIN LATERAL unnest(string_to_array(rows.unit_measure_kinds, ',')) AS uk
    LEFT JOIN labels l ON l.kind = split_part(uk, ':', 2)
    WHERE rows.unit_measure_kinds <> ''
)
SELECT 'department' AS dimension, rows.department, rows.sort_order,
       COALESCE(NULLIF(rows.certificate_title, ''), '未注明') AS category,
       measures.measure, ''::text AS prefecture_code, count(DISTINCT rows.id) AS n
FROM rows JOIN measures ON measures.id = rows.id
GROUP BY rows.department, rows.sort_order, category, measures.measure
UNION ALL
SELECT 'department', um.department, um.sort_order, um.category, um.measure, '',
       count(DISTINCT um.unit_key)
FROM unit_measures um
GROUP BY um.department, um.sort_order, um.category, um.measure
UNION ALL
SELECT 'prefecture', rows.prefecture, 0, '', '', rows.prefecture_code, count(*)
FROM rows
GROUP BY rows.prefecture, rows.prefecture_code
ORDER BY 1, 3, 2, 4, 5, 6
""")


def statistics(*, revision_ids: list[int]) -> dict:
    """Return counts of frozen rows by department × category × measure and by 市州."""
    params = {
        **_enum_params(),
        "revisions": list(revision_ids),
        "county": Region.Level.COUNTY,
        "prefecture": Region.Level.PREFECTURE,
        "unit_category": str(Outcome.Role.UNIT.label),
        "hr_category": str(Outcome.Role.HR_AGENCY.label),
    }
    by_department, by_prefecture = [], []
    with connections[read_alias(ReportRow)].cursor() as cursor:
        cursor.execute(_STATISTICS_SQL, params)
        for dimension, name, _order, category, measure, _code, count in cursor.fetchall():
            if dimension == "department":
                by_department.append(
                    {"department": name, "category": category, "measure": measure, "count": count}
                )
            else:
                by_prefecture.append({"prefecture": name, "count": count})
    by_prefecture.sort(key=lambda item: (item["prefecture"] == "省本级", -item["count"]))
    return {"by_department": by_department, "by_prefecture": by_prefecture}
