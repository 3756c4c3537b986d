"""Writes of the lead pipeline: register, route, accept or send back, assign, verify, close.

Every source registers through ``lead_write`` (the staff form and API through ``lead_register``,
complaints through ``complaints.services``, the screening imports in bulk), so routing, numbering,
deadlines and the audit trail are one code path. Each state change is a conditional update of
the locked row, so two people acting at once on one lead get one result and one 409.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, Department
from audit.actions import Action
from audit.services import audit_record
from cases.evidence import file_store
from cases.evidence import files_discard as discard
from cases.identifiers import mask_id_number
from cases.models import Case, Unit
from cases.parties import certificate_resolve, person_resolve, unit_resolve
from cases.services import case_create
from cases.validation import Errors, clean_reason
from core.errors import ConflictError, NotFoundError, PermissionDeniedError
from core.sequences import next_number
from leads import routing
from leads.deadlines import deadline_for
from leads.models import Lead, LeadAttachment, LeadPerson, LeadSequence, LeadUnit
from leads.validation import LeadInput, clean_lead, clean_outcome_fields
from notifications.services import notification_send

# The case a lead opens records where it came from in the case register's own words.
CASE_SOURCES = {
    Lead.Source.COMPLAINT: Case.Source.COMPLAINT,
    Lead.Source.MINISTRY_LIST: Case.Source.COMPARISON,
    Lead.Source.COMPARISON: Case.Source.COMPARISON,
    Lead.Source.SPOT_CHECK: Case.Source.SPOT_CHECK,
    Lead.Source.REFERRAL: Case.Source.OTHER,
    Lead.Source.OTHER: Case.Source.OTHER,
}
# A lead sent back this many times goes up to the parent agency instead of round again.
ESCALATE_AFTER_BOUNCES = 2
CLOSABLE_STATES = (Lead.State.TRIAGE, Lead.State.VERIFYING)
# What a data-driven source (the screening app) records on its leads besides the common fields.
SCREENING_FIELDS = ("rule", "facts", "fingerprint", "batch")


@dataclass(frozen=True)
class Route:
    """Where a new lead goes: the agency and the state it arrives in there."""

    agency: Agency
    state: str
    routed_from: Agency | None


def _reference(agency: Agency, year: int) -> str:
    number = next_number(LeadSequence, agency_id=agency.pk, year=year)
    return f"{agency.department.code}-{agency.region.code}-XS{year}-{number:04d}"


def _lock(lead: Lead) -> Lead:
    return (
        Lead.objects.select_for_update(of=("self",))
        .select_related("agency__department", "agency__region", "agency__parent")
        .get(pk=lead.pk)
    )


def _require_handler(actor, lead: Lead, message: str) -> None:
    if not permissions.user_can_handle_lead(user=actor, lead=lead):
        raise PermissionDeniedError(message)


def _handlers_notify(lead: Lead, agency: Agency, *, key: str, title: str) -> None:
    notification_send(
        users=permissions.lead_handlers([agency.pk]),
        key=f"lead:{lead.pk}:{key}",
        title=title,
        body=_("线索%(ref)s，办理期限%(due)s。") % {"ref": lead.reference, "due": lead.deadline},
        target=lead,
    )


# --------------------------------------------------------------------------- intake


def route_new(cleaned: LeadInput, intake: Agency, *, department_code: str | None = None) -> Route:
    """Decide where a new lead goes from whom it is about (``leads.routing``).

    The registering agency keeps a lead that is its own (it verifies it at once); one that
    belongs elsewhere waits there for acceptance; one whose agency cannot be told waits in the
    registering agency's triage queue.
    """
    types = [p.person.certificate_type for p in cleaned.persons if p.person]
    kinds = [Unit.Kind.HR_AGENCY for u in cleaned.units if u.role == "hr_agency"]
    kinds += [u.unit.existing.kind for u in cleaned.units if u.unit.existing]
    # Nothing tells the department (a tip about a name only): the receiving department's own.
    code = (
        department_code
        or routing.department_code_for(certificate_types=types, unit_kinds=kinds)
        or intake.department.code
    )
    units = [p.registered_unit for p in cleaned.persons] + [u.unit for u in cleaned.units]
    target = routing.agency_for(code, routing.region_for(_unit_rows(units)))
    if target is None:
        return Route(intake, Lead.State.TRIAGE, None)
    if target.pk == intake.pk:
        return Route(intake, Lead.State.VERIFYING, None)
    return Route(target, Lead.State.PENDING, intake)


def _unit_rows(units) -> list:
    """Return unit inputs as objects ``routing.region_for`` reads (uscc, region)."""
    rows = []
    for unit in units:
        if unit is None:
            continue
        rows.append(unit.existing or Unit(name=unit.name, uscc=unit.uscc))
    return rows


def _subjects_write(lead: Lead, cleaned: LeadInput) -> None:
    for position, item in enumerate(cleaned.persons):
        person = certificate = None
        registered = unit_resolve(item.registered_unit)
        if item.person is not None:
            person = person_resolve(item.person)
            certificate = certificate_resolve(item.person, person, registered)
        LeadPerson.objects.create(
            lead=lead,
            position=position,
            person=person,
            name=item.name,
            certificate=certificate,
            registered_unit=registered,
            insurance_unit=unit_resolve(item.insurance_unit),
        )
    for item in cleaned.units:
        kind = Unit.Kind.HR_AGENCY if item.role == LeadUnit.Role.HR_AGENCY else None
        LeadUnit.objects.get_or_create(
            lead=lead, unit=unit_resolve(item.unit, kind=kind), role=item.role
        )


def lead_write(
    *,
    actor,
    intake: Agency,
    cleaned: LeadInput,
    route: Route,
    text_extra: dict | None = None,
    screening: dict | None = None,
) -> Lead:
    """Write a checked lead where ``route`` sends it, with its persons and units, and audit it.

    Runs inside the caller's transaction (every caller is a service that checked ``cleaned``).
    ``screening``: a data-driven lead's ``rule``, ``facts``, ``fingerprint`` and ``batch``.
    """
    lead = Lead.objects.create(
        reference=_reference(intake, cleaned.received_on.year),
        campaign=cleaned.campaign,
        source=cleaned.source,
        agency=route.agency,
        intake_agency=intake,
        routed_from=route.routed_from,
        state=route.state,
        received_on=cleaned.received_on,
        deadline=deadline_for(cleaned.source, cleaned.received_on),
        violations=cleaned.violations,
        text=cleaned.text,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: v for k, v in (screening or {}).items() if k in SCREENING_FIELDS},
    )
    _subjects_write(lead, cleaned)
    audit_record(
        actor=actor,
        action=Action.LEAD_CREATED,
        target=lead,
        agency=route.agency,
        data={
            "reference": lead.reference,
            "source": lead.source,
            "state": lead.state,
            "intake": intake.pk,
            "agency": route.agency.pk,
            "persons": [
                f"{p.name} {mask_id_number(p.person.id_number)}" if p.person else p.name
                for p in cleaned.persons
            ],
            "units": [u.unit.name for u in cleaned.units],
            **(text_extra or {}),
        },
    )
    if route.state != Lead.State.VERIFYING:
        _handlers_notify(lead, route.agency, key="arrived", title=_("收到新的问题线索"))
    return lead


@transaction.atomic
def lead_register(*, actor, agency: Agency, department: str | None = None, **fields) -> Lead:
    """Register a lead received by ``agency`` and route it (``fields``: source, received_on,
    text, violations, persons, units, campaign)."""
    if not permissions.user_can_register_lead(user=actor, agency=agency):
        raise NotFoundError(
            _("未找到该机构，或您无权为其登记线索。"),
            fields={"agency": [_("无权为该机构登记线索。")]},
        )
    errors = Errors()
    cleaned = clean_lead(fields, errors, actor)
    errors.raise_if_any()
    return lead_write(actor=actor, intake=agency, cleaned=cleaned, route=route_new(cleaned, agency))


# --------------------------------------------------------------------------- routing steps


def _assign_target_check(lead: Lead, to_agency: Agency | None) -> Agency:
    if to_agency is None or not to_agency.is_active:
        raise NotFoundError(_("未找到该机构。"), fields={"agency": [_("请选择承办机构。")]})
    if to_agency.department.kind != Department.Kind.REPORTING:
        raise ConflictError(
            _("线索只能分办给承办案件的部门。"), fields={"agency": [_("该机构不承办案件。")]}
        )
    if to_agency.pk == lead.agency_id:
        raise ConflictError(
            _("线索已在该机构。"), fields={"agency": [_("请选择其他机构，或直接接收。")]}
        )
    return to_agency


@transaction.atomic
def lead_assign(*, actor, lead: Lead, to_agency: Agency | None, reason: str = "") -> Lead:
    """Route a lead waiting in triage to the agency that should verify it."""
    locked = _lock(lead)
    _require_handler(actor, locked, _("您无权分办该线索。"))
    if locked.state != Lead.State.TRIAGE:
        raise ConflictError(_("只有待分办的线索才能分办。"))
    target = _assign_target_check(locked, to_agency)
    before = locked.agency
    locked.agency, locked.routed_from, locked.state = target, before, Lead.State.PENDING
    locked.state_reason = reason[:500]
    locked.save(update_fields=["agency", "routed_from", "state", "state_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.LEAD_ASSIGNED,
        target=locked,
        agency=before,
        changes={"agency": [before.pk, target.pk], "state": [Lead.State.TRIAGE, locked.state]},
        data={"from": str(before), "to": str(target), "reason": reason[:500]},
    )
    _handlers_notify(locked, target, key=f"assigned:{target.pk}", title=_("收到分办的问题线索"))
    return locked


@transaction.atomic
def lead_accept(*, actor, lead: Lead) -> Lead:
    """Take a lead routed or waiting here: its agency verifies it from now on."""
    locked = _lock(lead)
    _require_handler(actor, locked, _("您无权接收该线索。"))
    if locked.state not in (Lead.State.TRIAGE, Lead.State.PENDING):
        raise ConflictError(_("该线索已被接收或已办结。"))
    before = locked.state
    locked.state, locked.state_reason = Lead.State.VERIFYING, ""
    locked.save(update_fields=["state", "state_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.LEAD_ACCEPTED,
        target=locked,
        agency=locked.agency,
        changes={"state": [before, locked.state]},
    )
    return locked


def _send_back_target(locked: Lead) -> tuple[Agency, bool]:
    """Return where a rejected lead goes and whether that is an escalation."""
    if locked.bounce_count >= ESCALATE_AFTER_BOUNCES:
        return routing.escalation_target(locked.agency), True
    if locked.routed_from_id and locked.routed_from_id != locked.agency_id:
        return locked.routed_from, False
    return routing.escalation_target(locked.agency), False


@transaction.atomic
def lead_reject(*, actor, lead: Lead, reason: str) -> Lead:
    """Send a lead routed here back with a reason; the second time, it goes to the parent agency.

    Back to the agency that routed it, which routes it again (or, when nobody did, up one
    level). A lead bounced twice is escalated to the parent agency of the one refusing it, whose
    staff are told: two agencies disagreeing is for the level above to settle.
    """
    errors = Errors()
    reason = clean_reason(reason, errors, message=_("请填写退回理由。"))
    errors.raise_if_any()
    locked = _lock(lead)
    _require_handler(actor, locked, _("您无权退回该线索。"))
    if locked.state != Lead.State.PENDING:
        raise ConflictError(_("只有待接收的线索才能退回。"))
    refusing = locked.agency
    locked.bounce_count += 1
    target, escalated = _send_back_target(locked)
    locked.agency, locked.routed_from = target, None
    locked.state, locked.state_reason = Lead.State.TRIAGE, reason
    locked.escalated = locked.escalated or escalated
    locked.save(
        update_fields=[
            "agency",
            "routed_from",
            "state",
            "state_reason",
            "bounce_count",
            "escalated",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=Action.LEAD_ESCALATED if escalated else Action.LEAD_REJECTED,
        target=locked,
        agency=refusing,
        changes={"agency": [refusing.pk, target.pk], "state": [Lead.State.PENDING, "triage"]},
        data={
            "reason": reason,
            "from": str(refusing),
            "to": str(target),
            "bounces": locked.bounce_count,
        },
    )
    title = _("问题线索经两次退回，已提级至本机构分办") if escalated else _("问题线索被退回")
    _handlers_notify(locked, target, key=f"back:{locked.bounce_count}", title=title)
    return locked


# --------------------------------------------------------------------------- closing


def _closing_refused(locked: Lead) -> None:
    if locked.state not in CLOSABLE_STATES:
        if locked.state == Lead.State.CLOSED:
            raise ConflictError(_("该线索已办结。"))
        raise ConflictError(_("请先接收该线索，再办结。"))
    complaint = getattr(locked, "complaint", None)  # complaints register no import here
    message = complaint.closing_refused() if complaint is not None else None
    if message:
        raise ConflictError(message, fields={"reply": [message]})


def _outcome_links(actor, locked: Lead, outcome: str, case, duplicate_of, errors: Errors):
    """Check the case or lead an outcome points to; return (case, duplicate_of)."""
    from agencies.querysets import VIEW

    if outcome == Lead.Outcome.JOINED_CASE:
        if case is None or not Case.objects.restrict(actor, VIEW).filter(pk=case.pk).exists():
            errors.add("case", _("请选择要并入的案件（须为您有权查看的案件）。"))
            case = None
    elif outcome == Lead.Outcome.DUPLICATE:
        visible = Lead.objects.restrict(actor, VIEW).exclude(pk=locked.pk)
        if duplicate_of is None or not visible.filter(pk=duplicate_of.pk).exists():
            errors.add("duplicate_of", _("请选择与之重复的线索（须为您有权查看的其他线索）。"))
            duplicate_of = None
        elif duplicate_of.duplicate_of_id == locked.pk:
            errors.add("duplicate_of", _("该线索已被登记为本线索的重复线索。"))
    elif outcome == Lead.Outcome.NOT_GUAZHENG and not locked.attachments.exists():
        errors.add("file", _("认定不属于挂证须上传证明材料（如退休证、劳动合同）。"))
    return case, duplicate_of


def _close(actor, locked: Lead, outcome: str, stored: dict, *, case=None, duplicate_of=None):
    before = locked.state
    locked.state, locked.outcome = Lead.State.CLOSED, outcome
    locked.case, locked.duplicate_of = case, duplicate_of
    for name, value in stored.items():
        setattr(locked, name, value)
    locked.closed_at, locked.closed_by = timezone.now(), actor
    locked.save()
    audit_record(
        actor=actor,
        action=Action.LEAD_CLOSED,
        target=locked,
        agency=locked.agency,
        changes={"state": [before, locked.state], "outcome": [None, outcome]},
        data={
            **{k: v for k, v in stored.items() if v},
            "case": case.reference if case else "",
            "duplicate_of": duplicate_of.reference if duplicate_of else "",
        },
    )
    return locked


@transaction.atomic
def lead_close(
    *,
    actor,
    lead: Lead,
    outcome: str,
    case: Case | None = None,
    duplicate_of: Lead | None = None,
    **fields,
) -> Lead:
    """Close a lead with its outcome (any but ``case_opened``, which ``lead_open_case`` does).

    ``fields``: ``reason``, ``exemption``, ``proof_kind``, ``referred_to`` as the outcome needs.
    """
    locked = _lock(lead)
    _require_handler(actor, locked, _("您无权办结该线索。"))
    _closing_refused(locked)
    errors = Errors()
    if outcome == Lead.Outcome.CASE_OPENED:
        errors.add("outcome", _("立案请使用“立案”操作，由线索生成案件。"))
    elif outcome not in Lead.Outcome.values:
        errors.add("outcome", _("请选择办理结果。"))
    errors.raise_if_any()
    stored = clean_outcome_fields(outcome, fields, errors)
    case, duplicate_of = _outcome_links(actor, locked, outcome, case, duplicate_of, errors)
    errors.raise_if_any()
    return _close(actor, locked, outcome, stored, case=case, duplicate_of=duplicate_of)


def case_payload(lead: Lead) -> dict:
    """Return the case a lead would open, as ``cases.services.case_create``'s payload.

    Persons known only by name cannot be parties of a case (a case names them by document);
    verification finds their numbers first. The insurance unit is where the person works.
    """
    persons = []
    for item in lead.persons.select_related(
        "person", "certificate__certificate_type", "registered_unit", "insurance_unit"
    ):
        if item.person is None:
            continue
        entry = {
            "name": item.name,
            "id_type": item.person.id_type,
            "id_number": item.person.id_number,
        }
        if item.certificate is not None:
            kind = item.certificate.certificate_type
            entry["certificate"] = {
                "category": kind.category,
                "level": kind.level,
                "specialty": kind.specialty,
                "number": item.certificate.number,
            }
        for name, unit in (
            ("registered_unit", item.registered_unit),
            ("actual_unit", item.insurance_unit),
        ):
            if unit is not None:
                entry[name] = {"name": unit.name, "uscc": unit.uscc or ""}
        persons.append(entry)
    units = {u.role: u.unit for u in lead.units.select_related("unit")}
    as_dict = {r: {"name": u.name, "uscc": u.uscc or ""} for r, u in units.items()}
    return {
        "source": CASE_SOURCES[lead.source],
        "violations": list(lead.violations),
        "opened_on": timezone.localdate(),
        "summary": _("由问题线索%(ref)s立案。\n%(text)s")
        % {"ref": lead.reference, "text": lead.text},
        "persons": persons,
        "certificate_user_unit": as_dict.get(LeadUnit.Role.CERTIFICATE_USER),
        "hr_agency": as_dict.get(LeadUnit.Role.HR_AGENCY),
        "campaign": lead.campaign,
    }


@transaction.atomic
def lead_open_case(*, actor, lead: Lead, reason: str = "", **case_fields) -> Lead:
    """Open a case from a lead (prefilled from it, ``case_fields`` overriding) and close the lead.

    The lead's row is locked first: of two attempts at once, the second waits, finds the lead
    closed and is refused, so a lead opens exactly one case.
    """
    locked = _lock(lead)
    _require_handler(actor, locked, _("您无权办结该线索。"))
    _closing_refused(locked)
    payload = {**case_payload(locked), **case_fields}
    case = case_create(actor=actor, agency=locked.agency, **payload)
    stored = {"outcome_reason": reason[:2000]}
    return _close(actor, locked, Lead.Outcome.CASE_OPENED, stored, case=case)


# --------------------------------------------------------------------------- files


def files_discard(names: list[str]) -> None:
    """Delete the just-stored lead files no lead refers to (after a failed transaction)."""
    discard(names, LeadAttachment)


def lead_add_file(*, actor, lead: Lead, uploaded_file, description: str = "") -> LeadAttachment:
    """Attach a file to a lead, deleting it again if anything after its write fails."""
    stored: list[str] = []
    try:
        return _attach(actor, lead, uploaded_file, description, stored, check=True)
    except BaseException:
        files_discard(stored)
        raise


def attachment_write(*, actor, lead: Lead, uploaded_file, description: str, stored: list):
    """Write a checked upload for ``lead`` inside the caller's transaction (public intake)."""
    return _attach(actor, lead, uploaded_file, description, stored, check=False)


@transaction.atomic
def _attach(actor, lead: Lead, uploaded_file, description: str, stored: list, *, check: bool):
    if check:
        locked = _lock(lead)
        _require_handler(actor, locked, _("您无权为该线索上传材料。"))
        if locked.state == Lead.State.CLOSED:
            raise ConflictError(_("已办结的线索不能再上传材料。"))
    attachment = file_store(
        LeadAttachment,
        uploaded_file=uploaded_file,
        description=description,
        actor=actor,
        stored=stored,
        lead=lead,
    )
    audit_record(
        actor=actor,
        action=Action.LEAD_ATTACHED,
        target=lead,
        agency=lead.agency,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment


def overdue_on(day: datetime.date):
    """Return the open leads whose deadline has passed by ``day`` (for the beat tasks)."""
    return Lead.objects.exclude(state=Lead.State.CLOSED).filter(deadline__lt=day)
