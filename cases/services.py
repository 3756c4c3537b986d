"""Writes to the case register: entry, edits, the workflow, decisions and evidence.

Each service asks ``agencies.permissions`` whether the actor may act, validates its whole input
through ``cases.validation`` before writing anything, runs in one transaction and records its
audit event there. Refusals are domain errors (``core.errors``) with Chinese messages and
``fields`` keyed by path (``persons[0].id_number``); the callers choose how to answer them.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency
from audit.actions import Action
from audit.services import audit_count, audit_record, snapshot
from cases import bulk, decisions, validation
from cases.decisions import add_years  # noqa: F401 — part of this module's interface
from cases.entry import (
    case_build,
    created_audit,
    duplicate_notice,
    name_differs_audit,
    name_differs_notice,
    reference_of,
)
from cases.evidence import evidence_store, files_discard
from cases.identifiers import canonical_text, mask_id_number
from cases.models import (
    Case,
    CaseLink,
    CaseSequence,
    Decision,
    Evidence,
    Person,
    Unit,
)
from cases.parties import (
    agencies_sharing,
    case_state,
    changed_fields,
    parties_sync,
    refuse_decided_changes,
    shared_changes_record,
    unit_resolve,
)
from cases.selectors import case_duplicates, case_is_visible, transfer_targets
from core.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from core.sequences import next_number
from notifications.services import notification_send, notification_send_many

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- shared steps


def _require(actor, case: Case, allowed: bool, message: str) -> None:
    """Refuse unless ``allowed``: 404 when the actor cannot even see the case, else 403."""
    if allowed:
        return
    if not case_is_visible(user=actor, case=case):
        raise NotFoundError(_("未找到该案件。"))
    raise PermissionDeniedError(message)


def _require_change(actor, case: Case, message: str) -> None:
    _require(actor, case, permissions.user_can_change_case(user=actor, case=case), message)


def _lock(case: Case) -> Case:
    """Return the case row locked for this transaction, so concurrent transitions serialise.

    The lock is taken on the case alone, without a join: a waiter that PostgreSQL re-checks after
    the holder moved the case to another agency would otherwise compare the new row with the
    old agency row it joined, find no row at all and fail with DoesNotExist instead of seeing
    the new state (and answering 409).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.agency = Agency.objects.select_related("department", "region").get(pk=locked.agency_id)
    return locked


def _refresh(case: Case, locked: Case) -> None:
    """Bring the caller's instance up to the state written through ``locked``."""
    if case is not locked:
        case.refresh_from_db()
        case.__dict__.pop("_prefetched_objects_cache", None)


def _state_error(message: str) -> ConflictError:
    return ConflictError(message, fields={"status": [message]})


def _no_pending_transfer(case: Case) -> None:
    if case.transfer_to_id:
        raise _state_error(_("案件正在移交中，请等待接收方接收或退回。"))


def _transition(case: Case, actor, *, action: str, status: str, data: dict | None = None) -> None:
    before = case.status
    case.status = status
    case.save(update_fields=["status", "closed_at", "decided_on", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=case,
        agency=case.agency,
        changes={"status": [before, status]},
        data=data,
    )


def _notify_key(prefix: str, *parts) -> str:
    """Return a notification key unique to this moment (a transfer may be offered again later)."""
    return ":".join([prefix, *map(str, parts), f"{timezone.now():%Y%m%d%H%M%S%f}"])


# --------------------------------------------------------------------------- entry and edits


def _next_reference(agency: Agency, year: int) -> str:
    """Issue the next reference of ``agency`` in ``year``."""
    return reference_of(agency, year, next_number(CaseSequence, agency_id=agency.pk, year=year))


def _link_duplicates(case: Case) -> int:
    """Link the case to the cases sharing its persons or units; notify their agencies once."""
    duplicates = case_duplicates(case=case)
    if not duplicates:
        return 0
    links = {(d.other_case_id, d.kind) for d in duplicates}
    CaseLink.objects.bulk_create(
        [CaseLink(from_case=case, to_case_id=other, kind=kind) for other, kind in links],
        ignore_conflicts=True,
    )
    # One notification per other agency (not per case), and none to the registering agency,
    # whose clerk sees the notice on the case page already.
    others = (
        Case.objects.filter(pk__in={d.other_case_id for d in duplicates})
        .exclude(agency=case.agency)
        .order_by("agency_id", "reference")
    )
    by_agency: dict[int, list[Case]] = {}
    for other in others:
        by_agency.setdefault(other.agency_id, []).append(other)
    notices = []
    for agency_id, cases in by_agency.items():
        ids = {c.pk for c in cases}
        subjects = sorted({d.subject for d in duplicates if d.other_case_id in ids})
        staff = permissions.agency_staff([agency_id], permissions.WRITE_ROLES)
        notices.append(duplicate_notice(case, agency_id, cases, subjects, staff))
    notification_send_many(notices)
    return len(links)


def _name_differences_record(case: Case, persons: list, actor) -> None:
    """Record each person entered under a name other than the registered one, and tell the
    agencies of that person's other cases (the clerk was told nothing: no name oracle)."""
    for data in persons:
        if not data.name_differs:
            continue
        person = Person.objects.get(id_type=data.id_type, id_number=data.id_number)
        audit_record(actor=actor, **name_differs_audit(case, person))
        others = agencies_sharing(Person, [person.pk], besides=case.agency)[person.pk]
        notification_send_many(
            [
                name_differs_notice(
                    case,
                    person,
                    agency_id,
                    permissions.agency_staff([agency_id], permissions.WRITE_ROLES),
                )
                for agency_id in sorted(others)
            ]
        )


@transaction.atomic
def case_create(
    *,
    actor,
    agency: Agency,
    source: str,
    violations: list[str],
    opened_on,
    summary: str = "",
    persons: list[dict],
    certificate_user_unit: dict | None = None,
    hr_agency: dict | None = None,
    campaign=None,
) -> Case:
    """Register a case with its persons and units; link it to cases sharing them.

    The case belongs to ``campaign`` (a campaign, its code or id) or, when none is named, to the
    campaign running on its opening date."""
    if not permissions.user_can_enter_case(user=actor, agency=agency):
        raise NotFoundError(
            _("未找到该机构，或您无权为其登记案件。"),
            fields={"agency": [_("无权为该机构登记案件。")]},
        )
    fields = {
        "source": source,
        "violations": violations,
        "opened_on": opened_on,
        "summary": summary,
        "persons": persons,
        "certificate_user_unit": certificate_user_unit,
        "hr_agency": hr_agency,
    }
    cleaned, in_campaign = validation.clean_new_case(fields, campaign, actor)
    shared: list = []
    case = case_build(
        agency=agency, cleaned=cleaned, campaign=in_campaign, actor=actor, shared=shared
    )
    case.reference = _next_reference(agency, cleaned["opened_on"].year)
    case.save(force_insert=True)
    parties_sync(case, cleaned["persons"], shared)
    shared_changes_record(case, shared, actor)
    _name_differences_record(case, cleaned["persons"], actor)
    linked = _link_duplicates(case)
    audit_record(actor=actor, **created_audit(case, case_state(case), linked))
    return case


@transaction.atomic
def case_create_many(
    *, actor, agency: Agency, payloads: list[dict], on_progress=None
) -> list[Case]:
    """Register many cases at once (an import), exactly as ``case_create`` one after the other.

    Each payload holds ``case_create``'s keywords. Every case is checked by the same rules, the
    file's earlier cases counting for the later ones, before anything is written; then the
    persons, units, certificates, cases, parties, links, audit events and notices are written
    set-based (``cases.bulk``). Refused cases raise ``BatchError`` (each case's own error by its
    index) and nothing is written. ``on_progress(cases_done)`` is told as the cases are checked.
    """
    if not permissions.user_can_enter_case(user=actor, agency=agency):
        raise NotFoundError(
            _("未找到该机构，或您无权为其登记案件。"),
            fields={"agency": [_("无权为该机构登记案件。")]},
        )
    checked = bulk.cases_check(
        actor=actor, agency=agency, payloads=payloads, on_progress=on_progress
    )
    return bulk.cases_write(actor=actor, agency=agency, checked=checked)


@transaction.atomic
def case_update(*, actor, case: Case, **fields) -> Case:
    """Change the editable fields of a case that is not closed."""
    unknown = sorted(set(fields) - set(validation.EDITABLE_FIELDS))
    if unknown:
        raise DomainError(
            _("以下字段不可修改：%(f)s。") % {"f": "、".join(unknown)},
            fields={name: [_("不可修改。")] for name in unknown},
        )
    locked = _lock(case)
    _require_change(actor, locked, _("您无权修改该案件。"))
    if locked.status == Case.Status.CLOSED:
        raise _state_error(_("已结案的案件不能修改；如需修改请先由审核员重新打开。"))
    errors = validation.Errors()
    cleaned = validation.clean_case_fields(fields, errors, actor)
    if cleaned.get("opened_on"):
        validation.check_campaign_day(locked.campaign, cleaned["opened_on"], errors)
    validation.check_some_party(
        cleaned["persons"] if "persons" in cleaned else list(locked.parties.all()),
        cleaned.get("certificate_user_unit", locked.certificate_user_unit),
        cleaned.get("hr_agency", locked.hr_agency),
        errors,
    )
    errors.raise_if_any()
    if locked.status == Case.Status.DECIDED:
        refuse_decided_changes(locked, cleaned)
    if changed_fields(locked, cleaned):  # nothing changed: nothing written, nothing audited
        _case_apply(locked, cleaned, actor)
    _refresh(case, locked)
    return case


def _case_apply(locked: Case, cleaned: dict, actor) -> None:
    """Write an edit's cleaned fields, its parties and shared rows, and the audit event."""
    before, shared = case_state(locked), []
    for name in ("source", "violations", "opened_on", "summary"):
        if name in cleaned:
            setattr(locked, name, cleaned[name])
    if "certificate_user_unit" in cleaned:
        locked.certificate_user_unit = unit_resolve(cleaned["certificate_user_unit"], shared=shared)
    if "hr_agency" in cleaned:
        locked.hr_agency = unit_resolve(
            cleaned["hr_agency"], kind=Unit.Kind.HR_AGENCY, shared=shared
        )
    locked.save()
    if "persons" in cleaned:
        parties_sync(locked, cleaned["persons"], shared)
        _name_differences_record(locked, cleaned["persons"], actor)
    shared_changes_record(locked, shared, actor)
    after = case_state(locked)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor,
            action=Action.CASE_UPDATED,
            target=locked,
            agency=locked.agency,
            changes=changes,
        )
    if {"persons", "certificate_user_unit", "hr_agency"} & cleaned.keys():
        _link_duplicates(locked)


# --------------------------------------------------------------------------- workflow


@transaction.atomic
def case_start_investigation(*, actor, case: Case) -> Case:
    """Move a registered case into investigation."""
    locked = _lock(case)
    _require_change(actor, locked, _("您无权处理该案件。"))
    _no_pending_transfer(locked)
    if locked.status != Case.Status.REGISTERED:
        raise _state_error(_("只有已登记的案件才能开始调查。"))
    _transition(
        locked, actor, action=Action.CASE_INVESTIGATION_STARTED, status=Case.Status.INVESTIGATING
    )
    _refresh(case, locked)
    return case


def case_decide(
    *,
    actor,
    case: Case,
    decided_on,
    outcomes: list[dict] | None = None,
    document_number: str = "",
    penalty_text: str = "",
    deciding_agency=None,
    referred_to_issuer: bool = False,
    issuer: str = "",
    **case_wide,
) -> Decision:
    """Record the decision: each party's outcome, measures and proofs, and the certificates.

    ``outcomes`` names one outcome per party (see ``cases.validation.decision``); without it the
    case-wide keywords of the first API (``outcome``, ``measures``, ``exemption``,
    ``self_corrected``, ``self_correction_text``, ``proofs``, ``fine_amount``,
    ``rectify_deadline``, ``revoked_on``) give every person the same outcome. Files uploaded as
    proofs are stored as the case's evidence; if anything fails they are deleted again.
    """
    data = {
        **case_wide,
        "decided_on": decided_on,
        "outcomes": outcomes,
        "document_number": document_number,
        "penalty_text": penalty_text,
        "deciding_agency": deciding_agency,
        "referred_to_issuer": referred_to_issuer,
        "issuer": issuer,
    }
    stored: list[str] = []
    try:
        return _decide(actor=actor, case=case, data=data, stored=stored)
    except BaseException:
        files_discard(stored)  # the transaction is over: only this attempt's files go
        raise


@transaction.atomic
def _decide(*, actor, case: Case, data: dict, stored: list[str]) -> Decision:
    locked = _lock(case)
    _require_change(actor, locked, _("您无权录入该案件的处理决定。"))
    _no_pending_transfer(locked)
    if locked.status not in (Case.Status.REGISTERED, Case.Status.INVESTIGATING):
        raise _state_error(_("该案件已有处理决定；如需变更请先由审核员重新打开。"))
    parties = list(locked.parties.select_related("person", "certificate").order_by("position"))
    cleaned = validation.clean_decision(locked, parties, data)

    decision = decisions.decision_record(locked, cleaned, actor)
    outcomes = decisions.outcomes_record(decision, cleaned, actor=actor, stored=stored)
    certificates = decisions.certificates_apply(cleaned)
    _transition(
        locked,
        actor,
        action=Action.CASE_DECIDED,
        status=Case.Status.DECIDED,
        data={
            "decision": snapshot(decision),
            "outcomes": decisions.outcomes_summary(outcomes),
            "certificates": certificates,
        },
    )
    _refresh(case, locked)
    return decision


@transaction.atomic
def case_close(*, actor, case: Case, reason: str = "") -> Case:
    """Close a decided case."""
    locked = _lock(case)
    _require_change(actor, locked, _("您无权结案。"))
    _no_pending_transfer(locked)
    if locked.status != Case.Status.DECIDED:
        raise _state_error(_("只有已作出处理决定的案件才能结案。"))
    locked.closed_at = timezone.now()
    _transition(
        locked,
        actor,
        action=Action.CASE_CLOSED,
        status=Case.Status.CLOSED,
        data={"reason": str(reason or "").strip()},
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """Reopen a decided or closed case for investigation; its decision is withdrawn.

    The withdrawn decision and measures are kept in the audit event; certificates revoked or
    deregistered by it return to registered.
    """
    locked = _lock(case)
    allowed = permissions.user_can_reopen_case(user=actor, case=locked)
    _require(actor, locked, allowed, _("只有审核员可以重新打开案件。"))
    if locked.status not in (Case.Status.DECIDED, Case.Status.CLOSED):
        raise _state_error(_("只有已作出处理决定或已结案的案件才能重新打开。"))
    errors = validation.Errors()
    reason = validation.clean_reason(reason, errors, message=_("请填写重新打开的理由。"))
    errors.raise_if_any()
    withdrawn = decisions.decision_withdraw(locked)
    locked.closed_at = None
    _transition(
        locked,
        actor,
        action=Action.CASE_REOPENED,
        status=Case.Status.INVESTIGATING,
        data={"reason": reason, "withdrawn": withdrawn},
    )
    _refresh(case, locked)
    return case


# --------------------------------------------------------------------------- transfers


@transaction.atomic
def case_transfer(*, actor, case: Case, to_agency: Agency, reason: str) -> Case:
    """Offer the case to another agency; it stays with its owner until accepted."""
    locked = _lock(case)
    _require_change(actor, locked, _("您无权移交该案件。"))
    _no_pending_transfer(locked)
    if locked.status == Case.Status.CLOSED:
        raise _state_error(_("已结案的案件不能移交。"))
    if locked.status == Case.Status.DECIDED:
        # The decision and its month's 附件1 row belong to the deciding agency; moving the case
        # would make the receiver report the same person again.
        raise _state_error(_("已作出处理决定的案件不能移交，如需移交请先重新办理。"))
    errors = validation.Errors()
    if to_agency is None or not to_agency.is_active:
        errors.add("to_agency", _("请选择接收机构。"))
    elif to_agency.pk == locked.agency_id:
        errors.add("to_agency", _("不能移交给本机构。"))
    elif not transfer_targets(case=locked).filter(pk=to_agency.pk).exists():
        # Supervising bureaus and the ministry read; nobody there could accept it.
        errors.add("to_agency", _("只能移交给报送部门（住建、人社、交通、水利、通信）的机构。"))
    reason = validation.clean_reason(reason, errors, message=_("请填写移交理由。"))
    errors.raise_if_any()
    locked.transfer_to, locked.transfer_reason = to_agency, reason
    locked.save(update_fields=["transfer_to", "transfer_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CASE_TRANSFER_REQUESTED,
        target=locked,
        agency=locked.agency,
        changes={"transfer_to": [None, to_agency.pk]},
        data={"to_agency": to_agency.name, "reason": reason},
    )
    notification_send(
        users=permissions.agency_staff([to_agency.pk], permissions.WRITE_ROLES),
        key=_notify_key("case-transfer", locked.pk, to_agency.pk),
        title=_("%(agency)s向本机构移交案件%(ref)s")
        % {"agency": locked.agency.name, "ref": locked.reference},
        body=reason,
        target=locked,
    )
    _refresh(case, locked)
    return case


def _transfer_withdraw(locked: Case, actor, *, receiver, reason, action, notify, title) -> None:
    """Clear a pending transfer of a locked case, audit it and tell the other side."""
    locked.transfer_to, locked.transfer_reason = None, ""
    locked.save(update_fields=["transfer_to", "transfer_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        agency=locked.agency,
        changes={"transfer_to": [receiver.pk, None]},
        data={"to_agency": receiver.name, "reason": reason},
    )
    notification_send(
        users=permissions.agency_staff([notify.pk], permissions.WRITE_ROLES),
        key=_notify_key(action.replace(".", "-").replace("_", "-"), locked.pk, receiver.pk),
        title=title,
        body=reason,
    )


@transaction.atomic
def case_transfer_cancel(*, actor, case: Case, reason: str = "") -> Case:
    """Withdraw a pending transfer before the receiving agency answers; the case stays put."""
    locked = _lock(case)
    _require_change(actor, locked, _("您无权撤回该案件的移交。"))
    if locked.transfer_to_id is None:
        raise _state_error(_("该案件没有待接收的移交。"))
    receiver = Agency.objects.get(pk=locked.transfer_to_id)
    _transfer_withdraw(
        locked,
        actor,
        receiver=receiver,
        reason=str(reason or "").strip(),
        action=Action.CASE_TRANSFER_CANCELLED,
        notify=receiver,
        title=_("%(agency)s撤回了向本机构移交的案件%(ref)s")
        % {"agency": locked.agency.name, "ref": locked.reference},
    )
    _refresh(case, locked)
    return case


def _receiving(actor, case: Case) -> Agency:
    """Return the agency a pending transfer is offered to, if the actor may answer for it."""
    if case.transfer_to_id is None:
        raise _state_error(_("该案件没有待接收的移交。"))
    allowed = permissions.user_can_receive_transfer(user=actor, case=case)
    _require(actor, case, allowed, _("只有接收机构的录入员或审核员可以接收或退回移交。"))
    return case.transfer_to


@transaction.atomic
def case_transfer_accept(*, actor, case: Case) -> Case:
    """Take over a case offered to the actor's agency."""
    locked = _lock(case)
    receiver = _receiving(actor, locked)
    previous = locked.agency
    locked.agency, locked.transfer_to = receiver, None
    reason, locked.transfer_reason = locked.transfer_reason, ""
    locked.save(update_fields=["agency", "transfer_to", "transfer_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CASE_TRANSFER_ACCEPTED,
        target=locked,
        agency=receiver,
        changes={"agency": [previous.pk, receiver.pk]},
        data={"from_agency": previous.name, "to_agency": receiver.name, "reason": reason},
    )
    notification_send(
        users=permissions.agency_staff([previous.pk], permissions.WRITE_ROLES),
        key=_notify_key("case-transfer-accepted", locked.pk, receiver.pk),
        title=_("%(agency)s已接收移交的案件%(ref)s")
        % {"agency": receiver.name, "ref": locked.reference},
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_transfer_reject(*, actor, case: Case, reason: str) -> Case:
    """Refuse a case offered to the actor's agency, saying why; it stays with its owner."""
    locked = _lock(case)
    receiver = _receiving(actor, locked)
    errors = validation.Errors()
    reason = validation.clean_reason(reason, errors, message=_("请填写退回理由。"))
    errors.raise_if_any()
    _transfer_withdraw(
        locked,
        actor,
        receiver=receiver,
        reason=reason,
        action=Action.CASE_TRANSFER_REJECTED,
        notify=locked.agency,
        title=_("%(agency)s退回了移交的案件%(ref)s")
        % {"agency": receiver.name, "ref": locked.reference},
    )
    _refresh(case, locked)
    return case


@transaction.atomic
def case_join(*, actor, case: Case, other: Case | None) -> CaseLink:
    """Join two related cases (并案/关联); the actor must change one and see the other."""
    _require_change(actor, case, _("您无权关联该案件。"))
    errors = validation.Errors()
    if other is None or not case_is_visible(user=actor, case=other):
        errors.add("other", _("未找到要关联的案件。"))
    elif other.pk == case.pk:
        errors.add("other", _("不能与自身关联。"))
    errors.raise_if_any()
    link = CaseLink.objects.filter(
        from_case__in=(case, other), to_case__in=(case, other), kind=CaseLink.Kind.JOINED
    ).first()
    if link is not None:
        raise _state_error(_("两个案件已经关联。"))
    link = CaseLink.objects.create(from_case=case, to_case=other, kind=CaseLink.Kind.JOINED)
    for target, partner in ((case, other), (other, case)):
        audit_record(
            actor=actor,
            action=Action.CASE_JOINED,
            target=target,
            agency=target.agency,
            data={"other": partner.pk, "other_reference": partner.reference},
        )
    return link


# --------------------------------------------------------------------------- searches


def id_lookup_record(*, user, query: str, source: str) -> None:
    """Record a search by document number in the audit log; refuse one past the user's limit.

    The log keeps the query masked and hashed: enough to tell whether a given number was
    searched, without the log itself becoming a list of numbers.
    """
    limit, seconds = settings.ID_LOOKUP_LIMIT
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    if audit_count(actor=user, action=Action.ID_LOOKUP, since=since) >= limit:
        raise RateLimitedError(
            _("按证件号码查询过于频繁（每%(minutes)d分钟最多%(n)d次），请稍后再试。")
            % {"minutes": seconds // 60, "n": limit}
        )
    text = canonical_text(query)
    audit_record(
        actor=user,
        action=Action.ID_LOOKUP,
        target=user,
        data={
            "source": source,
            "query": mask_id_number(text),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
    )


# --------------------------------------------------------------------------- evidence


def evidence_add(*, actor, case: Case, uploaded_file, description: str = "") -> Evidence:
    """Attach a file to a case after checking its real type and size; store its SHA-256.

    The file is written before its row, so when anything after the write fails (the row, the
    audit event) the transaction is rolled back and the file just written is deleted again.
    """
    stored: list[str] = []
    try:
        return _evidence_create(
            actor=actor,
            case=case,
            uploaded_file=uploaded_file,
            description=description,
            stored=stored,
        )
    except BaseException:
        # The transaction is over here (rolled back to its savepoint when nested), so the
        # reference check reads the state without this upload's row.
        files_discard(stored)
        raise


@transaction.atomic
def _evidence_create(
    *, actor, case: Case, uploaded_file, description: str, stored: list
) -> Evidence:
    locked = _lock(case)  # a concurrent close waits for this upload, or this upload sees it
    _require_change(actor, locked, _("您无权为该案件上传证据材料。"))
    if locked.status == Case.Status.CLOSED:
        raise _state_error(_("已结案的案件不能再上传证据材料。"))
    return evidence_store(
        case=locked,
        uploaded_file=uploaded_file,
        description=description,
        actor=actor,
        stored=stored,
    )
