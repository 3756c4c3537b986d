"""Writes of the complaint register: register a complaint (staff, or the public front door),
record the reply or why none is owed. The lead underneath goes through ``leads.services``."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, ComplaintChannel, Department, Region
from audit.actions import Action
from audit.services import audit_record
from cases.validation import CONTROL_CHARACTERS, Errors, clean_reason
from complaints.models import Complaint, ComplaintSequence
from complaints.validation import clean_complainant, clean_received_at, clean_reply
from core.errors import ConflictError, NotFoundError, PermissionDeniedError
from core.sequences import next_in_series
from leads import routing
from leads.models import Lead
from leads.services import Route, attachment_write, files_discard, lead_write, route_new
from leads.validation import clean_choice, clean_lead

# Letters and digits that cannot be mistaken for one another when read out on the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_PUBLIC_FILES = 3


def query_digest(receipt: str, code: str) -> str:
    """Return the stored digest of a receipt's query code (the code itself is never kept)."""
    normalized = str(code or "").strip().upper()
    return salted_hmac("complaints.query_code", f"{receipt}:{normalized}").hexdigest()


def _receipt(day) -> str:
    number = next_in_series(ComplaintSequence, day=day)
    return f"TS-{day:%Y%m%d}-{number:04d}"


def _complaint_write(*, actor, lead: Lead, channel: str, received_at, who, published=None):
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    receipt = _receipt(timezone.localtime(received_at).date())
    complaint = Complaint.objects.create(
        lead=lead,
        receipt=receipt,
        channel=channel,
        published_channel=published,
        received_at=received_at,
        anonymous=who.anonymous,
        complainant_name=who.name,
        complainant_phone=who.phone,
        complainant_contact=who.contact,
        query_digest=query_digest(receipt, code),
        reply_due=lead.deadline,
    )
    audit_record(
        actor=actor,
        action=Action.COMPLAINT_REGISTERED,
        target=lead,
        agency=lead.agency,
        # The complainant is not written to the log: the log is read more widely than the
        # complaint, and their identity stays with the handling agency.
        data={"receipt": receipt, "channel": channel, "anonymous": who.anonymous},
    )
    return complaint, code


def _published_channel(value, errors: Errors) -> ComplaintChannel | None:
    if value in (None, ""):
        return None
    channel = ComplaintChannel.objects.filter(pk=int(value) if str(value).isdigit() else None)
    found = channel.first()
    if found is None:
        errors.add("published_channel", _("未知的投诉举报渠道。"))
    return found


@transaction.atomic
def complaint_register(*, actor, agency: Agency, **fields) -> tuple[Complaint, str]:
    """Register a complaint received by ``agency`` (by phone, letter, visit …) and route it.

    ``fields``: ``channel``, ``received_at``, ``published_channel``, ``anonymous``, ``name``,
    ``phone``, ``contact`` and the lead's ``text``, ``violations``, ``persons``, ``units``.
    Return the complaint and its query code, which is shown once (for the caller).
    """
    if not permissions.user_can_register_lead(user=actor, agency=agency):
        raise NotFoundError(
            _("未找到该机构，或您无权为其登记投诉举报。"),
            fields={"agency": [_("无权为该机构登记投诉举报。")]},
        )
    errors = Errors()
    channel = clean_choice(
        fields.get("channel"), "channel", Complaint.Channel.choices, errors, label=_("投诉方式")
    )
    received_at = clean_received_at(fields.get("received_at"), errors)
    published = _published_channel(fields.get("published_channel"), errors)
    who = clean_complainant(fields, errors)
    lead_fields = {**fields, "source": Lead.Source.COMPLAINT}
    lead_fields["received_on"] = timezone.localtime(received_at).date() if received_at else None
    cleaned = clean_lead(lead_fields, errors, actor)
    errors.raise_if_any()
    lead = lead_write(actor=actor, intake=agency, cleaned=cleaned, route=route_new(cleaned, agency))
    return _complaint_write(
        actor=actor,
        lead=lead,
        channel=channel,
        received_at=received_at,
        who=who,
        published=published,
    )


def public_intake_agency(department: str, region: str, errors: Errors) -> Agency | None:
    """Return the agency a public complaint lands at: the named department's for the region."""
    code = CONTROL_CHARACTERS.sub("", str(department or "")).strip().upper()[:4]
    known = Department.objects.filter(code=code, kind=Department.Kind.REPORTING).exists()
    if not known:
        errors.add("department", _("请选择受理部门。"))
    found = Region.objects.filter(
        code=CONTROL_CHARACTERS.sub("", str(region or "")).strip()[:12]
    ).first()
    if found is None:
        errors.add("region", _("请选择所在地区。"))
    return routing.agency_for(code, found) if known and found else None


def complaint_submit_public(*, files=(), **fields) -> tuple[Complaint, str]:
    """File a complaint from the public front door; return it and its secret query code.

    It lands in the triage queue of the named department's agency for the region, whose staff
    route or accept it. Attached files are checked by content like any evidence; a refused file
    refuses the whole complaint, and nothing is kept.
    """
    stored: list[str] = []
    try:
        return _submit_public(files=list(files), stored=stored, fields=fields)
    except BaseException:
        files_discard(stored)
        raise


@transaction.atomic
def _submit_public(*, files: list, stored: list, fields: dict) -> tuple[Complaint, str]:
    errors = Errors()
    agency = public_intake_agency(fields.get("department"), fields.get("region"), errors)
    who = clean_complainant(fields, errors)
    if len(files) > MAX_PUBLIC_FILES:
        errors.add("files", _("最多上传%(n)d个文件。") % {"n": MAX_PUBLIC_FILES})
    lead_fields = {
        "source": Lead.Source.COMPLAINT,
        "received_on": timezone.localdate(),
        "text": fields.get("text"),
        "persons": fields.get("persons"),
        "units": fields.get("units"),
        "violations": fields.get("violations"),
    }
    cleaned = clean_lead(lead_fields, errors)
    errors.raise_if_any()
    route = Route(agency, Lead.State.TRIAGE, None)
    lead = lead_write(actor=None, intake=agency, cleaned=cleaned, route=route)
    complaint, code = _complaint_write(
        actor=None, lead=lead, channel=Complaint.Channel.WEB, received_at=timezone.now(), who=who
    )
    for index, upload in enumerate(files):
        try:
            attachment_write(
                actor=None, lead=lead, uploaded_file=upload, description="", stored=stored
            )
        except Exception as exc:
            messages = getattr(exc, "fields", None) or {}
            first = next(iter(messages.values()), [str(exc)])[0]
            message = _("第%(n)d个文件：%(m)s") % {"n": index + 1, "m": first}
            raise type(exc)(message, fields={"files": [message]}) from exc
    return complaint, code


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("lead__agency")
        .get(pk=complaint.pk)
    )


def _require(actor, complaint: Complaint) -> None:
    if not permissions.user_can_handle_lead(user=actor, lead=complaint.lead):
        raise PermissionDeniedError(_("您无权答复该投诉举报。"))
    if complaint.lead.state == Lead.State.CLOSED:
        raise ConflictError(_("该投诉举报已办结，不能再修改答复。"))


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, **fields) -> Complaint:
    """Record the reply given to the complainant (``replied_on``, ``channel``, ``text``).

    The reply's text is what the status page shows to whoever holds the receipt and code.
    """
    locked = _lock(complaint)
    _require(actor, locked)
    errors = Errors()
    cleaned = clean_reply(fields, errors)
    errors.raise_if_any()
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.reply_waived_reason, locked.replied_by = "", actor
    locked.save()
    audit_record(
        actor=actor,
        action=Action.COMPLAINT_REPLIED,
        target=locked.lead,
        agency=locked.lead.agency,
        data={"replied_on": cleaned["replied_on"], "channel": cleaned["reply_channel"]},
    )
    return locked


@transaction.atomic
def complaint_waive_reply(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Record why no reply is owed (anonymous without contact, withdrawn …)."""
    locked = _lock(complaint)
    _require(actor, locked)
    errors = Errors()
    reason = clean_reason(reason, errors, message=_("请填写不予答复的理由。"))
    errors.raise_if_any()
    locked.reply_waived_reason, locked.replied_by = reason[:500], actor
    locked.save(update_fields=["reply_waived_reason", "replied_by"])
    audit_record(
        actor=actor,
        action=Action.COMPLAINT_REPLY_WAIVED,
        target=locked.lead,
        agency=locked.lead.agency,
        data={"reason": reason[:500]},
    )
    return locked
