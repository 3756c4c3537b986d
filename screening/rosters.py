"""The province's own comparison: registrations against social-insurance payments, in SQL.

One run is one transaction: both CSV files are COPYed into the roster tables (replacing the last
ones), checked row by row in SQL (every bad row as 第N行「列」), compared by three set-based rules
over the period, and each new finding written as a lead (source ``comparison``) with INSERT …
SELECT: reference numbers taken from ``leads.LeadSequence`` in one block, the agency from
``leads.routing`` once per (department, region) pair, persons and units resolved into the
register by upsert, one ``lead.created`` audit event per lead. Nothing is written row by row from
Python, and a run that fails or is killed leaves nothing (the previous rosters stay).

Memory: a finding's fingerprint is its rule, the person, the registered units and the paying
units. One whose fingerprint has an open lead is *known*, one whose leads are all closed (already
verified) is *suppressed*; neither is raised again. A changed fact changes the fingerprint.
"""

from __future__ import annotations

import codecs
import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

import psycopg2
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, Region
from audit.actions import Action
from audit.services import audit_record
from campaigns.selectors import campaign_for_day
from cases.models import CertificateType
from core.errors import DomainError, PermissionDeniedError
from leads import routing
from leads.deadlines import deadline_for
from leads.models import Lead
from notifications.services import notification_send
from screening import sql
from screening.certificates import certificate_terms
from screening.models import ScreeningRun

REGISTRATION_COLUMNS = (
    "证件号码",
    "姓名",
    "执业资格类别",
    "专业",
    "证书编号",
    "注册单位名称",
    "注册单位统一社会信用代码",
)
PAYMENT_COLUMNS = ("证件号码", "姓名", "缴费单位名称", "缴费单位统一社会信用代码", "缴费月份")
REGISTRATION_FIELDS = (
    "id_number",
    "name",
    "category",
    "specialty",
    "certificate_number",
    "unit_name",
    "unit_uscc",
)
PAYMENT_FIELDS = ("id_number", "name", "unit_name", "unit_uscc", "month")
RULES = {
    "unpaid_by_registered_unit": _("注册单位在期间内未缴纳社保"),
    "registered_twice": _("同时注册在两家以上单位"),
    "paid_by_hr_agency": _("由人力资源服务机构缴纳社保"),
}
MAX_ERRORS = 200
LOCK_KEY = 7_312_002  # pg_advisory_xact_lock: one comparison at a time (the rosters are shared)
COPY_LINE = re.compile(r"line (\d+)")
STEPS = 6


class RosterError(DomainError):
    """The rosters were refused; ``result`` lists every error found (nothing was written)."""

    def __init__(self, message: str, *, errors: list[str]):
        super().__init__(message)
        self.result = {"ok": False, "errors": errors}


def _refuse(errors: list[str]):
    raise RosterError(
        _("名册有 %(n)d 处错误，未生成任何线索。") % {"n": len(errors)}, errors=errors
    )


# --------------------------------------------------------------------------- loading


def _encoding(path: Path) -> str:
    """Return the file's encoding for COPY: UTF-8 unless its start is not, then GB18030."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            decoder.decode(handle.read(1024 * 1024))
        except UnicodeDecodeError:
            return "GB18030"
    return "UTF8"


def _header(handle, encoding: str, expected: tuple[str, ...], label: str) -> None:
    raw = handle.readline(10_000)
    text = raw.decode("utf-8-sig" if encoding == "UTF8" else "gb18030", errors="replace")
    header = [c.strip() for c in text.strip().split(",")]
    if header != list(expected):
        _refuse(
            [_("%(file)s第1行：列名应为 %(cols)s。") % {"file": label, "cols": ",".join(expected)}]
        )


def _copy(cursor, path: Path, table: str, fields, expected, label: str) -> None:
    """COPY a CSV file (after its header) into ``table``; refuse it naming the bad line."""
    encoding = _encoding(path)
    with open(path, "rb") as handle:
        _header(handle, encoding, expected, label)
        statement = (
            f"COPY {table} ({', '.join(fields)}) FROM STDIN "
            f"WITH (FORMAT csv, ENCODING '{encoding}')"
        )
        try:
            with transaction.atomic():  # a savepoint: the refusal below can still be raised
                cursor.copy_expert(statement, handle)
        except psycopg2.DataError as exc:
            found = COPY_LINE.search(str(exc))
            line = int(found.group(1)) + 1 if found else 0
            _refuse(
                [
                    _("%(file)s第%(row)d行：格式错误（列数不符、内容过长或编码不对），无法读取。")
                    % {"file": label, "row": line}
                ]
            )


def _load(cursor, registrations: Path, insurance: Path) -> tuple[int, int]:
    cursor.execute(f"TRUNCATE {sql.REG}, {sql.PAY} RESTART IDENTITY")
    # Rebuilt after the load: maintaining it row by row during COPY costs more than building it.
    cursor.execute("DROP INDEX IF EXISTS roster_payment_id_number")
    _copy(cursor, registrations, sql.REG, REGISTRATION_FIELDS, REGISTRATION_COLUMNS, _("注册名册"))
    _copy(cursor, insurance, sql.PAY, PAYMENT_FIELDS, PAYMENT_COLUMNS, _("社保名册"))
    for statement in sql.normalize(sql.REG) + sql.normalize(sql.PAY):
        cursor.execute(statement)
    cursor.execute(f"CREATE INDEX roster_payment_id_number ON {sql.PAY} (id_number)")
    cursor.execute(f"ANALYZE {sql.REG}")
    cursor.execute(f"ANALYZE {sql.PAY}")
    # COPY numbered the rows 1…n (RESTART IDENTITY) and nothing deleted any: the last id is the
    # count, read from the primary key's index instead of scanning both tables.
    cursor.execute(
        f"SELECT (SELECT coalesce(max(id), 0) FROM {sql.REG}), "  # noqa: S608
        f"(SELECT coalesce(max(id), 0) FROM {sql.PAY})"
    )
    return cursor.fetchone()


# --------------------------------------------------------------------------- checking


PROBLEMS = {
    "id": _("身份证号码格式、出生日期或校验位不正确。"),
    "empty": _("必填。"),
    "uscc": _("统一社会信用代码格式或校验位不正确。"),
    "month": _("请按 YYYY-MM 填写，如 2019-01。"),
}


def _certificate_map(cursor) -> tuple[dict, list[str]]:
    """Return (category, specialty) → (certificate type id, department code), and the errors of
    names the register does not know (first line of each)."""
    types = {(t.category, t.level, t.specialty): t for t in CertificateType.objects.all()}
    cursor.execute(
        f"SELECT category, specialty, min(id) + 1 FROM {sql.REG} GROUP BY 1, 2 ORDER BY 3"  # noqa: S608
    )
    mapping, errors = {}, []
    for category, specialty, line in cursor.fetchall():
        terms = certificate_terms(category, specialty) or {}
        key = (terms.get("category"), terms.get("level"), terms.get("specialty"))
        found = types.get(key) or types.get((key[0], key[1], ""))
        if found is None:
            errors.append(
                _("注册名册第%(row)d行「执业资格类别」：未知的执业资格类别或专业“%(v)s %(s)s”。")
                % {"row": line, "v": category, "s": specialty}
            )
            continue
        code = routing.department_code_for(certificate_types=[found]) or routing.LEAD_DEPARTMENT
        mapping[(category, specialty)] = (found.pk, code)
    return mapping, errors


def _check(cursor) -> dict:
    """Return the certificate map; refuse the rosters listing every bad row (up to a limit)."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.bad_value")
    cursor.execute(sql.BAD_VALUES_TABLE)
    cursor.execute(sql.BAD_VALUES)
    rows = []
    if cursor.rowcount:  # only a roster with mistakes is read again, to name their lines
        cursor.execute(sql.errors_query(MAX_ERRORS))
        rows = cursor.fetchall()
    errors = [
        _("%(file)s第%(row)d行「%(column)s」：%(problem)s")
        % {
            "file": _("注册名册") if file == "reg" else _("社保名册"),
            "row": line,
            "column": column,
            "problem": PROBLEMS[problem],
        }
        for file, line, column, problem in rows
    ]
    mapping, unknown = _certificate_map(cursor)
    errors += unknown
    if errors:
        _refuse(errors[:MAX_ERRORS])
    return mapping


# --------------------------------------------------------------------------- comparing


def _find(cursor, period: tuple[str, str]) -> dict:
    """Fill the temporary ``finding`` table; return counts per rule: new / known / suppressed."""
    # Dropped first: inside an enclosing transaction (a test) ON COMMIT DROP has not run yet.
    cursor.execute(
        "DROP TABLE IF EXISTS pg_temp.finding, pg_temp.cert, pg_temp.route, pg_temp.suspect, "
        "pg_temp.new_lead"
    )
    params = {"from": period[0], "to": period[1]}
    cursor.execute(sql.SUSPECTS, params)
    cursor.execute("ANALYZE suspect")
    cursor.execute(sql.FINDINGS_TABLE)
    cursor.execute(sql.FINDINGS, params)
    cursor.execute("ANALYZE finding")  # temporary tables are never analysed automatically
    cursor.execute(sql.COUNTS)
    counts = {rule: {"new": 0, "known": 0, "suppressed": 0} for rule in RULES}
    for rule, memory, count in cursor.fetchall():
        counts[rule][memory] = count
    return counts


def _report(counts: dict, sizes, period, dry_run: bool) -> dict:
    rules = [{"rule": r, "label": str(RULES[r]), **counts[r]} for r in RULES]
    total = {k: sum(r[k] for r in rules) for k in ("new", "known", "suppressed")}
    return {
        "ok": True,
        "errors": [],
        "dry_run": dry_run,
        "registrations": sizes[0],
        "payments": sizes[1],
        "from": period[0],
        "to": period[1],
        "rules": rules,
        "total": total,
    }


def rosters_compare(
    *,
    actor,
    intake: Agency,
    registrations: str | Path,
    insurance: str | Path,
    period: tuple[str, str],
    dry_run: bool,
    progress: Callable | None = None,
) -> dict:
    """Load both rosters, compare them over ``period`` (YYYY-MM, YYYY-MM) and, unless
    ``dry_run``, raise a lead for each new finding. Return the run's report.

    ``actor`` None is the system (``manage.py compare_rosters``).
    """
    if actor is not None and not permissions.user_can_screen(user=actor, agency=intake):
        raise PermissionDeniedError(_("只有省住房城乡建设厅的工作人员可以进行数据比对。"))

    def step(number: int, message: str) -> None:
        if progress is not None:
            progress(number, STEPS, message, force=True)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # The rules sort and hash millions of rows: with the default 4 MB they spill to disk;
        # the payment index (3 million keys) is sorted in maintenance_work_mem.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # Compiling these few large statements to machine code (JIT) costs seconds and saves
        # less: each runs once.
        cursor.execute("SET LOCAL jit = off")
        step(0, _("正在导入名册……"))
        sizes = _load(cursor, Path(registrations), Path(insurance))
        step(2, _("正在检查名册……"))
        mapping = _check(cursor)
        step(3, _("正在比对……"))
        report = _report(_find(cursor, period), sizes, period, dry_run)
        if not dry_run:
            step(4, _("正在生成线索……"))
            _write(cursor, actor=actor, intake=intake, mapping=mapping, report=report)
        step(STEPS, _("比对完成。"))
    return report


# --------------------------------------------------------------------------- writing


def _routes(cursor, mapping: dict) -> None:
    """Fill ``route`` (category, specialty, region code → agency) with ``leads.routing``'s
    answer once per distinct pair, and ``cert`` with each name's certificate type."""
    cursor.execute(
        "CREATE TEMPORARY TABLE cert (category text, specialty text, type_id int, department text)"
        " ON COMMIT DROP"
    )
    cursor.executemany(
        "INSERT INTO cert VALUES (%s, %s, %s, %s)",
        [(c, s, type_id, code) for (c, s), (type_id, code) in mapping.items()],
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE route (department text, region text, agency_id int) ON COMMIT DROP"
    )
    cursor.execute(
        "SELECT DISTINCT c.department, substr(f.route_uscc, 3, 6) FROM finding f "
        "JOIN cert c ON c.category = f.certificate_category "
        "AND c.specialty = f.certificate_specialty WHERE f.memory = 'new'"
    )
    pairs = cursor.fetchall()
    regions = {r.code: r for r in Region.objects.filter(code__in={p[1] for p in pairs if p[1]})}
    rows = []
    for department, code in pairs:
        target = routing.agency_for(department, regions.get(code or ""))
        rows.append((department, code or "", target.pk if target else None))
    cursor.executemany("INSERT INTO route VALUES (%s, %s, %s)", rows)


def _reference_block(cursor, intake: Agency, year: int, count: int) -> int:
    """Take ``count`` numbers of the intake's lead series at once; return the first."""
    cursor.execute(
        "INSERT INTO leads_leadsequence (agency_id, year, last) VALUES (%s, %s, %s) "
        "ON CONFLICT (agency_id, year) DO UPDATE SET last = leads_leadsequence.last + %s "
        "RETURNING last",
        [intake.pk, year, count, count],
    )
    return cursor.fetchone()[0] - count + 1


def _write(cursor, *, actor, intake: Agency, mapping: dict, report: dict) -> None:
    """Write every new finding as a lead with its person, units and audit event."""
    new = report["total"]["new"]
    today = timezone.localdate()
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.COMPARISON,
        batch=f"{report['from']}~{report['to']}",
        period_from=datetime.date.fromisoformat(report["from"] + "-01"),
        period_to=datetime.date.fromisoformat(report["to"] + "-01"),
        report=report,
        agency=intake,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if new:
        _routes(cursor, mapping)
        _parties_upsert(cursor)
        first = _reference_block(cursor, intake, today.year, new)
        _leads_insert(cursor, intake=intake, run=run, first=first, today=today, actor=actor)
        _subjects_insert(cursor, run)
        _audit_insert(cursor, actor=actor, intake=intake, run=run)
        _notify(cursor, run, report)
    audit_record(
        actor=actor,
        action=Action.ROSTERS_COMPARED,
        target=run,
        agency=intake,
        data={k: v for k, v in report.items() if k != "errors"},
    )


def _parties_upsert(cursor) -> None:
    """Add the persons and coded units of new findings the register does not have yet."""
    cursor.execute(
        """
        INSERT INTO cases_person (name, id_type, id_number, sex, birth_date,
                                  is_public_employee, created_at)
        SELECT DISTINCT ON (id_number) name, 'resident_id', id_number,
               CASE WHEN substr(id_number, 17, 1)::int %% 2 = 1 THEN 'M' ELSE 'F' END,
               to_date(substr(id_number, 7, 8), 'YYYYMMDD'), false, now()
        FROM finding WHERE memory = 'new'
        ORDER BY id_number
        ON CONFLICT (id_type, id_number) DO NOTHING
        """,
        [],
    )
    cursor.execute(
        f"""
        INSERT INTO cases_unit (name, uscc, kind, created_at)
        SELECT DISTINCT ON (uscc) name, uscc,
               CASE WHEN name ~ '{sql.HR_NAME}' THEN 'hr_agency' ELSE 'other' END, now()
        FROM (
            SELECT u->>'name' AS name, u->>'uscc' AS uscc FROM finding f,
                jsonb_array_elements(f.registered || f.paying || coalesce(f.hr, '[]')) u
            WHERE f.memory = 'new'
        ) units
        WHERE uscc <> ''
        ORDER BY uscc, name
        ON CONFLICT (uscc) WHERE uscc IS NOT NULL DO NOTHING
        """,  # noqa: S608 — HR_NAME is a constant of this code
        [],
    )


# Each new finding as a lead; its id kept in ``new_lead`` (see ``_leads_insert``).
_LEADS_INSERT = """
WITH inserted AS (
INSERT INTO leads_lead (
    reference, campaign_id, source, agency_id, intake_agency_id, routed_from_id, state,
    received_on, deadline, violations, text, rule, facts, fingerprint, batch,
    bounce_count, escalated, state_reason, outcome, outcome_reason, exemption,
    proof_kind, referred_to, created_by_id, created_at, updated_at)
SELECT
    %(prefix)s || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END,
    %(campaign)s, 'comparison', coalesce(r.agency_id, %(intake)s), %(intake)s,
    CASE WHEN r.agency_id IS NOT NULL AND r.agency_id <> %(intake)s
         THEN %(intake)s END,
    CASE WHEN r.agency_id IS NULL THEN 'triage'
         WHEN r.agency_id = %(intake)s THEN 'verifying' ELSE 'pending' END,
    %(today)s, %(deadline)s, '{}', left(format(%(text)s, %(label)s::jsonb->>f.rule,
        f.name,
        (SELECT string_agg(u->>'name', '、') FROM jsonb_array_elements(f.registered) u),
        %(from)s, %(to)s,
        coalesce((SELECT string_agg(u->>'name', '、')
                  FROM jsonb_array_elements(f.paying) u), '无')
    ), 5000),
    f.rule,
    jsonb_build_object('rule', f.rule, 'period', jsonb_build_array(%(from)s, %(to)s),
        'months', f.months, 'registered_units', f.registered, 'paying_units', f.paying,
        'hr_agencies', f.hr, 'certificate', jsonb_build_object(
            'category', f.certificate_category, 'specialty', f.certificate_specialty,
            'number', f.certificate_number), 'run', %(run)s),
    f.fingerprint, %(batch)s, 0, false, '', '', '', '', '', '', %(actor)s, now(), now()
FROM (
    SELECT f.*, %(first)s + row_number() OVER (ORDER BY f.rule, f.id_number) - 1 AS n
    FROM finding f WHERE f.memory = 'new'
) f
LEFT JOIN cert c ON c.category = f.certificate_category
     AND c.specialty = f.certificate_specialty
LEFT JOIN route r ON r.department = c.department
     AND r.region = coalesce(substr(f.route_uscc, 3, 6), '')
RETURNING id, fingerprint, reference, source, state, agency_id, rule
)
INSERT INTO new_lead SELECT * FROM inserted
"""


def _leads_insert(cursor, *, intake: Agency, run, first: int, today, actor) -> None:
    campaign = campaign_for_day(today)
    text = _("数据比对（%s）：%s，注册单位：%s；%s 至 %s 期间缴费单位：%s。")
    # The new leads' ids are kept (RETURNING) for the statements after this one, which would
    # otherwise find them again by a JSON key, scanning every lead once per statement.
    cursor.execute(
        "CREATE TEMPORARY TABLE new_lead (id bigint PRIMARY KEY, fingerprint text, reference text,"
        " source text, state text, agency_id bigint, rule text) ON COMMIT DROP"
    )
    cursor.execute(
        _LEADS_INSERT,
        {
            "prefix": f"{intake.department.code}-{intake.region.code}-XS{today.year}-",
            "campaign": campaign.pk if campaign else None,
            "intake": intake.pk,
            "today": today,
            "deadline": deadline_for(Lead.Source.COMPARISON, today),
            "text": text,
            "label": _json({k: str(v) for k, v in RULES.items()}),
            "from": run.batch.split("~")[0],
            "to": run.batch.split("~")[1],
            "run": run.pk,
            "batch": run.batch,
            "actor": actor.pk if getattr(actor, "is_authenticated", False) else None,
            "first": first,
        },
    )
    cursor.execute("ANALYZE new_lead")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _subjects_insert(cursor, run) -> None:
    """Link each new lead to its person, certificate and units (as ``lead_write`` would)."""
    cursor.execute(
        """
        INSERT INTO leads_leadperson (lead_id, position, person_id, name, certificate_id,
                                      registered_unit_id, insurance_unit_id)
        SELECT l.id, 0, p.id, f.name, cert.id, ru.id, iu.id
        FROM (
            -- The insurance unit: the HR agency, else the first paying unit (an equi-join key,
            -- so the planner can hash-join it).
            SELECT f.*, nullif((SELECT min(u->>'uscc')
                                FROM jsonb_array_elements(coalesce(f.hr, f.paying)) u), '')
                        AS insurance_uscc
            FROM finding f WHERE f.memory = 'new'
        ) f
        JOIN new_lead l ON l.fingerprint = f.fingerprint
        JOIN cases_person p ON p.id_type = 'resident_id' AND p.id_number = f.id_number
        LEFT JOIN cert c ON c.category = f.certificate_category
             AND c.specialty = f.certificate_specialty
        LEFT JOIN cases_certificate cert ON cert.certificate_type_id = c.type_id
             AND cert.number = f.certificate_number AND cert.person_id = p.id
        LEFT JOIN cases_unit ru ON ru.uscc = nullif(f.route_uscc, '')
        LEFT JOIN cases_unit iu ON iu.uscc = f.insurance_uscc
        """,
        [],
    )
    cursor.execute(
        """
        INSERT INTO leads_leadunit (lead_id, unit_id, role)
        SELECT DISTINCT l.id, u.id, 'hr_agency'
        FROM new_lead l
        JOIN finding f ON f.fingerprint = l.fingerprint AND f.rule = 'paid_by_hr_agency'
        CROSS JOIN LATERAL jsonb_array_elements(f.hr) h
        JOIN cases_unit u ON u.uscc = nullif(h->>'uscc', '')
        """,
        [],
    )


def _audit_insert(cursor, *, actor, intake: Agency, run) -> None:
    """Record ``lead.created`` for each new lead, as ``lead_write`` does for one."""
    is_user = getattr(actor, "is_authenticated", False)
    cursor.execute(
        """
        INSERT INTO audit_auditevent (created_at, actor_id, actor_name, action, target_type_id,
                                      target_id, target_repr, agency_id, changes, data)
        SELECT now(), %(actor)s, %(actor_name)s, %(action)s, %(type)s, l.id::text, l.reference,
               l.agency_id, '{}',
               jsonb_build_object('reference', l.reference, 'source', l.source,
                   'state', l.state, 'intake', %(intake)s, 'agency', l.agency_id,
                   'rule', l.rule, 'run', %(run)s)
        FROM new_lead l
        """,
        {
            "actor": actor.pk if is_user else None,
            "actor_name": (actor.get_full_name() or actor.username) if is_user else "系统",
            "action": Action.LEAD_CREATED,
            "type": ContentType.objects.get_for_model(Lead).pk,
            "intake": intake.pk,
            "run": run.pk,
        },
    )


def _notify(cursor, run, report: dict) -> None:
    """Tell each receiving agency's handlers once how many leads arrived (not once per lead)."""
    cursor.execute(
        "SELECT agency_id, count(*) FROM new_lead WHERE state <> 'verifying' "
        "GROUP BY agency_id ORDER BY agency_id"
    )
    for agency_id, count in cursor.fetchall():
        notification_send(
            users=permissions.lead_handlers([agency_id]),
            key=f"comparison:{run.pk}:{agency_id}",
            title=_("收到数据比对问题线索 %(n)d 条") % {"n": count},
            body=_("比对期间 %(f)s 至 %(t)s。") % {"f": report["from"], "t": report["to"]},
            route=("leads:list", {"source": "comparison"}),
        )
