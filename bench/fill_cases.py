"""Fill the case register with N synthetic cases over every reporting agency, fast, with COPY.

Usage (a dedicated bench database, never one that holds real data):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_reference_data
    .venv/bin/python bench/fill_cases.py --reset --cases 1000000

Rows go straight into the tables of ``cases.models`` (Unit, Person, Certificate, Case,
CaseParty, Decision, Measure, CaseSequence), and in proportion to the cases into those of
``leads.models`` (Lead, LeadPerson, LeadSequence) and ``complaints.models`` (Complaint,
ComplaintSequence; a complaint is a lead with its receipt), through ``COPY … FROM STDIN`` in
chunks, generated
in Python while PostgreSQL ingests the previous chunk. Every identifier is valid: resident ID
numbers carry their GB 11643 check digit, credit codes their GB 32100 (and GB 11714) check
characters, and references follow the app's ``ZJ-510104-2019-0007`` and are unique because the
per-agency sequences (``CaseSequence``) are advanced past them.

Secondary indexes and foreign keys of the loaded tables are dropped and recreated inside the same
transaction as the load, so an interrupted run rolls back to the previous state and never leaves
a table without its indexes; the tables are ANALYZEd afterwards.
"""

import argparse
import datetime
import io
import math
import queue
import random
import threading
import time

from _common import setup_django

COPY_TABLES = (
    "unit", "person", "certificate", "case", "caseparty", "decision", "outcome", "measure",
)  # fmt: skip
LEAD_TABLES = ("lead", "leadperson", "complaint")
RESET_TABLES = (
    "cases_outcome",
    "complaints_complaint",
    "complaints_complaintsequence",
    "leads_leadperson",
    "leads_leadunit",
    "leads_lead",
    "leads_leadsequence",
    "cases_measure",
    "cases_decision",
    "cases_caseparty",
    "cases_caselink",
    "cases_evidence",
    "cases_case",
    "cases_certificate",
    "cases_person",
    "cases_unit",
    "cases_casesequence",
)

# Share of cases per department, and per level within a department (renormalised over the
# levels a department has: 通信 has no county branches). Counties hold most cases.
DEPARTMENT_SHARE = {"ZJ": 0.45, "RS": 0.20, "JT": 0.15, "SL": 0.12, "TX": 0.08}
LEVEL_SHARE = {"county": 0.80, "prefecture": 0.15, "province": 0.05}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌俊峰鹏辉宇浩凯健"
    "林波玲晶燕琳雪梅丹婷倩颖佳欣宁蓉川渝成都蜀锦涛海江河山松柏兴旺福贵荣鑫森淼磊"
)
TRADE = "华中天正信达恒泰宏远鼎盛安蓉川锦蜀都西南金石鑫源汇通嘉瑞博弘建筑诚德永兴隆祥和顺"
UNIT_KINDS = (
    ("construction", "建设工程有限公司", 55),
    ("survey_design", "工程设计有限公司", 12),
    ("supervision", "工程监理有限公司", 10),
    ("cost_consulting", "工程造价咨询有限公司", 8),
    ("hr_agency", "人力资源服务有限公司", 5),
    ("public_institution", "建筑设计研究院", 5),
    ("other", "实业有限公司", 5),
)
SOURCES = (
    ("self_inspection", 35),
    ("comparison", 35),
    ("complaint", 15),
    ("spot_check", 10),
    ("other", 5),
)
VIOLATIONS = (
    "unit_mismatch",
    "certificate_trading",
    "false_job_info",
    "brokering",
    "certificate_withholding",
    "absent_from_post",
)
EXEMPTIONS = (
    "branch_office",
    "retired",
    "institution_staff",
    "university_staff",
    "insurance_bought_out",
    "other_legal_basis",
)
LEAD_SOURCES = ("ministry_list", "comparison", "spot_check", "referral", "other")
LEAD_OUTCOMES = ("not_guazheng", "rectified", "unsubstantiated", "referred_out")
COMPLAINT_CHANNELS = ("telephone", "mailbox", "letter", "visit", "web", "referred")
DEPT_DOC = {"ZJ": "川建", "RS": "川人社", "JT": "川交", "SL": "川水", "TX": "川通"}

ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
BIRTH_START = datetime.date(1960, 1, 1)
BIRTH_DAYS = 14600  # to 1999


def resident_id(body17: str) -> str:
    """Return the 18-digit resident ID number with its GB 11643 check digit."""
    total = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


def uscc(region_code: str, serial: int) -> str:
    """Return a GB 32100 credit code of an enterprise (91…) registered in ``region_code``."""
    org8 = f"{serial:08d}"
    org_check = 11 - sum(int(c) * w for c, w in zip(org8, ORG_WEIGHTS, strict=True)) % 11
    org = org8 + {10: "X", 11: "0"}.get(org_check, str(org_check))
    body = "91" + region_code + org
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total) % 31]


def _coprime_multiplier(modulus: int, start: int = 2654435761) -> int:
    multiplier = start
    while math.gcd(multiplier, modulus) != 1:
        multiplier += 2
    return multiplier


class Table:
    """The COPY target of one model: the columns generated here plus constant defaults."""

    def __init__(self, model, columns: tuple[str, ...]):
        self.model = model
        self.name = model._meta.db_table
        self.columns = columns
        extra, suffix = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns:
                continue
            default = f.get_default()
            if default is None and not f.null:
                raise SystemExit(
                    f"{self.name}.{f.column} is NOT NULL without a default: "
                    "teach bench/fill_cases.py to fill it."
                )
            extra.append(f.column)
            suffix.append(_text(default))
        self.all_columns = (*columns, *extra)
        self.suffix = ("\t" + "\t".join(suffix)) if suffix else ""
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join(map(_text, values)) + self.suffix + "\n")
        self.rows += 1

    def take(self) -> str:
        data = self.buffer.getvalue()
        self.buffer = io.StringIO()
        return data


def _text(value) -> str:
    """Format a value for COPY's text format (no value here contains tabs or newlines)."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list | tuple):
        return "{" + ",".join(value) + "}"
    return str(value)


class Generator:
    """Produce the rows of consecutive chunks of cases, deterministic for a given seed."""

    def __init__(
        self, *, agencies, regions, cert_types, start, sequences, seed, unit_count, campaign_id
    ):
        self.rng = random.Random(seed)
        self.campaign_id = campaign_id
        self.lead_sequences: dict[tuple[int, int], int] = {}  # (agency_id, year) → last
        self.receipt_sequences: dict[datetime.date, int] = {}  # day → last
        self.agencies = agencies
        self.regions = regions  # standard county codes, for ID numbers and credit codes
        self.cert_types = cert_types
        self.next_id = dict(start)
        self.sequences = sequences  # (agency_id, year) → last issued number
        self.person_ids: list[int] = []
        self.person_unit: dict[int, int] = {}
        self.person_public: dict[int, bool] = {}
        self.unit_count = unit_count
        self.id_modulus = len(regions) * BIRTH_DAYS * 1000
        self.id_multiplier = _coprime_multiplier(self.id_modulus)
        weights = [a["weight"] for a in agencies]
        total = sum(weights)
        self.cum_weights = list(_accumulate(w / total for w in weights))
        self.source_values = [s for s, _w in SOURCES]
        self.source_cum = list(_accumulate(w for _s, w in SOURCES))
        self.now = "2020-07-01 09:00:00+08"
        self.pending_certs: dict[int, list] = {}

    # Units come first: a fixed pool the parties draw from.
    def units(self, table: Table) -> tuple[list[int], list[int]]:
        kinds = [k for k, _s, w in UNIT_KINDS for _ in range(w)]
        suffix = {k: s for k, s, _w in UNIT_KINDS}
        all_ids, hr_ids = [], []
        base = self.next_id["unit"]
        for n in range(self.unit_count):
            unit_id = base + n
            region = self.rng.choice(self.regions)
            kind = self.rng.choice(kinds)
            trade = self.rng.choice(TRADE) + self.rng.choice(TRADE)
            prefix = self.rng.choice(("四川", "成都", "四川省", ""))
            name = f"{prefix}{trade}{suffix[kind]}"
            # About 1 % of old records have no credit code (flagged in the app).
            code = None if self.rng.random() < 0.01 else uscc(region["code"], unit_id * 7 + 13)
            table.add(unit_id, name, code, kind, self.now, region["id"])
            all_ids.append(unit_id)
            if kind == "hr_agency":
                hr_ids.append(unit_id)
        self.next_id["unit"] = base + self.unit_count
        self.unit_ids, self.hr_ids = all_ids, hr_ids
        return all_ids, hr_ids

    def _new_person(self, t: dict[str, Table]) -> int:
        person_id = self.next_id["person"]
        self.next_id["person"] += 1
        p = (person_id * self.id_multiplier) % self.id_modulus
        region = self.regions[p % len(self.regions)]["code"]
        birth = BIRTH_START + datetime.timedelta(days=(p // len(self.regions)) % BIRTH_DAYS)
        serial = p // (len(self.regions) * BIRTH_DAYS)
        number = resident_id(f"{region}{birth:%Y%m%d}{serial:03d}")
        sex = "M" if serial % 2 else "F"
        rng = self.rng
        name = (
            rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        )
        public = rng.random() < 0.03
        t["person"].add(person_id, name, "resident_id", number, sex, birth, public, self.now)
        # One certificate per person, with the same offset as the person (cert ↔ person).
        cert_id = self.next_id["certificate"]
        self.next_id["certificate"] += 1
        ctype = rng.choice(self.cert_types)
        unit = rng.choice(self.unit_ids)
        registered_on = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randrange(2500))
        cert_number = f"川{ctype['code']}{registered_on.year}{cert_id:08d}"
        self.pending_certs[cert_id] = [
            cert_id, cert_number, "registered", registered_on, None, None, None,
            ctype["id"], person_id, unit,
        ]  # fmt: skip
        self.person_ids.append(person_id)
        self.person_unit[person_id] = (cert_id, unit)
        self.person_public[person_id] = public
        return person_id

    def _flush_certs(self, t: dict[str, Table]) -> None:
        for row in self.pending_certs.values():
            t["certificate"].add(*row)
        self.pending_certs.clear()

    def chunk(self, count: int, t: dict[str, Table]) -> None:
        rng = self.rng
        for _ in range(count):
            agency = self.agencies[_bisect(self.cum_weights, rng.random())]
            case_id = self.next_id["case"]
            self.next_id["case"] += 1
            decided = rng.random() < 0.70
            if decided:
                # 2019 carries most decisions; the campaign's later months the rest.
                if rng.random() < 0.75:
                    decided_on = datetime.date(2019, 1, 1) + datetime.timedelta(
                        days=rng.randrange(365)
                    )
                else:
                    decided_on = datetime.date(2020, 1, 1) + datetime.timedelta(
                        days=rng.randrange(182)
                    )
                opened_on = decided_on - datetime.timedelta(days=rng.randrange(5, 120))
                status = "closed" if rng.random() < 0.3 else "decided"
            else:
                opened_on = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(547))
                status = "investigating" if rng.random() < 0.6 else "registered"
            key = (agency["id"], opened_on.year)
            number = self.sequences.get(key, 0) + 1
            self.sequences[key] = number
            reference = f"{agency['dept']}-{agency['region']}-{opened_on.year}-{number:04d}"
            source = self.source_values[
                _bisect(self.source_cum, rng.random() * self.source_cum[-1])
            ]
            violations = ["unit_mismatch"] if rng.random() < 0.6 else rng.sample(VIOLATIONS, 2)

            party_count = 2 if rng.random() < 0.2 else 1
            parties = []
            for position in range(party_count):
                if self.person_ids and rng.random() < 0.08:
                    person_id = rng.choice(self.person_ids)  # seen in another case
                    if any(p[1] == person_id for p in parties):
                        person_id = self._new_person(t)
                else:
                    person_id = self._new_person(t)
                cert_id, registered_unit = self.person_unit[person_id]
                party_id = self.next_id["caseparty"]
                self.next_id["caseparty"] += 1
                parties.append((party_id, person_id, cert_id, registered_unit, position))
                actual_unit = rng.choice(self.unit_ids)
                party_row = (
                    party_id,
                    position,
                    case_id,
                    cert_id,
                    person_id,
                    actual_unit,
                    registered_unit,
                )
                t["caseparty"].add(*party_row)
            user_unit = parties[0][3] if rng.random() < 0.6 else None
            hr_agency = rng.choice(self.hr_ids) if self.hr_ids and rng.random() < 0.05 else None
            created = f"{opened_on} 10:00:00+08"
            closed_at = f"{decided_on} 17:00:00+08" if decided and status == "closed" else None
            t["case"].add(
                case_id, reference, source, violations, opened_on,
                f"{agency['region_name']}核查发现注册单位与实际工作单位不符。", status, "",
                created, created, closed_at, agency["id"], None, None, user_unit, hr_agency,
                decided_on if decided else None, self.campaign_id,
            )  # fmt: skip

            if decided:
                self._decide(t, case_id, agency, decided_on, parties, user_unit)
            self._flush_certs(t)

    def lead_chunk(self, count: int, t: dict[str, Table], complaint_share: float) -> None:
        """Add ``count`` leads over the cases' agencies, each naming one person of the register;
        a ``complaint_share`` of them are complaints (a lead with its receipt)."""
        rng = self.rng
        for _ in range(count):
            agency = self.agencies[_bisect(self.cum_weights, rng.random())]
            lead_id = self.next_id["lead"]
            self.next_id["lead"] += 1
            received_on = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(547))
            key = (agency["id"], received_on.year)
            number = self.lead_sequences.get(key, 0) + 1
            self.lead_sequences[key] = number
            complaint = rng.random() < complaint_share
            source = "complaint" if complaint else rng.choice(LEAD_SOURCES)
            roll = rng.random()
            state = (
                "closed" if roll < 0.6 else "verifying" if roll < 0.85
                else "pending" if roll < 0.97 else "triage"
            )  # fmt: skip
            closed_on = received_on + datetime.timedelta(days=rng.randrange(3, 40))
            closed = state == "closed"
            created = f"{received_on} 09:30:00+08"
            t["lead"].add(
                lead_id, f"{agency['dept']}-{agency['region']}-XS{received_on.year}-{number:04d}",
                self.campaign_id, source, agency["id"], agency["id"], state, received_on,
                received_on + datetime.timedelta(days=21), ["unit_mismatch"],
                f"反映{agency['region_name']}有人员注册单位与实际工作单位不符。",
                rng.choice(LEAD_OUTCOMES) if closed else "",
                f"{closed_on} 16:00:00+08" if closed else None, created, created,
            )  # fmt: skip
            person_id = rng.choice(self.person_ids)
            cert_id, registered_unit = self.person_unit[person_id]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            lead_person_id = self.next_id["leadperson"]
            self.next_id["leadperson"] += 1
            t["leadperson"].add(
                lead_person_id, lead_id, 0, person_id, name, cert_id, registered_unit
            )
            if complaint:
                self._complaint(t, lead_id, received_on, closed_on if closed else None)

    def _complaint(self, t, lead_id: int, received_on, replied_on) -> None:
        rng = self.rng
        number = self.receipt_sequences.get(received_on, 0) + 1
        self.receipt_sequences[received_on] = number
        anonymous = rng.random() < 0.3
        t["complaint"].add(
            lead_id, f"TS-{received_on:%Y%m%d}-{number:04d}",
            rng.choice(COMPLAINT_CHANNELS), f"{received_on} 10:15:00+08", anonymous,
            "" if anonymous else rng.choice(SURNAMES) + rng.choice(GIVEN),
            "" if anonymous else f"138{rng.randrange(10**8):08d}", "0" * 64,
            received_on + datetime.timedelta(days=60), replied_on,
            "telephone" if replied_on else "",
        )  # fmt: skip

    def _decide(self, t, case_id, agency, decided_on, parties, user_unit) -> None:
        rng = self.rng
        decision_id = self.next_id["decision"]
        self.next_id["decision"] += 1
        established = rng.random() >= 0.15
        self_corrected = established and rng.random() < 0.35
        document = (
            f"{DEPT_DOC[agency['dept']]}罚〔{decided_on.year}〕{rng.randrange(1, 999)}号"
            if established and not self_corrected
            else ""
        )
        stamp = f"{decided_on} 16:00:00+08"
        t["decision"].add(
            decision_id, decided_on, document, "", stamp, stamp, case_id, None, agency["id"]
        )
        for party_id, person_id, _cert, _unit, _pos in parties:
            outcome_id = self._outcome(
                t, decision_id, "person", party_id, None, established, self_corrected, decided_on
            )
            if not established:
                continue
            if self_corrected:
                kinds = ["deregistration"] if rng.random() < 0.5 else []
            else:
                kinds = rng.choice(
                    (
                        ["revoke_registration", "reregistration_ban", "blacklist"],
                        ["revoke_registration", "reregistration_ban"],
                        ["bad_record"],
                        ["bad_record", "circular"],
                        ["rectify_order"],
                        ["fine", "bad_record"],
                    )
                )
                if self.person_public.get(person_id):
                    kinds.append("notify_employer")
            for kind in kinds:
                self._measure(t, outcome_id, kind, decided_on)
            # A new certificate's state follows the measures (an earlier one stays as written).
            cert = self.pending_certs.get(self.person_unit[person_id][0])
            if cert is not None:
                if "revoke_registration" in kinds:
                    cert[2], cert[4] = "revoked", decided_on
                    cert[6] = _years_later(decided_on, 3)
                elif "deregistration" in kinds:
                    cert[2], cert[5] = "deregistered", decided_on
        if established and user_unit and not self_corrected and rng.random() < 0.3:
            outcome_id = self._outcome(
                t, decision_id, "unit", None, user_unit, True, False, decided_on
            )
            self._measure(t, outcome_id, "bad_record", decided_on)

    def _outcome(
        self, t, decision_id, role, party_id, unit_id, established, self_corrected, decided_on
    ) -> int:
        outcome_id = self.next_id["outcome"]
        self.next_id["outcome"] += 1
        exemption = "" if established else self.rng.choice(EXEMPTIONS)
        t["outcome"].add(
            outcome_id, decision_id, role, party_id, unit_id,
            "established" if established else "not_established", exemption,
            self_corrected, "已注销注册" if self_corrected else "",
            decided_on if self_corrected else None,
        )  # fmt: skip
        return outcome_id

    def _measure(self, t, outcome_id, kind, decided_on) -> None:
        measure_id = self.next_id["measure"]
        self.next_id["measure"] += 1
        ends = deadline = amount = None
        if kind == "reregistration_ban":
            ends = _years_later(decided_on, 3)
        elif kind == "blacklist":
            ends = _years_later(decided_on, 1)
        elif kind == "rectify_order":
            deadline = decided_on + datetime.timedelta(days=30)
        elif kind == "fine":
            amount = f"{self.rng.choice((5000, 10000, 20000, 30000))}.00"
        t["measure"].add(measure_id, kind, decided_on, ends, deadline, amount, outcome_id)


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


# -- database side -----------------------------------------------------------------------------


def _load_agencies(cursor, rng) -> list[dict]:
    cursor.execute(
        """
        SELECT a.id, d.code, a.level, r.code, r.name
        FROM agencies_agency a
        JOIN agencies_department d ON d.id = a.department_id
        JOIN agencies_region r ON r.id = a.region_id
        WHERE a.is_active AND d.code = ANY(%s)
        ORDER BY a.id
        """,
        [list(DEPARTMENT_SHARE)],
    )
    agencies = [
        {"id": i, "dept": d, "level": lv, "region": rc, "region_name": rn}
        for i, d, lv, rc, rn in cursor.fetchall()
    ]
    if not agencies:
        raise SystemExit("No agencies: run `manage.py load_reference_data` first.")
    for dept, share in DEPARTMENT_SHARE.items():
        mine = [a for a in agencies if a["dept"] == dept]
        levels = {a["level"] for a in mine}
        level_total = sum(LEVEL_SHARE[lv] for lv in levels)
        for level in levels:
            at_level = [a for a in mine if a["level"] == level]
            # Counties differ in size: a random factor, so the busiest holds ~4× the quietest.
            factors = [rng.uniform(0.5, 2.0) for _ in at_level]
            for agency, factor in zip(at_level, factors, strict=True):
                agency["weight"] = share * LEVEL_SHARE[level] / level_total * factor / sum(factors)
    return agencies


def _load_cert_types(cursor) -> list[dict]:
    cursor.execute("SELECT id, category, level FROM cases_certificatetype WHERE is_active")
    rows = cursor.fetchall()
    if not rows:
        try:
            from cases.reference import certificate_types_load
        except ImportError:
            certificate_types_load = None
        if certificate_types_load is not None:
            certificate_types_load()
        else:
            from cases.models import CertificateType

            CertificateType.objects.get_or_create(
                category="constructor",
                level="1",
                specialty="建筑工程",
                defaults={"title": "一级建造师（建筑工程）"},
            )
        cursor.execute("SELECT id, category, level FROM cases_certificatetype WHERE is_active")
        rows = cursor.fetchall()
    codes = {"constructor": "5", "architect": "1", "survey_engineer": "2"}
    codes.update({"supervision_engineer": "3", "cost_engineer": "4"})
    return [{"id": i, "code": codes.get(c, "9") + (lv or "0")[:1]} for i, c, lv in rows]


def _drop_secondary(cursor, tables: list[str]) -> list[str]:
    """Drop the secondary indexes, unique and foreign-key constraints; return how to restore."""
    restore: list[str] = []
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
        FROM pg_constraint
        WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')
        ORDER BY contype DESC
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.tablename, i.indexname, i.indexdef
        FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                          AND c.conrelid = i.tablename::regclass)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _table, name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        restore.append(definition)
    # Unique constraints before the foreign keys that may lean on them.
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in sorted(constraints, key=lambda c: c[3] != "u")
    ]
    return restore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=25_000, help="cases per COPY round")
    parser.add_argument("--seed", type=int, default=20190301)
    parser.add_argument(
        "--leads-per-case", type=float, default=0.3, help="leads per case (0 for none)"
    )
    parser.add_argument(
        "--complaint-share", type=float, default=0.3, help="share of leads that are complaints"
    )
    parser.add_argument("--reset", action="store_true", help="truncate the case tables first")
    parser.add_argument(
        "--keep-indexes", action="store_true", help="load with every index in place (slower)"
    )
    args = parser.parse_args()

    setup_django()
    from django.db import connection, transaction

    from campaigns.models import Campaign
    from cases.models import (
        Case,
        CaseParty,
        Certificate,
        Decision,
        Measure,
        Outcome,
        Person,
        Unit,
    )  # fmt: skip
    from cases.supervision import supervision_rebuild
    from complaints.models import Complaint
    from leads.models import Lead, LeadPerson

    tables = {
        "unit": Table(Unit, ("id", "name", "uscc", "kind", "created_at", "region_id")),
        "person": Table(
            Person,
            (
                "id", "name", "id_type", "id_number", "sex", "birth_date",
                "is_public_employee", "created_at",
            ),
        ),
        "certificate": Table(
            Certificate,
            (
                "id", "number", "state", "registered_on", "revoked_on", "deregistered_on",
                "reregistration_banned_until", "certificate_type_id", "person_id",
                "registered_unit_id",
            ),
        ),
        "case": Table(
            Case,
            (
                "id", "reference", "source", "violations", "opened_on", "summary", "status",
                "transfer_reason", "created_at", "updated_at", "closed_at", "agency_id",
                "created_by_id", "transfer_to_id", "certificate_user_unit_id", "hr_agency_id",
                "decided_on", "campaign_id",
            ),
        ),
        "caseparty": Table(
            CaseParty,
            (
                "id", "position", "case_id", "certificate_id", "person_id", "actual_unit_id",
                "registered_unit_id",
            ),
        ),
        "decision": Table(
            Decision,
            (
                "id", "decided_on", "document_number", "penalty_text", "created_at",
                "updated_at", "case_id", "decided_by_id", "deciding_agency_id",
            ),
        ),
        "outcome": Table(
            Outcome,
            (
                "id", "decision_id", "role", "party_id", "unit_id", "result", "exemption",
                "self_corrected", "self_correction_text", "self_corrected_on",
            ),
        ),
        "measure": Table(
            Measure,
            ("id", "kind", "starts_on", "ends_on", "deadline", "amount", "outcome_id"),
        ),
        "lead": Table(
            Lead,
            (
                "id", "reference", "campaign_id", "source", "agency_id", "intake_agency_id",
                "state", "received_on", "deadline", "violations", "text", "outcome",
                "closed_at", "created_at", "updated_at",
            ),
        ),
        "leadperson": Table(
            LeadPerson,
            (
                "id", "lead_id", "position", "person_id", "name", "certificate_id",
                "registered_unit_id",
            ),
        ),
        "complaint": Table(
            Complaint,
            (
                "lead_id", "receipt", "channel", "received_at", "anonymous",
                "complainant_name", "complainant_phone", "query_digest", "reply_due",
                "replied_on", "reply_channel",
            ),
        ),
    }  # fmt: skip

    started = time.perf_counter()
    with transaction.atomic():
        cursor = connection.cursor()
        raw = cursor.cursor  # the psycopg2 cursor, for copy_expert
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        if args.reset:
            cursor.execute(
                "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND confrelid::regclass::text = ANY(%s) "
                "AND NOT conrelid::regclass::text = ANY(%s)",
                [list(RESET_TABLES), list(RESET_TABLES)],
            )
            also = sorted(r[0] for r in cursor.fetchall())
            if also:
                print(f"--reset also empties tables that point at cases: {', '.join(also)}")
            cursor.execute(f"TRUNCATE {', '.join(RESET_TABLES)} RESTART IDENTITY CASCADE")

        rng = random.Random(args.seed)
        agencies = _load_agencies(cursor, rng)
        cert_types = _load_cert_types(cursor)
        # Check deferred foreign keys of anything created so far, before ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT id, code FROM agencies_region WHERE level = 'county' AND is_standard "
            "ORDER BY code"
        )
        regions = [{"id": i, "code": c} for i, c in cursor.fetchall()]
        start = {}
        for key, table in tables.items():
            pk = table.model._meta.pk.column  # a complaint's key is its lead
            cursor.execute(f"SELECT COALESCE(max({pk}), 0) + 1 FROM {table.name}")
            start[key] = cursor.fetchone()[0]
        cursor.execute("SELECT agency_id, year, last FROM cases_casesequence")
        sequences = {(a, y): last for a, y, last in cursor.fetchall()}

        restore = []
        if not args.keep_indexes:
            restore = _drop_secondary(cursor, [t.name for t in tables.values()])
            print(f"dropped {len(restore)} indexes/constraints for the load (restored below)")
        # Which bureaus supervise a case is set once after the load (cases.supervision), not
        # per COPY round against a cases table without its primary key.
        cursor.execute("ALTER TABLE cases_caseparty DISABLE TRIGGER cases_supervision_ins")

        generator = Generator(
            agencies=agencies,
            regions=regions,
            cert_types=cert_types,
            start=start,
            sequences=dict(sequences),
            seed=args.seed,
            unit_count=max(1000, args.cases // 20),
            campaign_id=Campaign.objects.get(code="sc-2019").pk,
        )
        cursor.execute("SELECT agency_id, year, last FROM leads_leadsequence")
        lead_sequences = {(a, y): last for a, y, last in cursor.fetchall()}
        generator.lead_sequences = dict(lead_sequences)
        cursor.execute("SELECT day, last FROM complaints_complaintsequence")
        generator.receipt_sequences = dict(cursor.fetchall())

        # One thread writes while the main thread generates the next chunk.
        pending: queue.Queue = queue.Queue(maxsize=2)
        errors: list[BaseException] = []

        def writer():
            while (item := pending.get()) is not None:
                if errors:
                    continue
                try:
                    for name, columns, data in item:
                        raw.copy_expert(
                            f"COPY {name} ({', '.join(columns)}) FROM STDIN",
                            io.StringIO(data),
                            size=1 << 20,
                        )
                except BaseException as exc:  # re-raised in the main thread
                    errors.append(exc)

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()

        def ship(keys):
            pending.put([(tables[k].name, tables[k].all_columns, tables[k].take()) for k in keys])

        generator.units(tables["unit"])
        ship(["unit"])
        done = 0
        load_started = time.perf_counter()
        while done < args.cases and not errors:
            n = min(args.chunk, args.cases - done)
            generator.chunk(n, tables)
            ship(COPY_TABLES[1:])
            done += n
            elapsed = time.perf_counter() - load_started
            print(f"  {done:>9,} cases  {done / elapsed:,.0f} cases/s", end="\r", flush=True)
        print()
        lead_count, done = round(args.cases * args.leads_per_case), 0
        while done < lead_count and not errors:
            n = min(args.chunk, lead_count - done)
            generator.lead_chunk(n, tables, args.complaint_share)
            ship(LEAD_TABLES)
            done += n
            print(f"  {done:>9,} leads", end="\r", flush=True)
        pending.put(None)
        thread.join()
        if errors:
            raise errors[0]
        load_seconds = time.perf_counter() - load_started
        print()

        index_started = time.perf_counter()
        for statement in restore:
            cursor.execute(statement)
        cursor.execute("ALTER TABLE cases_caseparty ENABLE TRIGGER cases_supervision_ins")
        supervision_rebuild()
        index_seconds = time.perf_counter() - index_started

        for table in tables.values():
            if table.model._meta.pk.column != "id":
                continue
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table.name}), 1))"
            )
        # Advance the reference sequences so the app never reissues a generated reference.
        changed = [
            (a, y, last)
            for (a, y), last in generator.sequences.items()
            if sequences.get((a, y)) != last
        ]
        cursor.executemany(
            "INSERT INTO cases_casesequence (agency_id, year, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (agency_id, year) DO UPDATE SET last = GREATEST("
            "cases_casesequence.last, EXCLUDED.last)",
            changed,
        )
        cursor.executemany(
            "INSERT INTO leads_leadsequence (agency_id, year, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (agency_id, year) DO UPDATE SET last = GREATEST("
            "leads_leadsequence.last, EXCLUDED.last)",
            [(a, y, last) for (a, y), last in generator.lead_sequences.items()],
        )
        cursor.executemany(
            "INSERT INTO complaints_complaintsequence (day, last) VALUES (%s, %s) "
            "ON CONFLICT (day) DO UPDATE SET last = GREATEST("
            "complaints_complaintsequence.last, EXCLUDED.last)",
            list(generator.receipt_sequences.items()),
        )

    analyze_started = time.perf_counter()
    # Fold the counters' deltas as the hourly beat task does on a live server: the load's COPYs
    # left ~130,000 delta rows that every dashboard would otherwise sum (agencies.counts).
    from agencies.tasks import compact_counts

    compact_counts()
    with connection.cursor() as cursor:
        # VACUUM too: the visibility map lets counts use index-only scans, as autovacuum would
        # have it on a live server (the bench server may run without autovacuum).
        for table in tables.values():
            cursor.execute(f"VACUUM ANALYZE {table.name}")
        for name in ("cases_casecount", "leads_leadcount"):
            cursor.execute(f"VACUUM ANALYZE {name}")
        # The agency tables too: fresh from load_reference_data they have no statistics yet, and
        # the visibility rule's ``path LIKE`` is planned from them.
        for name in ("cases_casesequence", "agencies_agency", "agencies_region"):
            cursor.execute(f"ANALYZE {name}")
    analyze_seconds = time.perf_counter() - analyze_started

    total_rows = sum(t.rows for t in tables.values())
    total = time.perf_counter() - started
    print("rows written:")
    for table in tables.values():
        print(f"  {table.name:<22} {table.rows:>10,}")
    print(
        f"COPY phase {load_seconds:.1f}s ({total_rows / load_seconds:,.0f} rows/s, "
        f"{args.cases / load_seconds:,.0f} cases/s); indexes and constraints "
        f"{index_seconds:.1f}s; VACUUM ANALYZE {analyze_seconds:.1f}s"
    )
    print(
        f"total {total:.1f}s: {total_rows:,} rows, {total_rows / total:,.0f} rows/s overall, "
        f"{args.cases / total:,.0f} cases/s overall"
    )


if __name__ == "__main__":
    main()
