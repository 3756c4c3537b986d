"""The ministry's suspect list (挂证存疑名单, DOMAIN.md §6): each row of this province a lead.

A list is checked whole first: every row is mapped to the lead pipeline's payload and checked by
its one validator (``leads.validation.clean_lead``), and every problem is reported as
第N行「列」. Only a list without errors is written, all of it in one transaction, each row
through ``leads.services.lead_write`` routed by ``leads.services.route_new`` from the province
住建厅 that received it. Rows of other provinces are skipped and counted; a row whose person,
registered unit and insurance unit were already raised by an earlier list (open or closed) is
recognised by its fingerprint and counted as known, not raised again.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, Region
from audit.actions import Action
from audit.services import audit_record
from cases.identifiers import canonical_text, upgrade_15_to_18
from cases.models import Unit
from cases.validation import Errors
from core.errors import DomainError, PermissionDeniedError
from core.sheet_import import RowError
from leads import routing
from leads.models import Lead
from leads.services import Route, lead_write, route_new
from leads.validation import LeadInput, clean_lead
from screening.certificates import certificate_terms
from screening.models import ScreeningRun
from screening.tables import Table, TableError, read_table

COLUMNS = (
    "人员姓名",
    "证件号码",
    "注册类别",
    "注册单位",
    "所属省份",
    "社保单位",
    "数据发布时间",
    "问题说明",
    "性别",
    "出生年月",
    "备注",
    "升位成18位身份证号",
    "注册号",
    "注册专业",
    "归属地",
)
REQUIRED = ("人员姓名", "证件号码", "注册类别", "注册单位", "所属省份", "社保单位")
# The list's columns kept on the lead as its facts (the rest become the lead's own fields).
FACT_COLUMNS = ("问题说明", "数据发布时间", "社保单位", "注册单位", "备注", "归属地", "注册号")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ERRORS = 1_000  # a wrong file would otherwise list 15 errors for every one of its rows
# The validator's field paths → the list's columns (for 第N行「列」).
PATHS = {
    "persons[0].name": "人员姓名",
    "persons[0].id_number": "证件号码",
    "persons[0].id_type": "证件号码",
    "persons[0].certificate.category": "注册类别",
    "persons[0].certificate.level": "注册类别",
    "persons[0].certificate.specialty": "注册专业",
    "persons[0].certificate.number": "注册号",
    "persons[0].registered_unit.name": "注册单位",
    "persons[0].registered_unit.uscc": "注册单位",
    "persons[0].insurance_unit.name": "社保单位",
    "persons[0].insurance_unit.uscc": "社保单位",
    "received_on": "数据发布时间",
    "campaign": "数据发布时间",
    "text": "问题说明",
}
LOCK_KEY = 7_312_001  # pg_advisory_xact_lock: one suspect list written at a time (dedupe)


class SuspectListError(DomainError):
    """The list was refused; ``result`` lists every error (nothing was written)."""

    def __init__(self, message: str, *, result: dict):
        super().__init__(message)
        self.result = result


@dataclass
class Suspect:
    """One checked row of this province, ready to be written."""

    line: int
    cleaned: LeadInput
    fingerprint: str
    facts: dict
    batch: str
    region: Region | None  # from 归属地, when the units' credit codes cannot tell


@dataclass
class Checked:
    suspects: list[Suspect] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    other_province: int = 0
    rows: int = 0


def fingerprint(id_number: str, registered: dict | None, insurance: dict | None) -> str:
    """Return the suspect's fingerprint: the person and the two units (credit code, else name)."""

    def unit_key(unit: dict | None) -> str:
        if not unit:
            return ""
        return canonical_text(unit.get("uscc")) or str(unit.get("name") or "").strip()

    text = "\x1f".join([canonical_text(id_number), unit_key(registered), unit_key(insurance)])
    return hashlib.sha256(text.encode()).hexdigest()


def _province_name(name: str) -> str:
    return name.strip().removesuffix("省").removesuffix("市")


class Places:
    """Find a region of the province from a 归属地 text (成都市锦江区, 四川省成都市, 锦江区)."""

    def __init__(self, province: Region):
        regions = list(Region.objects.filter(code__startswith=province.code[:2]))
        self.regions = sorted(regions, key=lambda r: (-len(r.name), r.code))

    def find(self, place: str) -> Region | None:
        place = (place or "").strip()
        if not place:
            return None
        matches = [r for r in self.regions if r.name in place and r.level != "province"]
        if not matches:
            return None
        # The most specific: a county whose city is also named (or alone), else the city.
        named = {r.pk for r in matches}
        counties = [r for r in matches if r.parent_id in named] or [
            r for r in matches if r.level == "county"
        ]
        return (counties or matches)[0]


def _unit(name: str, known: dict[str, str]) -> dict | None:
    """Return a unit by name, with its credit code when the register knows exactly one."""
    if not name:
        return None
    uscc = known.get(name)
    return {"name": name, "uscc": uscc} if uscc else {"name": name}


def _known_units(names: set[str]) -> dict[str, str]:
    """Return name → credit code of the units the register knows by exactly that name once."""
    found: dict[str, list[str]] = {}
    rows = Unit.objects.filter(name__in=names, uscc__isnull=False).values_list("name", "uscc")
    for name, uscc in rows:
        found.setdefault(name, []).append(uscc)
    return {name: codes[0] for name, codes in found.items() if len(codes) == 1}


def _when(value: str) -> str:
    return value[:60]


def _payload(cells: dict, *, received_on: datetime.date, units: dict[str, str], label: str):
    """Return the lead pipeline's fields for one row (the validator checks them)."""
    number = cells["证件号码"]
    terms = certificate_terms(cells["注册类别"], cells.get("注册专业", ""))
    person = {
        "name": cells["人员姓名"],
        "id_number": number,
        "registered_unit": _unit(cells["注册单位"], units),
        "insurance_unit": _unit(cells["社保单位"], units),
    }
    if terms is not None and cells.get("注册号"):
        person["certificate"] = {**terms, "number": cells["注册号"]}
    problem = cells.get("问题说明") or _("注册单位与社保缴纳单位不一致")
    text = _("%(label)s：%(name)s，注册单位“%(reg)s”，社保缴纳单位“%(ins)s”。%(problem)s") % {
        "label": label,
        "name": cells["人员姓名"],
        "reg": cells["注册单位"],
        "ins": cells["社保单位"],
        "problem": problem,
    }
    return {
        "source": Lead.Source.MINISTRY_LIST,
        "received_on": received_on,
        "text": text,
        "persons": [person],
    }


def _upgrade_mismatch(cells: dict) -> str | None:
    """Return why 升位成18位身份证号 contradicts 证件号码, or None."""
    given, upgraded = (
        canonical_text(cells["证件号码"]),
        canonical_text(cells.get("升位成18位身份证号")),
    )
    if not upgraded or len(given) != 15 or not given.isdigit():
        return None
    if upgrade_15_to_18(given) != upgraded:
        return _("与证件号码升位后的结果（%(n)s）不一致。") % {"n": upgrade_15_to_18(given)}
    return None


def _row_errors(line: int, errors: Errors) -> list[RowError]:
    return [
        RowError(line, PATHS.get(path, ""), message)
        for path, messages in errors.items()
        for message in messages
    ]


def _check_row(line: int, cells: dict, context: dict, checked: Checked, actor) -> None:
    missing = [c for c in REQUIRED if c != "所属省份" and not cells.get(c)]
    for column in missing:
        checked.errors.append(RowError(line, column, _("必填。")))
    if (mismatch := _upgrade_mismatch(cells)) is not None:
        checked.errors.append(RowError(line, "升位成18位身份证号", mismatch))
    if missing:
        return
    fields = _payload(
        cells, received_on=context["received_on"], units=context["units"], label=_("部转疑似名单")
    )
    errors = Errors()
    cleaned = clean_lead(fields, errors, actor)
    if errors:
        checked.errors.extend(_row_errors(line, errors))
        return
    person = fields["persons"][0]
    number = cleaned.persons[0].person.id_number
    facts = {c: cells[c] for c in FACT_COLUMNS if cells.get(c)}
    facts["证件号码"] = number
    checked.suspects.append(
        Suspect(
            line=line,
            cleaned=cleaned,
            fingerprint=fingerprint(
                number, person["registered_unit"], person.get("insurance_unit")
            ),
            facts=facts,
            batch=_when(cells.get("数据发布时间") or context["file_name"]),
            region=context["places"].find(cells.get("归属地", "")),
        )
    )


def _header_check(table: Table) -> dict[str, int]:
    positions = {name: i for i, name in enumerate(table.header) if name in COLUMNS}
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise TableError(
            _("缺少必需的列：%(cols)s。名单应包含列：%(all)s。")
            % {"cols": "、".join(missing), "all": "、".join(COLUMNS)}
        )
    return positions


def suspects_check(
    *, table: Table, intake: Agency, actor, file_name: str, progress: Callable | None = None
) -> Checked:
    """Check every row of a list; collect the rows of this province that can be written."""
    positions = _header_check(table)
    province = intake.region
    while province.parent_id:
        province = province.parent
    names = {
        cells[positions[c]]
        for _line, cells in table.rows
        for c in ("注册单位", "社保单位")
        if positions[c] < len(cells)
    }
    context = {
        "received_on": timezone.localdate(),
        "units": _known_units(names),
        "places": Places(province),
        "file_name": file_name,
    }
    checked = Checked(rows=len(table.rows))
    for done, (line, values) in enumerate(table.rows, start=1):
        cells = {c: values[i] if i < len(values) else "" for c, i in positions.items()}
        if _province_name(cells["所属省份"]) != _province_name(province.name):
            if not cells["所属省份"]:
                checked.errors.append(RowError(line, "所属省份", _("必填。")))
            else:
                checked.other_province += 1
        else:
            _check_row(line, cells, context, checked, actor)
        if progress is not None:
            progress(done, len(table.rows), _("正在检查：%(n)d 行") % {"n": done})
        if len(checked.errors) >= MAX_ERRORS:
            checked.errors.append(
                RowError(line, "", _("错误过多，已停止检查，请核对文件后重新上传。"))
            )
            break
    return checked


def _known_fingerprints(fingerprints: list[str]) -> set[str]:
    rows = Lead.objects.filter(source=Lead.Source.MINISTRY_LIST, fingerprint__in=fingerprints)
    return set(rows.values_list("fingerprint", flat=True))


def _route(suspect: Suspect, intake: Agency) -> Route:
    """Route by the certificate and the units' credit codes; else by the 归属地 region."""
    route = route_new(suspect.cleaned, intake)
    if route.state != Lead.State.TRIAGE or suspect.region is None:
        return route
    types = [p.person.certificate_type for p in suspect.cleaned.persons if p.person]
    code = routing.department_code_for(certificate_types=types) or intake.department.code
    target = routing.agency_for(code, suspect.region)
    if target is None:
        return route
    if target.pk == intake.pk:
        return Route(intake, Lead.State.VERIFYING, None)
    return Route(target, Lead.State.PENDING, intake)


def _report(checked: Checked, new: list[Suspect], known: int, file_name: str) -> dict:
    return {
        "ok": not checked.errors,
        "errors": [str(e) for e in checked.errors],
        "file_name": file_name,
        "rows": checked.rows,
        "new": len(new),
        "known": known,
        "other_province": checked.other_province,
    }


def _split_known(suspects: list[Suspect]) -> tuple[list[Suspect], int]:
    """Return the suspects to raise and how many were raised before (or twice in this list)."""
    seen = _known_fingerprints([s.fingerprint for s in suspects])
    new = []
    for suspect in suspects:
        if suspect.fingerprint not in seen:
            seen.add(suspect.fingerprint)
            new.append(suspect)
    return new, len(suspects) - len(new)


def suspects_import(
    *,
    actor,
    intake: Agency,
    content: bytes,
    file_name: str,
    dry_run: bool,
    progress: Callable | None = None,
) -> dict:
    """Check a suspect list and, unless ``dry_run``, raise a lead for each new suspect.

    All or nothing: any error refuses the whole list (``SuspectListError`` with every error).
    ``actor`` None is the system (``manage.py import_suspects``). Return the batch report.
    """
    if actor is not None and not permissions.user_can_screen(user=actor, agency=intake):
        raise PermissionDeniedError(_("只有省住房城乡建设厅的工作人员可以导入疑似名单。"))
    table = read_table(content, file_name, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    with transaction.atomic():
        # One list at a time: two uploads of the same list must not both find it new.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        checked = suspects_check(
            table=table, intake=intake, actor=actor, file_name=file_name, progress=progress
        )
        new, known = _split_known(checked.suspects)
        report = _report(checked, new, known, file_name)
        if checked.errors:
            raise SuspectListError(
                _("名单有 %(n)d 处错误，未导入任何线索。") % {"n": len(checked.errors)},
                result=report,
            )
        if not dry_run:
            report["leads"] = _write(actor, intake, new, report, file_name, progress)
    return report


def _write(actor, intake, new: list[Suspect], report: dict, file_name: str, progress) -> list:
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.SUSPECTS,
        batch=new[0].batch if new else file_name[:60],
        input_names=[file_name],
        report=report,
        agency=intake,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    written = []
    for done, suspect in enumerate(new, start=1):
        lead = lead_write(
            actor=actor,
            intake=intake,
            cleaned=suspect.cleaned,
            route=_route(suspect, intake),
            text_extra={"batch": suspect.batch, "run": run.pk, "line": suspect.line},
            screening={
                "facts": suspect.facts,
                "fingerprint": suspect.fingerprint,
                "batch": suspect.batch,
            },
        )
        written.append({"id": lead.pk, "reference": lead.reference, "line": suspect.line})
        if progress is not None:
            progress(done, len(new), _("正在生成线索：%(n)d 条") % {"n": done})
    audit_record(
        actor=actor,
        action=Action.SUSPECTS_IMPORTED,
        target=run,
        agency=intake,
        data={k: v for k, v in report.items() if k != "errors"},
    )
    return written[:500]  # the page lists the first ones; the leads list has them all
