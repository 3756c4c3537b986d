"""Resolving a case's parties: the one person per document, the one unit per credit code.

Persons, units and certificates are shared by every department's cases; these functions find the
existing row for a cleaned input (``cases.validation``) or create it, and keep a case's parties
in step with what was entered. Callers run inside a service's transaction.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency
from audit.actions import Action
from audit.services import audit_record
from cases.identifiers import resident_id_facts
from cases.labels import field_label, recorded_field_label
from cases.models import Case, CaseParty, Certificate, Outcome, Person, Unit
from cases.validation import PersonInput, UnitInput
from core.errors import ConflictError, DomainError
from notifications.services import Notice, notification_send_many

# A change to a shared row (person, unit, certificate) made while entering one case:
# (the row, {field: [before, after]}), recorded and told to the other cases' agencies.
SharedChange = tuple[object, dict]


# The rules of finding or creating a shared row, shared by the resolvers below (a query each)
# and by an import's ``cases.bulk.FileRegister`` (the whole file at once).


def unit_defaults(data: UnitInput, kind: str | None) -> dict:
    """Return the fields of a unit first registered from ``data`` (its kind, or 其他)."""
    return {"name": data.name, "kind": kind or Unit.Kind.OTHER}


def unit_kind_settle(unit: Unit, kind: str | None, shared: list | None) -> bool:
    """Give a registered unit of kind 其他 the kind it is named in now; True when it changed."""
    if kind and unit.kind == Unit.Kind.OTHER:
        unit.kind = kind
        _shared(shared, unit, {"kind": [Unit.Kind.OTHER, kind]})
        return True
    return False


def person_defaults(data: PersonInput) -> dict:
    """Return the fields of a person first registered from ``data`` (sex and birth from the ID)."""
    defaults = {"name": data.name, "is_public_employee": data.is_public_employee}
    if data.id_type in (Person.IdType.RESIDENT_ID, Person.IdType.HMT_PERMIT):
        defaults["sex"], defaults["birth_date"] = resident_id_facts(data.id_number)
    return defaults


def person_mark_public(person: Person, data: PersonInput, shared: list | None) -> bool:
    """Mark a registered person 国家机关/事业单位工作人员 when newly told; True when it changed.

    Being one only switches on through entry: it obliges notifying the employer, so one clerk's
    unticked box must not silently lift that duty for every other case.
    """
    if data.is_public_employee and not person.is_public_employee:
        person.is_public_employee = True
        _shared(shared, person, {"is_public_employee": [False, True]})
        return True
    return False


def certificate_fill_unit(certificate: Certificate, registered: Unit | None, shared) -> bool:
    """Give a registered certificate without a registered unit this one; True when it changed."""
    # An import's new unit has no id until the file is written: its assigned object counts.
    if (
        registered is not None
        and certificate.registered_unit_id is None
        and certificate.registered_unit is None
    ):
        certificate.registered_unit = registered
        _shared(shared, certificate, {"registered_unit": [None, registered.name]})
        return True
    return False


def unit_resolve(
    data: UnitInput | None, *, kind: str | None = None, shared: list | None = None
) -> Unit | None:
    """Return the unit with this credit code (or, without one, this exact name), creating it."""
    if data is None:
        return None
    if data.uscc:
        unit, created = Unit.objects.get_or_create(
            uscc=data.uscc, defaults=unit_defaults(data, kind)
        )
    else:
        # Old records without a code: reuse the same-named uncoded unit instead of piling copies.
        unit = Unit.objects.filter(uscc__isnull=True, name=data.name).order_by("id").first()
        created = unit is None
        if created:
            unit = Unit.objects.create(**unit_defaults(data, kind))
    if not created and unit_kind_settle(unit, kind, shared):
        unit.save(update_fields=["kind"])
    return unit


def _shared(shared: list | None, record, changes: dict) -> None:
    if shared is not None:
        shared.append((record, changes))


def person_resolve(data: PersonInput, shared: list | None = None) -> Person:
    """Return the one person with this document, creating it; mark a public employee if newly told.

    The name was checked against the register while cleaning and is never rewritten here.
    """
    person, created = Person.objects.get_or_create(
        id_type=data.id_type, id_number=data.id_number, defaults=person_defaults(data)
    )
    if not created and person_mark_public(person, data, shared):
        person.save(update_fields=["is_public_employee"])
    return person


def certificate_resolve(
    data: PersonInput, person: Person, registered: Unit | None, shared: list | None = None
):
    """Return the person's certificate of this type and number, creating it."""
    if data.certificate_type is None:
        return None
    certificate, created = Certificate.objects.get_or_create(
        certificate_type=data.certificate_type,
        number=data.certificate_number,
        defaults={"person": person, "registered_unit": registered},
    )
    if not created and certificate_fill_unit(certificate, registered, shared):
        certificate.save(update_fields=["registered_unit"])
    return certificate


class Resolver:
    """Finds or creates the shared rows of entered cases, a query each (one case's entry).

    An import resolves through ``cases.bulk.FileRegister`` instead, which keeps the same rules
    (the functions above) over what it read for the whole file.
    """

    def unit(self, data: UnitInput | None, *, kind: str | None = None, shared=None):
        return unit_resolve(data, kind=kind, shared=shared)

    def person(self, data: PersonInput, shared=None) -> Person:
        return person_resolve(data, shared)

    def certificate(self, data: PersonInput, person: Person, registered, shared=None):
        return certificate_resolve(data, person, registered, shared)


ROW_BY_ROW = Resolver()


def party_values(
    data: PersonInput, position: int, shared: list, resolver: Resolver = ROW_BY_ROW
) -> tuple[Person, dict]:
    """Resolve one entered person's rows (the person, the registered unit, the certificate, the
    working unit, in this order) and return the person and the party's other fields."""
    person = resolver.person(data, shared)
    registered = resolver.unit(data.registered_unit, shared=shared)
    values = {
        "name": data.name,
        "certificate": resolver.certificate(data, person, registered, shared),
        "registered_unit": registered,
        "actual_unit": resolver.unit(data.actual_unit, shared=shared),
        "position": position,
    }
    return person, values


def parties_sync(case: Case, persons: list[PersonInput], shared: list) -> None:
    """Make the case's parties exactly ``persons`` (in order), keeping rows that stay."""
    existing = {p.person_id: p for p in case.parties.all()}
    kept = set()
    for position, data in enumerate(persons):
        person, values = party_values(data, position, shared)
        party = existing.get(person.pk)
        if party is None:
            CaseParty.objects.create(case=case, person=person, **values)
        else:
            for name, value in values.items():
                setattr(party, name, value)
            party.save()
        kept.add(person.pk)
    removed = [p for pid, p in existing.items() if pid not in kept]
    if removed and Outcome.objects.filter(party__in=removed).exists():
        message = _("已作出处理决定的人员不能从案件中删除。")
        raise DomainError(message, fields={"persons": [message]})
    for party in removed:
        party.delete()


SHARED_ACTIONS = {
    Person: Action.PERSON_UPDATED,
    Unit: Action.UNIT_UPDATED,
    Certificate: Action.CERTIFICATE_UPDATED,
}


# Where each kind of shared row is named by a case.
SHARING_PATHS = {
    Person: ("parties__person",),
    Certificate: ("parties__certificate",),
    Unit: (
        "certificate_user_unit",
        "hr_agency",
        "parties__registered_unit",
        "parties__actual_unit",
    ),
}


def agencies_sharing(model, pks, *, besides: Agency) -> dict[int, set[int]]:
    """Return, for each of ``pks`` (persons, units or certificates), the agencies other than
    ``besides`` whose cases name it: one query per place a case names such a row."""
    found: dict[int, set[int]] = defaultdict(set)
    if not pks:
        return found
    for path in SHARING_PATHS[model]:
        rows = (
            Case.objects.filter(**{f"{path}__in": pks})
            .exclude(agency=besides)
            .order_by()
            .values_list(path, "agency_id")
            .distinct()
        )
        for pk, agency_id in rows:
            found[pk].add(agency_id)
    return found


def shared_change_audit(case: Case, record, changes: dict) -> dict:
    """Return the audit event (``audit_record``'s arguments) of a change to a shared row."""
    return {
        "action": SHARED_ACTIONS[type(record)],
        "target": record,
        "agency": case.agency,
        "changes": changes,
        "data": {"case": case.reference},
    }


def shared_change_notice(case: Case, record, changes: dict, agency_id: int, users) -> Notice:
    """Return what the staff of another agency naming ``record`` are told of the change."""
    what = "、".join(recorded_field_label(name) for name in changes)
    return Notice(
        users=list(users),
        key=f"shared-change:{type(record).__name__}:{record.pk}:{case.pk}:{agency_id}",
        title=_("本机构案件涉及的%(kind)s信息已被其他机构更新")
        % {"kind": record._meta.verbose_name},
        body=_("%(record)s的%(what)s在其他机构登记案件时被更新，请核实本机构案件。")
        % {"record": _record_name(record), "what": what},
    )


def shared_changes_record(case: Case, shared: list[SharedChange], actor) -> None:
    """Audit each change entry made to a shared row, and tell the other cases' agencies.

    Persons, units and certificates belong to every department's cases: a unit's kind or a
    certificate's registered unit filled in by one clerk changes what others' cases show.
    """
    for record, changes in shared:
        audit_record(actor=actor, **shared_change_audit(case, record, changes))
        others = agencies_sharing(type(record), [record.pk], besides=case.agency)[record.pk]
        notification_send_many(
            [
                shared_change_notice(
                    case,
                    record,
                    changes,
                    agency_id,
                    permissions.agency_staff([agency_id], permissions.WRITE_ROLES),
                )
                for agency_id in sorted(others)
            ]
        )


def _record_name(record) -> str:
    if isinstance(record, Person):
        return f"证件号码{record.masked_id_number}的人员"
    if isinstance(record, Certificate):
        return f"证书{record.number}"
    return record.name


def case_state(case: Case, parties: list[CaseParty] | None = None) -> dict:
    """Return the case's editable content for the audit log (document numbers masked).

    ``parties`` are the case's parties in order when the caller holds them (an import), else
    they are read.
    """
    if parties is None:
        parties = (
            CaseParty.objects.filter(case=case)
            .select_related("person", "certificate", "registered_unit", "actual_unit")
            .order_by("position", "id")
        )
    return {
        "source": case.source,
        "violations": list(case.violations),
        "opened_on": case.opened_on.isoformat() if case.opened_on else None,
        "summary": case.summary,
        "certificate_user_unit": str(case.certificate_user_unit or "") or None,
        "hr_agency": str(case.hr_agency or "") or None,
        "persons": [_party_line(p) for p in parties],
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


def changed_fields(case: Case, cleaned: dict) -> list[str]:
    """Return the names of the cleaned fields whose values differ from the case's."""
    changed = []
    for name, value in cleaned.items():
        if name == "persons":
            differs = persons_differ(value, case)
        elif name in ("certificate_user_unit", "hr_agency"):
            differs = _unit_differs(value, getattr(case, name))
        elif name == "violations":
            differs = set(value) != set(case.violations)  # the order carries no meaning
        else:
            differs = value != getattr(case, name)
        if differs:
            changed.append(name)
    return changed


def refuse_decided_changes(case: Case, cleaned: dict) -> None:
    """Refuse changes to what a recorded decision rests on; the summary stays editable."""
    changed = [name for name in changed_fields(case, cleaned) if name not in DECIDED_EDITABLE]
    if changed:
        message = _("已作出处理决定的案件需先重新办理后才能修改。")
        raise ConflictError(
            f"{field_label(changed[0])}：{message}", fields={name: [message] for name in changed}
        )
