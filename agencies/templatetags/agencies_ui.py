"""Template helpers that ask ``agencies.permissions`` (so templates decide nothing themselves)."""

from django import template

from agencies import permissions

register = template.Library()


@register.filter
def reads_cases(user) -> bool:
    """Whether ``user`` reads the case register (and so the leads and complaints)."""
    return permissions.reads_cases(user)


@register.filter
def ministry_only(user) -> bool:
    """Whether ``user`` only receives the province's consolidated reports (the ministry)."""
    return permissions.is_ministry(user) and not permissions.reads_cases(user)
