"""The roster comparison's SQL: identifier checks as expressions, and the three rules.

Everything here is text (no ORM, no connection), so the statements can be read, tested and
replayed by ``bench/screening.py`` as they are. The checks mirror ``cases.identifiers`` (GB 11643
居民身份证号码, GB 32100 统一社会信用代码) so that a roster row passes here exactly when the
register's validator would take it.
"""

from __future__ import annotations

from cases.identifiers import USCC_ALPHABET, USCC_WEIGHTS

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
REG = "screening_rosterregistration"
PAY = "screening_rosterpayment"
# Units paying for persons registered elsewhere: 人力资源服务机构 by name, or known as one.
HR_NAME = "人力资源|劳务派遣|人才服务|人才交流"


def id_valid(column: str, octets: str) -> str:
    """Return a boolean expression: ``column`` is a valid 18-character 居民身份证号码.

    ``octets`` is ``textsend(column)``, computed once per row by the caller: the checksum reads
    its bytes with ``get_byte`` (a digit is its byte − 48), five times cheaper than seventeen
    ``substr(…)::int`` casts. The date is checked as text: the regex already bounds month and
    day, so what is left is the month's last day and a birth month not after this month.
    """
    total = " + ".join(f"get_byte({octets}, {i}) * {w}" for i, w in enumerate(ID_WEIGHTS))
    year = f"substr({column}, 7, 4)::int"
    leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
    last_day = (
        f"CASE substr({column}, 11, 2) WHEN '02' THEN CASE WHEN {leap} THEN '29' ELSE '28' END "
        "WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30' "
        "ELSE '31' END"
    )
    return (
        f"CASE WHEN {column} ~ '^[0-9]{{6}}(19|20)[0-9]{{2}}(0[1-9]|1[0-2])"
        f"(0[1-9]|[12][0-9]|3[01])[0-9]{{3}}[0-9X]$' THEN "
        f"substr('10X98765432', ({total} - {48 * sum(ID_WEIGHTS)}) % 11 + 1, 1) "
        f"= substr({column}, 18, 1) "
        f'AND substr({column}, 13, 2) COLLATE "C" <= {last_day} '
        f"AND substr({column}, 7, 6) COLLATE \"C\" <= (SELECT to_char(current_date, 'YYYYMM')) "
        "ELSE false END"
    )


def uscc_valid(column: str) -> str:
    """Return a boolean expression: ``column`` is a valid 统一社会信用代码."""
    total = " + ".join(
        f"(strpos('{USCC_ALPHABET}', substr({column}, {i + 1}, 1)) - 1) * {w}"
        for i, w in enumerate(USCC_WEIGHTS)
    )
    return (
        f"CASE WHEN {column} ~ '^[{USCC_ALPHABET}]{{18}}$' THEN "
        f"substr('{USCC_ALPHABET}', (31 - ({total}) % 31) % 31 + 1, 1) = substr({column}, 18, 1) "
        "ELSE false END"
    )


def upgrade_15(column: str) -> str:
    """Return an expression: the 18-character form of a 15-digit first-generation number."""
    body = f"(substr({column}, 1, 6) || '19' || substr({column}, 7, 9))"
    total = " + ".join(f"substr({body}, {i + 1}, 1)::int * {w}" for i, w in enumerate(ID_WEIGHTS))
    return f"{body} || substr('10X98765432', ({total}) % 11 + 1, 1)"


def normalize(table: str) -> list[str]:
    """Return the statement folding a loaded roster's identifiers to the register's form."""
    trimmed = "upper(btrim(id_number))"
    # One pass over the table (three UPDATEs read it three times); only rows that change are
    # rewritten. Spaces and lower-case x are common in exported data; 15-digit numbers are
    # upgraded after trimming.
    return [
        f"UPDATE {table} SET "  # noqa: S608
        f"id_number = CASE WHEN {trimmed} ~ '^[0-9]{{15}}$' THEN {upgrade_15(trimmed)} "
        f"ELSE {trimmed} END, unit_uscc = upper(btrim(unit_uscc)) "
        # Any row that needs it, and a few that do not (rewritten unchanged, then refused):
        # two character-class tests cost less than comparing every value with its trimmed form.
        "WHERE id_number ~ '[^0-9X]' OR octet_length(id_number) <> 18 "
        "OR unit_uscc ~ '[^0-9A-Z]'"
    ]


# The distinct values the checks need, one pass over each roster (GROUPING SETS hash each column
# in the same scan): each identifier is checked once however many months it was paid, a credit
# code once however many people its unit has. Empty names only raise a flag here.
BAD_VALUES_TABLE = """
CREATE TEMPORARY TABLE bad_value (kind text, value text) ON COMMIT DROP
"""
BAD_VALUES = f"""
WITH v AS MATERIALIZED (
    SELECT id_number, unit_uscc, NULL::text AS month,
           bool_or(btrim(name) = '' OR btrim(unit_name) = '') AS empty
    FROM {REG} GROUP BY GROUPING SETS ((id_number), (unit_uscc), ())
    UNION ALL
    SELECT id_number, unit_uscc, month, bool_or(btrim(unit_name) = '')
    FROM {PAY} GROUP BY GROUPING SETS ((id_number), (unit_uscc), (month), ())
)
INSERT INTO bad_value
SELECT 'id', id_number FROM (
    SELECT id_number, textsend(id_number) AS octets
    FROM (SELECT DISTINCT id_number FROM v WHERE id_number IS NOT NULL) d OFFSET 0
) i WHERE NOT ({id_valid("id_number", "octets")})
UNION ALL
SELECT 'uscc', unit_uscc FROM (
    SELECT DISTINCT unit_uscc FROM v WHERE unit_uscc IS NOT NULL AND unit_uscc <> ''
) u WHERE NOT ({uscc_valid("unit_uscc")})
UNION ALL
SELECT 'month', month FROM v WHERE month !~ '^[0-9]{{4}}-(0[1-9]|1[0-2])$'
UNION ALL
(SELECT 'empty', '' FROM v WHERE empty LIMIT 1)
"""  # noqa: S608


def _bad(kind: str) -> str:
    return f"(SELECT value FROM bad_value WHERE kind = '{kind}')"  # noqa: S608


def errors_query(limit: int) -> str:
    """Return the query listing the rosters' bad rows: (file, line, column, problem code).

    Run only when ``BAD_VALUES`` found something: it names the rows holding those values.
    """
    checks = [
        ("reg", REG, "证件号码", "id", f"id_number IN {_bad('id')}"),
        ("reg", REG, "姓名", "empty", "btrim(name) = ''"),
        ("reg", REG, "注册单位名称", "empty", "btrim(unit_name) = ''"),
        ("reg", REG, "注册单位统一社会信用代码", "uscc", f"unit_uscc IN {_bad('uscc')}"),
        ("pay", PAY, "证件号码", "id", f"id_number IN {_bad('id')}"),
        ("pay", PAY, "缴费单位名称", "empty", "btrim(unit_name) = ''"),
        ("pay", PAY, "缴费单位统一社会信用代码", "uscc", f"unit_uscc IN {_bad('uscc')}"),
        ("pay", PAY, "缴费月份", "month", f"month IN {_bad('month')}"),
    ]
    parts = [
        f"(SELECT '{file}', id + 1, '{column}', '{problem}' FROM {table} "  # noqa: S608
        f"WHERE {condition} ORDER BY id LIMIT {limit})"
        for file, table, column, problem, condition in checks
    ]
    return " UNION ALL ".join(parts) + f" ORDER BY 1 DESC, 2 LIMIT {limit}"


# The persons any rule can fire for, from the keys alone (no JSON built, no sorting): the
# findings' aggregates below are then built for these few percent of the roster, not for every
# person. Each branch is a rule's own condition, so a person outside it has no finding. Plain
# joins on the tables (no CTE), so the planner sees their statistics; CREATE TABLE AS, not
# INSERT … SELECT, because PostgreSQL plans only the former in parallel.
_REG_KEY = "coalesce(nullif(r.unit_uscc, ''), r.unit_name)"
_PAY_KEY = "coalesce(nullif(p.unit_uscc, ''), p.unit_name)"
SUSPECTS = f"""
CREATE TEMPORARY TABLE suspect ON COMMIT DROP AS
SELECT r.id_number FROM {REG} r
WHERE NOT EXISTS (
    SELECT 1 FROM {PAY} p WHERE p.id_number = r.id_number AND {_PAY_KEY} = {_REG_KEY}
      AND p.month BETWEEN %(from)s AND %(to)s
)
UNION
SELECT r.id_number FROM {REG} r
WHERE r.id_number IN (SELECT id_number FROM {REG} GROUP BY id_number HAVING count(*) > 1)
GROUP BY r.id_number HAVING min({_REG_KEY}) <> max({_REG_KEY})
UNION
SELECT p.id_number FROM {PAY} p
LEFT JOIN cases_unit u ON u.uscc = nullif(p.unit_uscc, '')
WHERE p.month BETWEEN %(from)s AND %(to)s
  AND (p.unit_name ~ '{HR_NAME}' OR u.kind = 'hr_agency')
  AND EXISTS (SELECT 1 FROM {REG} r WHERE r.id_number = p.id_number AND {_REG_KEY} <> {_PAY_KEY})
"""  # noqa: S608

# The findings, one row per person and rule, into the temporary table ``finding``. Parameters:
# %(from)s and %(to)s (YYYY-MM). A unit is known by its credit code, else by its name.
FINDINGS_TABLE = """
CREATE TEMPORARY TABLE finding (
    rule text, id_number text, name text, certificate_category text, certificate_specialty text,
    certificate_number text, registered jsonb, paying jsonb, months jsonb, hr jsonb,
    route_uscc text, fingerprint text, memory text
) ON COMMIT DROP
"""

# Table names and HR_NAME are this module's constants; the period is passed as parameters.
FINDINGS = f"""
WITH reg AS (
    SELECT id_number, name, category, specialty, certificate_number, unit_name, unit_uscc,
           coalesce(nullif(unit_uscc, ''), unit_name) AS unit_key
    FROM {REG} JOIN suspect USING (id_number)
), pay AS (
    SELECT id_number, unit_name, unit_uscc, month,
           coalesce(nullif(unit_uscc, ''), unit_name) AS unit_key
    FROM {PAY} JOIN suspect USING (id_number) WHERE month BETWEEN %(from)s AND %(to)s
), person_reg AS (
    -- The certificate of one registration (the first by unit), never a mix of several.
    SELECT id_number, min(name) AS name,
           (array_agg(category ORDER BY unit_key, category, specialty))[1] AS category,
           (array_agg(specialty ORDER BY unit_key, category, specialty))[1] AS specialty,
           (array_agg(certificate_number ORDER BY unit_key, category, specialty))[1]
               AS certificate_number,
           count(DISTINCT unit_key) AS units,
           jsonb_agg(DISTINCT jsonb_build_object('name', unit_name, 'uscc', unit_uscc))
               AS registered,
           string_agg(DISTINCT unit_key, ',' ORDER BY unit_key) AS reg_keys,
           min(nullif(unit_uscc, '')) AS route_uscc
    FROM reg GROUP BY id_number
), person_pay AS (
    SELECT id_number,
           jsonb_agg(DISTINCT jsonb_build_object('name', unit_name, 'uscc', unit_uscc)) AS paying,
           jsonb_agg(DISTINCT month) AS months,
           string_agg(DISTINCT unit_key, ',' ORDER BY unit_key) AS pay_keys
    FROM pay GROUP BY id_number
), unpaid AS (
    SELECT DISTINCT r.id_number FROM reg r
    WHERE NOT EXISTS (
        SELECT 1 FROM pay p WHERE p.id_number = r.id_number AND p.unit_key = r.unit_key
    )
), hr_pay AS (
    SELECT p.id_number,
           jsonb_agg(DISTINCT jsonb_build_object('name', p.unit_name, 'uscc', p.unit_uscc)) AS hr,
           jsonb_agg(DISTINCT p.month) AS months
    FROM pay p
    LEFT JOIN cases_unit u ON u.uscc = nullif(p.unit_uscc, '')
    WHERE (p.unit_name ~ '{HR_NAME}' OR u.kind = 'hr_agency')
      AND EXISTS (
        SELECT 1 FROM reg r WHERE r.id_number = p.id_number AND r.unit_key <> p.unit_key
      )
    GROUP BY p.id_number
), found AS (
    SELECT 'unpaid_by_registered_unit' AS rule, r.*, pp.paying, pp.months, NULL::jsonb AS hr,
           pp.pay_keys
    FROM unpaid u JOIN person_reg r USING (id_number) LEFT JOIN person_pay pp USING (id_number)
    UNION ALL
    SELECT 'registered_twice', r.*, pp.paying, pp.months, NULL::jsonb, pp.pay_keys
    FROM person_reg r LEFT JOIN person_pay pp USING (id_number) WHERE r.units > 1
    UNION ALL
    SELECT 'paid_by_hr_agency', r.*, pp.paying, h.months, h.hr, pp.pay_keys
    FROM hr_pay h JOIN person_reg r USING (id_number) LEFT JOIN person_pay pp USING (id_number)
)
INSERT INTO finding
SELECT x.*, CASE WHEN m.open THEN 'known' WHEN m.open IS NOT NULL THEN 'suppressed' ELSE 'new' END
FROM (
    SELECT rule, id_number, name, category, specialty, certificate_number, registered,
           coalesce(paying, '[]'), coalesce(months, '[]'), hr, route_uscc,
           encode(sha256(convert_to(
               rule || '|' || id_number || '|' || reg_keys || '|' || coalesce(pay_keys, ''), 'UTF8'
           )), 'hex') AS fingerprint
    FROM found
) x
-- How each finding relates to earlier leads of the same facts: new, known (an open lead), or
-- suppressed (closed: verified already).
LEFT JOIN (
    SELECT fingerprint, bool_or(state <> 'closed') AS open FROM leads_lead
    WHERE source = 'comparison' AND fingerprint <> '' GROUP BY fingerprint
) m USING (fingerprint)
"""  # noqa: S608

COUNTS = "SELECT rule, memory, count(*) FROM finding GROUP BY rule, memory"
