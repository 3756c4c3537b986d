"""Checking a case's own fields and its persons and units."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from cases.identifiers import canonical_certificate_number, normalize_document, normalize_uscc
from cases.labels import allowed
from cases.models import Case, CertificateType, Person, Unit
from cases.reference import normalize_level
from cases.validation.base import CONTROL_CHARACTERS, Errors, clean_date, clean_text
from cases.validation.lookups import DATABASE, Lookups
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

# The codes of the choices, as sets: ``Choices.values`` builds a list at every call, and an
# import asks for them in every row.
SOURCES = frozenset(Case.Source.values)
VIOLATIONS = frozenset(Case.Violation.values)
ID_TYPES = frozenset(Person.IdType.values)
CATEGORIES = frozenset(CertificateType.Category.values)


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


def clean_unit(value, path: str, errors: Errors, lookups: Lookups = DATABASE) -> UnitInput | None:
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
            existing = lookups.unit_by_code(code)
    if not name and existing is None:
        errors.add(f"{path}.name", _("填写了统一社会信用代码时，请同时填写单位名称。"))
    elif len(name) > 200:
        errors.add(f"{path}.name", _("单位名称不能超过200个字。"))
    return UnitInput(name or (existing.name if existing else ""), code, existing)


def _certificate_type(
    value: dict, path: str, errors: Errors, lookups: Lookups
) -> CertificateType | None:
    category = str(value.get("category") or "").strip()
    if not category:
        errors.add(f"{path}.category", _("填写了证书时，请选择执业资格类别。"))
        return None
    if category not in CATEGORIES:
        errors.add(
            f"{path}.category",
            _("未知的执业资格类别“%(v)s”（可选：%(allowed)s）。")
            % {"v": category, "allowed": allowed(CertificateType.Category.choices)},
        )
        return None
    level = normalize_level(value.get("level"))
    candidates = lookups.certificate_types(category)
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


def clean_certificate(
    value, path: str, errors: Errors, lookups: Lookups = DATABASE
) -> tuple[CertificateType | None, str]:
    """Return (CertificateType, number) or (None, "") for a person's certificate dict."""
    if value in (None, {}):
        return None, ""
    if not isinstance(value, dict):
        errors.add(path, _("证书信息格式不正确。"))
        return None, ""
    if not any(str(v or "").strip() for v in value.values()):
        return None, ""
    certificate_type = _certificate_type(value, path, errors, lookups)
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
    if id_type not in ID_TYPES:
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


def _name_differs(
    name: str, id_type: str, id_number: str, path: str, errors: Errors, actor, lookups: Lookups
) -> bool:
    """Check a name against the one registered for this document number.

    Where the clerk can see the person (in a case of their scope) a different name is refused:
    they can read the registered name and correct a typo. Where they cannot, any answer that
    depended on the name would tell them whether their guess is right (a name oracle), so the
    case is taken with the name as entered (the shared person row keeps its name) and the
    difference is recorded and told to the agencies of that person's cases. Return True then.
    """
    registered = lookups.person_by_document(id_type, id_number)
    if registered is None:
        return False
    # The names this clerk can read for the person: those of the cases in their scope.
    seen = lookups.names_seen(registered, actor)
    if seen:
        if name not in seen:
            errors.add(
                f"{path}.name", _("证件号码已登记为其他姓名（与已登记姓名不一致），请核对。")
            )
        return False
    return registered.name != name


def _check_certificate_holder(
    data: PersonInput, path: str, errors: Errors, lookups: Lookups
) -> None:
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
    if lookups.certificate_taken(
        data.certificate_type, data.certificate_number, data.id_type, data.id_number
    ):
        errors.add(f"{path}.certificate.number", _("该证书编号已登记在其他人员名下，请核对。"))


def clean_person(
    value, index: int, errors: Errors, actor=None, lookups: Lookups = DATABASE
) -> PersonInput | None:
    """Return one person of ``persons[index]``, recording every problem."""
    path = f"persons[{index}]"
    if not isinstance(value, dict):
        errors.add(path, _("人员信息格式不正确。"))
        return None
    name = _clean_name(value, path, errors)
    id_type, id_number = _clean_document(value, path, errors)
    differs = bool(name and id_number) and _name_differs(
        name, id_type, id_number, path, errors, actor, lookups
    )
    certificate_type, number = clean_certificate(
        value.get("certificate"), f"{path}.certificate", errors, lookups
    )
    person = PersonInput(
        name=name,
        id_type=id_type,
        id_number=id_number,
        is_public_employee=bool(value.get("is_public_employee")),
        certificate_type=certificate_type,
        certificate_number=number,
        registered_unit=clean_unit(
            value.get("registered_unit"), f"{path}.registered_unit", errors, lookups
        ),
        actual_unit=clean_unit(value.get("actual_unit"), f"{path}.actual_unit", errors, lookups),
        name_differs=differs,
    )
    _check_certificate_holder(person, path, errors, lookups)
    return person


def clean_persons(
    persons, errors: Errors, actor=None, lookups: Lookups = DATABASE
) -> list[PersonInput]:
    """Return the case's persons in order (possibly none); one document number appears once."""
    if persons in (None, ""):
        return []
    if not isinstance(persons, list | tuple):
        errors.add("persons", _("涉案人员格式不正确。"))
        return []
    cleaned, seen = [], {}
    for index, value in enumerate(persons):
        person = clean_person(value, index, errors, actor, lookups)
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
    unknown = [v for v in violations if v not in VIOLATIONS]
    if unknown:
        errors.add(
            "violations",
            _("未知的违法违规行为：%(v)s（可选：%(allowed)s）。")
            % {"v": "、".join(map(str, unknown)), "allowed": allowed(Case.Violation.choices)},
        )
    return list(dict.fromkeys(violations))


def clean_case_fields(
    fields: dict, errors: Errors, actor=None, lookups: Lookups = DATABASE
) -> dict:
    """Validate the case fields present in ``fields``; return their cleaned values."""
    cleaned = {}
    if "source" in fields:
        if fields["source"] not in SOURCES:
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
            cleaned[name] = clean_unit(fields[name], name, errors, lookups)
    if "persons" in fields:
        cleaned["persons"] = clean_persons(fields["persons"], errors, actor, lookups)
    return cleaned


def check_campaign_day(campaign: Campaign, day, errors: Errors) -> None:
    """Record why a case of ``campaign`` cannot be opened on ``day``, if it cannot."""
    if day is not None and not campaign.covers(day):
        until = day_label(campaign.ends_on) if campaign.ends_on else _("今")
        errors.add(
            "opened_on",
            _("立案日期应在“%(campaign)s”期间（%(start)s至%(end)s）。")
            % {"campaign": campaign, "start": day_label(campaign.starts_on), "end": until},
        )


def find_campaign(
    value, day, errors: Errors, *, path: str, label: str, lookups: Lookups = DATABASE
) -> Campaign | None:
    """Return the campaign ``value`` names (a campaign, its code or id), else the one running on
    ``day`` (the latest started, where rounds overlap); record why there is none.

    Shared by every register whose records belong to a campaign (cases, declarations, leads);
    ``path`` and ``label`` name the record's own date field in the message.
    """
    if isinstance(value, Campaign):
        return value
    if value not in (None, ""):
        text = str(value).strip()
        lookup = {"pk": int(text)} if text.isdigit() and len(text) < 10 else {"code": text}
        campaign = Campaign.objects.filter(**lookup).first()
        if campaign is None:
            errors.add("campaign", _("未知的专项整治“%(v)s”。") % {"v": text[:40]})
        return campaign
    if day is None:
        return None
    campaign = lookups.campaign_for_day(day)
    if campaign is None:
        errors.add(path, _("%(label)s不在任何专项整治期间内，请核对日期。") % {"label": label})
    return campaign


def clean_campaign(
    value, opened_on, errors: Errors, lookups: Lookups = DATABASE
) -> Campaign | None:
    """Return the campaign a new case belongs to: the one named (a campaign, its code or id),
    else the one running on the opening date (the latest started, where rounds overlap)."""
    campaign = find_campaign(
        value, opened_on, errors, path="opened_on", label=_("立案日期"), lookups=lookups
    )
    if campaign is not None:
        check_campaign_day(campaign, opened_on, errors)
    return campaign


def clean_reason(value, errors: Errors, *, message: str) -> str:
    """Return the stripped reason, or record ``message`` when it is empty."""
    reason = clean_text(value, "reason", errors, limit=1000)
    if not reason:
        errors.add("reason", message)
    return reason


def check_some_party(persons, certificate_user_unit, hr_agency, errors: Errors) -> None:
    """Refuse a case with no party at all: it needs a person, a unit or an HR agency.

    人社 investigates HR agencies alone, and units are pursued for using 挂证 staff, so a case
    without a professional is valid; a case about nobody is not.
    """
    if not persons and certificate_user_unit is None and hr_agency is None:
        errors.add(
            "persons", _("请至少填写一名涉案人员，或买卖租借证书单位、人力资源服务机构之一。")
        )


def clean_new_case(
    fields: dict, campaign, actor=None, lookups: Lookups = DATABASE
) -> tuple[dict, Campaign | None]:
    """Return a new case's cleaned fields and its campaign, or raise every problem at once."""
    errors = Errors()
    cleaned = clean_case_fields(fields, errors, actor, lookups)
    in_campaign = clean_campaign(campaign, cleaned["opened_on"], errors, lookups)
    check_some_party(
        cleaned["persons"], cleaned["certificate_user_unit"], cleaned["hr_agency"], errors
    )
    errors.raise_if_any()
    return cleaned, in_campaign
