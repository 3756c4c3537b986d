"""Reads of the organisation."""

from django.db.models import QuerySet

from agencies.models import Agency, Membership, Region
from agencies.querysets import VIEW, memberships_of


def agency_list(*, user, action: str = VIEW) -> QuerySet[Agency]:
    """Return the agencies in the user's scope."""
    return Agency.objects.restrict(user, action).select_related("department", "region", "parent")


def agency_directory() -> QuerySet[Agency]:
    """Return every active agency: names are public, e.g. as targets of a case transfer."""
    return Agency.objects.filter(is_active=True).select_related("department", "region")


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("parent")


def membership_list(*, user) -> list[Membership]:
    """Return the user's memberships (the ``me/`` endpoint, the navigation bar)."""
    return memberships_of(user)


def agencies_for_role(*, user, roles: set[str]) -> list[Agency]:
    """Return the agencies where the user holds one of ``roles`` (e.g. may enter cases)."""
    seen, result = set(), []
    for membership in memberships_of(user):
        if membership.role in roles and membership.agency_id not in seen:
            seen.add(membership.agency_id)
            result.append(membership.agency)
    return result


def user_is_consolidator(user) -> bool:
    """Return True for a 住建厅 (ZJ province) reviewer, who consolidates all departments."""
    return any(
        m.role == Membership.Role.REVIEWER
        and m.agency.department.code == "ZJ"
        and m.agency.level == Region.Level.PROVINCE
        for m in memberships_of(user)
    )


def user_is_ministry(user) -> bool:
    return any(m.role == Membership.Role.MINISTRY for m in memberships_of(user))
