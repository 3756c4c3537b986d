"""The one visibility rule: ``Model.objects.restrict(user, action)``.

Every list, page, export, API endpoint and statistic starts from ``restrict``. A membership at an
agency covers that agency and every agency below it in the same department (its *subtree*, found
through ``Agency.path``). Whatever falls outside answers 404, because views look objects up inside
the restricted queryset.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

VIEW, CHANGE = "view", "change"

# Roles that may write (enter cases, submit reports). Inspectors and ministry users only read.
WRITE_ROLES = frozenset({"clerk", "reviewer"})
# Roles whose membership grants ordinary subtree reading. Ministry users see only what was
# reported upward to them, which each model decides in ``restrict_extra``.
READ_ROLES = frozenset({"clerk", "reviewer", "inspector"})


def memberships_of(user) -> list:
    """Return the user's active memberships with their agencies, cached on the user object."""
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        from agencies.models import Membership

        cached = list(
            Membership.objects.filter(user=user, agency__is_active=True)
            .select_related("agency", "agency__department", "agency__region")
            .order_by("agency__path")
        )
        user._membership_cache = cached
    return cached


def acting_role(membership) -> str:
    """Return the role a membership acts in: writers of a department that does not handle cases
    (the supervising bureaus 成都铁路监督管理局 and 民航西南管理局, the ministry) only read."""
    from agencies.models import Department

    if membership.role in WRITE_ROLES and membership.agency.department.kind != (
        Department.Kind.REPORTING
    ):
        return "inspector"
    return membership.role


def _subtree_agencies(user) -> list[tuple[int, str]]:
    """Return (id, path) of every agency in the subtrees of the user's memberships, once."""
    cached = getattr(user, "_subtree_cache", None)
    if cached is None:
        from agencies.models import Agency

        condition = Q(pk__in=[])
        for membership in memberships_of(user):
            condition |= Q(path__startswith=membership.agency.path)
        cached = list(Agency.objects.filter(condition).order_by().values_list("pk", "path"))
        user._subtree_cache = cached
    return cached


def agency_ids_within(user, roles: frozenset[str]) -> list[int]:
    """Return the ids of the agencies in the subtrees of the user's memberships with ``roles``.

    One query per user object for every role set (the union of the subtrees, split here).
    Filtering rows on their own ``agency_id IN (…)`` lets PostgreSQL use the foreign-key index;
    a ``path LIKE`` across a join (or an ``OR`` of two such joins) forces a sequential scan of the
    whole table (see docs/performance.md).
    """
    prefixes = tuple(m.agency.path for m in memberships_of(user) if acting_role(m) in roles)
    if not prefixes:
        return []
    return sorted(pk for pk, path in _subtree_agencies(user) if path.startswith(prefixes))


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see or change.

    Subclasses set ``agency_lookup`` (the path from the model to its owning ``Agency``, e.g.
    ``"agency"`` or ``"case__agency"``; ``""`` when the model *is* the agency) and may override
    ``restrict_extra`` to grant more (e.g. 住建厅 sees every department's provincial reports).
    """

    agency_lookup = "agency"

    def restrict(self, user, action: str = VIEW):
        """Return only the rows ``user`` may ``action`` ("view" or "change")."""
        agency_ids, extra = self.restrict_parts(user, action)
        if agency_ids is None:
            return self
        if not agency_ids and extra is None:
            return self.none()
        column = f"{self.agency_lookup}_id__in" if self.agency_lookup else "pk__in"
        condition = Q(**{column: agency_ids})
        if extra is not None:
            condition |= extra
        return self.filter(condition)

    def restrict_parts(self, user, action: str = VIEW) -> tuple[list[int] | None, Q | None]:
        """Return the two halves of the rule: the agencies whose rows ``user`` may ``action``
        (None: all, for a superuser) and what ``restrict_extra`` grants beyond them (or None).
        ``restrict`` is their union; ``agencies.counts`` reads counters for the first half."""
        if user is None or not user.is_authenticated or not user.is_active:
            return [], None
        if user.is_superuser:
            return None, None
        roles = WRITE_ROLES if action == CHANGE else READ_ROLES
        return agency_ids_within(user, roles), self.restrict_extra(
            user, action, memberships_of(user)
        )

    def restrict_extra(self, user, action: str, memberships: list) -> Q | None:
        """Return an additional condition this model grants beyond the subtree, or None."""
        return None
