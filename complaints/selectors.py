"""Reads of the complaint register: the staff list and page (through the leads' visibility
rule), and the public status answer, which tells nothing without the right code."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from agencies.querysets import VIEW
from cases.validation import CONTROL_CHARACTERS
from complaints.models import Complaint
from complaints.services import query_digest
from core.errors import NotFoundError
from leads.models import Lead
from leads.selectors import lead_list_rows

PUBLIC_STATES = {
    Lead.State.TRIAGE: _("已受理，正在分办"),
    Lead.State.PENDING: _("已受理，正在分办"),
    Lead.State.VERIFYING: _("正在核查"),
    Lead.State.CLOSED: _("已办结"),
}


def complaint_list_rows(*, user, action: str = VIEW) -> QuerySet[Complaint]:
    """Return the complaints ``user`` may see (those of the leads they may see), newest first,
    with what a list row shows: the lead and its agency (issue 14). The persons come from
    ``leads.selectors.with_list_persons`` after paging."""
    leads = lead_list_rows(user=user, action=action)
    return (
        Complaint.objects.filter(lead__in=leads.values("pk"))
        .select_related("lead__agency")
        .order_by("-received_at", "-pk")
    )


def complaint_list(*, user, action: str = VIEW) -> QuerySet[Complaint]:
    """``complaint_list_rows`` with what one complaint's page shows too: the lead's region,
    department and case."""
    return complaint_list_rows(user=user, action=action).select_related(
        "lead__agency__region", "lead__agency__department", "lead__case"
    )


def complaint_get(*, user, pk, action: str = VIEW) -> Complaint:
    """Return one complaint in ``user``'s scope (else 404)."""
    try:
        return complaint_list(user=user, action=action).get(pk=int(pk))
    except (Complaint.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该投诉举报。")) from exc


@dataclass(frozen=True)
class PublicStatus:
    receipt: str
    state: str
    reply: str
    replied_on: object


def complaint_public_status(*, receipt: str, code: str) -> PublicStatus | None:
    """Return what the public may know of a complaint, or None (unknown receipt or wrong code).

    Both failures answer alike, and the digest is computed in both cases, so neither the answer
    nor its timing tells whether a receipt exists.
    """
    receipt = CONTROL_CHARACTERS.sub("", str(receipt or "")).strip().upper()[:20]
    complaint = (
        Complaint.objects.select_related("lead").filter(receipt=receipt).first()
        if receipt
        else None
    )
    expected = complaint.query_digest if complaint else query_digest("TS-00000000-0000", "x")
    if not constant_time_compare(expected, query_digest(receipt, code)) or complaint is None:
        return None
    reply = complaint.reply_text if complaint.replied_on else ""
    return PublicStatus(
        complaint.receipt, str(PUBLIC_STATES[complaint.lead.state]), reply, complaint.replied_on
    )
