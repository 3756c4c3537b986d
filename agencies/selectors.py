"""Reads of the organisation."""

from dataclasses import dataclass

from django.db.models import QuerySet

from agencies.models import Agency, Membership, Profile, Region
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


@dataclass(frozen=True)
class Signature:
    """How a person signs a form: their real name and office phone."""

    name: str
    phone: str


def signature_of(user) -> Signature | None:
    """Return the user's real name and phone from their profile, or None without a real name.

    Never the username or a role: a form signed ``county_clerk`` or 审核员 is no signature.
    """
    if user is None or not getattr(user, "pk", None):
        return None
    profile = Profile.objects.filter(user=user).only("real_name", "office_phone").first()
    if profile is None or not profile.real_name:
        return None
    return Signature(profile.real_name, profile.office_phone)


def profile_of(user) -> Profile:
    """Return the user's profile, unsaved and empty if they have none yet."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)
