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


def display_name(user) -> str:
    """Return the name a person signs with on forms (填表人 / 负责人): full name, else username."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.username
