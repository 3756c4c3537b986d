"""Template helpers for the case pages: Chinese labels for stored codes."""

from django import template

from cases.models import Case, Measure

register = template.Library()

VIOLATIONS = dict(Case.Violation.choices)
MEASURES = dict(Measure.Kind.choices)


@register.filter
def violation_labels(codes) -> str:
    """Return the Chinese labels of a case's violation codes, joined with 、."""
    return "、".join(str(VIOLATIONS.get(code, code)) for code in codes or ())


@register.filter
def measure_label(code) -> str:
    return str(MEASURES.get(code, code))


@register.filter
def get_item(mapping, key):
    """Return ``mapping[key]`` (or "") for dicts such as an audit event's changes."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


# Chinese names of audit actions; unknown codes are shown as recorded.
EVENTS = {
    "case.created": "登记案件",
    "case.updated": "修改案件",
    "case.investigation_started": "开始调查",
    "case.investigating": "开始调查",
    "case.decided": "作出处理决定",
    "case.decision_updated": "修改处理决定",
    "case.closed": "结案",
    "case.reopened": "重新办理",
    "case.transferred": "提出移交",
    "case.transfer_requested": "提出移交",
    "case.transfer_accepted": "接收移交",
    "case.transfer_rejected": "退回移交",
    "case.transfer_cancelled": "撤回移交",
    "case.joined": "关联案件",
    "case.linked": "关联案件",
    "case.duplicate_found": "发现重复",
    "evidence.added": "上传证据材料",
    "case.evidence_added": "上传证据材料",
}


@register.filter
def event_label(action: str) -> str:
    return EVENTS.get(action, action)


def _field_names() -> dict:
    from cases.models import Decision

    names = {}
    for model in (Decision, Case):
        for field in model._meta.concrete_fields:
            names[field.attname] = str(field.verbose_name)
            names[field.name] = str(field.verbose_name)
    names["persons"] = "涉案人员"
    return names


@register.filter
def field_label(name: str) -> str:
    """Return the Chinese name of a case or decision field recorded in an audit event."""
    return _field_names().get(name, name)


def _choice_labels() -> dict:
    from cases.models import Decision

    return {
        "status": dict(Case.Status.choices),
        "source": dict(Case.Source.choices),
        "violations": VIOLATIONS,
        "outcome": dict(Decision.Outcome.choices),
        "exemption": dict(Decision.Exemption.choices),
        "measures": MEASURES,
    }


@register.simple_tag
def change_value(name: str, value) -> str:
    """Return an audit value for people: choice codes as their Chinese labels, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    labels = _choice_labels().get(name, {})
    if isinstance(value, list):
        return "、".join(str(labels.get(v, v)) if isinstance(v, str) else str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)
