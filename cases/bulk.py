"""Entering a whole file of cases at once (the Excel import), as ``case_create`` one by one would.

``cases_check`` reads what the file names with one query per kind (``FileRegister``: units by
credit code or name, persons by document and their names in the clerk's scope, certificates by
number, certificate types, the campaigns of the opening dates), then runs ``case_create``'s own
rules (``cases.validation``, ``cases.parties``) on each case in the file's order. The register
learns each case it accepts, so a later case sees an earlier one's person, unit and certificate
exactly as if it had been written. Nothing is written until every case passed.

``cases_write`` then writes it all set-based, in one transaction with the caller: the new and
changed persons, units and certificates, a block of references per year, the cases and parties,
the links to cases sharing a person or unit (one statement over ``selectors.DUPLICATES``), the
notices to other agencies and the audit events, in the order ``case_create`` records them. The
number of statements does not grow with the number of cases.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from agencies import permissions
from agencies.models import Agency
from agencies.querysets import VIEW
from audit.services import audit_event, audit_record_many
from campaigns.selectors import campaign_for_day, campaigns_for_days
from cases import validation
from cases.entry import (
    case_build,
    created_audit,
    duplicate_notice,
    name_differs_audit,
    name_differs_notice,
    reference_of,
)
from cases.identifiers import canonical_certificate_number, canonical_text, normalize_document
from cases.models import (
    Case,
    CaseParty,
    CaseSequence,
    Certificate,
    CertificateType,
    Person,
    Unit,
)
from cases.parties import (
    Resolver,
    agencies_sharing,
    case_state,
    certificate_fill_unit,
    party_values,
    person_defaults,
    person_mark_public,
    shared_change_audit,
    shared_change_notice,
    unit_defaults,
    unit_kind_settle,
)
from cases.selectors import DUPLICATES
from cases.validation.base import parse_date
from cases.validation.lookups import Lookups
from core.errors import BatchError, DomainError
from core.sequences import next_blocks
from notifications.services import Notice, notification_send_many

PROGRESS_STEPS = 100  # reports to the caller while checking a file, at most


@dataclass
class Entry:
    """One accepted case of a file: the case and its parties (not yet saved), what it changed in
    shared rows, and the persons it names under a name other than the registered one."""

    case: Case
    parties: list[CaseParty]
    shared: list = field(default_factory=list)
    names_differ: list[Person] = field(default_factory=list)


@dataclass
class _Keys:
    """What a file names, read from its payloads before checking (a superset is harmless)."""

    codes: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # units without a credit code
    documents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    numbers: set[str] = field(default_factory=set)
    days: set[datetime.date] = field(default_factory=set)

    def add_unit(self, value) -> None:
        if not isinstance(value, dict):
            return
        code = str(value.get("uscc") or "").strip()
        if code:
            self.codes.add(canonical_text(code))
        else:
            self.names.add(str(value.get("name") or "").strip())

    def add_person(self, value) -> None:
        if not isinstance(value, dict):
            return
        id_type = str(value.get("id_type") or Person.IdType.RESIDENT_ID)
        with contextlib.suppress(ValidationError):  # refused while checking: nothing to read
            self.documents[id_type].add(normalize_document(id_type, str(value.get("id_number"))))
        certificate = value.get("certificate")
        if isinstance(certificate, dict):
            self.numbers.add(canonical_certificate_number(certificate.get("number")))
        self.add_unit(value.get("registered_unit"))
        self.add_unit(value.get("actual_unit"))

    @classmethod
    def of(cls, payloads: list[dict]) -> _Keys:
        keys = cls()
        for payload in payloads:
            keys.add_unit(payload.get("certificate_user_unit"))
            keys.add_unit(payload.get("hr_agency"))
            for person in payload.get("persons") or []:
                keys.add_person(person)
            with contextlib.suppress(ValueError, TypeError):
                keys.days.add(parse_date(payload.get("opened_on")))
        return keys


class FileRegister(Lookups, Resolver):
    """The register as a file's checks read it and its cases change it, held in memory.

    It answers the questions of ``cases.validation`` (``Lookups``) and resolves shared rows with
    the rules of ``cases.parties`` (``Resolver``) from what one query per kind read for the whole
    file, plus the rows the file's accepted cases created or changed, which ``cases_write`` saves.
    """

    def __init__(self, *, actor, payloads: list[dict]):
        self.actor = actor
        keys = _Keys.of(payloads)
        self.types = {t.pk: t for t in CertificateType.objects.order_by("id")}
        self.units = {u.uscc: u for u in Unit.objects.filter(uscc__in=keys.codes)}
        self.uncoded: dict[str, Unit] = {}
        for unit in Unit.objects.filter(uscc__isnull=True, name__in=keys.names).order_by("id"):
            self.uncoded.setdefault(unit.name, unit)
        self.persons = self._persons(keys.documents)
        self.seen = self._names_seen(actor)
        self.certificates = {}
        for certificate in Certificate.objects.filter(number__in=keys.numbers).select_related(
            "person"
        ):
            certificate.certificate_type = self.types[certificate.certificate_type_id]
            self.certificates[(certificate.certificate_type_id, certificate.number)] = certificate
        self.campaigns = campaigns_for_days(keys.days)
        self.new: dict[type, list] = {Unit: [], Person: [], Certificate: []}
        self.changed: dict[type, dict[int, object]] = {Unit: {}, Person: {}, Certificate: {}}

    @staticmethod
    def _persons(documents: dict[str, set[str]]) -> dict[tuple[str, str], Person]:
        condition = Q(pk__in=[])
        for id_type, numbers in documents.items():
            condition |= Q(id_type=id_type, id_number__in=numbers)
        return {(p.id_type, p.id_number): p for p in Person.objects.filter(condition)}

    def _names_seen(self, actor) -> dict[tuple[str, str], set[str]]:
        """Return the names ``actor`` can read for the file's registered persons."""
        by_pk = {p.pk: key for key, p in self.persons.items()}
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        if by_pk:
            rows = CaseParty.objects.filter(
                person_id__in=by_pk, case__in=Case.objects.restrict(actor, VIEW)
            ).values_list("person_id", "name")
            for person_id, name in rows:
                seen[by_pk[person_id]].add(name)
        return seen

    # ------------------------------------------------------------------ what validation asks

    def unit_by_code(self, code: str) -> Unit | None:
        return self.units.get(code)

    def certificate_types(self, category: str) -> list[CertificateType]:
        return [t for t in self.types.values() if t.category == category and t.is_active]

    def person_by_document(self, id_type: str, id_number: str) -> Person | None:
        return self.persons.get((id_type, id_number))

    def names_seen(self, person: Person, actor) -> set[str]:
        return self.seen.get((person.id_type, person.id_number), set())

    def certificate_taken(self, certificate_type, number, id_type, id_number) -> bool:
        certificate = self.certificates.get((certificate_type.pk, number))
        if certificate is None:
            return False
        return (certificate.person.id_type, certificate.person.id_number) != (id_type, id_number)

    def campaign_for_day(self, day: datetime.date):
        if day in self.campaigns:
            return self.campaigns[day]
        return campaign_for_day(day)  # a date the file's keys missed: still answered right

    # ------------------------------------------------------------------ what entry changes

    def unit(self, data, *, kind=None, shared=None) -> Unit | None:
        if data is None:
            return None
        found = self.units if data.uscc else self.uncoded
        key = data.uscc or data.name
        unit = found.get(key)
        if unit is None:
            unit = found[key] = Unit(uscc=data.uscc, **unit_defaults(data, kind))
            self.new[Unit].append(unit)
        elif unit_kind_settle(unit, kind, shared):
            self._changed(unit)
        return unit

    def person(self, data, shared=None) -> Person:
        key = (data.id_type, data.id_number)
        person = self.persons.get(key)
        if person is None:
            person = self.persons[key] = Person(
                id_type=data.id_type, id_number=data.id_number, **person_defaults(data)
            )
            self.new[Person].append(person)
        elif person_mark_public(person, data, shared):
            self._changed(person)
        return person

    def certificate(self, data, person: Person, registered, shared=None):
        if data.certificate_type is None:
            return None
        key = (data.certificate_type.pk, data.certificate_number)
        certificate = self.certificates.get(key)
        if certificate is None:
            certificate = self.certificates[key] = Certificate(
                certificate_type=data.certificate_type,
                number=data.certificate_number,
                person=person,
                registered_unit=registered,
            )
            self.new[Certificate].append(certificate)
        elif certificate_fill_unit(certificate, registered, shared):
            self._changed(certificate)
        return certificate

    def _changed(self, record) -> None:
        if record.pk is not None:  # a row of this file is saved with its final values anyway
            self.changed[type(record)][record.pk] = record

    # ------------------------------------------------------------------ one case

    def enter(self, *, agency: Agency, payload: dict) -> Entry:
        """Check one case as ``case_create`` does and take it into the register; raise its
        DomainError (the register unchanged) when it is refused."""
        fields = {
            "source": payload.get("source"),
            "violations": payload.get("violations"),
            "opened_on": payload.get("opened_on"),
            "summary": payload.get("summary", ""),
            "persons": payload.get("persons"),
            "certificate_user_unit": payload.get("certificate_user_unit"),
            "hr_agency": payload.get("hr_agency"),
        }
        cleaned, campaign = validation.clean_new_case(
            fields, payload.get("campaign"), self.actor, self
        )
        entry = Entry(case=None, parties=[])
        entry.case = case_build(
            agency=agency,
            cleaned=cleaned,
            campaign=campaign,
            actor=self.actor,
            shared=entry.shared,
            resolver=self,
        )
        for position, data in enumerate(cleaned["persons"]):
            person, values = party_values(data, position, entry.shared, self)
            entry.parties.append(CaseParty(case=entry.case, person=person, **values))
            if data.name_differs:
                entry.names_differ.append(person)
            # The new case is in the clerk's scope: its names are seen from now on.
            self.seen[(person.id_type, person.id_number)].add(data.name)
        return entry


@dataclass
class Checked:
    """A file's cases, every one accepted, and the register holding what they change."""

    register: FileRegister
    entries: list[Entry]


def cases_check(*, actor, agency: Agency, payloads: list[dict], on_progress=None) -> Checked:
    """Check every case of a file in order, each seeing the ones accepted before it; raise
    ``BatchError`` with each refused case's error by its index."""
    register = FileRegister(actor=actor, payloads=payloads)
    entries: list[Entry] = []
    refused: dict[int, DomainError] = {}
    every = max(1, len(payloads) // PROGRESS_STEPS)
    for index, payload in enumerate(payloads):
        try:
            entries.append(register.enter(agency=agency, payload=payload))
        except DomainError as exc:
            refused[index] = exc
        if on_progress is not None and ((index + 1) % every == 0 or index + 1 == len(payloads)):
            on_progress(index + 1)
    if refused:
        raise BatchError(refused)
    return Checked(register, entries)


# --------------------------------------------------------------------------- writing


def _rows_save(register: FileRegister) -> None:
    """Insert the new shared rows and update the changed ones, units first (others name them)."""
    fields = {Unit: ["kind"], Person: ["is_public_employee"], Certificate: ["registered_unit"]}
    for model in (Unit, Person, Certificate):
        model.objects.bulk_create(register.new[model])
        model.objects.bulk_update(list(register.changed[model].values()), fields[model])


def _references(agency: Agency, cases: list[Case]) -> None:
    """Give the cases the next references of their year, in the file's order (one block)."""
    counts: dict[int, int] = defaultdict(int)
    for case in cases:
        counts[case.opened_on.year] += 1
    following = next_blocks(CaseSequence, agency_id=agency.pk, counts=counts)
    for case in cases:
        year = case.opened_on.year
        case.reference = reference_of(agency, year, following[year])
        following[year] += 1


# Link every case of ``%(cases)s`` to the cases sharing its subjects (``DUPLICATES``), and
# return each case's number of links (the cases are new: every distinct (case, other, kind) is a
# new link) and the duplicates naming another agency's case, in one statement. The links go in
# in key order, so that their indexes grow at the right edge (0.6 s less for 245,000 links).
LINKS = f"""
WITH duplicate AS MATERIALIZED ({DUPLICATES}), link AS (
    INSERT INTO cases_caselink (from_case_id, to_case_id, kind, created_at)
    SELECT case_id, other_id, kind, now() FROM duplicate
    GROUP BY case_id, other_id, kind ORDER BY case_id, other_id, kind
    ON CONFLICT (from_case_id, to_case_id, kind) DO NOTHING
    RETURNING from_case_id
)
SELECT from_case_id, count(*), NULL, NULL, NULL, NULL FROM link GROUP BY from_case_id
UNION ALL
SELECT DISTINCT d.case_id, NULL::bigint, d.subject, o.id, o.agency_id, o.reference
FROM duplicate d JOIN cases_case o ON o.id = d.other_id
WHERE o.agency_id <> %(agency)s
"""  # noqa: S608 — DUPLICATES is a constant of this code


def _links_write(agency: Agency, cases: list[Case]) -> tuple[dict[int, int], list[tuple]]:
    """Link every new case to the cases sharing its persons, certificates or units (the file's
    earlier cases included); return each case's number of links and the rows naming another
    agency's case: (case, subject, other case, its agency, its reference)."""
    ids = [case.pk for case in cases]
    with connection.cursor() as cursor:
        # Compiling this one large statement to machine code (JIT) cost 1.1 s of its 4 at
        # 10,000 cases and saves nothing: it runs once. Its sort of the duplicates spilled to
        # disk with the default 4 MB. Both settings end with the transaction.
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        cursor.execute(LINKS, {"cases": ids, "batch": ids, "agency": agency.pk})
        rows = cursor.fetchall()
    counts = {row[0]: row[1] for row in rows if row[1] is not None}
    foreign = [(row[0], *row[2:]) for row in rows if row[1] is None]
    return counts, foreign


def _sharing(agency: Agency, entries: list[Entry]) -> dict[type, dict[int, set[int]]]:
    """Return the other agencies naming each shared row the file changed or named differently."""
    changed: dict[type, set[int]] = defaultdict(set)
    for entry in entries:
        for record, _changes in entry.shared:
            changed[type(record)].add(record.pk)
        changed[Person].update(person.pk for person in entry.names_differ)
    return {
        model: agencies_sharing(model, sorted(pks), besides=agency)
        for model, pks in changed.items()
    }


def _entry_notices(entries: list[Entry], sharing: dict, staff) -> list[Notice]:
    """Return the notices of changes to shared rows and of names differing, per other agency."""
    notices = []
    for entry in entries:
        for record, changes in entry.shared:
            for agency_id in sorted(sharing[type(record)].get(record.pk, ())):
                notices.append(
                    shared_change_notice(entry.case, record, changes, agency_id, staff(agency_id))
                )
        for person in entry.names_differ:
            for agency_id in sorted(sharing[Person].get(person.pk, ())):
                notices.append(name_differs_notice(entry.case, person, agency_id, staff(agency_id)))
    return notices


def _duplicate_notices(cases: list[Case], foreign: list[tuple], staff) -> list[Notice]:
    """Return one notice per new case and other agency with a case sharing its subjects."""
    by_id = {case.pk: case for case in cases}
    grouped: dict[tuple[int, int], tuple[dict, set]] = {}
    for case_id, subject, other_id, agency_id, reference in foreign:
        others, subjects = grouped.setdefault((case_id, agency_id), ({}, set()))
        others[other_id] = reference
        subjects.add(subject)
    notices = []
    for (case_id, agency_id), (others, subjects) in sorted(grouped.items()):
        named = [
            Case(pk=pk, reference=reference)
            for pk, reference in sorted(others.items(), key=lambda other: other[1])
        ]
        notices.append(
            duplicate_notice(by_id[case_id], agency_id, named, sorted(subjects), staff(agency_id))
        )
    return notices


def _notify(agency: Agency, entries: list[Entry], foreign: list[tuple]) -> None:
    """Send every notice of the file; the staff of all the agencies told are read in one query."""
    sharing = _sharing(agency, entries)
    agencies = {row[3] for row in foreign}
    for by_record in sharing.values():
        for agency_ids in by_record.values():
            agencies |= agency_ids
    users = permissions.staff_by_agency(sorted(agencies), permissions.WRITE_ROLES)

    def staff(agency_id: int) -> list:
        return users.get(agency_id, [])

    notices = _entry_notices(entries, sharing, staff)
    notices += _duplicate_notices([entry.case for entry in entries], foreign, staff)
    notification_send_many(notices)


def _audit(actor, entries: list[Entry], links: dict[int, int]) -> None:
    """Record each case's events as ``case_create`` does, in its order: the changes to shared
    rows, the names that differ, then ``case.created``."""
    events = []
    for entry in entries:
        case = entry.case
        for record, changes in entry.shared:
            events.append(audit_event(actor=actor, **shared_change_audit(case, record, changes)))
        for person in entry.names_differ:
            events.append(audit_event(actor=actor, **name_differs_audit(case, person)))
        state = case_state(case, entry.parties)
        events.append(audit_event(actor=actor, **created_audit(case, state, links.get(case.pk, 0))))
    audit_record_many(events)


def cases_write(*, actor, agency: Agency, checked: Checked) -> list[Case]:
    """Write a checked file's cases and everything their entry records; return the cases."""
    entries = checked.entries
    cases = [entry.case for entry in entries]
    if not cases:
        return []
    _rows_save(checked.register)
    _references(agency, cases)
    Case.objects.bulk_create(cases)
    CaseParty.objects.bulk_create([party for entry in entries for party in entry.parties])
    links, foreign = _links_write(agency, cases)
    _notify(agency, entries, foreign)
    _audit(actor, entries, links)
    return cases
