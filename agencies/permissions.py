"""Who may do what beyond seeing: the one home of the campaign's permission rules.

``querysets.restrict`` decides what a user may *see*; this module decides what a user may *do*
to what they see. Services call these predicates and raise a domain error; views and templates
call them to show or hide a button. Nothing else decides, so a new exception to the rules is a
change in one place.

A membership covers its agency and every agency below it in the same department (the agency's
``path`` starts with the membership's). The rules:

- enter, edit, investigate, decide, close, transfer, join cases and attach evidence: a clerk or
  reviewer of the case's agency or above; reopen: a reviewer only. Writers of a department that
  handles no cases (the supervising bureaus, the ministry) act as readers
  (``querysets.acting_role``);
- accept or refuse a transfer: a clerk or reviewer of the receiving agency or above;
- full ID numbers: on a case, its writers; on a report, the writers of its agency and above
  (who file and review it) and, for province-level reports, 住建厅's staff who approve them; on a
  consolidation, its consolidators and, once reported, ministry users;
- register a self-inspection declaration and attach its files: as entering a case; full ID
  numbers on it: its writers;
- prepare a report (freeze its rows, 填表人) or take a prepared one back: a clerk or reviewer of
  the report's own agency; sign it off (负责人), which sends it up: a reviewer of that same agency;
  review it: a reviewer of its parent agency, or for a province-level report a consolidator, and
  never one who prepared or signed the revision (四眼原则);
- register a lead or complaint: as entering a case; accept, send back, assign, verify and close
  it, and read its full ID numbers: a clerk or reviewer of the agency holding it, or above; who
  complained: only the clerks and reviewers of the handling agency itself;
- consolidate the province and report upward: a consolidator, i.e. a reviewer of the lead
  department's (住建厅's) province-level agency.

Predicates take duck-typed objects (anything with ``agency``, ``transfer_to`` …) so that this
module, at the bottom of the apps, imports none of the apps above it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from agencies.models import Agency, Membership, Region
from agencies.querysets import (
    READ_ROLES,
    WRITE_ROLES,
    acting_role,
    agency_ids_within,
    memberships_of,
)

CLERK, REVIEWER = Membership.Role.CLERK, Membership.Role.REVIEWER
INSPECTOR, MINISTRY = Membership.Role.INSPECTOR, Membership.Role.MINISTRY
# A superuser acts as every working role everywhere (administrators repair data in the field).
SUPERUSER_ROLES = frozenset({CLERK, REVIEWER, INSPECTOR})
HUMAN_RESOURCES = "RS"  # the department code of 人力资源社会保障 (agencies/data)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --------------------------------------------------------------------------- building blocks


def roles_at(user, agency: Agency) -> frozenset[str]:
    """Return the roles ``user`` holds at ``agency`` or at an agency above it (same department)."""
    if not _active(user) or agency is None:
        return frozenset()
    if user.is_superuser:
        return SUPERUSER_ROLES
    return frozenset(
        acting_role(m) for m in memberships_of(user) if agency.path.startswith(m.agency.path)
    )


def roles_anywhere(user) -> frozenset[str]:
    """Return every role ``user`` holds at any agency."""
    if not _active(user):
        return frozenset()
    if user.is_superuser:
        return SUPERUSER_ROLES
    return frozenset(acting_role(m) for m in memberships_of(user))


def agencies_where(user, roles) -> list[Agency]:
    """Return the agencies where ``user`` holds one of ``roles`` (each once, in tree order)."""
    if not _active(user):
        return []
    seen, result = set(), []
    for membership in memberships_of(user):
        if acting_role(membership) in roles and membership.agency_id not in seen:
            seen.add(membership.agency_id)
            result.append(membership.agency)
    return result


def _is_lead_province(agency: Agency) -> bool:
    return agency.department.is_lead and agency.level == Region.Level.PROVINCE


def lead_province_roles(user) -> frozenset[str]:
    """Return the roles ``user`` holds at the lead department's (住建厅's) province agency."""
    if not _active(user):
        return frozenset()
    return frozenset(m.role for m in memberships_of(user) if _is_lead_province(m.agency))


def is_consolidator(user) -> bool:
    """Return True for a reviewer of 住建厅 (the lead department at province level)."""
    return REVIEWER in lead_province_roles(user)


def is_ministry(user) -> bool:
    """Return True for a ministry user (reads only what 住建厅 reported upward)."""
    return _active(user) and any(m.role == MINISTRY for m in memberships_of(user))


def reads_cases(user) -> bool:
    """Return True when ``user`` reads the case register at all (not a ministry-only user)."""
    return bool(roles_anywhere(user) & READ_ROLES)


def writes_anywhere(user) -> bool:
    """Return True when ``user`` may enter cases or file reports at some agency."""
    return bool(roles_anywhere(user) & WRITE_ROLES)


def writable_agency_ids(user) -> list[int]:
    """Return the ids of the agencies whose cases ``user`` may change (their subtrees)."""
    return agency_ids_within(user, WRITE_ROLES) if _active(user) else []


def agency_staff(agency_ids, roles) -> QuerySet:
    """Return the active users holding one of ``roles`` at one of ``agency_ids``."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__agency_id__in=list(agency_ids),
            memberships__role__in=list(roles),
        )
        .distinct()
    )


def staff_by_agency(agency_ids, roles) -> dict[int, list]:
    """Return ``agency_staff`` grouped by agency, in one query (for notices to many agencies)."""
    result: dict[int, list] = {}
    memberships = Membership.objects.filter(
        agency_id__in=list(agency_ids), role__in=list(roles), user__is_active=True
    ).select_related("user")
    for membership in memberships:
        if membership.user not in result.setdefault(membership.agency_id, []):
            result[membership.agency_id].append(membership.user)
    return result


def consolidators() -> QuerySet:
    """Return the users who consolidate the province (住建厅's reviewers)."""
    lead = Agency.objects.filter(department__is_lead=True, level=Region.Level.PROVINCE)
    return agency_staff(lead.values_list("pk", flat=True), {REVIEWER})


# --------------------------------------------------------------------------- cases


def user_can_enter_case(*, user, agency: Agency | None) -> bool:
    """Whether the user may register a case for ``agency``: its clerk or reviewer, or above."""
    return agency is not None and bool(roles_at(user, agency) & WRITE_ROLES)


def user_can_change_case(*, user, case) -> bool:
    """Whether the user may edit, decide, close, transfer, join or attach to ``case``."""
    return bool(roles_at(user, case.agency) & WRITE_ROLES)


def user_can_reopen_case(*, user, case) -> bool:
    """Whether the user may reopen ``case`` (withdrawing its decision): a reviewer of its chain."""
    return REVIEWER in roles_at(user, case.agency)


def user_can_receive_transfer(*, user, case) -> bool:
    """Whether the user may accept or refuse the transfer pending on ``case``."""
    return case.transfer_to_id is not None and bool(roles_at(user, case.transfer_to) & WRITE_ROLES)


def user_can_unmask_case(*, user, case) -> bool:
    """Whether the user reads full ID numbers on ``case``: its writers, who need them to act."""
    return user_can_change_case(user=user, case=case)


def incoming_transfer_agency_ids(user) -> list[int]:
    """Return the agencies whose incoming transfers ``user`` may accept (their subtrees)."""
    return writable_agency_ids(user)


# --------------------------------------------------------------------------- declarations


def user_can_register_declaration(*, user, agency: Agency | None) -> bool:
    """Whether the user may register a self-inspection declaration received by ``agency``."""
    return user_can_enter_case(user=user, agency=agency)


def user_can_change_declaration(*, user, declaration) -> bool:
    """Whether the user may attach files to ``declaration``: its agency's writers or above."""
    return bool(roles_at(user, declaration.agency) & WRITE_ROLES)


def user_can_unmask_declaration(*, user, declaration) -> bool:
    """Whether the user reads full ID numbers on ``declaration``: its writers."""
    return user_can_change_declaration(user=user, declaration=declaration)


# --------------------------------------------------------------------------- leads and complaints


def user_can_register_lead(*, user, agency: Agency | None) -> bool:
    """Whether the user may register a lead or complaint received by ``agency``."""
    return user_can_enter_case(user=user, agency=agency)


def user_can_handle_lead(*, user, lead) -> bool:
    """Whether the user may accept, send back, assign, verify and close ``lead``: a clerk or
    reviewer of the agency holding it, or above."""
    return bool(roles_at(user, lead.agency) & WRITE_ROLES)


def user_can_unmask_lead(*, user, lead) -> bool:
    """Whether the user reads full ID numbers on ``lead``: those who handle it."""
    return user_can_handle_lead(user=user, lead=lead)


def user_can_see_complainant(*, user, complaint) -> bool:
    """Whether the user may read who complained: the staff of the handling agency only.

    A complainant's identity stays with the agency that handles the complaint: not its parents,
    not inspectors, not an agency the complaint passed through, never an export. Writers there
    need it to verify and to reply; everyone else reads the complaint without it.
    """
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    agency_id = complaint.lead.agency_id
    return any(
        m.agency_id == agency_id and acting_role(m) in WRITE_ROLES for m in memberships_of(user)
    )


def lead_handlers(agency_ids) -> QuerySet:
    """Return the users who handle the leads of ``agency_ids`` (told of new and overdue ones)."""
    return agency_staff(agency_ids, WRITE_ROLES)


# --------------------------------------------------------------------------- screening by data


def user_can_screen(*, user, agency: Agency | None) -> bool:
    """Whether the user may import a suspect list or compare the rosters for ``agency``: a clerk
    or reviewer of the lead department's province agency (住建厅), which receives them."""
    if agency is None or not _is_lead_province(agency):
        return False
    return bool(roles_at(user, agency) & WRITE_ROLES)


def user_can_lookup_insurance(*, user) -> bool:
    """Whether the user may look up a person's paying units (社保缴费信息查询): a clerk or
    reviewer of a 人力资源社会保障 agency, which provides the service to enterprises."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return any(
        m.agency.department.code == HUMAN_RESOURCES and acting_role(m) in WRITE_ROLES
        for m in memberships_of(user)
    )


# --------------------------------------------------------------------------- reports


def user_can_prepare_report(*, user, report) -> bool:
    """Whether the user may prepare ``report`` (填表人): a clerk or reviewer of its own agency."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return any(
        m.agency_id == report.agency_id and acting_role(m) in WRITE_ROLES
        for m in memberships_of(user)
    )


def user_can_withdraw_report(*, user, report) -> bool:
    """Whether the user may take a prepared, unsigned ``report`` back: whoever may prepare it."""
    return user_can_prepare_report(user=user, report=report)


def user_can_sign_report(*, user, report) -> bool:
    """Whether the user may sign ``report`` off as its 负责人 and so send it to the parent agency.

    A reviewer of the report's own agency: a reviewer of the agency above reviews the report,
    never signs it, so a form is never signed by the level that approves it.
    """
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return any(
        m.agency_id == report.agency_id and acting_role(m) == REVIEWER for m in memberships_of(user)
    )


def report_signers(report) -> QuerySet:
    """Return the users who may sign ``report`` (notified when it is prepared)."""
    return agency_staff([report.agency_id], {REVIEWER})


def user_submitted_report(*, user, report) -> bool:
    """Whether ``user`` prepared or signed the report's current revision (and may not review it)."""
    revision = getattr(report, "current_revision", None)
    if revision is None or getattr(user, "pk", None) is None:
        return False
    return user.pk in (revision.prepared_by_id, revision.signed_by_id)


def user_can_review_report(*, user, report) -> bool:
    """Whether the user may approve or return ``report``: a reviewer of its parent agency.

    Province-level departments have no parent agency; 住建厅 reviews their reports. Nobody
    reviews a revision they prepared or signed themselves (四眼原则): a 住建厅 reviewer who signs
    住建厅's own report leaves its approval to another reviewer.
    """
    if not _active(user) or user_submitted_report(user=user, report=report):
        return False
    if user.is_superuser:
        return True
    if report.agency.level == Region.Level.PROVINCE:
        return is_consolidator(user)
    return any(
        m.role == REVIEWER and m.agency_id == report.agency.parent_id for m in memberships_of(user)
    )


def report_reviewers(report) -> QuerySet:
    """Return the users who may approve or return ``report`` (notified when it is submitted)."""
    if report.agency.level == Region.Level.PROVINCE:
        return consolidators()
    return agency_staff([report.agency.parent_id], {REVIEWER})


def user_can_unmask_report(*, user, report) -> bool:
    """Whether the user reads full ID numbers on ``report``.

    The writers of the report's agency and above (who file and review it) and, for a
    province-level report, the consolidators who approve it. Everyone else who may see it
    (inspectors doing spot checks, other departments' staff at 住建厅) reads masked numbers.
    """
    if not _active(user):
        return False
    if roles_at(user, report.agency) & WRITE_ROLES:
        return True
    return report.agency.level == Region.Level.PROVINCE and is_consolidator(user)


def user_can_consolidate(*, user) -> bool:
    """Whether the user may consolidate the province's reports and report them upward."""
    return _active(user) and (user.is_superuser or is_consolidator(user))


def user_can_unmask_consolidation(*, user, consolidation) -> bool:
    """Whether the user reads full ID numbers on ``consolidation``: its consolidators, and the
    ministry once it is reported to them."""
    if not _active(user):
        return False
    if user.is_superuser or is_consolidator(user):
        return True
    return consolidation.is_reported and is_ministry(user)


# --------------------------------------------------------------------------- background jobs


def user_can_manage_job(*, user, job) -> bool:
    """Whether the user may act on ``job`` (cancel it, confirm what it checked): its owner.

    Who may *read* a job is the visibility rule: its agency's readers, and always its owner.
    """
    return _active(user) and job.owner_id == user.pk
