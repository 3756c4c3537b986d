"""The lead and complaint registers as Excel (登记台账): the list's rows for its filters, masked
as the list masks them, and never who complained (not even for the handling agency: a file
travels further than a page)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone

from agencies import permissions
from agencies.querysets import memberships_of
from cases.identifiers import mask_id_number
from leads.models import Lead

HEADERS = [
    "线索编号", "线索来源", "收到日期", "承办机构", "状态", "办理期限", "是否逾期", "涉及人员",
    "证件号码", "涉及单位", "反映的问题", "办理结果", "案件编号", "比对规则",
]  # fmt: skip
TEXT_COLUMNS = (0, 8, 12)
WIDTHS = (24, 12, 12, 26, 10, 12, 8, 12, 22, 30, 24, 16, 22, 16)
CHUNK = 500


def scope_label(user, query: QueryDict) -> str:
    """Return the file name's place and day (锦江区_2026-11-29)."""
    memberships = memberships_of(user)
    place = memberships[0].agency.region.name if memberships else "全省"
    return f"{place}_{timezone.localdate().isoformat()}"


def export_labels() -> dict:
    from cases.models import Case

    return {
        "source": {k: str(v) for k, v in Lead.Source.choices},
        "state": {k: str(v) for k, v in Lead.State.choices},
        "outcome": {k: str(v) for k, v in Lead.Outcome.choices},
        "violation": {k: str(v) for k, v in Case.Violation.choices},
    }


def lead_row(lead: Lead, unmask: bool, labels: dict, today) -> list:
    """Return one lead as a row of the register (no complainant)."""
    persons = list(lead.persons.all())
    numbers = [p.person.id_number if p.person_id else "" for p in persons]
    overdue = lead.is_open and lead.deadline < today
    return [
        lead.reference,
        labels["source"].get(lead.source, lead.source),
        lead.received_on,
        lead.agency.name,
        labels["state"].get(lead.state, lead.state),
        lead.deadline,
        "是" if overdue else "",
        "\n".join(p.name for p in persons),
        "\n".join(n if unmask else mask_id_number(n) for n in numbers if n),
        "\n".join(u.unit.name for u in lead.units.all()),
        "、".join(labels["violation"].get(v, v) for v in lead.violations),
        labels["outcome"].get(lead.outcome, lead.outcome),
        lead.case.reference if lead.case_id else "",
        lead.rule,
    ]


def _rows(user, ids: list[int], queryset):
    writable = set(permissions.writable_agency_ids(user))
    labels, today = export_labels(), timezone.localdate()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {
            lead.pk: lead
            for lead in queryset.filter(pk__in=chunk)
            .select_related("agency", "case")
            .prefetch_related("persons__person", "units__unit")
        }
        for pk in chunk:
            lead = by_id[pk]
            unmask = user.is_superuser or lead.agency_id in writable
            yield lead_row(lead, unmask, labels, today)


def export_rows(user, query: QueryDict):
    """Return (count, rows) of the filtered lead list as ``user`` sees it."""
    from leads import selectors
    from leads.forms import LeadFilterForm

    base = (
        selectors.leads_in_triage(user=user)
        if query.get("tab") == "mine"
        else selectors.lead_list(user=user)
    )
    form = LeadFilterForm(query or None, user=user)
    queryset = form.apply(base)
    if form.value("q"):
        queryset = selectors.lead_search(queryset, user=user, q=form.value("q"))
    ids = list(queryset.order_by("-received_on", "-id").values_list("pk", flat=True))
    return len(ids), _rows(user, ids, selectors.lead_list(user=user))
