"""Resolving a case's parties: the one person per document, the one unit per credit code.

Persons, units and certificates are shared by every department's cases; these functions find the
existing row for a cleaned input (``cases.validation``) or create it, and keep a case's parties
in step with what was entered. Callers run inside a service's transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import audit_record
from cases.identifiers import resident_id_facts
from cases.labels import field_label
from cases.models import Case, CaseParty, Certificate, Measure, Person, Unit
from cases.validation import PersonInput, UnitInput
from core.errors import ConflictError, DomainError


def unit_resolve(data: UnitInput | None, *, kind: str | None = None) -> Unit | None:
    """Return the unit with this credit code (or, without one, this exact name), creating it."""
    if data is None:
        return None
    if data.uscc:
        unit, created = Unit.objects.get_or_create(
            uscc=data.uscc, defaults={"name": data.name, "kind": kind or Unit.Kind.OTHER}
        )
    else:
        # Old records without a code: reuse the same-named uncoded unit instead of piling copies.
        unit = Unit.objects.filter(uscc__isnull=True, name=data.name).order_by("id").first()
        created = unit is None
        if created:
            unit = Unit.objects.create(name=data.name, kind=kind or Unit.Kind.OTHER)
    if not created and kind and unit.kind == Unit.Kind.OTHER:
        unit.kind = kind
        unit.save(update_fields=["kind"])
    return unit


def person_resolve(data: PersonInput, actor) -> Person:
    """Return the one person with this document, creating it; mark a public employee if newly told.

    The name was checked against the register while cleaning and is never rewritten here. Being
    国家机关/事业单位工作人员 only switches on through entry: it obliges notifying the employer,
    so one clerk's unticked box must not silently lift that duty for every other case.
    """
    defaults = {"name": data.name, "is_public_employee": data.is_public_employee}
    if data.id_type in (Person.IdType.RESIDENT_ID, Person.IdType.HMT_PERMIT):
        defaults["sex"], defaults["birth_date"] = resident_id_facts(data.id_number)
    person, created = Person.objects.get_or_create(
        id_type=data.id_type, id_number=data.id_number, defaults=defaults
    )
    if not created and data.is_public_employee and not person.is_public_employee:
        person.is_public_employee = True
        person.save(update_fields=["is_public_employee"])
        audit_record(
            actor=actor,
            action=Action.PERSON_UPDATED,
            target=person,
            changes={"is_public_employee": [False, True]},
        )
    return person


def certificate_resolve(data: PersonInput, person: Person, registered: Unit | None):
    """Return the person's certificate of this type and number, creating it."""
    if data.certificate_type is None:
        return None
    certificate, created = Certificate.objects.get_or_create(
        certificate_type=data.certificate_type,
        number=data.certificate_number,
        defaults={"person": person, "registered_unit": registered},
    )
    if not created and registered is not None and certificate.registered_unit_id is None:
        certificate.registered_unit = registered
        certificate.save(update_fields=["registered_unit"])
    return certificate


def parties_sync(case: Case, persons: list[PersonInput], actor) -> None:
    """Make the case's parties exactly ``persons`` (in order), keeping rows that stay."""
    existing = {p.person_id: p for p in case.parties.all()}
    kept = set()
    for position, data in enumerate(persons):
        person = person_resolve(data, actor)
        registered = unit_resolve(data.registered_unit)
        values = {
            "name": data.name,
            "certificate": certificate_resolve(data, person, registered),
            "registered_unit": registered,
            "actual_unit": unit_resolve(data.actual_unit),
            "position": position,
        }
        party = existing.get(person.pk)
        if party is None:
            CaseParty.objects.create(case=case, person=person, **values)
        else:
            for name, value in values.items():
                setattr(party, name, value)
            party.save()
        kept.add(person.pk)
    removed = [p for pid, p in existing.items() if pid not in kept]
    if removed and Measure.objects.filter(party__in=removed).exists():
        message = _("已作出处理决定的人员不能从案件中删除。")
        raise DomainError(message, fields={"persons": [message]})
    for party in removed:
        party.delete()


def case_state(case: Case) -> dict:
    """Return the case's editable content for the audit log (document numbers masked)."""
    parties = CaseParty.objects.filter(case=case).select_related(
        "person", "certificate", "registered_unit", "actual_unit"
    )
    return {
        "source": case.source,
        "violations": list(case.violations),
        "opened_on": case.opened_on.isoformat() if case.opened_on else None,
        "summary": case.summary,
        "certificate_user_unit": str(case.certificate_user_unit or "") or None,
        "hr_agency": str(case.hr_agency or "") or None,
        "persons": [_party_line(p) for p in parties.order_by("position", "id")],
    }


def _party_line(party: CaseParty) -> str:
    values = [
        party.name,
        party.person.masked_id_number,
        party.certificate.number if party.certificate else "",
        party.registered_unit.name if party.registered_unit else "",
        party.actual_unit.name if party.actual_unit else "",
    ]
    return " ".join(filter(None, values))


# --------------------------------------------------------------------------- decided cases

# Fields a decision rests on (its date follows opened_on; its measures name the persons and
# units), reported in the month's 附件1. Only the narrative may change after the decision.
DECIDED_EDITABLE = frozenset({"summary"})


def _unit_differs(data: UnitInput | None, unit: Unit | None) -> bool:
    if data is None or unit is None:
        return (data is None) != (unit is None)
    if data.uscc:
        return data.uscc != unit.uscc
    return unit.uscc is not None or data.name != unit.name


def _party_differs(data: PersonInput, party: CaseParty) -> bool:
    person, certificate = party.person, party.certificate
    entered = (data.certificate_type.pk, data.certificate_number) if data.certificate_type else None
    current = (certificate.certificate_type_id, certificate.number) if certificate else None
    return (
        (data.id_type, data.id_number, data.name) != (person.id_type, person.id_number, party.name)
        or (data.is_public_employee and not person.is_public_employee)
        or entered != current
        or _unit_differs(data.registered_unit, party.registered_unit)
        or _unit_differs(data.actual_unit, party.actual_unit)
    )


def persons_differ(persons: list[PersonInput], case: Case) -> bool:
    """Return True when ``persons`` would change the case's parties (or a person's status)."""
    parties = list(
        case.parties.select_related(
            "person", "certificate", "registered_unit", "actual_unit"
        ).order_by("position", "id")
    )
    if len(parties) != len(persons):
        return True
    return any(_party_differs(d, p) for d, p in zip(persons, parties, strict=True))


def refuse_decided_changes(case: Case, cleaned: dict) -> None:
    """Refuse changes to what a recorded decision rests on; the summary stays editable."""
    changed = []
    for name, value in cleaned.items():
        if name in DECIDED_EDITABLE:
            continue
        if name == "persons":
            differs = persons_differ(value, case)
        elif name in ("certificate_user_unit", "hr_agency"):
            differs = _unit_differs(value, getattr(case, name))
        elif name == "violations":
            differs = set(value) != set(case.violations)
        else:
            differs = value != getattr(case, name)
        if differs:
            changed.append(name)
    if changed:
        message = _("已作出处理决定的案件需先重新办理后才能修改。")
        raise ConflictError(
            f"{field_label(changed[0])}：{message}", fields={name: [message] for name in changed}
        )
