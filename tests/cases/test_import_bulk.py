"""The set-based entry of a whole file (``case_create_many``) against ``case_create`` one by one:
the same cases, numbers, shared rows, links, notices and audit events; the same refusals; and a
number of statements that does not grow with the file."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from cases import services
from cases.models import (
    Case,
    CaseLink,
    CaseParty,
    CaseSequence,
    Certificate,
    Person,
    Unit,
)
from core.errors import BatchError, DomainError
from notifications.models import Notification
from tests.cases.payloads import case_payload
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG = "510104", "510105"
LATER = datetime.date(2020, 5, 1)


def unit(seq: int, name: str = "") -> dict:
    return {"name": name, "uscc": valid_uscc(9000 + seq)}


def person(seq: int, name: str, **overrides) -> dict:
    """Return a person without certificate or units unless given."""
    body = {
        "name": name,
        "id_type": "resident_id",
        "id_number": valid_resident_id(seq, birth="19700101"),
        "is_public_employee": False,
        "certificate": None,
        "registered_unit": None,
        "actual_unit": None,
    }
    return body | overrides


def certificate(number: str) -> dict:
    return {"category": "constructor", "level": "1", "specialty": "建筑工程", "number": number}


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def register(agency, member):
    """Register the cases the file meets: in another department, another county and the clerk's
    own agency; with their staff, who are told of what the file changes or repeats."""
    rs, qingyang = member("RS", JINJIANG, "clerk"), member("ZJ", QINGYANG, "clerk")
    own = member("ZJ", JINJIANG, "reviewer")
    services.case_create(
        actor=rs,
        agency=agency("RS", JINJIANG),
        **case_payload(
            persons=[
                person(
                    101,
                    "王一",
                    registered_unit=unit(1, "甲公司"),
                    actual_unit={"name": "无码单位", "uscc": ""},
                )
            ],
            certificate_user_unit=None,
        ),
    )
    services.case_create(
        actor=own,
        agency=agency("ZJ", JINJIANG),
        **case_payload(
            persons=[person(102, "王二", certificate=certificate("川151000000102"))],
            certificate_user_unit=None,
        ),
    )
    services.case_create(
        actor=qingyang,
        agency=agency("ZJ", QINGYANG),
        **case_payload(
            persons=[
                person(103, "王三", registered_unit=unit(21, "乙人力")),
                person(104, "王四"),
            ],
            certificate_user_unit=None,
        ),
    )


def file_cases() -> list[dict]:
    """Return cases mixing new and registered persons, units and certificates, repeating each
    other, over two years."""
    return [
        case_payload(
            persons=[
                person(
                    101,
                    "王一改",
                    registered_unit=unit(1),
                    actual_unit={"name": "无码单位", "uscc": ""},
                )
            ],
            certificate_user_unit=unit(31, "新单位一"),
        ),
        case_payload(
            opened_on=LATER,
            persons=[
                person(
                    102, "王二", certificate=certificate("川151000000102"), registered_unit=unit(31)
                )
            ],
            certificate_user_unit=None,
            hr_agency=unit(21, "乙人力"),
        ),
        case_payload(
            persons=[
                person(104, "王四", is_public_employee=True),
                person(
                    105,
                    "王五",
                    certificate=certificate("川151000000105"),
                    registered_unit=unit(31, "新单位一"),
                ),
            ],
            certificate_user_unit=unit(32, "新单位二"),
        ),
        case_payload(
            opened_on=datetime.date(2019, 4, 1),
            persons=[
                person(105, "王五", certificate=certificate("川151000000105")),
                person(106, "王六", certificate=certificate("川151000000106")),
            ],
            certificate_user_unit=None,
            hr_agency=unit(32),
        ),
        case_payload(
            opened_on=datetime.date(2020, 6, 1),
            persons=[],
            certificate_user_unit={"name": "另一无码单位", "uscc": ""},
        ),
    ]


def snapshot(since: dict) -> dict:
    """Return what entering the file wrote, with ids replaced by what they stand for."""
    cases = Case.objects.filter(pk__gt=since["case"])
    ref = dict(Case.objects.values_list("pk", "reference"))

    def unit_key(unit):
        return (unit.uscc, unit.name) if unit else None

    # The position of the case's id in each kind of key; the rest are stable ids.
    case_at = {"case-duplicate": 2, "shared-change": 3, "person-name-differs": 2}

    def key(text: str) -> str:
        parts = text.split(":")
        parts[case_at[parts[0]]] = ref[int(parts[case_at[parts[0]]])]
        return ":".join(parts)

    def url(text: str) -> str:
        pk = int(text.split("/")[2]) if text.startswith("/cases/") else 0
        return f"/cases/{ref[pk]}/" if pk else text

    return {
        "cases": [
            (
                c.reference,
                c.campaign_id,
                c.agency_id,
                c.source,
                c.violations,
                c.opened_on,
                c.summary,
                c.status,
                unit_key(c.certificate_user_unit),
                unit_key(c.hr_agency),
                c.created_by_id,
            )
            for c in cases.order_by("reference")
        ],
        "parties": sorted(
            (
                p.case.reference,
                p.person.id_number,
                p.name,
                p.certificate.number if p.certificate else None,
                unit_key(p.registered_unit),
                unit_key(p.actual_unit),
                p.position,
            )
            for p in CaseParty.objects.filter(case__in=cases)
        ),
        "persons": sorted(
            Person.objects.values_list(
                "id_type", "id_number", "name", "sex", "birth_date", "is_public_employee"
            )
        ),
        "units": sorted(Unit.objects.values_list("uscc", "name", "kind"), key=str),
        "certificates": sorted(
            (c.certificate_type_id, c.number, c.person.id_number, unit_key(c.registered_unit))
            for c in Certificate.objects.all()
        ),
        "links": sorted(
            (ref[f], ref[t], kind)
            for f, t, kind in CaseLink.objects.values_list("from_case", "to_case", "kind")
        ),
        "sequences": sorted(CaseSequence.objects.values_list("agency_id", "year", "last")),
        "audit": [
            (e.action, e.target_repr, e.agency_id, e.actor_id, e.changes, e.data)
            for e in AuditEvent.objects.filter(pk__gt=since["audit"]).order_by("pk")
        ],
        "notifications": sorted(
            (n.user_id, key(n.key), n.title, n.body, url(n.url))
            for n in Notification.objects.filter(pk__gt=since["notification"])
        ),
    }


def marks() -> dict:
    last = {"case": Case, "audit": AuditEvent, "notification": Notification}
    return {
        name: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for name, m in last.items()
    }


def one_by_one(actor, agency, payloads) -> dict:
    """Return the refusals of entering ``payloads`` with ``case_create`` as the import did before:
    each case in a savepoint, the refused ones undone."""
    refused = {}
    for index, payload in enumerate(payloads):
        try:
            with transaction.atomic():
                services.case_create(actor=actor, agency=agency, **payload)
        except DomainError as exc:
            refused[index] = exc.fields
    return refused


def test_a_file_enters_exactly_as_case_by_case(register, clerk, agency):
    """Cases, references, persons, units, certificates, links, notices and audit events are the
    same whether the file is entered at once or case by case."""
    where = agency("ZJ", JINJIANG)
    payloads = file_cases()
    since = marks()
    savepoint = transaction.savepoint()
    assert one_by_one(clerk, where, payloads) == {}
    expected = snapshot(since)
    transaction.savepoint_rollback(savepoint)

    since = marks()
    cases = services.case_create_many(actor=clerk, agency=where, payloads=payloads)
    assert [c.reference for c in cases] == [
        "ZJ-510104-2019-0002",
        "ZJ-510104-2020-0001",
        "ZJ-510104-2019-0003",
        "ZJ-510104-2019-0004",
        "ZJ-510104-2020-0002",
    ]
    got = snapshot(since)
    for part, rows in expected.items():
        assert got[part] == rows, part
    # The file met all there is to meet: each rule left its mark.
    actions = [row[0] for row in got["audit"]]
    for action in ("person.name_differs", "unit.updated", "certificate.updated", "person.updated"):
        assert action in actions
    assert {kind for _f, _t, kind in got["links"]} == {"same_person", "same_unit"}
    assert len(got["notifications"]) >= 3


def test_refusals_are_the_same_and_nothing_is_written(register, clerk, agency):
    """Each refused case carries the errors ``case_create`` gives it, the file's earlier cases
    counting (a renamed person, a certificate taken in the file); nothing is written."""
    payloads = [
        case_payload(persons=[person(110, "赵一", certificate=certificate("川151000000110"))]),
        case_payload(persons=[person(110, "赵二")]),  # renamed in the file: seen, refused
        case_payload(persons=[person(111, "赵三", certificate=certificate("川151000000110"))]),
        case_payload(persons=[person(112, "赵四", registered_unit=unit(41))]),  # no name
        case_payload(persons=[person(113, "赵五", registered_unit=unit(31))]),  # never named
        case_payload(
            source="乱填",
            opened_on=datetime.date(2999, 1, 1),
            persons=[person(114, "", id_number="510104197001011234")],
        ),
        case_payload(persons=[person(115, "赵六")], certificate_user_unit=unit(42, "新单位")),
        case_payload(persons=[person(116, "赵七", registered_unit=unit(42))]),  # named before
    ]
    where = agency("ZJ", JINJIANG)
    savepoint = transaction.savepoint()
    expected = one_by_one(clerk, where, payloads)
    transaction.savepoint_rollback(savepoint)
    assert sorted(expected) == [1, 2, 3, 4, 5]

    before = {m: m.objects.count() for m in (Case, Person, Unit, Certificate, AuditEvent)}
    with pytest.raises(BatchError) as refused:
        services.case_create_many(actor=clerk, agency=where, payloads=payloads)
    assert {i: e.fields for i, e in refused.value.errors.items()} == expected
    assert {m: m.objects.count() for m in before} == before


def simple_file(first: int, count: int) -> list[dict]:
    """Return ``count`` one-person cases, new persons, certificates and units, each unit shared
    by two cases of the file and one of them registered before."""
    return [
        case_payload(
            persons=[
                person(
                    seq,
                    f"孙{seq}",
                    certificate=certificate(f"川152{seq:09d}"),
                    registered_unit=unit(500 + seq // 2, f"单位{seq // 2}"),
                    actual_unit=unit(1, "甲公司"),
                    is_public_employee=seq % 3 == 0,
                )
            ],
            certificate_user_unit=None,
            hr_agency=unit(21, "乙人力"),
            opened_on=LATER if seq % 2 else datetime.date(2019, 3, 2),
        )
        for seq in range(first, first + count)
    ]


def test_statements_do_not_grow_with_the_file(register, clerk, agency):
    """Ten cases or fifty, meeting the same registered rows: the same statements."""
    where = agency("ZJ", JINJIANG)
    counted = {}
    for count in (1, 10, 50):  # the first warms what the clerk's user object caches
        savepoint = transaction.savepoint()
        with CaptureQueriesContext(connection) as queries:
            cases = services.case_create_many(
                actor=clerk, agency=where, payloads=simple_file(200, count)
            )
        transaction.savepoint_rollback(savepoint)
        assert len(cases) == count
        counted[count] = [q["sql"][:60] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert counted[10] == counted[50]
    assert len(counted[50]) == 22, "\n".join(counted[50])
