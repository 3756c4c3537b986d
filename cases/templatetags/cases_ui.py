"""Template helpers for the case pages: Chinese labels for stored codes (from cases.labels)."""

from django import template

from cases.labels import CHOICE_LABELS, EVENT_LABELS, recorded_field_label

register = template.Library()


@register.filter
def violation_labels(codes) -> str:
    """Return the Chinese labels of a case's violation codes, joined with 、."""
    labels = CHOICE_LABELS["violations"]
    return "、".join(str(labels.get(code, code)) for code in codes or ())


@register.filter
def measure_label(code) -> str:
    return str(CHOICE_LABELS["measures"].get(code, code))


@register.filter
def get_item(mapping, key):
    """Return ``mapping[key]`` (or "") for dicts such as an audit event's changes."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def event_label(action: str) -> str:
    """Return the Chinese name of an audit action; unknown actions are shown as recorded."""
    return str(EVENT_LABELS.get(action, action))


@register.filter
def field_label(name: str) -> str:
    """Return the Chinese name of a case or decision field recorded in an audit event."""
    return recorded_field_label(name)


@register.simple_tag
def change_value(name: str, value) -> str:
    """Return an audit value for people: choice codes as their Chinese labels, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    labels = CHOICE_LABELS.get(name, {})
    if isinstance(value, list):
        return "、".join(str(labels.get(v, v)) if isinstance(v, str) else str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)


@register.filter
def section_fields(form, section) -> list:
    """Return the bound fields of one party's section of the decision form."""
    return form.section_fields(section)
