"""The case register's write services: validation, numbering, workflow, decisions, duplicates."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from audit.models import AuditEvent
from cases import selectors, services, validation
from cases.models import (
    Case,
    CaseLink,
    CaseParty,
    Certificate,
    CertificateType,
    Decision,
    Measure,
    Person,
    Unit,
)
from cases.reference import CERTIFICATE_TYPES, certificate_types_load
from core.errors import DomainError
from notifications.models import Notification
from tests.cases.payloads import case_payload, pdf_file, person_payload, unit_payload
from tests.factories import valid_resident_id

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG, CHENGDU, PROVINCE = "510104", "510105", "510100", "510000"
# A rectification date inside the 2019 self-inspection phase (extended to 2019-03-31).
IN_PHASE = datetime.date(2019, 2, 20)


def counts() -> dict[str, int]:
    models = (Case, CaseParty, Person, Unit, Certificate, CaseLink, Decision, Measure, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def reviewer(member):
    return member("ZJ", JINJIANG, "reviewer")


@pytest.fixture
def create(agency, clerk):
    """Return a function registering a case for the 锦江区 住建局 clerk."""

    def make(actor=None, where=("ZJ", JINJIANG), **body):
        return services.case_create(
            actor=actor or clerk, agency=agency(*where), **case_payload(**body)
        )

    return make


# --------------------------------------------------------------------------- reference data


def test_certificate_types_cover_domain_section_7_and_load_idempotently():
    """Every category, level and specialty of DOMAIN.md §7 exists with its department, once."""
    assert CertificateType.objects.count() >= len(CERTIFICATE_TYPES)
    assert certificate_types_load() == 0
    constructor_1 = CertificateType.objects.filter(category="constructor", level="1")
    assert constructor_1.count() == 10
    assert CertificateType.objects.filter(category="constructor", level="2").count() == 6
    water = CertificateType.objects.get(category="constructor", level="1", specialty="水利水电工程")
    assert water.department.code == "SL"
    assert water.title == "一级建造师（水利水电工程）"
    rail = CertificateType.objects.get(category="constructor", level="1", specialty="铁路工程")
    assert rail.department.code == "TL"
    assert (
        CertificateType.objects.get(
            category="supervision_engineer", specialty="交通运输工程"
        ).department.code
        == "JT"
    )
    assert CertificateType.objects.filter(category="cost_engineer").count() == 8
    assert CertificateType.objects.filter(category="architect").count() == 2


# --------------------------------------------------------------------------- create


def test_create_registers_case_with_reference_parties_and_audit(create, clerk):
    """A case gets a readable reference, its person, certificate and units, and an audit event."""
    case = create()
    assert case.reference == "ZJ-510104-2019-0001"
    assert case.status == Case.Status.REGISTERED
    assert case.created_by == clerk
    party = case.parties.get()
    assert party.person.name == "李1"
    assert party.person.sex == "M"  # the 17th digit (sequence 001) is odd
    assert party.certificate.certificate_type.title == "一级建造师（建筑工程）"
    assert party.certificate.registered_unit == party.registered_unit
    assert party.actual_unit.name == "成都某某设计院1"
    assert case.certificate_user_unit == party.registered_unit  # matched by credit code
    event = AuditEvent.objects.get(action="case.created")
    assert event.actor == clerk
    assert event.changes["source"] == [None, "self_inspection"]
    assert "********" in event.changes["persons"][1][0]  # the log keeps numbers masked


def test_references_count_per_agency_and_year(create, member):
    """Numbers run per agency and per year of opening."""
    first = create()
    second = create(persons=[person_payload(2)])
    other_year = create(persons=[person_payload(3)], opened_on=datetime.date(2020, 1, 2))
    qingyang_clerk = member("ZJ", QINGYANG, "clerk")
    qingyang = create(actor=qingyang_clerk, where=("ZJ", QINGYANG), persons=[person_payload(4)])
    assert first.reference == "ZJ-510104-2019-0001"
    assert second.reference == "ZJ-510104-2019-0002"
    assert other_year.reference == "ZJ-510104-2020-0001"
    assert qingyang.reference == "ZJ-510105-2019-0001"


def test_persons_are_matched_by_document_after_upgrading_15_digits(create):
    """A first-generation 15-digit number finds the person entered with the 18-digit one."""
    eighteen = valid_resident_id(7, birth="19650412")
    fifteen = eighteen[:6] + eighteen[8:17]
    create(persons=[person_payload(7, id_number=eighteen)])
    create(persons=[person_payload(7, id_number=fifteen)])
    person = Person.objects.get()
    assert person.id_number == eighteen
    assert person.case_parties.count() == 2
    assert person.birth_date == datetime.date(1965, 4, 12)


def test_entry_never_renames_a_registered_person_it_can_see(create, clerk):
    """Where the clerk sees the person, another name for the document is refused on the name."""
    create(persons=[person_payload(1, name="李一")])
    with pytest.raises(DomainError) as refused:
        create(actor=clerk, persons=[person_payload(1, name="改名")])
    message = "证件号码已登记为其他姓名（与已登记姓名不一致），请核对。"
    assert refused.value.fields == {"persons[0].name": [message]}
    assert Person.objects.get().name == "李一"


def test_a_name_guess_for_an_unseen_person_answers_nothing_and_is_recorded(create, member):
    """A clerk who cannot see the person gets the same answer whatever name they type.

    The case takes the name as entered (the shared person keeps its own), the probe is audited
    and the agency of the person's case is told; nothing reveals whether the guess was right.
    """
    create(persons=[person_payload(1, name="李一")])
    zj_clerk = Person.objects.get().case_parties.get().case.created_by
    guesses = []
    for region, guess in (("511002", "改名"), ("511011", "李一")):
        other = member("JT", region, "clerk")
        case = create(
            actor=other,
            where=("JT", region),
            persons=[person_payload(1, name=guess, certificate=None)],
            certificate_user_unit=None,
        )
        guesses.append(case.parties.get().name)
    assert guesses == ["改名", "李一"]
    assert Person.objects.get().name == "李一"
    assert not AuditEvent.objects.filter(action="person.updated").exists()
    probe = AuditEvent.objects.get(action="person.name_differs")
    assert probe.actor.memberships.get().agency.region.code == "511002"
    assert "李一" not in str(probe.data)
    assert "改名" not in str(probe.data)
    assert zj_clerk.notifications.filter(key__startswith="person-name-differs:").count() == 1


def test_public_employee_status_is_only_ever_switched_on_by_entry(create):
    """Entry may mark a person as public-sector staff, never silently clear it."""
    create(persons=[person_payload(1)])
    create(persons=[person_payload(1, is_public_employee=True)])
    person = Person.objects.get()
    assert person.is_public_employee is True
    event = AuditEvent.objects.get(action="person.updated")
    assert event.changes == {"is_public_employee": [False, True]}
    create(persons=[person_payload(1, is_public_employee=False)])
    person.refresh_from_db()
    assert person.is_public_employee is True


def test_lower_case_x_is_accepted():
    """The test vector of GB 11643 is accepted with a lower-case check character."""
    assert validation.clean_persons(
        [person_payload(1, id_number="11010519491231002x")], validation.Errors()
    )[0].id_number == ("11010519491231002X")


def test_units_without_code_are_allowed_and_flagged(create):
    """A unit entered without a credit code is saved and marked as lacking it."""
    case = create(certificate_user_unit={"name": "老单位（无代码）", "uscc": ""})
    assert case.certificate_user_unit.uscc is None
    assert case.certificate_user_unit.lacks_code
    create(
        persons=[person_payload(2)],
        certificate_user_unit={"name": "老单位（无代码）", "uscc": None},
    )
    assert Unit.objects.filter(name="老单位（无代码）").count() == 1


def test_hr_agency_is_created_with_its_kind(create):
    case = create(
        hr_agency={"name": "成都某人力资源服务有限公司", "uscc": unit_payload(77)["uscc"]}
    )
    assert case.hr_agency.kind == Unit.Kind.HR_AGENCY


def test_level_spellings_and_single_specialty_are_accepted(create):
    """ "一级" means level 1; an architect needs no specialty."""
    person = person_payload(
        1, certificate={"category": "architect", "level": "一级", "number": "A1"}
    )
    case = create(persons=[person])
    assert case.parties.get().certificate.certificate_type.title == "一级注册建筑师"


INVALID = [
    ("bad ID check digit", {"id_number": "11010519491231002Y"}, "persons[0].id_number"),
    ("wrong ID check digit", {"id_number": "110105194912310021"}, "persons[0].id_number"),
    ("impossible birth date", {"id_number": valid_resident_id(1, birth="19800230")}, None),
    ("future birth date", {"id_number": valid_resident_id(1, birth="20990101")}, None),
    ("missing name", {"name": ""}, "persons[0].name"),
    ("unknown id type", {"id_type": "driving_licence"}, "persons[0].id_type"),
    (
        "unknown category",
        {"certificate": {"category": "pilot", "level": "1", "specialty": "", "number": "X"}},
        "persons[0].certificate.category",
    ),
    (
        "unknown level",
        {"certificate": {"category": "constructor", "level": "3", "specialty": "", "number": "X"}},
        "persons[0].certificate.level",
    ),
    (
        "unknown specialty",
        {
            "certificate": {
                "category": "constructor",
                "level": "2",
                "specialty": "铁路工程",
                "number": "X",
            }
        },
        "persons[0].certificate.specialty",
    ),
    (
        "missing certificate number",
        {
            "certificate": {
                "category": "constructor",
                "level": "1",
                "specialty": "建筑工程",
                "number": "",
            }
        },
        "persons[0].certificate.number",
    ),
    (
        "bad credit code",
        {"registered_unit": {"name": "某公司", "uscc": "91110000600037341A"}},
        "persons[0].registered_unit.uscc",
    ),
    (
        "credit code with a forbidden letter",
        {"actual_unit": {"name": "某公司", "uscc": "91110000600037341O"}},
        "persons[0].actual_unit.uscc",
    ),
]


@pytest.mark.parametrize(("label", "override", "field"), INVALID, ids=[i[0] for i in INVALID])
def test_invalid_person_is_refused_naming_the_field_and_nothing_is_written(
    create, label, override, field
):
    """Each bad value is refused with its field path and a Chinese message; no row is written."""
    before = counts()
    with pytest.raises(DomainError) as error:
        create(persons=[person_payload(1, **override)])
    assert list(error.value.fields) == [field or "persons[0].id_number"]
    assert error.value.message.startswith("第1名涉案人员")
    assert error.value.code == "invalid"
    assert counts() == before


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"source": "rumour"}, "source"),
        ({"violations": []}, "violations"),
        ({"violations": ["unit_mismatch", "jaywalking"]}, "violations"),
        ({"opened_on": "2019-02-30"}, "opened_on"),
        ({"opened_on": datetime.date(2099, 1, 1)}, "opened_on"),
        ({"persons": [], "certificate_user_unit": None}, "persons"),  # nobody at all
        ({"certificate_user_unit": {"name": "", "uscc": "123"}}, "certificate_user_unit.uscc"),
    ],
)
def test_invalid_case_fields_are_refused_and_nothing_is_written(create, override, field):
    before = counts()
    with pytest.raises(DomainError) as error:
        create(**override)
    assert field in error.value.fields
    assert counts() == before


def test_same_person_twice_in_one_case_is_refused(create):
    with pytest.raises(DomainError) as error:
        create(persons=[person_payload(1), person_payload(1, name="又一个")])
    assert "persons[1].id_number" in error.value.fields


def test_certificate_held_by_another_person_is_refused(create):
    create()
    clash = person_payload(2)
    clash["certificate"] = person_payload(1)["certificate"]
    with pytest.raises(DomainError) as error:
        create(persons=[clash])
    assert "persons[0].certificate.number" in error.value.fields


def test_certificate_clash_elsewhere_is_refused_without_naming_holder_case_or_agency(
    create, member
):
    """Another jurisdiction's clerk is told only that the number is registered to someone else."""
    first = create()
    clash = person_payload(2)
    clash["certificate"] = person_payload(1)["certificate"]
    with pytest.raises(DomainError) as error:
        create(actor=member("RS", "511002", "clerk"), where=("RS", "511002"), persons=[clash])
    assert error.value.fields == {
        "persons[0].certificate.number": ["该证书编号已登记在其他人员名下，请核对。"]
    }
    for secret in ("李1", first.reference, first.agency.name):
        assert secret not in error.value.message


def test_clerk_cannot_create_for_another_county(agency, clerk):
    """Creating for an agency outside the actor's chain answers as if it did not exist."""
    before = counts()
    with pytest.raises(DomainError) as error:
        services.case_create(actor=clerk, agency=agency("ZJ", QINGYANG), **case_payload())
    assert error.value.code == "not_found"
    assert counts() == before


def test_inspector_cannot_create(agency, member):
    with pytest.raises(DomainError):
        services.case_create(
            actor=member("ZJ", CHENGDU, "inspector"),
            agency=agency("ZJ", JINJIANG),
            **case_payload(),
        )


def test_city_clerk_may_create_for_a_county_below(agency, member):
    case = services.case_create(
        actor=member("ZJ", CHENGDU, "clerk"), agency=agency("ZJ", JINJIANG), **case_payload()
    )
    assert case.agency.region.code == JINJIANG


# --------------------------------------------------------------------------- update


def test_update_changes_fields_and_records_before_after(create, clerk):
    case = create()
    services.case_update(
        actor=clerk,
        case=case,
        summary="补充案情",
        persons=[person_payload(1), person_payload(2)],
    )
    case.refresh_from_db()
    assert case.summary == "补充案情"
    assert case.parties.count() == 2
    event = AuditEvent.objects.get(action="case.updated")
    assert event.changes["summary"][1] == "补充案情"
    assert len(event.changes["persons"][1]) == 2


def test_update_refuses_unknown_fields_and_closed_cases(create, clerk):
    case = create()
    with pytest.raises(DomainError):
        services.case_update(actor=clerk, case=case, reference="X")
    case.status = Case.Status.CLOSED
    case.save()
    with pytest.raises(DomainError) as error:
        services.case_update(actor=clerk, case=case, summary="改")
    assert error.value.code == "conflict"


def test_update_by_another_county_answers_404(create, member):
    case = create()
    with pytest.raises(DomainError) as error:
        services.case_update(actor=member("ZJ", QINGYANG, "clerk"), case=case, summary="x")
    assert error.value.code == "not_found"


# --------------------------------------------------------------------------- workflow


def decide(actor, case, **overrides):
    values = {
        "decided_on": datetime.date(2019, 3, 20),
        "outcome": "established",
        "measures": ["revoke_registration", "reregistration_ban", "blacklist"],
        "document_number": "锦建罚〔2019〕1号",
    }
    values.update(overrides)
    return services.case_decide(actor=actor, case=case, **values)


DECIDED_CHANGES = [
    ("opened_on", {"opened_on": datetime.date(2019, 3, 25)}, "立案日期"),
    ("violations", {"violations": ["certificate_trading"]}, "违法违规行为"),
    ("persons", {"persons": [person_payload(1), person_payload(2)]}, "涉案人员"),
    ("persons", {"persons": [person_payload(1, certificate=None)]}, "涉案人员"),
    ("certificate_user_unit", {"certificate_user_unit": unit_payload(77)}, "买卖租借证书单位"),
]


@pytest.mark.parametrize(
    ("field", "change", "label"), DECIDED_CHANGES, ids=[c[0] for c in DECIDED_CHANGES]
)
def test_decided_case_refuses_changes_to_what_the_decision_rests_on(
    create, clerk, field, change, label
):
    """After the decision, opened_on, violations, persons and units change only after reopening."""
    case = create()
    decide(clerk, case)
    before = counts()
    with pytest.raises(DomainError) as refused:
        services.case_update(actor=clerk, case=case, **change)
    message = "已作出处理决定的案件需先重新办理后才能修改。"
    assert refused.value.code == "conflict"
    assert refused.value.fields == {field: [message]}
    assert refused.value.message == f"{label}：{message}"
    assert counts() == before


def test_decided_case_keeps_its_summary_editable(create, clerk):
    """The summary may still be edited, and unchanged values sent along with it pass."""
    case = create()
    decide(clerk, case)
    unchanged = case_payload()
    del unchanged["hr_agency"]
    services.case_update(actor=clerk, case=case, **(unchanged | {"summary": "补充案情说明。"}))
    case.refresh_from_db()
    assert case.summary == "补充案情说明。"
    assert case.status == Case.Status.DECIDED


def test_dates_are_checked_against_each_other_and_today(create, clerk):
    """A decision before the opening date, or an opening date after today, is refused."""
    case = create()
    with pytest.raises(DomainError) as refused:
        decide(clerk, case, decided_on=datetime.date(2019, 3, 1))
    assert list(refused.value.fields) == ["decided_on"]
    with pytest.raises(DomainError) as refused:
        services.case_update(actor=clerk, case=case, opened_on=datetime.date(2099, 1, 1))
    assert list(refused.value.fields) == ["opened_on"]


def test_full_workflow_is_recorded_on_the_timeline(create, clerk, reviewer):
    """registered → investigating → decided → closed → reopened, each an audit event."""
    case = create()
    services.case_start_investigation(actor=clerk, case=case)
    assert case.status == Case.Status.INVESTIGATING
    decide(clerk, case)
    assert case.status == Case.Status.DECIDED
    services.case_close(actor=clerk, case=case, reason="处理完毕")
    assert case.status == Case.Status.CLOSED
    assert case.closed_at is not None
    services.case_reopen(actor=reviewer, case=case, reason="发现新证据")
    assert case.status == Case.Status.INVESTIGATING
    assert not Decision.objects.filter(case=case).exists()
    actions = [e["action"] for e in selectors.case_timeline(case=case, user=clerk)]
    assert actions == [
        "case.created",
        "case.investigation_started",
        "case.decided",
        "case.closed",
        "case.reopened",
    ]
    reopened = AuditEvent.objects.get(action="case.reopened")
    assert reopened.data["reason"] == "发现新证据"
    assert reopened.data["withdrawn"]["decision"]["document_number"] == "锦建罚〔2019〕1号"
    certificate = case.parties.get().certificate
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.REGISTERED  # the withdrawn revocation is undone


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_clerk_and_reviewer_may_record_a_decision(create, member, role):
    case = create()
    decide(member("ZJ", JINJIANG, role), case)
    assert case.status == Case.Status.DECIDED


def test_a_registered_case_may_be_decided_directly(create, clerk):
    """Self-inspection cases are often decided on entry, without a separate investigation."""
    case = create()
    decide(
        clerk,
        case,
        self_corrected=True,
        self_corrected_on=datetime.date(2019, 2, 20),
        measures=[],
        self_correction_text="已注销注册",
    )
    assert case.decision.outcomes.get().self_corrected


def test_inspector_may_not_change_a_case_it_sees(create, member):
    """Inspectors read but do not write: 403, since the case is in their scope."""
    case = create()
    inspector = member("ZJ", CHENGDU, "inspector")
    with pytest.raises(DomainError) as error:
        services.case_start_investigation(actor=inspector, case=case)
    assert error.value.code == "forbidden"


def test_another_county_may_not_transition(create, member):
    case = create()
    with pytest.raises(DomainError) as error:
        decide(member("ZJ", QINGYANG, "reviewer"), case)
    assert error.value.code == "not_found"
    assert case.status == Case.Status.REGISTERED


def test_only_a_reviewer_may_reopen(create, clerk, member):
    case = create()
    decide(clerk, case)
    with pytest.raises(DomainError) as error:
        services.case_reopen(actor=clerk, case=case, reason="想改")
    assert error.value.code == "forbidden"
    city_reviewer = member("ZJ", CHENGDU, "reviewer")
    services.case_reopen(actor=city_reviewer, case=case, reason="上级要求复查")
    assert case.status == Case.Status.INVESTIGATING


def test_reopen_requires_a_reason(create, clerk, reviewer):
    case = create()
    decide(clerk, case)
    with pytest.raises(DomainError) as error:
        services.case_reopen(actor=reviewer, case=case, reason=" ")
    assert "reason" in error.value.fields


def test_the_case_carries_its_decision_date_until_reopened(create, clerk, reviewer):
    """Deciding copies the decision date onto the case, for the list; reopening clears it."""
    case = create()
    decide(clerk, case, decided_on=datetime.date(2019, 3, 21))
    assert Case.objects.get(pk=case.pk).decided_on == datetime.date(2019, 3, 21)
    assert case.decided_on == datetime.date(2019, 3, 21)
    services.case_reopen(actor=reviewer, case=case, reason="上级要求复查")
    assert Case.objects.get(pk=case.pk).decided_on is None
    decide(clerk, case, decided_on=datetime.date(2019, 4, 2))
    services.case_close(actor=clerk, case=case)
    assert Case.objects.get(pk=case.pk).decided_on == datetime.date(2019, 4, 2)


def _dates_agree(case) -> bool:
    """Case.decided_on and its decision's date are the same fact: equal, or both absent."""
    stored = Case.objects.get(pk=case.pk)
    decision = Decision.objects.filter(case=case).values_list("decided_on", flat=True).first()
    return stored.decided_on == decision


def test_the_case_and_its_decision_agree_on_the_date_after_every_step(create, clerk, reviewer):
    """After decide, reopen, re-decide and close, both copies of the decision date agree."""
    case = create()
    assert _dates_agree(case)
    decide(clerk, case, decided_on=datetime.date(2019, 3, 21))
    assert _dates_agree(case)
    services.case_reopen(actor=reviewer, case=case, reason="上级要求复查")
    assert _dates_agree(case)
    decide(clerk, case, decided_on=datetime.date(2019, 4, 2))
    assert _dates_agree(case)
    services.case_close(actor=clerk, case=case)
    assert _dates_agree(case)
    services.case_reopen(actor=reviewer, case=case, reason="再次复查")
    assert _dates_agree(case)


@pytest.mark.parametrize(
    ("status", "service"),
    [
        ("investigating", "case_start_investigation"),
        ("decided", "case_start_investigation"),
        ("registered", "case_close"),
        ("investigating", "case_close"),
        ("closed", "case_close"),
    ],
)
def test_guarded_transitions_refuse_the_wrong_state(create, clerk, status, service):
    case = create()
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    with pytest.raises(DomainError) as error:
        getattr(services, service)(actor=clerk, case=case)
    assert error.value.code == "conflict"


def test_a_case_cannot_be_decided_twice(create, clerk):
    case = create()
    decide(clerk, case)
    with pytest.raises(DomainError) as error:
        decide(clerk, case)
    assert error.value.code == "conflict"


def test_reopen_refuses_a_case_without_decision(create, reviewer):
    case = create()
    with pytest.raises(DomainError):
        services.case_reopen(actor=reviewer, case=case, reason="x")


# --------------------------------------------------------------------------- decisions


def measures_of(decision) -> dict[str, list]:
    """Return the decision's measures by kind, each with its outcome."""
    by_kind: dict[str, list] = {}
    for outcome in decision.outcomes.all():
        for measure in outcome.measures.all():
            by_kind.setdefault(measure.kind, []).append(measure)
    return by_kind


def test_decision_derives_end_dates_and_certificate_state(create, clerk):
    """The ban ends 3 years after revocation, the blacklist 1 year after listing; both stored."""
    case = create(hr_agency=unit_payload(30))
    decision = decide(
        clerk,
        case,
        measures=[
            "revoke_registration",
            "reregistration_ban",
            "blacklist",
            "fine",
            "rectify_order",
        ],
        fine_amount="5000",
        rectify_deadline="2019-05-01",
    )
    by_kind = measures_of(decision)
    ban = by_kind["reregistration_ban"][0]
    assert (ban.starts_on, ban.ends_on) == (datetime.date(2019, 3, 20), datetime.date(2022, 3, 20))
    blacklisted = {m.outcome.role: m for m in by_kind["blacklist"]}
    assert set(blacklisted) == {"person", "unit", "hr_agency"}
    assert blacklisted["person"].ends_on == datetime.date(2020, 3, 20)
    assert blacklisted["unit"].outcome.unit == case.certificate_user_unit
    assert by_kind["fine"][0].amount == Decimal("5000")
    assert by_kind["fine"][0].outcome.unit == case.hr_agency
    assert by_kind["rectify_order"][0].deadline == datetime.date(2019, 5, 1)
    certificate = case.parties.get().certificate
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.REVOKED
    assert certificate.revoked_on == datetime.date(2019, 3, 20)
    assert certificate.reregistration_banned_until == datetime.date(2022, 3, 20)


def test_ban_runs_from_a_given_revocation_date(create, clerk):
    case = create()
    decision = decide(clerk, case, revoked_on=datetime.date(2019, 4, 1))
    (ban,) = measures_of(decision)["reregistration_ban"]
    assert ban.ends_on == datetime.date(2022, 4, 1)


def test_revocation_always_carries_the_three_year_ban(create, clerk):
    """The plan ties them: 撤销注册 alone is recorded with 3年内不得再次申请注册."""
    case = create()
    decision = decide(clerk, case, measures=["revoke_registration"])
    (ban,) = measures_of(decision)["reregistration_ban"]
    assert ban.ends_on == datetime.date(2022, 3, 20)


def test_end_date_of_a_29_february_listing():
    assert services.add_years(datetime.date(2020, 2, 29), 1) == datetime.date(2021, 2, 28)


def test_deregistration_marks_the_certificate_deregistered(create, clerk):
    case = create()
    decide(clerk, case, measures=["deregistration"])
    certificate = case.parties.get().certificate
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.DEREGISTERED
    assert certificate.deregistered_on == datetime.date(2019, 3, 20)


def test_public_employees_are_reported_to_their_employer_by_default(create, clerk):
    """Staff of a state organ: an established, penalised outcome notifies employer and 监察机关."""
    case = create(persons=[person_payload(1, is_public_employee=True)])
    decision = decide(clerk, case)
    assert len(measures_of(decision)["notify_employer"]) == 1


def test_self_corrected_public_employee_needs_no_notification(create, clerk):
    case = create(persons=[person_payload(1, is_public_employee=True)])
    decision = decide(clerk, case, self_corrected=True, self_corrected_on=IN_PHASE, measures=[])
    assert case.status == Case.Status.DECIDED
    assert "notify_employer" not in measures_of(decision)


def test_a_penalty_and_self_correction_on_one_party_are_refused(create, clerk):
    """自查自纠整改到位 is not pursued: a penalty with it is refused, deregistration allowed."""
    case = create()
    with pytest.raises(DomainError) as error:
        decide(clerk, case, self_corrected=True, self_corrected_on=IN_PHASE)
    assert "不能同时给予处罚" in str(error.value.fields)
    decision = decide(
        clerk, case, self_corrected=True, self_corrected_on=IN_PHASE, measures=["deregistration"]
    )
    assert list(measures_of(decision)) == ["deregistration"]


def _refused_on(fields: dict, name: str) -> bool:
    return any(path == name or path.endswith(f".{name}") for path in fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcome": "not_established", "measures": []}, "exemption"),
        ({"outcome": "not_established", "measures": []}, "proofs"),
        ({"outcome": "not_established", "exemption": "retired"}, "measures"),
        ({"outcome": "maybe"}, "result"),
        ({"measures": ["flogging"]}, "measures"),
        ({"measures": []}, "measures"),
        ({"measures": ["reregistration_ban"]}, "measures"),
        ({"measures": ["revoke_hr_license"]}, "outcomes[1]"),  # the case has no HR agency
        ({"measures": ["fine"]}, "fine_amount"),
        ({"measures": ["fine"], "fine_amount": "-3"}, "fine_amount"),
        ({"measures": ["rectify_order"]}, "rectify_deadline"),
        ({"decided_on": "2019-02-31"}, "decided_on"),
        ({"decided_on": datetime.date(2099, 1, 1)}, "decided_on"),
        ({"decided_on": datetime.date(2019, 1, 1)}, "decided_on"),  # before opened_on
        ({"exemption": "retired"}, "exemption"),
        ({"referred_to_issuer": True}, "issuer"),
    ],
)
def test_invalid_decisions_are_refused_and_nothing_is_written(create, clerk, overrides, field):
    case = create()
    before = counts()
    with pytest.raises(DomainError) as error:
        decide(clerk, case, **overrides)
    assert _refused_on(error.value.fields, field), error.value.fields
    assert counts() == before
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED


def test_not_established_with_exemption_and_its_typed_proof(create, clerk):
    """An exemption brings typed proofs with their files, kept among the case's evidence."""
    case = create()
    decision = decide(
        clerk,
        case,
        outcome="not_established",
        measures=[],
        exemption="retired",
        proofs=[{"kind": "retirement_certificate", "file": pdf_file("退休证.pdf")}],
    )
    (outcome,) = decision.outcomes.all()
    assert outcome.get_exemption_display() == "退休或依法提前退休"
    assert not outcome.measures.exists()
    (proof,) = outcome.proofs.all()
    assert proof.get_kind_display() == "退休证"
    assert proof.evidence.case == case
    assert proof.evidence.original_name == "退休证.pdf"


def test_each_person_has_their_own_outcome(create, clerk):
    """Two persons in one case: one established with measures, one exempt with proof."""
    case = create(persons=[person_payload(1), person_payload(2)])
    first, second = case.parties.order_by("position")
    decision = services.case_decide(
        actor=clerk,
        case=case,
        decided_on="2019-03-20",
        document_number="锦建罚〔2019〕3号",
        outcomes=[
            {"party": first.pk, "result": "established", "measures": ["revoke_registration"]},
            {
                "party": second.pk,
                "result": "not_established",
                "exemption": "branch_office",
                "proofs": [{"kind": "personnel_relation", "file": pdf_file()}],
            },
            {"role": "unit", "result": "established", "measures": ["circular", "blacklist"]},
        ],
    )
    results = {o.party_id or o.role: o for o in decision.outcomes.all()}
    assert results[first.pk].result == "established"
    assert results[second.pk].result == "not_established"
    assert {m.kind for m in results["unit"].measures.all()} == {"circular", "blacklist"}
    second.certificate.refresh_from_db()
    assert second.certificate.state == Certificate.State.REGISTERED
    first.certificate.refresh_from_db()
    assert first.certificate.state == Certificate.State.REVOKED


def test_every_person_needs_an_outcome(create, clerk):
    """A decision naming only one of two persons is refused, naming the other."""
    case = create(persons=[person_payload(1), person_payload(2)])
    first = case.parties.order_by("position").first()
    with pytest.raises(DomainError) as error:
        services.case_decide(
            actor=clerk,
            case=case,
            decided_on="2019-03-20",
            outcomes=[{"party": first.pk, "result": "established", "measures": ["circular"]}],
        )
    assert "李2" in error.value.fields["outcomes"][0]


def test_the_deciding_authority_and_a_referral_are_recorded(create, clerk, agency):
    """The agency that issued the decision, and the referral to the certificate's issuer."""
    case = create()
    decision = decide(
        clerk,
        case,
        deciding_agency=agency("ZJ", "510100").pk,
        referred_to_issuer=True,
        issuer="住房和城乡建设部",
    )
    assert decision.deciding_agency == agency("ZJ", "510100")
    assert (decision.referred_to_issuer, decision.issuer) == (True, "住房和城乡建设部")
    event = AuditEvent.objects.get(action="case.decided", target_id=str(case.pk))
    assert event.data["decision"]["document_number"] == "锦建罚〔2019〕1号"
    assert event.data["outcomes"][0]["kinds"] == [
        "revoke_registration",
        "reregistration_ban",
        "blacklist",
    ]


# --------------------------------------------------------------------------- transfer and join


def test_transfer_accepted_by_the_receiving_agency(create, clerk, agency, member):
    """While pending the owner keeps the case; on acceptance it moves, both audited."""
    case = create()
    receiver_clerk = member("ZJ", QINGYANG, "clerk")
    services.case_transfer(actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="属地")
    assert case.agency == agency("ZJ", JINJIANG)
    assert case.transfer_to == agency("ZJ", QINGYANG)
    assert Notification.objects.filter(user=receiver_clerk).exists()
    # the receiver sees the offered case, but may not edit it before accepting
    assert selectors.case_list(user=receiver_clerk).filter(pk=case.pk).exists()
    assert not selectors.case_list(user=receiver_clerk, action="change").filter(pk=case.pk)
    with pytest.raises(DomainError):
        services.case_update(actor=receiver_clerk, case=case, summary="x")
    with pytest.raises(DomainError):  # the owner cannot accept on the receiver's behalf
        services.case_transfer_accept(actor=clerk, case=case)
    services.case_transfer_accept(actor=receiver_clerk, case=case)
    assert case.agency == agency("ZJ", QINGYANG)
    assert case.transfer_to is None
    assert not selectors.case_list(user=clerk).filter(pk=case.pk).exists()
    actions = [e["action"] for e in selectors.case_timeline(case=case, user=clerk)]
    assert actions[-2:] == ["case.transfer_requested", "case.transfer_accepted"]


def test_transfer_rejected_with_a_reason(create, clerk, agency, member):
    case = create()
    receiver = member("RS", JINJIANG, "reviewer")
    services.case_transfer(actor=clerk, case=case, to_agency=agency("RS", JINJIANG), reason="劳务")
    with pytest.raises(DomainError) as error:
        services.case_transfer_reject(actor=receiver, case=case, reason="")
    assert "reason" in error.value.fields
    services.case_transfer_reject(actor=receiver, case=case, reason="不属本部门职责")
    assert case.transfer_to is None
    assert case.agency == agency("ZJ", JINJIANG)
    event = AuditEvent.objects.get(action="case.transfer_rejected")
    assert event.data["reason"] == "不属本部门职责"
    assert Notification.objects.filter(user=clerk, title__contains="退回").exists()


def test_transfer_validation_and_pending_guard(create, clerk, agency):
    case = create()
    with pytest.raises(DomainError) as error:
        services.case_transfer(actor=clerk, case=case, to_agency=agency("ZJ", JINJIANG), reason="")
    assert set(error.value.fields) == {"to_agency", "reason"}
    services.case_transfer(actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="属地")
    with pytest.raises(DomainError) as error:
        decide(clerk, case)
    assert error.value.code == "conflict"


def test_owner_withdraws_a_pending_transfer(create, clerk, agency, member):
    """The owning chain withdraws an offer; it is audited and the receiver is told and loses it."""
    case = create()
    receiver = agency("RS", JINJIANG)
    receiver_clerk = member("RS", JINJIANG, "clerk")
    services.case_transfer(actor=clerk, case=case, to_agency=receiver, reason="涉及社保")
    with pytest.raises(DomainError) as refused:  # the receiver may refuse, not withdraw
        services.case_transfer_cancel(actor=receiver_clerk, case=case)
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as refused:
        services.case_transfer_cancel(actor=member("ZJ", QINGYANG, "clerk"), case=case)
    assert refused.value.code == "not_found"
    services.case_transfer_cancel(actor=clerk, case=case, reason="选错机构")
    assert case.transfer_to is None
    assert case.transfer_reason == ""
    event = AuditEvent.objects.get(action="case.transfer_cancelled")
    assert event.changes == {"transfer_to": [receiver.pk, None]}
    assert event.data == {"to_agency": receiver.name, "reason": "选错机构"}
    assert Notification.objects.filter(
        user=receiver_clerk, key__startswith="case-transfer-cancelled"
    ).exists()
    assert not selectors.case_list(user=receiver_clerk).filter(pk=case.pk).exists()
    with pytest.raises(DomainError) as refused:  # nothing left to withdraw
        services.case_transfer_cancel(actor=clerk, case=case)
    assert refused.value.code == "conflict"
    decide(clerk, case)  # the case is workable again


def test_transfer_targets_are_active_case_handling_agencies(create, clerk, agency):
    """A case goes only to another active agency of a reporting department (those who act)."""
    case = create()
    targets = selectors.transfer_targets(case=case)
    assert not targets.filter(department__code="BU").exists()
    assert not targets.filter(pk=case.agency_id).exists()
    assert targets.filter(pk=agency("RS", JINJIANG).pk).exists()
    assert not targets.filter(department__code="TL").exists()  # supervising bureaus read
    inactive = agency("ZJ", QINGYANG)
    inactive.is_active = False
    inactive.save()
    assert not selectors.transfer_targets(case=case).filter(pk=inactive.pk).exists()
    with pytest.raises(DomainError) as refused:
        services.case_transfer(
            actor=clerk, case=case, to_agency=agency("BU", PROVINCE), reason="误选"
        )
    assert refused.value.fields == {
        "to_agency": ["只能移交给报送部门（住建、人社、交通、水利、通信）的机构。"]
    }
    case.refresh_from_db()
    assert case.transfer_to is None


def test_join_links_two_visible_cases(create, clerk, member):
    first = create()
    second = create(persons=[person_payload(2)], certificate_user_unit=None)
    services.case_join(actor=clerk, case=first, other=second)
    assert CaseLink.objects.filter(kind="joined").count() == 1
    assert [c for _, c in selectors.case_links(case=second, user=clerk)] == [first]
    with pytest.raises(DomainError):
        services.case_join(actor=clerk, case=second, other=first)
    hidden = create(actor=member("ZJ", QINGYANG, "clerk"), where=("ZJ", QINGYANG))
    with pytest.raises(DomainError) as error:
        services.case_join(actor=clerk, case=first, other=hidden)
    assert "other" in error.value.fields


# --------------------------------------------------------------------------- duplicates


def test_duplicate_across_departments_is_told_without_details(agency, member):
    """RS enters a person ZJ already has: RS is told only that it exists; ZJ is notified."""
    zj_clerk = member("ZJ", JINJIANG, "clerk")
    rs_clerk = member("RS", JINJIANG, "clerk")
    zj_case = services.case_create(actor=zj_clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    rs_body = case_payload(
        persons=[person_payload(1, registered_unit=None, actual_unit=None, certificate=None)],
        certificate_user_unit=None,
        source="comparison",
    )
    rs_case = services.case_create(actor=rs_clerk, agency=agency("RS", JINJIANG), **rs_body)

    assert CaseLink.objects.filter(
        from_case=rs_case, to_case=zj_case, kind=CaseLink.Kind.SAME_PERSON
    ).exists()
    notices = selectors.case_duplicate_notices(case=rs_case, user=rs_clerk)
    assert notices == ["人员李1在其他机构的案件中也有登记（已通知有权查看的人员）。"]
    assert zj_case.reference not in " ".join(notices)
    assert Notification.objects.filter(user=zj_clerk, key__startswith="case-duplicate").exists()
    assert not Notification.objects.filter(user=rs_clerk).exists()
    # the ZJ clerk cannot see the RS case, so it is not shown to them as a link either
    assert selectors.case_links(case=zj_case, user=zj_clerk) == []
    zj_notices = selectors.case_duplicate_notices(case=zj_case, user=zj_clerk)
    assert zj_notices == ["人员李1在其他机构的案件中也有登记（已通知有权查看的人员）。"]


def test_duplicate_notification_does_not_name_the_registering_agency(
    agency, member, mailoutbox, django_capture_on_commit_callbacks
):
    """The agency told about a duplicate learns only that its case's person is known elsewhere."""
    zj_clerk = member("ZJ", JINJIANG, "clerk", email="zj@example.org")
    zj_case = services.case_create(actor=zj_clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    rs_agency = agency("RS", "511002")
    with django_capture_on_commit_callbacks(execute=True):
        rs_case = services.case_create(
            actor=member("RS", "511002", "clerk"),
            agency=rs_agency,
            **case_payload(
                persons=[
                    person_payload(1, registered_unit=None, actual_unit=None, certificate=None)
                ],
                certificate_user_unit=None,
            ),
        )
    notice = Notification.objects.get(user=zj_clerk, key__startswith="case-duplicate")
    assert notice.body == (
        f"本机构案件{zj_case.reference}中的李1也出现在其他机构登记的案件中。"
        "请核实是否需要协同处理。"
    )
    mail = next(m for m in mailoutbox if m.to == ["zj@example.org"])
    for text in (notice.title, notice.body, mail.subject, mail.body):
        assert rs_agency.name not in text
        assert rs_agency.department.name not in text
        assert rs_case.reference not in text


def test_duplicate_in_own_scope_names_the_case(create, clerk):
    """Within the clerk's own scope the other case is named by its reference."""
    first = create()
    other_person = person_payload(2)
    other_person["certificate"] = None
    second = create(persons=[other_person])  # same certificate-using unit
    notices = selectors.case_duplicate_notices(case=second, user=clerk)
    assert any(first.reference in n and n.startswith("单位") for n in notices)
    assert CaseLink.objects.filter(from_case=second, to_case=first, kind="same_unit").exists()


def test_same_certificate_number_is_a_duplicate(create, clerk):
    create()
    renamed = person_payload(1)  # same person → same certificate; a certificate link is implied
    second = create(persons=[renamed], certificate_user_unit=None)
    kinds = set(CaseLink.objects.filter(from_case=second).values_list("kind", flat=True))
    assert "same_person" in kinds


# --------------------------------------------------------------------------- audit log


def test_audit_events_cannot_be_updated_or_deleted(create):
    """The database refuses UPDATE and DELETE on the audit log, whatever the application does."""
    create()
    event = AuditEvent.objects.get(action="case.created")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="case.forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.action == "case.created"


def test_a_decided_case_cannot_be_transferred(create, clerk, agency):
    """The decision and its month's 附件1 row stay with the deciding agency (no double report)."""
    case = create()
    services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        self_corrected=True,
        self_corrected_on=IN_PHASE,
        self_correction_text="已注销注册",
    )
    with pytest.raises(DomainError, match="已作出处理决定的案件不能移交") as info:
        services.case_transfer(actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="x")
    assert info.value.code == "conflict"
    case.refresh_from_db()
    assert case.transfer_to is None
