"""Checking a lead before it is written: the one validator of every intake (staff form, API,
public complaint form, bulk imports). Every problem is collected by field path and raised at once.

Persons are the register's persons: with a document number they are checked exactly as a case's
(``cases.validation.clean_person``); a complaint from the public often names somebody without
one, and such a person is kept by name until verification finds the number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from campaigns.models import Campaign
from cases.labels import allowed
from cases.models import Case
from cases.validation import (
    Errors,
    PersonInput,
    UnitInput,
    clean_date,
    clean_person,
    clean_text,
    clean_unit,
    find_campaign,
)
from leads.models import Lead, LeadUnit

TEXT_LIMIT = 5000
MAX_PERSONS = 50
MAX_UNITS = 20


@dataclass
class LeadPersonInput:
    name: str
    person: PersonInput | None  # None: known by name only
    registered_unit: UnitInput | None
    insurance_unit: UnitInput | None


@dataclass
class LeadUnitInput:
    unit: UnitInput
    role: str


@dataclass
class LeadInput:
    source: str
    campaign: Campaign | None
    received_on: datetime.date | None
    text: str
    violations: list[str]
    persons: list[LeadPersonInput] = field(default_factory=list)
    units: list[LeadUnitInput] = field(default_factory=list)


def clean_choice(value, path: str, choices, errors: Errors, *, label: str) -> str:
    text = str(value or "").strip()
    if text not in dict(choices):
        errors.add(
            path,
            _("未知的%(label)s“%(v)s”（可选：%(allowed)s）。")
            % {"label": label, "v": text[:40], "allowed": allowed(choices)}
            if text
            else _("请选择%(label)s。") % {"label": label},
        )
    return text


def clean_violations(value, errors: Errors) -> list[str]:
    """Return the alleged violations (case codes; none is allowed: a tip may not name one)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        errors.add("violations", _("反映的问题格式不正确。"))
        return []
    codes = [str(v) for v in value if v]
    unknown = [v for v in codes if v not in Case.Violation.values]
    if unknown:
        errors.add(
            "violations",
            _("未知的违法违规行为：%(v)s（可选：%(allowed)s）。")
            % {"v": "、".join(u[:40] for u in unknown), "allowed": allowed(Case.Violation.choices)},
        )
    return list(dict.fromkeys(codes))


def _clean_lead_person(value, index: int, errors: Errors, actor) -> LeadPersonInput | None:
    path = f"persons[{index}]"
    if not isinstance(value, dict):
        errors.add(path, _("人员信息格式不正确。"))
        return None
    registered = clean_unit(value.get("registered_unit"), f"{path}.registered_unit", errors)
    insurance = clean_unit(value.get("insurance_unit"), f"{path}.insurance_unit", errors)
    has_document = bool(str(value.get("id_number") or "").strip())
    has_certificate = any(str(v or "").strip() for v in (value.get("certificate") or {}).values())
    if not has_document and not has_certificate:
        name = clean_text(value.get("name"), f"{path}.name", errors, limit=50)
        if not name:
            errors.add(f"{path}.name", _("请填写姓名。"))
        return LeadPersonInput(name, None, registered, insurance)
    person = clean_person(value, index, errors, actor)
    if person is None:
        return None
    return LeadPersonInput(person.name, person, registered or person.registered_unit, insurance)


def clean_lead_persons(value, errors: Errors, actor=None) -> list[LeadPersonInput]:
    """Return the persons a lead is about (possibly none); a document number appears once."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        errors.add("persons", _("涉及人员格式不正确。"))
        return []
    if len(value) > MAX_PERSONS:
        errors.add("persons", _("一条线索最多填写%(n)d名人员。") % {"n": MAX_PERSONS})
        return []
    cleaned, seen = [], {}
    for index, item in enumerate(value):
        person = _clean_lead_person(item, index, errors, actor)
        if person is None:
            continue
        key = (person.person.id_type, person.person.id_number) if person.person else None
        if key and key[1] and key in seen:
            errors.add(
                f"persons[{index}].id_number",
                _("与第%(n)d名人员的证件号码重复。") % {"n": seen[key] + 1},
            )
        if key:
            seen.setdefault(key, index)
        cleaned.append(person)
    return cleaned


def clean_lead_units(value, errors: Errors) -> list[LeadUnitInput]:
    """Return the units a lead is about, each with its role (default: using rented certificates)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_UNITS:
        errors.add("units", _("涉及单位格式不正确（最多%(n)d个）。") % {"n": MAX_UNITS})
        return []
    cleaned = []
    for index, item in enumerate(value):
        path = f"units[{index}]"
        unit = clean_unit(item, path, errors)
        if unit is None:
            continue
        role = (item.get("role") if isinstance(item, dict) else None) or "certificate_user"
        role = clean_choice(
            role, f"{path}.role", LeadUnit.Role.choices, errors, label=_("涉及方式")
        )
        cleaned.append(LeadUnitInput(unit, role))
    return cleaned


def clean_lead_campaign(value, received_on, errors: Errors) -> Campaign | None:
    """Return the campaign named, else the one running on the day the lead was received."""
    campaign = find_campaign(value, received_on, errors, path="received_on", label=_("收到日期"))
    if campaign is not None and received_on is not None and not campaign.covers(received_on):
        errors.add("received_on", _("收到日期应在“%(c)s”期间。") % {"c": campaign})
    return campaign


def clean_lead(fields: dict, errors: Errors, actor=None) -> LeadInput:
    """Check a new lead's fields (recording every problem in ``errors``); return them cleaned."""
    source = clean_choice(
        fields.get("source"), "source", Lead.Source.choices, errors, label=_("线索来源")
    )
    received_on = clean_date(fields.get("received_on"), "received_on", errors)
    text = clean_text(fields.get("text"), "text", errors, limit=TEXT_LIMIT)
    if not text:
        errors.add("text", _("请填写线索内容。"))
    return LeadInput(
        source=source,
        campaign=clean_lead_campaign(fields.get("campaign"), received_on, errors),
        received_on=received_on,
        text=text,
        violations=clean_violations(fields.get("violations"), errors),
        persons=clean_lead_persons(fields.get("persons"), errors, actor),
        units=clean_lead_units(fields.get("units"), errors),
    )


def clean_outcome_fields(outcome: str, fields: dict, errors: Errors) -> dict:
    """Check what closing a lead with ``outcome`` requires; return the fields to store."""
    from cases.models import ExemptionProof, Outcome

    reason = clean_text(fields.get("reason"), "reason", errors, limit=2000)
    cleaned = {"outcome_reason": reason}
    if outcome == Lead.Outcome.NOT_GUAZHENG:
        cleaned["exemption"] = clean_choice(
            fields.get("exemption"),
            "exemption",
            Outcome.Exemption.choices,
            errors,
            label=_("不属于挂证的情形"),
        )
        cleaned["proof_kind"] = clean_choice(
            fields.get("proof_kind"),
            "proof_kind",
            ExemptionProof.Kind.choices,
            errors,
            label=_("证明材料种类"),
        )
    elif outcome == Lead.Outcome.REFERRED_OUT:
        referred = clean_text(fields.get("referred_to"), "referred_to", errors, limit=200)
        if not referred:
            errors.add("referred_to", _("请填写移送的机关名称。"))
        cleaned["referred_to"] = referred
    if outcome in (Lead.Outcome.UNSUBSTANTIATED, Lead.Outcome.RECTIFIED) and not reason:
        errors.add("reason", _("请填写核查情况。"))
    return cleaned
