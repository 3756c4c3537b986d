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


@register.filter
def screens(user) -> bool:
    """Whether ``user`` imports suspect lists and compares rosters (at 住建厅)."""
    return any(
        permissions.user_can_screen(user=user, agency=agency)
        for agency in permissions.agencies_where(user, permissions.WRITE_ROLES)
    ) or bool(getattr(user, "is_superuser", False))


@register.filter
def looks_up_insurance(user) -> bool:
    """Whether ``user`` answers enterprises' 社保缴费信息查询 (人社 staff)."""
    return permissions.user_can_lookup_insurance(user=user)
