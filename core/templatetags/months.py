"""Month filters for templates, from the one month helper (core.months)."""

from django import template

from core import months

register = template.Library()


@register.filter
def month_label(month) -> str:
    """Return 2019年3月."""
    return months.month_label(month) if month else ""


@register.filter
def month_param(month) -> str:
    """Return 2019-03, as months travel in URLs."""
    return months.month_param(month) if month else ""


@register.filter
def day_label(day) -> str:
    """Return 2019年3月2日."""
    return months.day_label(day) if day else ""
