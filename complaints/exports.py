"""The complaint register as Excel: the lead register's columns plus receipt, channel and the
reply; never who complained (a file travels further than the handling agency's page)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone

from agencies import permissions
from complaints.models import Complaint
from leads.exports import HEADERS as LEAD_HEADERS
from leads.exports import WIDTHS as LEAD_WIDTHS
from leads.exports import export_labels, lead_row

HEADERS = ["受理编号", "投诉方式", "匿名", "答复期限", "答复情况", *LEAD_HEADERS]
TEXT_COLUMNS = (0, 5, 13, 17)
WIDTHS = (20, 12, 6, 12, 14, *LEAD_WIDTHS)
CHUNK = 500


def _reply(complaint: Complaint) -> str:
    if complaint.replied_on:
        return f"已答复（{complaint.replied_on.isoformat()}）"
    if complaint.reply_waived_reason:
        return "不予答复"
    return "未答复"


def _rows(user, ids: list[int], queryset):
    writable = set(permissions.writable_agency_ids(user))
    labels, today = export_labels(), timezone.localdate()
    channels = {k: str(v) for k, v in Complaint.Channel.choices}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {
            c.pk: c
            for c in queryset.filter(pk__in=chunk)
            .select_related("lead__agency", "lead__case")
            .prefetch_related("lead__persons__person", "lead__units__unit")
        }
        for pk in chunk:
            complaint = by_id[pk]
            lead = complaint.lead
            unmask = user.is_superuser or lead.agency_id in writable
            yield [
                complaint.receipt,
                channels.get(complaint.channel, complaint.channel),
                "是" if complaint.anonymous else "",
                complaint.reply_due,
                _reply(complaint),
                *lead_row(lead, unmask, labels, today),
            ]


def export_rows(user, query: QueryDict):
    """Return (count, rows) of the filtered complaint list as ``user`` sees it."""
    from complaints import selectors
    from complaints.forms import ComplaintFilterForm
    from leads import selectors as lead_selectors

    form = ComplaintFilterForm(query or None, user=user)
    queryset = form.apply_complaint(selectors.complaint_list(user=user))
    if form.value("q"):
        leads = lead_selectors.lead_search(
            lead_selectors.lead_list(user=user), user=user, q=form.value("q")
        )
        queryset = queryset.filter(lead__in=leads.values("pk"))
    ids = list(queryset.order_by("-received_at", "-pk").values_list("pk", flat=True))
    return len(ids), _rows(user, ids, selectors.complaint_list(user=user))
