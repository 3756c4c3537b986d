"""Checking a declaration: the declarant, the date within the self-inspection phase, and each
declared person (the case register's person checks, plus what was done about it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from campaigns.models import Campaign
from cases.labels import allowed
from cases.self_correction import self_inspection_window
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
from core.months import day_label
from declarations.models import Declaration, DeclaredPerson

Action = DeclaredPerson.Action


@dataclass
class DeclaredInput:
    person: PersonInput
    actions: list[str] = field(default_factory=list)
    rectified: bool = False
    rectified_on: datetime.date | None = None
    note: str = ""


@dataclass
class DeclarationInput:
    campaign: Campaign | None
    declarant: str
    unit: UnitInput | None
    declared_on: datetime.date | None
    channel: str
    summary: str
    persons: list[DeclaredInput]


def _clean_campaign(value, day, errors: Errors) -> Campaign | None:
    """Return the campaign named, or the one running on the declaration date; check the date
    lies within its self-inspection phase (extensions included)."""
    campaign = find_campaign(value, day, errors, path="declared_on", label=_("申报日期"))
    if campaign is None or day is None:
        return campaign
    window = self_inspection_window(campaign)
    if window is None:
        errors.add("declared_on", _("“%(c)s”没有自查自纠阶段。") % {"c": campaign})
    elif not window[0] <= day <= window[1]:
        errors.add(
            "declared_on",
            _("申报日期应在自查自纠阶段内（%(start)s至%(end)s）。")
            % {"start": day_label(window[0]), "end": day_label(window[1])},
        )
    return campaign


def _clean_actions(value, path: str, errors: Errors) -> list[str]:
    actions = [value] if isinstance(value, str) else list(value or [])
    actions = list(dict.fromkeys(a for a in actions if a))
    unknown = [a for a in actions if a not in Action.values]
    if unknown:
        errors.add(
            path,
            _("未知的整改措施“%(v)s”（可选：%(allowed)s）。")
            % {"v": "、".join(map(str, unknown))[:60], "allowed": allowed(Action.choices)},
        )
    return [a for a in actions if a in Action.values]


def clean_declared(value, index: int, day, errors: Errors, actor) -> DeclaredInput | None:
    """Return ``persons[index]``: the person and what was done, recording every problem."""
    person = clean_person(value, index, errors, actor)
    if person is None:
        return None
    path = f"persons[{index}]"
    item = DeclaredInput(
        person=person,
        actions=_clean_actions(value.get("actions"), f"{path}.actions", errors),
        rectified=bool(value.get("rectified")),
        note=clean_text(value.get("note"), f"{path}.note", errors, limit=500),
    )
    if item.rectified:
        if not item.actions:
            errors.add(f"{path}.actions", _("整改到位时，请选择所采取的整改措施。"))
        item.rectified_on = clean_date(value.get("rectified_on"), f"{path}.rectified_on", errors)
        if item.rectified_on and day and item.rectified_on < day - datetime.timedelta(days=366):
            errors.add(f"{path}.rectified_on", _("整改完成日期与申报日期相差过远，请核对。"))
    elif value.get("rectified_on") not in (None, ""):
        errors.add(f"{path}.rectified_on", _("尚未整改到位时不应填写整改完成日期。"))
    return item


def _clean_persons(persons, day, errors: Errors, actor) -> list[DeclaredInput]:
    if not isinstance(persons, list | tuple) or not persons:
        errors.add("persons", _("请至少填写一名申报人员。"))
        return []
    cleaned, seen = [], {}
    for index, value in enumerate(persons):
        item = clean_declared(value, index, day, errors, actor)
        if item is None:
            continue
        key = (item.person.id_type, item.person.id_number)
        if item.person.id_number and key in seen:
            errors.add(
                f"persons[{index}].id_number",
                _("与第%(n)d名人员的证件号码重复。") % {"n": seen[key] + 1},
            )
        seen.setdefault(key, index)
        cleaned.append(item)
    return cleaned


def clean_declaration(data: dict, actor) -> DeclarationInput:
    """Return the checked declaration, or raise every problem at once."""
    errors = Errors()
    declarant = data.get("declarant") or ""
    if declarant not in Declaration.Declarant.values:
        errors.add(
            "declarant",
            _("请选择申报主体（%(allowed)s）。")
            % {"allowed": allowed(Declaration.Declarant.choices)},
        )
    unit = clean_unit(data.get("unit"), "unit", errors)
    if declarant in (Declaration.Declarant.UNIT, Declaration.Declarant.HR_AGENCY):
        if unit is None:
            errors.add("unit.name", _("请填写申报单位的名称。"))
        elif not unit.uscc:
            errors.add("unit.uscc", _("请填写申报单位的统一社会信用代码。"))
    channel = data.get("channel") or Declaration.Channel.PAPER
    if channel not in Declaration.Channel.values:
        errors.add("channel", _("未知的受理方式。"))
    day = clean_date(data.get("declared_on"), "declared_on", errors)
    campaign = _clean_campaign(data.get("campaign"), day, errors)
    cleaned = DeclarationInput(
        campaign=campaign,
        declarant=declarant,
        unit=unit,
        declared_on=day,
        channel=channel,
        summary=clean_text(data.get("summary"), "summary", errors, limit=5000),
        persons=_clean_persons(data.get("persons"), day, errors, actor),
    )
    errors.raise_if_any()
    return cleaned
