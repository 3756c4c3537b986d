"""Reads of the case register; every one starts from ``Case.objects.restrict(user, action)``."""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency, Department
from agencies.querysets import CHANGE, VIEW
from audit.services import audit_history
from cases.identifiers import canonical_text, mask_id_number, normalize_resident_id
from cases.labels import DUPLICATE_SUBJECTS
from cases.models import (
    Case,
    CaseLink,
    CaseParty,
    Decision,
    Evidence,
    ExemptionProof,
    Outcome,
    Person,
    Unit,
)
from cases.validation import EDITABLE_FIELDS
from core.errors import NotFoundError

PICKER_LIMIT = 20
# Six digits in a search text make it a look-up by document number (audited, rate-limited).
NUMBER_LOOKUP = re.compile(r"[0-9]{6}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text) -> str:
    """Return a search text without control characters (NUL cannot even reach PostgreSQL)."""
    return CONTROL_CHARACTERS.sub("", str(text or ""))


# A passport or permanent-residence number typed in full: letters and digits, 6 to 32 long.
DOCUMENT = re.compile(r"^[0-9A-Z]{6,32}$")


def case_is_visible(*, user, case: Case) -> bool:
    """Return True when ``case`` lies in ``user``'s view scope."""
    return Case.objects.restrict(user, VIEW).filter(pk=case.pk).exists()


def _parties_prefetch() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=CaseParty.objects.select_related(
            "person",
            "certificate__certificate_type",
            "registered_unit",
            "actual_unit",
        ).order_by("position", "id"),
    )


def case_list(*, user, action: str = VIEW) -> QuerySet[Case]:
    """Return the cases ``user`` may ``action``, with what a list row shows fetched in bulk."""
    return (
        Case.objects.restrict(user, action)
        .select_related(
            "agency__department",
            "agency__region",
            "decision",
            "certificate_user_unit",
            "hr_agency",
            "transfer_to",
        )
        .prefetch_related(_parties_prefetch(), "decision__outcomes")
    )


def case_list_rows(*, user) -> QuerySet[Case]:
    """Return the cases ``user`` may see with only what a row of the case list shows (the page
    and the API): the agency's name, the using unit, and whether the decision is 构成 as two
    EXISTS. The parties come after paging, from ``with_list_parties`` (issue 14)."""
    established = Outcome.objects.filter(
        decision__case=OuterRef("pk"), result=Outcome.Result.ESTABLISHED
    )
    return (
        Case.objects.restrict(user, VIEW)
        .select_related("agency", "certificate_user_unit")
        .annotate(
            has_decision=Exists(Decision.objects.filter(case=OuterRef("pk"))),
            established=Exists(established),
        )
    )


class ListParty(NamedTuple):
    """A party as a list row shows it: the number already masked, no model instances."""

    name: str
    masked_id_number: str
    certificate_number: str | None
    certificate_title: str | None


def with_list_parties(cases: list[Case]) -> list[Case]:
    """Set ``case.list_parties`` on a page of rows of ``case_list_rows``, in one query of plain
    values. A prefetch built four model instances per party and was a third of a list request;
    the cases come from the restricted query, so their parties are the caller's to see."""
    by_case = {case.pk: [] for case in cases}
    rows = (
        CaseParty.objects.filter(case_id__in=by_case)
        .order_by("case_id", "position", "id")
        .values_list(
            "case_id",
            "name",
            "person__id_number",
            "certificate__number",
            "certificate__certificate_type__title",
        )
    )
    for case_id, name, id_number, number, title in rows:
        by_case[case_id].append(ListParty(name, mask_id_number(id_number), number, title))
    for case in cases:
        case.list_parties = by_case[case.pk]
    return cases


def case_get(*, user, pk, action: str = VIEW) -> Case:
    """Return one case in ``user``'s scope with its decision and outcomes (else NotFoundError)."""
    outcomes = Outcome.objects.select_related("party", "unit").prefetch_related(
        "measures", Prefetch("proofs", queryset=ExemptionProof.objects.select_related("evidence"))
    )
    queryset = (
        case_list(user=user, action=action)
        .select_related("decision__deciding_agency")
        .prefetch_related(None)  # the list's prefetches, replaced by the page's fuller ones
        .prefetch_related(_parties_prefetch(), Prefetch("decision__outcomes", queryset=outcomes))
    )
    try:
        return queryset.get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该案件。")) from exc


# What the timeline and history show of an audit event, by key. The audit log keeps everything it
# recorded (e.g. the reference of a joined case in another jurisdiction); readers of the case get
# only these keys, and a joined case only when they may see it.
TIMELINE_CHANGES = frozenset({*EDITABLE_FIELDS, "status", "agency", "transfer_to"})
_DECISION_KEYS = (
    "decided_on",
    "document_number",
    "penalty_text",
    "referred_to_issuer",
    "issuer",
    # the case-wide fields of decisions recorded before outcomes were per party
    "outcome",
    "exemption",
    "self_corrected",
    "self_correction_text",
)
_MEASURE_KEYS = ("kind", "ends_on")
_OUTCOME_KEYS = ("role", "name", "result", "exemption", "self_corrected", "kinds", "proofs")


def _only(value, keys) -> dict:
    return {k: value[k] for k in keys if k in value} if isinstance(value, dict) else {}


def _measures(value) -> list[dict]:
    return [_only(m, _MEASURE_KEYS) for m in value] if isinstance(value, list) else []


def _outcomes(value) -> list[dict]:
    return [_only(o, _OUTCOME_KEYS) for o in value] if isinstance(value, list) else []


def _withdrawn(value) -> dict:
    if not isinstance(value, dict) or not value:
        return {}
    return {
        "decision": _only(value.get("decision"), _DECISION_KEYS),
        "measures": _measures(value.get("measures")),
        "outcomes": _outcomes(value.get("outcomes")),
    }


def _plain(value):
    return value


TIMELINE_DATA = {
    "reason": _plain,
    "reference": _plain,  # the case's own reference (case.created)
    "links": _plain,  # how many duplicate links were made, never which cases
    "to_agency": _plain,
    "from_agency": _plain,
    "evidence": _plain,
    "name": _plain,
    "size": _plain,
    "sha256": _plain,
    "decision": lambda v: _only(v, _DECISION_KEYS),
    "measures": _measures,  # decisions recorded before outcomes were per party
    "outcomes": _outcomes,
    "certificates": _plain,  # this case's certificate numbers and their state
    "withdrawn": _withdrawn,
}


def case_timeline(*, case: Case, user) -> list[dict]:
    """Return the case's events (transitions and edits) for ``user``, oldest first.

    Each is ``{created_at, actor, action, changes, data}`` with only the allowed keys; a joined
    case is named (``other``, ``other_reference``) only when ``user`` may see it.
    """
    events = list(audit_history(target=case))
    others = {e.data.get("other") for e in events if isinstance(e.data, dict)} - {None}
    visible = (
        set(Case.objects.restrict(user, VIEW).filter(pk__in=others).values_list("pk", flat=True))
        if others
        else set()
    )
    entries = []
    for event in events:
        recorded = event.data if isinstance(event.data, dict) else {}
        data = {k: TIMELINE_DATA[k](v) for k, v in recorded.items() if k in TIMELINE_DATA}
        if recorded.get("other") in visible:
            data["other"] = recorded["other"]
            data["other_reference"] = recorded.get("other_reference")
        changes = event.changes if isinstance(event.changes, dict) else {}
        entries.append(
            {
                "created_at": event.created_at,
                "actor": event.actor_name,
                "action": event.action,
                "changes": {k: v for k, v in changes.items() if k in TIMELINE_CHANGES},
                "data": data,
            }
        )
    return entries


def case_links(*, case: Case, user) -> list[tuple[str, Case]]:
    """Return (kind label, other case) for linked cases ``user`` may see, both directions."""
    links = CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case))
    other_ids = {
        (link.to_case_id if link.from_case_id == case.pk else link.from_case_id): link
        for link in links
    }
    visible = {
        c.pk: c
        for c in Case.objects.restrict(user, VIEW)
        .filter(pk__in=other_ids)
        .select_related("agency")
        .only("pk", "reference", "status", "agency__name")
    }
    return [
        (link.get_kind_display(), visible[pk])
        for pk, link in sorted(other_ids.items())
        if pk in visible
    ]


@dataclass(frozen=True)
class Duplicate:
    """A person, certificate or unit of one case that also appears in another case."""

    kind: str  # CaseLink.Kind
    subject: str  # the name or number as the clerk entered it
    other_case_id: int


# Where the subjects of each of ``%(cases)s`` (its persons, certificate numbers and coded
# units) appear in other cases, as rows (case, kind, subject, other case), a row possibly more
# than once. Another party sharing the person is the same person; else sharing a certificate
# number (of any type), the same certificate; a registered or working unit, or another case's
# user unit or HR agency, sharing a coded unit is the same unit. Cases of ``%(batch)s`` count only
# for the cases after them (an import sees the file's earlier cases, as entering them one by one
# would); the batch is a hashed set, not an array searched for every row.
DUPLICATES = """
WITH subject_case AS MATERIALIZED (
    SELECT DISTINCT unnest(%(cases)s::bigint[]) AS id
), batch AS MATERIALIZED (
    SELECT unnest(%(batch)s::bigint[]) AS id
), party AS MATERIALIZED (
    SELECT case_id, person_id, name, certificate_id, registered_unit_id, actual_unit_id
    FROM cases_caseparty WHERE case_id IN (SELECT id FROM subject_case)
), number AS (
    SELECT DISTINCT p.case_id, c.number
    FROM party p JOIN cases_certificate c ON c.id = p.certificate_id
), unit AS MATERIALIZED (
    SELECT DISTINCT x.case_id, u.id, u.name FROM (
        SELECT case_id, registered_unit_id AS unit_id FROM party
        UNION ALL SELECT case_id, actual_unit_id FROM party
        UNION ALL SELECT c.id, c.certificate_user_unit_id
            FROM cases_case c JOIN subject_case s ON s.id = c.id
        UNION ALL SELECT c.id, c.hr_agency_id FROM cases_case c JOIN subject_case s ON s.id = c.id
    ) x JOIN cases_unit u ON u.id = x.unit_id
    WHERE u.uscc <> ''
)
SELECT case_id, kind, subject, other_id FROM (
    SELECT p.case_id, 'same_person' AS kind, p.name AS subject, o.case_id AS other_id
    FROM party p JOIN cases_caseparty o ON o.person_id = p.person_id
    UNION ALL
    SELECT n.case_id, 'same_certificate', n.number, o.case_id
    FROM number n JOIN cases_certificate c ON c.number = n.number
    JOIN cases_caseparty o ON o.certificate_id = c.id
    WHERE NOT EXISTS (SELECT FROM party p WHERE p.case_id = n.case_id AND p.person_id = o.person_id)
    UNION ALL
    SELECT u.case_id, 'same_unit', u.name, o.case_id
    FROM unit u JOIN cases_caseparty o ON o.registered_unit_id = u.id
    UNION ALL
    SELECT u.case_id, 'same_unit', u.name, o.case_id
    FROM unit u JOIN cases_caseparty o ON o.actual_unit_id = u.id
    UNION ALL
    SELECT u.case_id, 'same_unit', u.name, o.id
    FROM unit u JOIN cases_case o ON o.certificate_user_unit_id = u.id
    UNION ALL
    SELECT u.case_id, 'same_unit', u.name, o.id
    FROM unit u JOIN cases_case o ON o.hr_agency_id = u.id
) found
WHERE other_id <> case_id AND (other_id < case_id OR other_id NOT IN (SELECT id FROM batch))
"""


def case_duplicates(*, case: Case) -> list[Duplicate]:
    """Return where this case's persons, certificate numbers and units appear in other cases."""
    with connection.cursor() as cursor:
        cursor.execute(DUPLICATES, {"cases": [case.pk], "batch": []})
        rows = cursor.fetchall()
    found = {Duplicate(kind, subject, other) for _case, kind, subject, other in rows}
    return sorted(found, key=lambda d: (d.kind, d.subject, d.other_case_id))


SHOWN_CASES = 5  # a case page names this many other cases per hint, then "另有 N 件"


@dataclass(frozen=True)
class DuplicateHint:
    """Where one person, certificate or unit of a case also appears, as ``user`` may know it."""

    label: str  # 人员 / 证书 / 单位
    subject: str
    cases: list[tuple[int, str]]  # (pk, reference) of the other cases the user may see
    hidden: bool  # also in cases the user may not see (only their existence is told)

    @property
    def shown(self) -> list[tuple[int, str]]:
        return self.cases[:SHOWN_CASES]

    @property
    def more(self) -> int:
        return max(0, len(self.cases) - SHOWN_CASES)


def case_duplicate_hints(*, case: Case, user) -> list[DuplicateHint]:
    """Tell the user where this case's persons and units also appear, hiding what they may not see.

    Cases in the user's scope are named by reference; of the others only their existence is told
    (their agencies' clerks and reviewers were notified when the duplicate was entered).
    """
    by_subject: dict[tuple[str, str], set[int]] = defaultdict(set)
    for duplicate in case_duplicates(case=case):
        by_subject[(duplicate.kind, duplicate.subject)].add(duplicate.other_case_id)
    all_ids = set().union(*by_subject.values()) if by_subject else set()
    visible = dict(
        Case.objects.restrict(user, VIEW).filter(pk__in=all_ids).values_list("pk", "reference")
    )
    return [
        DuplicateHint(
            label=DUPLICATE_SUBJECTS[kind],
            subject=subject,
            cases=sorted(((pk, visible[pk]) for pk in ids if pk in visible), key=lambda c: c[1]),
            hidden=any(pk not in visible for pk in ids),
        )
        for (kind, subject), ids in by_subject.items()
    ]


def case_duplicate_notices(*, case: Case, user) -> list[str]:
    """Return the duplicate hints as sentences (the API's ``duplicate_notices``)."""
    notices = []
    for hint in case_duplicate_hints(case=case, user=user):
        if hint.cases:
            notices.append(
                _("%(label)s%(subject)s也出现在案件%(refs)s中。")
                % {
                    "label": hint.label,
                    "subject": hint.subject,
                    "refs": "、".join(ref for _pk, ref in hint.cases),
                }
            )
        if hint.hidden:
            notices.append(
                _("%(label)s%(subject)s在其他机构的案件中也有登记（已通知有权查看的人员）。")
                % {"label": hint.label, "subject": hint.subject}
            )
    return notices


def complete_document_number(text: str) -> str | None:
    """Return ``text`` as a complete document number (canonical form), or None.

    A 居民身份证 (or 港澳台居住证) number must be valid, 15 digits upgraded to 18; other documents
    (passports, permanent residence cards) are taken as typed when they look like one.
    """
    text = canonical_text(text)
    try:
        return normalize_resident_id(text)
    except ValidationError:
        pass
    if DOCUMENT.match(text):
        return text
    return None


def looks_like_number(text: str) -> bool:
    """Return True when a search text holds six or more digits: a look-up by document number."""
    return bool(NUMBER_LOOKUP.search(canonical_text(text)))


def person_search(*, user, q: str) -> QuerySet[Person]:
    """Return persons in cases ``user`` may see matching a name or document number (pickers).

    Each person carries ``full_id_visible``: True when they appear in a case the user may change.
    A number matches (by prefix or in full) only those persons: where the number is masked, a
    search by it would confirm the hidden digits one guess at a time.
    """
    q = strip_controls(q).strip()
    visible_parties = CaseParty.objects.filter(
        person=OuterRef("pk"), case__in=Case.objects.restrict(user, VIEW)
    )
    own_parties = CaseParty.objects.filter(
        person=OuterRef("pk"), case__in=Case.objects.restrict(user, CHANGE)
    )
    # The name shown is the one a case in the user's scope records (the shared person row keeps
    # the first registration's name, which another agency's clerk must not learn from here).
    queryset = (
        Person.objects.filter(Exists(visible_parties))
        .annotate(
            full_id_visible=Exists(own_parties),
            shown_name=Subquery(visible_parties.order_by("pk").values("name")[:1]),
        )
        .order_by("shown_name", "id")
    )
    if q:
        number = complete_document_number(q) or canonical_text(q)
        by_number = Q(full_id_visible=True, id_number__startswith=number)
        by_name = Exists(visible_parties.filter(name__icontains=q))
        queryset = queryset.filter(by_name | by_number)
    return queryset[:PICKER_LIMIT]


def unit_search(*, user, q: str) -> QuerySet[Unit]:
    """Return units of cases ``user`` may see matching a name or credit code (pickers).

    Only units of the user's own cases: a unit exists in the register because some case names it,
    so finding another jurisdiction's unit by its code would tell that it is under investigation.
    Entering a case with a unit's full code still reuses its row (``cases.parties``); the other
    agencies are told of the duplicate, not the clerk. Ministry users get nothing.
    """
    if not permissions.reads_cases(user):
        return Unit.objects.none()
    visible = Case.objects.restrict(user, VIEW)
    parties = CaseParty.objects.filter(case__in=visible)
    in_scope = (
        Q(pk__in=parties.values("registered_unit"))
        | Q(pk__in=parties.values("actual_unit"))
        | Q(pk__in=visible.values("certificate_user_unit"))
        | Q(pk__in=visible.values("hr_agency"))
    )
    q = strip_controls(q).strip()
    if q:
        in_scope &= Q(name__icontains=q) | Q(uscc__startswith=canonical_text(q))
    return (
        Unit.objects.filter(in_scope).select_related("region").order_by("name", "id")[:PICKER_LIMIT]
    )


# Departments whose agencies handle cases: the reporting ones (supervising bureaus and the
# ministry read; a case offered to them could never be accepted).
TRANSFER_DEPARTMENT_KINDS = (Department.Kind.REPORTING,)


def transfer_targets(*, case: Case) -> QuerySet[Agency]:
    """Return the agencies ``case`` may be offered to: active, of a case-handling department."""
    return (
        Agency.objects.filter(is_active=True, department__kind__in=TRANSFER_DEPARTMENT_KINDS)
        .exclude(pk=case.agency_id)
        .select_related("department", "region")
    )


def evidence_list(*, case: Case) -> QuerySet[Evidence]:
    """Return the evidence files of a case already looked up in the caller's scope."""
    return Evidence.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at")


def evidence_get(*, user, pk) -> Evidence:
    """Return one evidence file whose case ``user`` may see (else NotFoundError)."""
    try:
        return Evidence.objects.restrict(user, VIEW).select_related("case").get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("未找到该文件。")) from exc
