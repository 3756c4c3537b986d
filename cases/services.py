"""Writes to the case register: entry, edits, the workflow, decisions and evidence.

Each service checks the actor's role itself, validates everything before writing anything, runs in
one transaction and records its audit event there. Refusals are ``DomainError`` with Chinese
messages and ``fields`` keyed by path (``persons[0].id_number``).

Who may do what (a membership covers its agency and every agency below it):
- enter, edit, start the investigation, record the decision, close, transfer, join, attach
  evidence: a clerk or reviewer of the owning agency's chain (clerks record decisions taken by
  their leadership; reviewers may record them too);
- reopen a decided or closed case: a reviewer of the owning agency's chain only;
- withdraw a pending transfer: a clerk or reviewer of the owning agency's chain;
- accept or refuse a transfer: a clerk or reviewer of the receiving agency's chain.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import logging
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.querysets import WRITE_ROLES
from audit.services import audit_record, snapshot
from cases.identifiers import normalize_document, normalize_uscc, resident_id_facts
from cases.models import (
    Case,
    CaseLink,
    CaseParty,
    CaseSequence,
    Certificate,
    CertificateType,
    Decision,
    Evidence,
    Measure,
    Person,
    Unit,
)
from cases.reference import normalize_level
from cases.selectors import can_view, case_duplicates, roles_covering, transfer_targets
from config.errors import ConflictError, DomainError
from notifications.services import notification_send

logger = logging.getLogger(__name__)

REVIEWER_ONLY = frozenset({"reviewer"})
EDITABLE_FIELDS = (
    "source",
    "violations",
    "opened_on",
    "summary",
    "certificate_user_unit",
    "hr_agency",
    "persons",
)
REREGISTRATION_BAN_YEARS = 3  # 撤销注册后3年内不得再次申请注册 (the plan)
BLACKLIST_YEARS = 1  # 建市〔2017〕241号: 黑名单 term is one year from listing

# Office formats, PDF and images, as detected from the content (never from the file name).
EVIDENCE_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_LABELS = {
    "persons": "涉案人员",
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "is_public_employee": "是否国家机关/事业单位工作人员",
    "certificate": "证书",
    "category": "执业资格类别",
    "level": "级别",
    "specialty": "专业",
    "number": "证书编号",
    "registered_unit": "注册单位",
    "actual_unit": "实际工作单位",
    "uscc": "统一社会信用代码",
    "certificate_user_unit": "买卖租借证书单位",
    "hr_agency": "人力资源服务机构",
    "source": "案件来源",
    "violations": "违法违规行为",
    "opened_on": "立案日期",
    "summary": "基本案情",
    "agency": "承办机构",
    "decided_on": "处理决定日期",
    "outcome": "处理结论",
    "measures": "处理措施",
    "exemption": "不构成挂证的情形",
    "exemption_evidence": "证明材料",
    "fine_amount": "罚款金额",
    "rectify_deadline": "整改期限",
    "revoked_on": "撤销日期",
    "reason": "理由",
    "to_agency": "移交至",
    "other": "关联案件",
    "file": "文件",
    "description": "说明",
    "status": "状态",
}


def field_label(path: str) -> str:
    """Return a Chinese label for a field path: persons[0].id_number → 第1名涉案人员·证件号码."""
    parts = []
    for segment in path.split("."):
        name, _sep, index = segment.partition("[")
        label = _LABELS.get(name, name)
        if index:
            label = f"第{int(index.rstrip(']')) + 1}名{label}"
        parts.append(label)
    return "·".join(parts)


class _Errors(dict):
    """Field path → list of messages, raised together as one DomainError."""

    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if not self:
            return
        path, messages = next(iter(self.items()))
        message = f"{field_label(path)}：{messages[0]}"
        if len(self) > 1:
            message += _("（另有%(n)d处需要修改）") % {"n": len(self) - 1}
        raise DomainError(message, fields=dict(self))


# --------------------------------------------------------------------------- permissions


def _require(actor, case: Case, roles: frozenset[str], message: str) -> None:
    """Refuse unless ``actor`` holds one of ``roles`` over the case's agency (404 when unseen)."""
    if roles_covering(user=actor, agency=case.agency) & roles:
        return
    if not can_view(user=actor, case=case):
        raise DomainError(_("未找到该案件。"), status_code=404)
    raise DomainError(message, status_code=403)


def _lock(case: Case) -> Case:
    """Return the case row locked for this transaction, so concurrent transitions serialise."""
    return Case.objects.select_for_update(of=("self",)).select_related("agency").get(pk=case.pk)


def _refresh(case: Case, locked: Case) -> None:
    """Bring the caller's instance up to the state written through ``locked``."""
    if case is not locked:
        case.refresh_from_db()
        case.__dict__.pop("_prefetched_objects_cache", None)


def _state_error(message: str) -> ConflictError:
    return ConflictError(message, fields={"status": [message]})


def _no_pending_transfer(case: Case) -> None:
    if case.transfer_to_id:
        raise _state_error(_("案件正在移交中，请等待接收方接收或退回。"))


# --------------------------------------------------------------------------- input cleaning


def _as_date(value, path: str, errors: _Errors, *, required: bool = True) -> datetime.date | None:
    """Return ``value`` as a date that is not in the future, or record why it is refused."""
    if value in (None, ""):
        if required:
            errors.add(path, _("请填写日期。"))
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            parsed = parse_date(str(value))
        except ValueError:
            parsed = None
        if parsed is None:
            errors.add(path, _("日期不存在或格式不正确（应为 YYYY-MM-DD）。"))
            return None
        value = parsed
    if value > timezone.localdate():
        errors.add(path, _("日期不能晚于今天。"))
        return None
    return value


@dataclass
class _UnitInput:
    name: str
    uscc: str | None
    existing: Unit | None


@dataclass
class _PersonInput:
    name: str
    id_type: str
    id_number: str
    is_public_employee: bool
    certificate_type: CertificateType | None
    certificate_number: str
    registered_unit: _UnitInput | None
    actual_unit: _UnitInput | None


def _clean_unit(value, path: str, errors: _Errors) -> _UnitInput | None:
    if value in (None, "", {}):
        return None
    if isinstance(value, Unit):
        return _UnitInput(value.name, value.uscc, value)
    if not isinstance(value, dict):
        errors.add(path, _("单位信息格式不正确。"))
        return None
    name = str(value.get("name") or "").strip()
    raw_code = str(value.get("uscc") or "").strip()
    if not name and not raw_code:
        return None
    code, existing = None, None
    if raw_code:
        try:
            code = normalize_uscc(raw_code)
        except ValidationError as exc:
            errors.add(f"{path}.uscc", exc.messages[0])
        else:
            existing = Unit.objects.filter(uscc=code).first()
    if not name and existing is None:
        errors.add(f"{path}.name", _("请填写单位名称。"))
    elif len(name) > 200:
        errors.add(f"{path}.name", _("单位名称不能超过200个字。"))
    return _UnitInput(name or (existing.name if existing else ""), code, existing)


def _clean_certificate(value, path: str, errors: _Errors):
    """Return (CertificateType, number) or (None, "") for a person's certificate dict."""
    if value in (None, {}):
        return None, ""
    if not isinstance(value, dict):
        errors.add(path, _("证书信息格式不正确。"))
        return None, ""
    category = str(value.get("category") or "").strip()
    if category not in CertificateType.Category.values:
        errors.add(f"{path}.category", _("未知的执业资格类别“%(v)s”。") % {"v": category})
        return None, ""
    level = normalize_level(value.get("level"))
    candidates = list(
        CertificateType.objects.filter(category=category, is_active=True).order_by("id")
    )
    if level is None or not any(t.level == level for t in candidates):
        errors.add(
            f"{path}.level",
            _("该类别没有级别“%(v)s”。") % {"v": value.get("level") or ""},
        )
        return None, ""
    specialty = str(value.get("specialty") or "").strip()
    at_level = [t for t in candidates if t.level == level]
    matches = [t for t in at_level if t.specialty == specialty]
    if not matches and not specialty and len(at_level) == 1:
        matches = at_level
    if not matches:
        errors.add(f"{path}.specialty", _("该类别和级别下没有专业“%(v)s”。") % {"v": specialty})
        return None, ""
    number = str(value.get("number") or "").strip().replace(" ", "")
    if not number:
        errors.add(f"{path}.number", _("请填写证书编号。"))
    elif len(number) > 50:
        errors.add(f"{path}.number", _("证书编号不能超过50个字符。"))
    return matches[0], number


def _clean_person(value, index: int, errors: _Errors) -> _PersonInput | None:
    path = f"persons[{index}]"
    if not isinstance(value, dict):
        errors.add(path, _("人员信息格式不正确。"))
        return None
    name = str(value.get("name") or "").strip()
    if not name:
        errors.add(f"{path}.name", _("请填写姓名。"))
    elif len(name) > 50:
        errors.add(f"{path}.name", _("姓名不能超过50个字。"))
    id_type = str(value.get("id_type") or Person.IdType.RESIDENT_ID)
    id_number = ""
    if id_type not in Person.IdType.values:
        errors.add(f"{path}.id_type", _("未知的证件类型“%(v)s”。") % {"v": id_type})
    elif not str(value.get("id_number") or "").strip():
        errors.add(f"{path}.id_number", _("请填写证件号码。"))
    else:
        try:
            id_number = normalize_document(id_type, str(value.get("id_number")))
        except ValidationError as exc:
            errors.add(f"{path}.id_number", exc.messages[0])
    if name and id_number and id_type in Person.IdType.values:
        registered = (
            Person.objects.filter(id_type=id_type, id_number=id_number)
            .values_list("name", flat=True)
            .first()
        )
        # One person per document across all departments: a clerk may not rename someone other
        # agencies' cases name. The message must not give the stored name away, since the clerk
        # may see none of that person's cases.
        if registered is not None and registered != name:
            errors.add(
                f"{path}.name", _("证件号码已登记为其他姓名（与已登记姓名不一致），请核对。")
            )
    certificate_type, number = _clean_certificate(
        value.get("certificate"), f"{path}.certificate", errors
    )
    # A certificate (type + number) belongs to one person across all departments (unique in the
    # database), so entry must refuse it for someone else: otherwise the new party would silently
    # be linked to the other holder's certificate. The refusal does confirm that the number is
    # registered to someone, in any jurisdiction; that is the least a clerk must be told to
    # correct a typo, and certificate numbers are public on the national 建筑市场监管公共服务平台.
    # It names no holder, case or agency, so nothing beyond that fact is revealed.
    if certificate_type is not None and number and id_number:
        holder = (
            Certificate.objects.filter(certificate_type=certificate_type, number=number)
            .exclude(person__id_type=id_type, person__id_number=id_number)
            .exists()
        )
        if holder:
            errors.add(f"{path}.certificate.number", _("该证书编号已登记在其他人员名下，请核对。"))
    return _PersonInput(
        name=name,
        id_type=id_type,
        id_number=id_number,
        is_public_employee=bool(value.get("is_public_employee")),
        certificate_type=certificate_type,
        certificate_number=number,
        registered_unit=_clean_unit(
            value.get("registered_unit"), f"{path}.registered_unit", errors
        ),
        actual_unit=_clean_unit(value.get("actual_unit"), f"{path}.actual_unit", errors),
    )


def _clean_persons(persons, errors: _Errors) -> list[_PersonInput]:
    if not isinstance(persons, list | tuple) or not persons:
        errors.add("persons", _("请至少填写一名涉案人员。"))
        return []
    cleaned, seen = [], {}
    for index, value in enumerate(persons):
        person = _clean_person(value, index, errors)
        if person is None:
            continue
        key = (person.id_type, person.id_number)
        if person.id_number and key in seen:
            errors.add(
                f"persons[{index}].id_number",
                _("与第%(n)d名人员的证件号码重复。") % {"n": seen[key] + 1},
            )
        seen.setdefault(key, index)
        cleaned.append(person)
    return cleaned


def _clean_case_fields(fields: dict, errors: _Errors) -> dict:
    """Validate the plain case fields present in ``fields``; return their cleaned values."""
    cleaned = {}
    if "source" in fields:
        if fields["source"] not in Case.Source.values:
            errors.add("source", _("未知的案件来源“%(v)s”。") % {"v": fields["source"] or ""})
        cleaned["source"] = fields["source"]
    if "violations" in fields:
        violations = fields["violations"]
        if isinstance(violations, str):
            violations = [violations]
        if not violations:
            errors.add("violations", _("请至少选择一种违法违规行为。"))
        else:
            unknown = [v for v in violations if v not in Case.Violation.values]
            if unknown:
                errors.add(
                    "violations",
                    _("未知的违法违规行为：%(v)s。") % {"v": "、".join(map(str, unknown))},
                )
        cleaned["violations"] = list(dict.fromkeys(violations or []))
    if "opened_on" in fields:
        cleaned["opened_on"] = _as_date(fields["opened_on"], "opened_on", errors)
    if "summary" in fields:
        cleaned["summary"] = str(fields["summary"] or "").strip()
    for name in ("certificate_user_unit", "hr_agency"):
        if name in fields:
            cleaned[name] = _clean_unit(fields[name], name, errors)
    if "persons" in fields:
        cleaned["persons"] = _clean_persons(fields["persons"], errors)
    return cleaned


# --------------------------------------------------------------------------- resolving parties


def _unit_resolve(data: _UnitInput | None, *, kind: str | None = None) -> Unit | None:
    """Return the unit with this credit code (or, without one, this exact name), creating it."""
    if data is None:
        return None
    if data.uscc:
        unit, created = Unit.objects.get_or_create(
            uscc=data.uscc, defaults={"name": data.name, "kind": kind or Unit.Kind.OTHER}
        )
    else:
        # Old records without a code: reuse the same-named uncoded unit instead of piling copies.
        unit = Unit.objects.filter(uscc__isnull=True, name=data.name).order_by("id").first()
        created = unit is None
        if created:
            unit = Unit.objects.create(name=data.name, kind=kind or Unit.Kind.OTHER)
    if not created and kind and unit.kind == Unit.Kind.OTHER:
        unit.kind = kind
        unit.save(update_fields=["kind"])
    return unit


def _person_resolve(data: _PersonInput, actor) -> Person:
    """Return the one person with this document, creating it; mark a public employee if newly told.

    The name was checked against the register while cleaning and is never rewritten here. Being
    国家机关/事业单位工作人员 only switches on through entry: it obliges notifying the employer,
    so one clerk's unticked box must not silently lift that duty for every other case.
    """
    defaults = {"name": data.name, "is_public_employee": data.is_public_employee}
    if data.id_type in (Person.IdType.RESIDENT_ID, Person.IdType.HMT_PERMIT):
        defaults["sex"], defaults["birth_date"] = resident_id_facts(data.id_number)
    person, created = Person.objects.get_or_create(
        id_type=data.id_type, id_number=data.id_number, defaults=defaults
    )
    if not created and data.is_public_employee and not person.is_public_employee:
        person.is_public_employee = True
        person.save(update_fields=["is_public_employee"])
        audit_record(
            actor=actor,
            action="person.updated",
            target=person,
            changes={"is_public_employee": [False, True]},
        )
    return person


def _certificate_resolve(data: _PersonInput, person: Person, registered: Unit | None):
    if data.certificate_type is None:
        return None
    certificate, created = Certificate.objects.get_or_create(
        certificate_type=data.certificate_type,
        number=data.certificate_number,
        defaults={"person": person, "registered_unit": registered},
    )
    if not created and registered is not None and certificate.registered_unit_id is None:
        certificate.registered_unit = registered
        certificate.save(update_fields=["registered_unit"])
    return certificate


def _parties_sync(case: Case, persons: list[_PersonInput], actor) -> None:
    """Make the case's parties exactly ``persons`` (in order), keeping rows that stay."""
    existing = {p.person_id: p for p in case.parties.all()}
    kept = set()
    for position, data in enumerate(persons):
        person = _person_resolve(data, actor)
        registered = _unit_resolve(data.registered_unit)
        actual = _unit_resolve(data.actual_unit)
        certificate = _certificate_resolve(data, person, registered)
        values = {
            "certificate": certificate,
            "registered_unit": registered,
            "actual_unit": actual,
            "position": position,
        }
        party = existing.get(person.pk)
        if party is None:
            CaseParty.objects.create(case=case, person=person, **values)
        else:
            for name, value in values.items():
                setattr(party, name, value)
            party.save()
        kept.add(person.pk)
    removed = [p for pid, p in existing.items() if pid not in kept]
    if removed and Measure.objects.filter(party__in=removed).exists():
        raise DomainError(
            _("已作出处理决定的人员不能从案件中删除。"),
            fields={"persons": [_("已作出处理决定的人员不能从案件中删除。")]},
        )
    for party in removed:
        party.delete()


def _case_state(case: Case) -> dict:
    """Return the case's editable content for the audit log (document numbers masked)."""
    parties = CaseParty.objects.filter(case=case).select_related(
        "person", "certificate", "registered_unit", "actual_unit"
    )
    return {
        "source": case.source,
        "violations": list(case.violations),
        "opened_on": case.opened_on.isoformat() if case.opened_on else None,
        "summary": case.summary,
        "certificate_user_unit": str(case.certificate_user_unit or "") or None,
        "hr_agency": str(case.hr_agency or "") or None,
        "persons": [
            " ".join(
                filter(
                    None,
                    [
                        p.person.name,
                        p.person.masked_id_number,
                        p.certificate.number if p.certificate else "",
                        p.registered_unit.name if p.registered_unit else "",
                        p.actual_unit.name if p.actual_unit else "",
                    ],
                )
            )
            for p in parties.order_by("position", "id")
        ],
    }


def _next_reference(agency: Agency, year: int) -> str:
    """Issue the next reference of ``agency`` in ``year`` with one atomic upsert."""
    table = CaseSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, year) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, year],
        )
        (number,) = cursor.fetchone()
    return f"{agency.department.code}-{agency.region.code}-{year}-{number:04d}"


def _link_duplicates(case: Case, actor) -> int:
    """Link the case to the cases sharing its persons or units; notify their agencies once."""
    duplicates = case_duplicates(case=case)
    if not duplicates:
        return 0
    links = {(d.other_case_id, d.kind) for d in duplicates}
    CaseLink.objects.bulk_create(
        [CaseLink(from_case=case, to_case_id=other, kind=kind) for other, kind in links],
        ignore_conflicts=True,
    )
    # One notification per other agency (not per case), and none to the registering agency,
    # whose clerk sees the notice on the case page already.
    others = (
        Case.objects.filter(pk__in={d.other_case_id for d in duplicates})
        .exclude(agency=case.agency)
        .select_related("agency")
        .order_by("agency_id", "reference")
    )
    by_agency: dict[int, list[Case]] = {}
    for other in others:
        by_agency.setdefault(other.agency_id, []).append(other)
    user_model = get_user_model()
    for agency_id, cases in by_agency.items():
        ids = {c.pk for c in cases}
        subjects = sorted({d.subject for d in duplicates if d.other_case_id in ids})
        users = user_model.objects.filter(
            is_active=True,
            memberships__agency_id=agency_id,
            memberships__role__in=WRITE_ROLES,
        ).distinct()
        references = "、".join(c.reference for c in cases)
        # The recipients may not see the new case: tell them only that their own case's persons
        # or units appear in a case registered elsewhere, never by whom (this text is e-mailed).
        notification_send(
            users=users,
            key=f"case-duplicate:{agency_id}:{case.pk}",
            title=_("案件%(ref)s涉及的人员或单位在另一机构的案件中也有登记") % {"ref": references},
            body=_(
                "本机构案件%(ref)s中的%(subjects)s也出现在其他机构登记的案件中。"
                "请核实是否需要协同处理。"
            )
            % {"ref": references, "subjects": "、".join(subjects)},
            url=f"/cases/{cases[0].pk}/",
        )
    return len(links)


# --------------------------------------------------------------------------- entry and edits


@transaction.atomic
def case_create(
    *,
    actor,
    agency: Agency,
    source: str,
    violations: list[str],
    opened_on,
    summary: str = "",
    persons: list[dict],
    certificate_user_unit: dict | None = None,
    hr_agency: dict | None = None,
) -> Case:
    """Register a case with its persons and units; link it to cases sharing them."""
    if agency is None or not (roles_covering(user=actor, agency=agency) & WRITE_ROLES):
        raise DomainError(
            _("未找到该机构，或您无权为其登记案件。"),
            fields={"agency": [_("无权为该机构登记案件。")]},
            status_code=404,
        )
    errors = _Errors()
    cleaned = _clean_case_fields(
        {
            "source": source,
            "violations": violations,
            "opened_on": opened_on,
            "summary": summary,
            "persons": persons,
            "certificate_user_unit": certificate_user_unit,
            "hr_agency": hr_agency,
        },
        errors,
    )
    errors.raise_if_any()
    case = Case.objects.create(
        reference=_next_reference(agency, cleaned["opened_on"].year),
        agency=agency,
        source=cleaned["source"],
        violations=cleaned["violations"],
        opened_on=cleaned["opened_on"],
        summary=cleaned["summary"],
        certificate_user_unit=_unit_resolve(cleaned["certificate_user_unit"]),
        hr_agency=_unit_resolve(cleaned["hr_agency"], kind=Unit.Kind.HR_AGENCY),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _parties_sync(case, cleaned["persons"], actor)
    linked = _link_duplicates(case, actor)
    state = _case_state(case)
    audit_record(
        actor=actor,
        action="case.created",
        target=case,
        agency=agency,
        changes={k: [None, v] for k, v in state.items()},
        data={"reference": case.reference, "links": linked},
    )
    return case


@transaction.atomic
def case_update(*, actor, case: Case, **fields) -> Case:
    """Change the editable fields of a case that is not closed."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(
            _("以下字段不可修改：%(f)s。") % {"f": "、".join(unknown)},
            fields={name: [_("不可修改。")] for name in unknown},
        )
    locked = _lock(case)
    _require(actor, locked, WRITE_ROLES, _("您无权修改该案件。"))
    if locked.status == Case.Status.CLOSED:
        raise _state_error(_("已结案的案件不能修改；如需修改请先由审核员重新打开。"))
    errors = _Errors()
    cleaned = _clean_case_fields(fields, errors)
    errors.raise_if_any()
    if locked.status == Case.Status.DECIDED:
        _refuse_decided_changes(locked, cleaned)
    before = _case_state(locked)
    for name in ("source", "violations", "opened_on", "summary"):
        if name in cleaned:
            setattr(locked, name, cleaned[name])
    if "certificate_user_unit" in cleaned:
        locked.certificate_user_unit = _unit_resolve(cleaned["certificate_user_unit"])
    if "hr_agency" in cleaned:
        locked.hr_agency = _unit_resolve(cleaned["hr_agency"], kind=Unit.Kind.HR_AGENCY)
    locked.save()
    if "persons" in cleaned:
        _parties_sync(locked, cleaned["persons"], actor)
    after = _case_state(locked)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor, action="case.updated", target=locked, agency=locked.agency, changes=changes
        )
    if "persons" in cleaned or "certificate_user_unit" in cleaned or "hr_agency" in cleaned:
        _link_duplicates(locked, actor)
    _refresh(case, locked)
    return case


# Fields a decision rests on (its date follows opened_on; its measures name the persons and
# units), reported in the month's 附件1. Only the narrative may change after the decision.
DECIDED_EDITABLE = frozenset({"summary"})


def _unit_differs(data: _UnitInput | None, unit: Unit | None) -> bool:
    if data is None or unit is None:
        return (data is None) != (unit is None)
    if data.uscc:
        return data.uscc != unit.uscc
    return unit.uscc is not None or data.name != unit.name


def _persons_differ(persons: list[_PersonInput], case: Case) -> bool:
    """Return True when ``persons`` would change the case's parties (or a person's status)."""
    parties = list(
        case.parties.select_related(
            "person", "certificate", "registered_unit", "actual_unit"
        ).order_by("position", "id")
    )
    if len(parties) != len(persons):
        return True
    for data, party in zip(persons, parties, strict=True):
        person, certificate = party.person, party.certificate
        entered = (
            (data.certificate_type.pk, data.certificate_number) if data.certificate_type else None
        )
        current = (certificate.certificate_type_id, certificate.number) if certificate else None
        if (
            (data.id_type, data.id_number, data.name)
            != (person.id_type, person.id_number, person.name)
            or (data.is_public_employee and not person.is_public_employee)
            or entered != current
            or _unit_differs(data.registered_unit, party.registered_unit)
            or _unit_differs(data.actual_unit, party.actual_unit)
        ):
            return True
    return False


def _refuse_decided_changes(case: Case, cleaned: dict) -> None:
    """Refuse changes to what a recorded decision rests on; the summary stays editable."""
    changed = []
    for name, value in cleaned.items():
        if name in DECIDED_EDITABLE:
            continue
        if name == "persons":
            differs = _persons_differ(value, case)
        elif name in ("certificate_user_unit", "hr_agency"):
            differs = _unit_differs(value, getattr(case, name))
        elif name == "violations":
            differs = set(value) != set(case.violations)
        else:
            differs = value != getattr(case, name)
        if differs:
            changed.append(name)
    if changed:
        message = _("已作出处理决定的案件需先重新办理后才能修改。")
        raise ConflictError(
            f"{field_label(changed[0])}：{message}", fields={name: [message] for name in changed}
        )


# --------------------------------------------------------------------------- workflow


def _transition(case: Case, actor, *, action: str, status: str, data: dict | None = None) -> None:
    before = case.status
    case.status = status
    case.save(update_fields=["status", "closed_at", "decided_on", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=case,
        agency=case.agency,
        changes={"status": [before, status]},
        data=data,
    )


@transaction.atomic
def case_start_investigation(*, actor, case: Case) -> Case:
    """Move a registered case into investigation."""
    locked = _lock(case)
    _require(actor, locked, WRITE_ROLES, _("您无权处理该案件。"))
    _no_pending_transfer(locked)
    if locked.status != Case.Status.REGISTERED:
        raise _state_error(_("只有已登记的案件才能开始调查。"))
    _transition(locked, actor, action="case.investigation_started", status="investigating")
    _refresh(case, locked)
    return case


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Return the same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


PERSON_MEASURES = frozenset({"revoke_registration", "reregistration_ban", "deregistration"})
SHARED_MEASURES = frozenset({"bad_record", "blacklist", "circular"})
UNIT_MEASURES = frozenset({"rectify_order", "fine", "revoke_hr_license"})


@transaction.atomic
def case_decide(
    *,
    actor,
    case: Case,
    decided_on,
    outcome: str,
    self_corrected: bool = False,
    measures=(),
    document_number: str = "",
    penalty_text: str = "",
    exemption: str | None = None,
    exemption_evidence: str = "",
    self_correction_text: str = "",
    fine_amount=None,
    rectify_deadline=None,
    revoked_on=None,
) -> Decision:
    """Record the decision, derive the measures' dates and bring the certificates' state along.

    ``revoked_on`` defaults to ``decided_on``; the 3-year re-registration ban runs from it and the
    1-year blacklist term from ``decided_on`` (the listing date).
    """
    locked = _lock(case)
    _require(actor, locked, WRITE_ROLES, _("您无权录入该案件的处理决定。"))
    _no_pending_transfer(locked)
    if locked.status not in (Case.Status.REGISTERED, Case.Status.INVESTIGATING):
        raise _state_error(_("该案件已有处理决定；如需变更请先由审核员重新打开。"))

    errors = _Errors()
    decided = _as_date(decided_on, "decided_on", errors)
    if decided and decided < locked.opened_on:
        errors.add("decided_on", _("处理决定日期不能早于立案日期。"))
    if outcome not in Decision.Outcome.values:
        errors.add("outcome", _("未知的处理结论“%(v)s”。") % {"v": outcome or ""})
    kinds = list(dict.fromkeys(measures or ()))
    unknown = [k for k in kinds if k not in Measure.Kind.values]
    if unknown:
        errors.add("measures", _("未知的处理措施：%(v)s。") % {"v": "、".join(map(str, unknown))})
    parties = list(locked.parties.select_related("person", "certificate"))
    exemption = exemption or ""
    if outcome == Decision.Outcome.NOT_ESTABLISHED:
        if exemption not in Decision.Exemption.values:
            errors.add("exemption", _("不构成挂证时须选择所属情形。"))
        if kinds:
            errors.add("measures", _("不构成挂证时不能有处理措施。"))
    elif outcome == Decision.Outcome.ESTABLISHED:
        if exemption:
            errors.add("exemption", _("构成挂证时不应填写不构成挂证的情形。"))
        if not self_corrected and not kinds:
            errors.add("measures", _("请选择处理措施（自查自纠整改到位的请勾选“自查自纠”）。"))
        public = [p.person.name for p in parties if p.person.is_public_employee]
        if public and not self_corrected and "notify_employer" not in kinds:
            errors.add(
                "measures",
                _("%(names)s为国家机关/事业单位工作人员，须通报其实际工作单位和监察机关。")
                % {"names": "、".join(public)},
            )
    revoked = _as_date(revoked_on, "revoked_on", errors, required=False) or decided
    if "reregistration_ban" in kinds and "revoke_registration" not in kinds:
        errors.add("measures", _("“3年内不得再次申请注册”须与“撤销注册”同时作出。"))
    if "revoke_hr_license" in kinds and locked.hr_agency_id is None:
        errors.add("measures", _("案件未填写人力资源服务机构，不能吊销其许可证。"))
    deadline = None
    if "rectify_order" in kinds:
        deadline = _as_date_any(rectify_deadline, "rectify_deadline", errors)
        if deadline and decided and deadline < decided:
            errors.add("rectify_deadline", _("整改期限不能早于处理决定日期。"))
    amount = None
    if "fine" in kinds:
        try:
            amount = decimal.Decimal(str(fine_amount))
            if amount <= 0 or amount >= decimal.Decimal("1e10"):
                raise decimal.InvalidOperation
        except (decimal.InvalidOperation, ValueError):
            errors.add("fine_amount", _("请填写大于0的罚款金额（元）。"))
    errors.raise_if_any()

    decision = Decision.objects.create(
        case=locked,
        decided_on=decided,
        outcome=outcome,
        exemption=exemption,
        exemption_evidence=exemption_evidence or "",
        self_corrected=bool(self_corrected),
        self_correction_text=self_correction_text or "",
        document_number=document_number or "",
        penalty_text=penalty_text or "",
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    units = [u for u in (locked.certificate_user_unit, locked.hr_agency) if u is not None]
    rows = []
    for kind in kinds:
        dates = {"starts_on": decided}
        if kind in ("revoke_registration", "reregistration_ban"):
            dates["starts_on"] = revoked
        if kind == "reregistration_ban":
            dates["ends_on"] = add_years(revoked, REREGISTRATION_BAN_YEARS)
        if kind == "blacklist":
            dates["ends_on"] = add_years(decided, BLACKLIST_YEARS)
        if kind == "rectify_order":
            dates["deadline"] = deadline
        if kind == "fine":
            dates["amount"] = amount
        if kind == "notify_employer":
            targets = [p for p in parties if p.person.is_public_employee] or parties
            rows += [Measure(decision=decision, kind=kind, party=p, **dates) for p in targets]
        elif kind in PERSON_MEASURES:
            rows += [Measure(decision=decision, kind=kind, party=p, **dates) for p in parties]
        elif kind in SHARED_MEASURES:
            rows += [Measure(decision=decision, kind=kind, party=p, **dates) for p in parties]
            rows += [Measure(decision=decision, kind=kind, unit=u, **dates) for u in units]
        elif kind == "revoke_hr_license":
            rows.append(Measure(decision=decision, kind=kind, unit=locked.hr_agency, **dates))
        elif units:  # rectify_order, fine: the HR agency first, else the unit that used the cert
            target = locked.hr_agency or locked.certificate_user_unit
            rows.append(Measure(decision=decision, kind=kind, unit=target, **dates))
        else:
            rows += [Measure(decision=decision, kind=kind, party=p, **dates) for p in parties]
    Measure.objects.bulk_create(rows)

    certificates = {}
    for party in parties:
        certificate = party.certificate
        if certificate is None:
            continue
        before = snapshot(certificate, ["state", "revoked_on", "reregistration_banned_until"])
        if "revoke_registration" in kinds:
            certificate.state, certificate.revoked_on = Certificate.State.REVOKED, revoked
            if "reregistration_ban" in kinds:
                certificate.reregistration_banned_until = add_years(
                    revoked, REREGISTRATION_BAN_YEARS
                )
        elif "deregistration" in kinds:
            certificate.state = Certificate.State.DEREGISTERED
            certificate.deregistered_on = decided
        else:
            continue
        certificate.save()
        after = snapshot(certificate, ["state", "revoked_on", "reregistration_banned_until"])
        certificates[certificate.number] = {k: [before[k], after[k]] for k in after}

    locked.decided_on = decided  # the list filters and sorts on this copy
    _transition(
        locked,
        actor,
        action="case.decided",
        status=Case.Status.DECIDED,
        data={
            "decision": snapshot(decision),
            "measures": [snapshot(m, ["kind", "party_id", "unit_id", "ends_on"]) for m in rows],
            "certificates": certificates,
        },
    )
    _refresh(case, locked)
    return decision


def _as_date_any(value, path: str, errors: _Errors) -> datetime.date | None:
    """Return a required date that may lie in the future (deadlines)."""
    if value in (None, ""):
        errors.add(path, _("请填写日期。"))
        return None
    if isinstance(value, datetime.date):
        return value
    parsed = None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        errors.add(path, _("日期不存在或格式不正确（应为 YYYY-MM-DD）。"))
    return parsed


@transaction.atomic
def case_close(*, actor, case: Case, reason: str = "") -> Case:
    """Close a decided case."""
    locked = _lock(case)
    _require(actor, locked, WRITE_ROLES, _("您无权结案。"))
    _no_pending_transfer(locked)
    if locked.status != Case.Status.DECIDED:
        raise _state_error(_("只有已作出处理决定的案件才能结案。"))
    locked.closed_at = timezone.now()
    _transition(
        locked, actor, action="case.closed", status=Case.Status.CLOSED, data={"reason": reason}
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """Reopen a decided or closed case for investigation; its decision is withdrawn.

    The withdrawn decision and measures are kept in the audit event; certificates revoked or
    deregistered by it return to registered.
    """
    locked = _lock(case)
    _require(actor, locked, REVIEWER_ONLY, _("只有审核员可以重新打开案件。"))
    if locked.status not in (Case.Status.DECIDED, Case.Status.CLOSED):
        raise _state_error(_("只有已作出处理决定或已结案的案件才能重新打开。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("理由：请填写重新打开的理由。"), fields={"reason": [_("请填写重新打开的理由。")]}
        )
    withdrawn = {}
    decision = Decision.objects.filter(case=locked).first()
    if decision is not None:
        measures = list(decision.measures.select_related("party__certificate"))
        withdrawn = {
            "decision": snapshot(decision),
            "measures": [snapshot(m, ["kind", "party_id", "unit_id", "ends_on"]) for m in measures],
        }
        for measure in measures:
            certificate = measure.party.certificate if measure.party_id else None
            if certificate is None:
                continue
            if measure.kind == "revoke_registration" and certificate.state == "revoked":
                certificate.revoked_on = certificate.reregistration_banned_until = None
            elif measure.kind == "deregistration" and certificate.state == "deregistered":
                certificate.deregistered_on = None
            else:
                continue
            certificate.state = Certificate.State.REGISTERED
            certificate.save()
        decision.delete()
    locked.closed_at = locked.decided_on = None
    _transition(
        locked,
        actor,
        action="case.reopened",
        status=Case.Status.INVESTIGATING,
        data={"reason": reason, "withdrawn": withdrawn},
    )
    _refresh(case, locked)
    return case


def _agency_writers(agency: Agency):
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__agency=agency, memberships__role__in=WRITE_ROLES
        )
        .distinct()
    )


@transaction.atomic
def case_transfer(*, actor, case: Case, to_agency: Agency, reason: str) -> Case:
    """Offer the case to another agency; it stays with its owner until accepted."""
    locked = _lock(case)
    _require(actor, locked, WRITE_ROLES, _("您无权移交该案件。"))
    _no_pending_transfer(locked)
    if locked.status == Case.Status.CLOSED:
        raise _state_error(_("已结案的案件不能移交。"))
    if locked.status == Case.Status.DECIDED:
        # The decision and its month's 附件1 row belong to the deciding agency; moving the case
        # would make the receiver report the same person again.
        raise _state_error(_("已作出处理决定的案件不能移交，如需移交请先重新办理。"))
    errors = _Errors()
    if to_agency is None or not to_agency.is_active:
        errors.add("to_agency", _("请选择接收机构。"))
    elif to_agency.pk == locked.agency_id:
        errors.add("to_agency", _("不能移交给本机构。"))
    elif not transfer_targets(case=locked).filter(pk=to_agency.pk).exists():
        # Ministry agencies have no clerks to accept it; the case would be stuck there.
        errors.add("to_agency", _("只能移交给报送部门或监督部门的机构。"))
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("请填写移交理由。"))
    errors.raise_if_any()
    locked.transfer_to, locked.transfer_reason = to_agency, reason
    locked.save(update_fields=["transfer_to", "transfer_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="case.transfer_requested",
        target=locked,
        agency=locked.agency,
        changes={"transfer_to": [None, to_agency.pk]},
        data={"to_agency": to_agency.name, "reason": reason},
    )
    notification_send(
        users=_agency_writers(to_agency),
        key=f"case-transfer:{locked.pk}:{to_agency.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        title=_("%(agency)s向本机构移交案件%(ref)s")
        % {"agency": locked.agency.name, "ref": locked.reference},
        body=reason,
        url=f"/cases/{locked.pk}/",
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_transfer_cancel(*, actor, case: Case, reason: str = "") -> Case:
    """Withdraw a pending transfer before the receiving agency answers; the case stays put."""
    locked = _lock(case)
    _require(actor, locked, WRITE_ROLES, _("您无权撤回该案件的移交。"))
    if locked.transfer_to_id is None:
        raise _state_error(_("该案件没有待接收的移交。"))
    receiver = Agency.objects.get(pk=locked.transfer_to_id)
    _transfer_withdraw(
        locked,
        actor,
        receiver=receiver,
        reason=(reason or "").strip(),
        action="case.transfer_cancelled",
        notify=receiver,
        title=_("%(agency)s撤回了向本机构移交的案件%(ref)s")
        % {"agency": locked.agency.name, "ref": locked.reference},
    )
    _refresh(case, locked)
    return case


def _transfer_withdraw(locked: Case, actor, *, receiver, reason, action, notify, title) -> None:
    """Clear a pending transfer of a locked case, audit it and tell the other side."""
    locked.transfer_to, locked.transfer_reason = None, ""
    locked.save(update_fields=["transfer_to", "transfer_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        agency=locked.agency,
        changes={"transfer_to": [receiver.pk, None]},
        data={"to_agency": receiver.name, "reason": reason},
    )
    notification_send(
        users=_agency_writers(notify),
        key=f"{action.replace('.', '-').replace('_', '-')}:{locked.pk}:{receiver.pk}:"
        f"{timezone.now():%Y%m%d%H%M%S%f}",
        title=title,
        body=reason,
    )


def _require_receiver(actor, case: Case) -> Agency:
    if case.transfer_to_id is None:
        raise _state_error(_("该案件没有待接收的移交。"))
    receiver = Agency.objects.get(pk=case.transfer_to_id)
    if roles_covering(user=actor, agency=receiver) & WRITE_ROLES:
        return receiver
    if not can_view(user=actor, case=case):
        raise DomainError(_("未找到该案件。"), status_code=404)
    raise DomainError(_("只有接收机构的录入员或审核员可以接收或退回移交。"), status_code=403)


@transaction.atomic
def case_transfer_accept(*, actor, case: Case) -> Case:
    """Take over a case offered to the actor's agency."""
    locked = _lock(case)
    receiver = _require_receiver(actor, locked)
    previous = locked.agency
    locked.agency, locked.transfer_to = receiver, None
    reason, locked.transfer_reason = locked.transfer_reason, ""
    locked.save(update_fields=["agency", "transfer_to", "transfer_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="case.transfer_accepted",
        target=locked,
        agency=receiver,
        changes={"agency": [previous.pk, receiver.pk]},
        data={"from_agency": previous.name, "to_agency": receiver.name, "reason": reason},
    )
    notification_send(
        users=_agency_writers(previous),
        key=f"case-transfer-accepted:{locked.pk}:{receiver.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        title=_("%(agency)s已接收移交的案件%(ref)s")
        % {"agency": receiver.name, "ref": locked.reference},
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_transfer_reject(*, actor, case: Case, reason: str) -> Case:
    """Refuse a case offered to the actor's agency, saying why; it stays with its owner."""
    locked = _lock(case)
    receiver = _require_receiver(actor, locked)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("理由：请填写退回理由。"), fields={"reason": [_("请填写退回理由。")]})
    _transfer_withdraw(
        locked,
        actor,
        receiver=receiver,
        reason=reason,
        action="case.transfer_rejected",
        notify=locked.agency,
        title=_("%(agency)s退回了移交的案件%(ref)s")
        % {"agency": receiver.name, "ref": locked.reference},
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_join(*, actor, case: Case, other: Case) -> CaseLink:
    """Join two related cases (并案/关联); the actor must change one and see the other."""
    _require(actor, case, WRITE_ROLES, _("您无权关联该案件。"))
    if other is None or not can_view(user=actor, case=other):
        raise DomainError(
            _("关联案件：未找到要关联的案件。"),
            fields={"other": [_("未找到要关联的案件。")]},
            status_code=400,
        )
    if other.pk == case.pk:
        raise DomainError(
            _("关联案件：不能与自身关联。"), fields={"other": [_("不能与自身关联。")]}
        )
    link = CaseLink.objects.filter(
        from_case__in=(case, other), to_case__in=(case, other), kind=CaseLink.Kind.JOINED
    ).first()
    if link is not None:
        raise _state_error(_("两个案件已经关联。"))
    link = CaseLink.objects.create(from_case=case, to_case=other, kind=CaseLink.Kind.JOINED)
    for target, partner in ((case, other), (other, case)):
        audit_record(
            actor=actor,
            action="case.joined",
            target=target,
            agency=target.agency,
            data={"other": partner.pk, "other_reference": partner.reference},
        )
    return link


# --------------------------------------------------------------------------- evidence


def evidence_add(*, actor, case: Case, uploaded_file, description: str = "") -> Evidence:
    """Attach a file to a case after checking its real type and size; store its SHA-256.

    The file is written before its row, so when anything after the write fails (the row, the
    audit event) the transaction is rolled back and the file just written is deleted again.
    """
    stored: list[str] = []
    try:
        return _evidence_create(
            actor=actor,
            case=case,
            uploaded_file=uploaded_file,
            description=description,
            stored=stored,
        )
    except BaseException:
        # The transaction is over here (rolled back to its savepoint when nested), so the
        # reference check below reads the state without this upload's row.
        for name in stored:
            _evidence_file_discard(name)
        raise


@transaction.atomic
def _evidence_create(
    *, actor, case: Case, uploaded_file, description: str, stored: list
) -> Evidence:
    locked = _lock(case)  # a concurrent close waits for this upload, or this upload sees it
    _require(actor, locked, WRITE_ROLES, _("您无权为该案件上传证据材料。"))
    if locked.status == Case.Status.CLOSED:
        raise _state_error(_("已结案的案件不能再上传证据材料。"))
    if uploaded_file is None:
        raise DomainError(_("文件：请选择文件。"), fields={"file": [_("请选择文件。")]})
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded_file.size > limit:
        message = _("文件不能超过%(mb)sMB。") % {"mb": f"{limit / 1024 / 1024:g}"}
        raise DomainError(_("文件：") + message, fields={"file": [message]})
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        message = _("只接受 PDF、JPG、PNG、GIF 图片和 Word、Excel 文档（按文件内容识别）。")
        raise DomainError(_("文件：") + message, fields={"file": [message]})
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    description = (description or "").strip()
    if len(description) > 200:
        message = _("说明不能超过200个字。")
        raise DomainError(message, fields={"description": [message]})
    evidence = Evidence(
        case=locked,
        original_name=(getattr(uploaded_file, "name", "") or "file")[-255:],
        content_type=kind.mime,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=actor,
    )
    evidence.file.save(evidence.sha256, uploaded_file, save=False)
    stored.append(evidence.file.name)
    evidence.save()
    audit_record(
        actor=actor,
        action="case.evidence_added",
        target=locked,
        agency=locked.agency,
        data={
            "evidence": evidence.pk,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "size": evidence.size,
        },
    )
    return evidence


def _evidence_file_discard(name: str) -> None:
    """Delete a stored evidence file unless an evidence row still refers to it.

    Paths are content-addressed (evidence/<sha256>), so a storage that reuses a path for equal
    content would let two rows share one file; such a file is kept.
    """
    storage = Evidence._meta.get_field("file").storage
    try:
        if not Evidence.objects.filter(file=name).exists():
            storage.delete(name)
    except Exception:  # cleanup must not hide the error that caused it
        logger.exception("could not remove the evidence file %s of a failed upload", name)
