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
