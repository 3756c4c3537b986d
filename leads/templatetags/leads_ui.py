"""Template helpers for the lead and complaint pages: Chinese names of recorded steps."""

from django import template
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from leads.models import Lead

register = template.Library()

LEAD_EVENT_LABELS = {
    Action.LEAD_CREATED: _("登记线索"),
    Action.LEAD_ASSIGNED: _("分办"),
    Action.LEAD_ACCEPTED: _("接收"),
    Action.LEAD_REJECTED: _("退回"),
    Action.LEAD_ESCALATED: _("退回并提级"),
    Action.LEAD_CLOSED: _("办结"),
    Action.LEAD_ATTACHED: _("上传材料"),
    Action.COMPLAINT_REGISTERED: _("受理投诉举报"),
    Action.COMPLAINT_REPLIED: _("记录答复"),
    Action.COMPLAINT_REPLY_WAIVED: _("不予答复"),
}
STATES = dict(Lead.State.choices)
OUTCOMES = dict(Lead.Outcome.choices)


@register.filter
def lead_event_label(action: str) -> str:
    """Return the Chinese name of a lead's audit action; unknown actions as recorded."""
    return str(LEAD_EVENT_LABELS.get(action, action))


@register.filter
def lead_state_label(code) -> str:
    return str(STATES.get(code, code or "—"))


@register.filter
def lead_outcome_label(code) -> str:
    return str(OUTCOMES.get(code, code or "—"))


@register.filter
def after(changes, name: str):
    """Return the value after an audit event's change of ``name`` (or "")."""
    values = (changes or {}).get(name) if isinstance(changes, dict) else None
    return values[1] if isinstance(values, list | tuple) and len(values) == 2 else ""


# What a screening lead's facts are called on its page; keys the screening app writes.
FACT_LABELS = {
    "period": "比对期间",
    "months": "缴费月份",
    "registered_units": "注册单位",
    "paying_units": "缴费单位",
    "hr_agencies": "代缴社保的人力资源服务机构",
    "certificate": "证书",
}
HIDDEN_FACTS = {"rule", "run"}
ID_FACTS = {"证件号码", "升位成18位身份证号"}


def _fact_text(value) -> str:
    if isinstance(value, dict):
        return value.get("name") or "，".join(f"{v}" for v in value.values() if v)
    if isinstance(value, list | tuple):
        return "、".join(_fact_text(v) for v in value)
    return str(value)


@register.filter
def rule_label(code) -> str:
    """The Chinese name of a screening rule (registered by the app that fires it)."""
    from leads.rules import rule_label as label

    return label(code) if code else ""


@register.simple_tag
def fact_lines(facts, full_id: bool = False) -> list[tuple[str, str]]:
    """Return a screening lead's facts as (label, text), ID numbers masked unless ``full_id``."""
    from cases.identifiers import mask_id_number

    lines = []
    for key, value in (facts or {}).items():
        if key in HIDDEN_FACTS or value in (None, "", [], {}):
            continue
        text = _fact_text(value)
        if key in ID_FACTS and not full_id:
            text = mask_id_number(text)
        lines.append((FACT_LABELS.get(key, key), text))
    return lines
