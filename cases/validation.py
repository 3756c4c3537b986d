"""Input cleaning for the case register: the one place where a payload is checked.

Forms, serializers and the Excel import only coerce types and hand the services a payload; the
services call these functions, which collect *every* problem (by field path, e.g.
``persons[0].id_number``) before anything is written, and raise them together.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.querysets import VIEW
from cases.identifiers import canonical_certificate_number, normalize_document, normalize_uscc
from cases.labels import allowed, first_error_message
from cases.models import (
    Case,
    CaseParty,
    Certificate,
    CertificateType,
    Decision,
    Measure,
    Person,
    Unit,
)
from cases.reference import normalize_level
from core.errors import DomainError
from core.months import day_label

# The fields of a case an edit may change (``case_update``); the timeline shows their history.
EDITABLE_FIELDS = (
    "source",
    "violations",
    "opened_on",
    "summary",
    "certificate_user_unit",
    "hr_agency",
    "persons",
)
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
DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, path: str, errors: Errors, *, limit: int | None = None) -> str:
    """Return ``value`` as stripped text; refuse control characters (NUL …) and overlong text."""
    text = str(value or "").strip()
    if CONTROL_CHARACTERS.search(text):
        errors.add(path, _("不能包含控制字符。"))
        return CONTROL_CHARACTERS.sub("", text)
    if limit is not None and len(text) > limit:
        errors.add(path, _("不能超过%(n)d个字。") % {"n": limit})
    return text


class Errors(dict):
    """Field path → list of messages, raised together as one DomainError."""

    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise DomainError(first_error_message(self), fields=dict(self))


# --------------------------------------------------------------------------- dates


def parse_date(value) -> datetime.date:
    """Return ``value`` (a date, or text such as 2019-03-02, 2019/3/2, 2019年3月2日) as a date.

    Raise ValueError with the Chinese reason when it is no date.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError as exc:
                raise ValueError(_("日期不存在。")) from exc
    raise ValueError(_("日期格式不正确（应为 YYYY-MM-DD，如 2019-03-02）。"))


def clean_date(
    value, path: str, errors: Errors, *, required: bool = True, future: bool = False
) -> datetime.date | None:
    """Return ``value`` as a date (not after today unless ``future``), or record why not."""
    if value in (None, ""):
        if required:
            errors.add(path, _("请填写日期。"))
        return None
    try:
        day = parse_date(value)
    except ValueError as exc:
        errors.add(path, str(exc))
        return None
    if not future and day > timezone.localdate():
        errors.add(path, _("日期不能晚于今天。"))
        return None
    if day < settings.CAMPAIGN_EARLIEST_DATE:
        errors.add(
            path,
            _("日期不能早于%(day)s（专项整治开始前）。")
            % {"day": day_label(settings.CAMPAIGN_EARLIEST_DATE)},
        )
        return None
    return day


# --------------------------------------------------------------------------- parties


@dataclass
class UnitInput:
    name: str
    uscc: str | None
    existing: Unit | None


@dataclass
class PersonInput:
    name: str
    id_type: str
    id_number: str
    is_public_employee: bool
    certificate_type: CertificateType | None
    certificate_number: str
    registered_unit: UnitInput | None
    actual_unit: UnitInput | None
    # The name differs from the one registered by an agency whose cases the clerk cannot see:
    # accepted for this case (the clerk learns nothing), recorded and told to that agency.
    name_differs: bool = False


def clean_unit(value, path: str, errors: Errors) -> UnitInput | None:
    """Return a unit given as ``{"name", "uscc"}`` (or a Unit), or None when both are empty."""
    if value in (None, "", {}):
        return None
    if isinstance(value, Unit):
        return UnitInput(value.name, value.uscc, value)
    if not isinstance(value, dict):
        errors.add(path, _("单位信息格式不正确。"))
        return None
    name = clean_text(value.get("name"), f"{path}.name", errors)
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
        errors.add(f"{path}.name", _("填写了统一社会信用代码时，请同时填写单位名称。"))
    elif len(name) > 200:
        errors.add(f"{path}.name", _("单位名称不能超过200个字。"))
    return UnitInput(name or (existing.name if existing else ""), code, existing)


def _certificate_type(value: dict, path: str, errors: Errors) -> CertificateType | None:
    category = str(value.get("category") or "").strip()
    if not category:
        errors.add(f"{path}.category", _("填写了证书时，请选择执业资格类别。"))
        return None
    if category not in CertificateType.Category.values:
        errors.add(
            f"{path}.category",
            _("未知的执业资格类别“%(v)s”（可选：%(allowed)s）。")
            % {"v": category, "allowed": allowed(CertificateType.Category.choices)},
        )
        return None
    level = normalize_level(value.get("level"))
    candidates = list(
        CertificateType.objects.filter(category=category, is_active=True).order_by("id")
    )
    if level is None or not any(t.level == level for t in candidates):
        errors.add(f"{path}.level", _("该类别没有级别“%(v)s”。") % {"v": value.get("level") or ""})
        return None
    specialty = CONTROL_CHARACTERS.sub("", str(value.get("specialty") or "")).strip()
    at_level = [t for t in candidates if t.level == level]
    matches = [t for t in at_level if t.specialty == specialty]
    if not matches and not specialty and len(at_level) == 1:
        matches = at_level
    if not matches:
        errors.add(f"{path}.specialty", _("该类别和级别下没有专业“%(v)s”。") % {"v": specialty})
        return None
    return matches[0]


def clean_certificate(value, path: str, errors: Errors) -> tuple[CertificateType | None, str]:
    """Return (CertificateType, number) or (None, "") for a person's certificate dict."""
    if value in (None, {}):
        return None, ""
    if not isinstance(value, dict):
        errors.add(path, _("证书信息格式不正确。"))
        return None, ""
    if not any(str(v or "").strip() for v in value.values()):
        return None, ""
    certificate_type = _certificate_type(value, path, errors)
    number = canonical_certificate_number(value.get("number"))
    if CONTROL_CHARACTERS.search(number):
        errors.add(f"{path}.number", _("不能包含控制字符。"))
        number = CONTROL_CHARACTERS.sub("", number)
    if not number:
        errors.add(f"{path}.number", _("请填写证书编号。"))
    elif len(number) > 50:
        errors.add(f"{path}.number", _("证书编号不能超过50个字符。"))
    return (certificate_type, number) if certificate_type is not None else (None, "")


def _clean_name(value, path: str, errors: Errors) -> str:
    name = clean_text(value.get("name"), f"{path}.name", errors)
    if not name:
        errors.add(f"{path}.name", _("请填写姓名。"))
    elif len(name) > 50:
        errors.add(f"{path}.name", _("姓名不能超过50个字。"))
    return name


def _clean_document(value, path: str, errors: Errors) -> tuple[str, str]:
    id_type = str(value.get("id_type") or Person.IdType.RESIDENT_ID)
    if id_type not in Person.IdType.values:
        errors.add(
            f"{path}.id_type",
            _("未知的证件类型“%(v)s”（可选：%(allowed)s）。")
            % {"v": id_type, "allowed": allowed(Person.IdType.choices)},
        )
        return id_type, ""
    if not str(value.get("id_number") or "").strip():
        errors.add(f"{path}.id_number", _("请填写证件号码。"))
        return id_type, ""
    try:
        return id_type, normalize_document(id_type, str(value.get("id_number")))
    except ValidationError as exc:
        errors.add(f"{path}.id_number", exc.messages[0])
        return id_type, ""


def _name_differs(name: str, id_type: str, id_number: str, path: str, errors: Errors, actor):
    """Check a name against the one registered for this document number.

    Where the clerk can see the person (in a case of their scope) a different name is refused:
    they can read the registered name and correct a typo. Where they cannot, any answer that
    depended on the name would tell them whether their guess is right (a name oracle), so the
    case is taken with the name as entered (the shared person row keeps its name) and the
    difference is recorded and told to the agencies of that person's cases. Return True then.
    """
    registered = (
        Person.objects.filter(id_type=id_type, id_number=id_number)
        .values_list("pk", "name")
        .first()
    )
    if registered is None:
        return False
    # The names this clerk can read for the person: those of the cases in their scope.
    seen = set(
        CaseParty.objects.filter(
            person_id=registered[0], case__in=Case.objects.restrict(actor, VIEW)
        ).values_list("name", flat=True)
    )
    if seen:
        if name not in seen:
            errors.add(
                f"{path}.name", _("证件号码已登记为其他姓名（与已登记姓名不一致），请核对。")
            )
        return False
    return registered[1] != name


def _check_certificate_holder(data: PersonInput, path: str, errors: Errors) -> None:
    """Refuse a certificate (type + number) registered to somebody else.

    A certificate belongs to one person across all departments (unique in the database), so entry
    must refuse it for someone else: otherwise the new party would silently be linked to the
    other holder's certificate. The refusal does confirm that the number is registered to
    someone, in any jurisdiction; that is the least a clerk must be told to correct a typo, and
    certificate numbers are public on the national 建筑市场监管公共服务平台. It names no holder,
    case or agency, so nothing beyond that fact is revealed.
    """
    if data.certificate_type is None or not data.certificate_number or not data.id_number:
        return
    taken = (
        Certificate.objects.filter(
            certificate_type=data.certificate_type, number=data.certificate_number
        )
        .exclude(person__id_type=data.id_type, person__id_number=data.id_number)
        .exists()
    )
    if taken:
        errors.add(f"{path}.certificate.number", _("该证书编号已登记在其他人员名下，请核对。"))


def clean_person(value, index: int, errors: Errors, actor=None) -> PersonInput | None:
    """Return one person of ``persons[index]``, recording every problem."""
    path = f"persons[{index}]"
    if not isinstance(value, dict):
        errors.add(path, _("人员信息格式不正确。"))
        return None
    name = _clean_name(value, path, errors)
    id_type, id_number = _clean_document(value, path, errors)
    differs = bool(name and id_number) and _name_differs(
        name, id_type, id_number, path, errors, actor
    )
    certificate_type, number = clean_certificate(
        value.get("certificate"), f"{path}.certificate", errors
    )
    person = PersonInput(
        name=name,
        id_type=id_type,
        id_number=id_number,
        is_public_employee=bool(value.get("is_public_employee")),
        certificate_type=certificate_type,
        certificate_number=number,
        registered_unit=clean_unit(value.get("registered_unit"), f"{path}.registered_unit", errors),
        actual_unit=clean_unit(value.get("actual_unit"), f"{path}.actual_unit", errors),
        name_differs=differs,
    )
    _check_certificate_holder(person, path, errors)
    return person


def clean_persons(persons, errors: Errors, actor=None) -> list[PersonInput]:
    """Return the case's persons in order; one document number appears once."""
    if not isinstance(persons, list | tuple) or not persons:
        errors.add("persons", _("请至少填写一名涉案人员。"))
        return []
    cleaned, seen = [], {}
    for index, value in enumerate(persons):
        person = clean_person(value, index, errors, actor)
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


# --------------------------------------------------------------------------- the case


def _clean_violations(violations, errors: Errors) -> list[str]:
    if isinstance(violations, str):
        violations = [violations]
    violations = [v for v in (violations or []) if v]
    if not violations:
        errors.add("violations", _("请至少选择一种违法违规行为。"))
        return []
    unknown = [v for v in violations if v not in Case.Violation.values]
    if unknown:
        errors.add(
            "violations",
            _("未知的违法违规行为：%(v)s（可选：%(allowed)s）。")
            % {"v": "、".join(map(str, unknown)), "allowed": allowed(Case.Violation.choices)},
        )
    return list(dict.fromkeys(violations))


def clean_case_fields(fields: dict, errors: Errors, actor=None) -> dict:
    """Validate the case fields present in ``fields``; return their cleaned values."""
    cleaned = {}
    if "source" in fields:
        if fields["source"] not in Case.Source.values:
            errors.add(
                "source",
                _("未知的案件来源“%(v)s”（可选：%(allowed)s）。")
                % {"v": fields["source"] or "", "allowed": allowed(Case.Source.choices)}
                if fields["source"]
                else _("请选择案件来源。"),
            )
        cleaned["source"] = fields["source"]
    if "violations" in fields:
        cleaned["violations"] = _clean_violations(fields["violations"], errors)
    if "opened_on" in fields:
        cleaned["opened_on"] = clean_date(fields["opened_on"], "opened_on", errors)
    if "summary" in fields:
        cleaned["summary"] = clean_text(fields["summary"], "summary", errors, limit=5000)
    for name in ("certificate_user_unit", "hr_agency"):
        if name in fields:
            cleaned[name] = clean_unit(fields[name], name, errors)
    if "persons" in fields:
        cleaned["persons"] = clean_persons(fields["persons"], errors, actor)
    return cleaned


def clean_reason(value, errors: Errors, *, message: str) -> str:
    """Return the stripped reason, or record ``message`` when it is empty."""
    reason = clean_text(value, "reason", errors, limit=1000)
    if not reason:
        errors.add("reason", message)
    return reason


# --------------------------------------------------------------------------- the decision

# 撤销注册 and 注销注册 concern the certificate: persons only.
PERSON_MEASURES = frozenset(
    {
        Measure.Kind.REVOKE_REGISTRATION,
        Measure.Kind.REREGISTRATION_BAN,
        Measure.Kind.DEREGISTRATION,
    }
)
# Recorded against every person and unit of the case.
SHARED_MEASURES = frozenset(
    {Measure.Kind.BAD_RECORD, Measure.Kind.BLACKLIST, Measure.Kind.CIRCULAR}
)


@dataclass
class DecisionInput:
    """A checked decision, ready to be written."""

    decided_on: datetime.date
    outcome: str
    kinds: list[str]
    exemption: str
    exemption_evidence: str
    self_corrected: bool
    self_correction_text: str
    document_number: str
    penalty_text: str
    revoked_on: datetime.date
    rectify_deadline: datetime.date | None
    fine_amount: decimal.Decimal | None


def _clean_outcome(parties: list, data: dict, kinds: list, errors: Errors) -> None:
    outcome, exemption = data.get("outcome"), data.get("exemption") or ""
    if outcome not in Decision.Outcome.values:
        errors.add("outcome", _("请选择处理结论。") if not outcome else _("未知的处理结论。"))
    elif outcome == Decision.Outcome.NOT_ESTABLISHED:
        if exemption not in Decision.Exemption.values:
            errors.add("exemption", _("不构成挂证时，请选择所属情形。"))
        if kinds:
            errors.add("measures", _("不构成挂证时不能有处理措施。"))
    else:
        if exemption:
            errors.add("exemption", _("构成挂证时不应填写不构成挂证的情形。"))
        self_corrected = bool(data.get("self_corrected"))
        if not self_corrected and not kinds:
            errors.add("measures", _("请选择处理措施（自查自纠整改到位的请勾选“自查自纠”）。"))
        public = [p.name for p in parties if p.person.is_public_employee]
        if public and not self_corrected and Measure.Kind.NOTIFY_EMPLOYER not in kinds:
            errors.add(
                "measures",
                _("%(names)s为国家机关/事业单位工作人员，须通报其实际工作单位和监察机关。")
                % {"names": "、".join(public)},
            )


def _clean_measures(case: Case, data: dict, errors: Errors) -> list[str]:
    kinds = list(dict.fromkeys(data.get("measures") or ()))
    unknown = [k for k in kinds if k not in Measure.Kind.values]
    if unknown:
        errors.add("measures", _("未知的处理措施：%(v)s。") % {"v": "、".join(map(str, unknown))})
    if Measure.Kind.REREGISTRATION_BAN in kinds and Measure.Kind.REVOKE_REGISTRATION not in kinds:
        errors.add("measures", _("“3年内不得再次申请注册”须与“撤销注册”同时作出。"))
    if Measure.Kind.REVOKE_HR_LICENSE in kinds and case.hr_agency_id is None:
        errors.add("measures", _("案件未填写人力资源服务机构，不能吊销其许可证。"))
    return kinds


def _clean_deadline(data: dict, kinds: list, decided, errors: Errors):
    if Measure.Kind.RECTIFY_ORDER not in kinds:
        return None
    if data.get("rectify_deadline") in (None, ""):
        errors.add("rectify_deadline", _("选择限期责令整改时，请填写整改期限。"))
        return None
    deadline = clean_date(data["rectify_deadline"], "rectify_deadline", errors, future=True)
    if deadline and decided and deadline < decided:
        errors.add("rectify_deadline", _("整改期限不能早于处理决定日期。"))
    return deadline


def _clean_amount(data: dict, kinds: list, errors: Errors) -> decimal.Decimal | None:
    if Measure.Kind.FINE not in kinds:
        return None
    try:
        amount = decimal.Decimal(str(data.get("fine_amount")))
        if not amount.is_finite() or amount <= 0 or amount >= decimal.Decimal("1e10"):
            raise decimal.InvalidOperation
    except (decimal.InvalidOperation, ValueError):
        errors.add("fine_amount", _("选择罚款时，请填写大于0的罚款金额（元）。"))
        return None
    return amount


# The decision's texts and how long each may be (the columns' sizes, or a sane page).
TEXT_LIMITS = {
    "document_number": 100,
    "self_correction_text": 200,
    "exemption_evidence": 2000,
    "penalty_text": 2000,
}


def clean_decision(case: Case, parties: list, data: dict) -> DecisionInput:
    """Return the checked decision on ``case``, or raise every problem at once.

    ``revoked_on`` defaults to ``decided_on``: the 3-year re-registration ban runs from it.
    """
    errors = Errors()
    decided = clean_date(data.get("decided_on"), "decided_on", errors)
    if decided and decided < case.opened_on:
        errors.add("decided_on", _("处理决定日期不能早于立案日期。"))
    kinds = _clean_measures(case, data, errors)
    _clean_outcome(parties, data, kinds, errors)
    revoked = clean_date(data.get("revoked_on"), "revoked_on", errors, required=False)
    deadline = _clean_deadline(data, kinds, decided, errors)
    amount = _clean_amount(data, kinds, errors)
    texts = {
        name: clean_text(data.get(name), name, errors, limit=limit)
        for name, limit in TEXT_LIMITS.items()
    }
    errors.raise_if_any()
    return DecisionInput(
        decided_on=decided,
        outcome=data["outcome"],
        kinds=kinds,
        exemption=data.get("exemption") or "",
        exemption_evidence=texts["exemption_evidence"],
        self_corrected=bool(data.get("self_corrected")),
        self_correction_text=texts["self_correction_text"],
        document_number=texts["document_number"],
        penalty_text=texts["penalty_text"],
        revoked_on=revoked or decided,
        rectify_deadline=deadline,
        fine_amount=amount,
    )


# --------------------------------------------------------------------------- evidence


@dataclass
class FileInput:
    mime: str
    sha256: str
    description: str
    name: str  # the uploader's name with the extension of the detected type


UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def evidence_name(uploaded_name: str, extension: str) -> str:
    """Return the name a file is kept and served under: the uploader's stem, the real extension.

    ``证明.exe`` holding a PDF becomes ``证明.pdf``: the extension tells a downloader's
    computer how to open it, so it must be the one the content has.
    """
    base = UNSAFE_IN_NAMES.sub("_", (uploaded_name or "").replace("\\", "/").split("/")[-1])
    stem = base.rsplit(".", 1)[0].strip(" ._") if "." in base else base.strip(" ._")
    return f"{(stem or '证据材料')[:200]}.{extension}"


def clean_evidence(uploaded_file, description: str) -> FileInput:
    """Check an upload's size and real type (from its content) and hash it; raise on refusal."""
    errors = Errors()
    if uploaded_file is None:
        errors.add("file", _("请选择文件。"))
        errors.raise_if_any()
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded_file.size > limit:
        errors.add("file", _("文件不能超过%(mb)sMB。") % {"mb": f"{limit / 1024 / 1024:g}"})
        errors.raise_if_any()
    uploaded_file.seek(0)
    kind = filetype.guess(uploaded_file.read(8192))
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        errors.add(
            "file", _("只接受 PDF、JPG、PNG、GIF 图片和 Word、Excel 文档（按文件内容识别）。")
        )
    description = clean_text(description, "description", errors, limit=200)
    errors.raise_if_any()
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = evidence_name(getattr(uploaded_file, "name", ""), kind.extension)
    return FileInput(kind.mime, digest.hexdigest(), description, name)
