"""Reads of the lead pipeline: the register (from ``restrict()``), one lead, its history, and
what else the register knows about the same persons and units (within what the user may see)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from agencies.querysets import CHANGE, VIEW
from audit.services import audit_history
from cases.identifiers import canonical_text, mask_id_number
from cases.models import Case, CaseParty
from cases.selectors import complete_document_number, looks_like_number, strip_controls
from core.errors import NotFoundError
from leads.models import Lead, LeadAttachment, LeadPerson, LeadUnit


def lead_list_rows(*, user, action: str = VIEW) -> QuerySet[Lead]:
    """Return the leads ``user`` may see (or change), newest first, with what a list row shows:
    the agency and a complaint's receipt (issue 14). The persons come after paging, from
    ``with_list_persons``."""
    return Lead.objects.restrict(user, action).select_related("agency", "complaint")


def lead_list(*, user, action: str = VIEW) -> QuerySet[Lead]:
    """``lead_list_rows`` with what one lead's page shows too: the agency's region and
    department, the campaign."""
    return lead_list_rows(user=user, action=action).select_related(
        "agency__region", "agency__department", "campaign"
    )


class ListPerson(NamedTuple):
    """A person as a list row shows it; the template picks the full or the masked number."""

    name: str
    id_number: str | None
    masked_id_number: str | None


def with_list_persons(leads: list[Lead]) -> list[Lead]:
    """Set ``lead.list_persons`` on a page of leads, in one query of plain values instead of a
    prefetch building two model instances a person (issue 14). The leads come from the
    restricted query; whether a number shows in full stays the row's ``full_id``."""
    by_lead = {lead.pk: [] for lead in leads}
    rows = (
        LeadPerson.objects.filter(lead_id__in=by_lead)
        .order_by("lead_id", "position", "id")
        .values_list("lead_id", "name", "person__id_number")
    )
    for lead_id, name, id_number in rows:
        masked = mask_id_number(id_number) if id_number is not None else None
        by_lead[lead_id].append(ListPerson(name, id_number, masked))
    for lead in leads:
        lead.list_persons = by_lead[lead.pk]
    return leads


def lead_search(queryset: QuerySet[Lead], *, user, q: str) -> QuerySet[Lead]:
    """Narrow ``queryset`` by reference, receipt, names, unit names and codes, certificate.

    A document number matches only the leads the user handles, where it is shown in full;
    elsewhere it is masked and a match would confirm the hidden digits.
    """
    text = strip_controls(q).strip()[:100]
    if not text:
        return queryset
    upper = canonical_text(text)
    number = complete_document_number(text) or upper
    handled = Lead.objects.restrict(user, CHANGE).values("pk")
    persons = LeadPerson.objects.filter(
        Q(name__icontains=text)
        | Q(certificate__number__icontains=text)
        | Q(registered_unit__name__icontains=text)
        | (
            Q(person__id_number__contains=number, lead__in=handled)
            if looks_like_number(text)
            else Q(pk__in=[])
        )
    )
    units = LeadUnit.objects.filter(Q(unit__name__icontains=text) | Q(unit__uscc=upper))
    return queryset.filter(
        Q(reference__icontains=text)
        | Q(complaint__receipt__iexact=text)
        | Q(pk__in=persons.values("lead"))
        | Q(pk__in=units.values("lead"))
    )


def lead_get(*, user, pk, action: str = VIEW) -> Lead:
    """Return one lead in ``user``'s scope with its persons, units and files (else 404)."""
    persons = LeadPerson.objects.select_related(
        "person", "certificate__certificate_type", "registered_unit", "insurance_unit"
    )
    queryset = (
        Lead.objects.restrict(user, action)
        .select_related(
            "agency__department",
            "agency__region",
            "agency__parent",
            "intake_agency",
            "routed_from",
            "campaign",
            "case",
            "duplicate_of",
            "closed_by",
            "created_by",
        )
        .prefetch_related(
            Prefetch("persons", queryset=persons),
            Prefetch("units", queryset=LeadUnit.objects.select_related("unit")),
            Prefetch("attachments", queryset=LeadAttachment.objects.order_by("id")),
        )
    )
    try:
        return queryset.get(pk=int(pk))
    except (Lead.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该线索。")) from exc


def attachment_get(*, user, pk) -> LeadAttachment:
    """Return one file of a lead ``user`` may see (else 404)."""
    try:
        return LeadAttachment.objects.restrict(user, VIEW).select_related("lead").get(pk=int(pk))
    except (LeadAttachment.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该附件。")) from exc


def lead_history(*, lead: Lead) -> list:
    """Return the lead's audit events, oldest first (every routing step and the outcome)."""
    return list(audit_history(target=lead))


@dataclass(frozen=True)
class Related:
    """Another case or lead about one of this lead's persons or units, visible to the user."""

    kind: str  # "case" or "lead"
    subject: str
    obj: object


def _subjects(lead: Lead) -> tuple[dict, dict]:
    persons = {p.person_id: p.name for p in lead.persons.all() if p.person_id}
    units = {u.unit_id: u.unit.name for u in lead.units.all()}
    for p in lead.persons.all():
        for unit in (p.registered_unit, p.insurance_unit):
            if unit is not None and unit.uscc:
                units[unit.pk] = unit.name
    return persons, units


def _related_cases(user, persons: dict, units: dict) -> list[Related]:
    visible = Case.objects.restrict(user, VIEW)
    found = []
    parties = CaseParty.objects.filter(
        Q(person_id__in=persons) | Q(registered_unit_id__in=units) | Q(actual_unit_id__in=units),
        case__in=visible.values("pk"),
    ).select_related("case")
    for party in parties:
        subject = (
            persons.get(party.person_id)
            or units.get(party.registered_unit_id)
            or units.get(party.actual_unit_id)
        )
        found.append(Related("case", subject, party.case))
    by_unit = visible.filter(Q(certificate_user_unit_id__in=units) | Q(hr_agency_id__in=units))
    for case in by_unit.only(
        "pk", "reference", "status", "certificate_user_unit_id", "hr_agency_id"
    ):
        subject = units.get(case.certificate_user_unit_id) or units.get(case.hr_agency_id)
        found.append(Related("case", subject, case))
    return found


def _related_leads(user, lead: Lead, persons: dict, units: dict) -> list[Related]:
    visible = Lead.objects.restrict(user, VIEW).exclude(pk=lead.pk).values("pk")
    found = []
    for item in LeadPerson.objects.filter(
        Q(person_id__in=persons) | Q(registered_unit_id__in=units), lead__in=visible
    ).select_related("lead"):
        found.append(Related("lead", persons.get(item.person_id) or item.name, item.lead))
    for item in LeadUnit.objects.filter(unit_id__in=units, lead__in=visible).select_related("lead"):
        found.append(Related("lead", units[item.unit_id], item.lead))
    return found


def lead_related(*, lead: Lead, user) -> list[Related]:
    """Return the cases and other leads the user may see about this lead's persons or units.

    Shown at intake and while verifying: a clerk is warned of an existing case about the same
    person and may join the lead to it. What the user may not see is not mentioned.
    """
    persons, units = _subjects(lead)
    if not persons and not units:
        return []
    found = _related_cases(user, persons, units) + _related_leads(user, lead, persons, units)
    unique = {(r.kind, r.obj.pk): r for r in found}
    return sorted(unique.values(), key=lambda r: (r.kind, r.obj.pk))


def lead_declarations(*, lead: Lead, user) -> list:
    """Return the self-inspection declarations the user may see about this lead's persons."""
    from declarations.selectors import declarations_about

    found = []
    for item in lead.persons.all():
        if item.person_id:
            units = [item.registered_unit_id, *[u.unit_id for u in lead.units.all()]]
            found += list(declarations_about(user=user, person_id=item.person_id, unit_ids=units))
    return found


def leads_in_triage(*, user) -> QuerySet[Lead]:
    """Return the leads waiting for ``user`` to route or accept (triage and pending here)."""
    return lead_list(user=user, action=CHANGE).filter(
        state__in=[Lead.State.TRIAGE, Lead.State.PENDING]
    )
