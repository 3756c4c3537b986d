"""The lead pipeline's services: routing, the routing steps, each outcome, deadlines."""

import datetime
import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from cases.models import Case
from core.errors import ConflictError, DomainError, PermissionDeniedError
from leads import services
from leads.deadlines import deadline_for
from leads.models import Lead, LeadAttachment
from tests.factories import CaseFactory, valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

DAY = datetime.date(2019, 3, 12)


def person(seq=1, *, category="constructor", level="1", specialty="建筑工程", unit_region="510104"):
    return {
        "name": f"李{seq}",
        "id_number": valid_resident_id(seq, birth="19800101"),
        "certificate": {
            "category": category,
            "level": level,
            "specialty": specialty,
            "number": f"川151{seq:09d}",
        },
        "registered_unit": {
            "name": f"四川测试建设有限公司{seq}",
            "uscc": valid_uscc(500 + seq, region=unit_region),
        },
    }


def register(user, agency, **fields):
    payload = {"source": "other", "received_on": DAY, "text": "反映某人挂证。", **fields}
    return services.lead_register(actor=user, agency=agency, **payload)


def test_lead_routed_by_credit_code_region(member, agency):
    """A lead about a certificate registered with a 青羊区 unit goes to 青羊区 住建, pending."""
    clerk = member("ZJ", "510000")
    lead = register(clerk, agency("ZJ", "510000"), persons=[person(1, unit_region="510105")])
    assert lead.agency == agency("ZJ", "510105")
    assert lead.state == Lead.State.PENDING
    assert lead.routed_from == agency("ZJ", "510000")
    assert lead.reference.startswith("ZJ-510000-XS2019-")
    assert AuditEvent.objects.filter(action="lead.created", target_id=str(lead.pk)).exists()


def test_lead_routed_by_certificate_category(member, agency):
    """A 公路工程 建造师's lead goes to 交通运输 of the unit's region."""
    clerk = member("ZJ", "510000")
    lead = register(
        clerk,
        agency("ZJ", "510000"),
        persons=[person(2, specialty="公路工程", unit_region="510104")],
    )
    assert lead.agency == agency("JT", "510104")


def test_own_lead_is_verified_at_once_and_unknown_goes_to_triage(member, agency):
    """A lead of the registering agency's own jurisdiction needs no acceptance; one about
    nobody known waits in the registering agency's triage queue."""
    clerk = member("ZJ", "510104")
    own = register(clerk, agency("ZJ", "510104"), persons=[person(3)])
    assert own.state == Lead.State.VERIFYING
    unknown = register(clerk, agency("ZJ", "510104"), persons=[{"name": "王某"}])
    assert (unknown.state, unknown.agency) == (Lead.State.TRIAGE, agency("ZJ", "510104"))


def test_bounce_back_then_escalation(member, agency):
    """Sent back once, a lead returns to the agency that routed it; twice, to the parent."""
    province = member("ZJ", "510000")
    county = member("ZJ", "510105")
    lead = register(province, agency("ZJ", "510000"), persons=[{"name": "王某"}])
    lead = services.lead_assign(actor=province, lead=lead, to_agency=agency("ZJ", "510105"))
    assert lead.state == Lead.State.PENDING
    with pytest.raises(DomainError):
        services.lead_reject(actor=county, lead=lead, reason="  ")
    lead = services.lead_reject(actor=county, lead=lead, reason="不属于本区")
    assert (lead.state, lead.agency, lead.escalated) == (
        Lead.State.TRIAGE,
        agency("ZJ", "510000"),
        False,
    )
    lead = services.lead_assign(actor=province, lead=lead, to_agency=agency("ZJ", "510105"))
    lead = services.lead_reject(actor=county, lead=lead, reason="仍不属于本区")
    assert lead.escalated
    assert lead.bounce_count == 2
    assert lead.agency == agency("ZJ", "510100")  # 成都市, the parent of 青羊区
    assert AuditEvent.objects.filter(action="lead.escalated", target_id=str(lead.pk)).exists()


def test_other_agency_cannot_act(member, agency):
    clerk = member("ZJ", "510104")
    lead = register(clerk, agency("ZJ", "510104"), persons=[person(4)])
    stranger = member("ZJ", "510105")
    with pytest.raises(PermissionDeniedError):
        services.lead_close(actor=stranger, lead=lead, outcome="unsubstantiated", reason="x")


@pytest.mark.parametrize(
    ("outcome", "fields"),
    [
        ("unsubstantiated", {"reason": "经核查，该人员在注册单位缴纳社保。"}),
        ("rectified", {"reason": "已于自查阶段申报并注销注册。"}),
        ("referred_out", {"referred_to": "成都市公安局"}),
    ],
)
def test_simple_outcomes(member, agency, outcome, fields):
    clerk = member("ZJ", "510104")
    lead = register(clerk, agency("ZJ", "510104"), persons=[person(5)])
    closed = services.lead_close(actor=clerk, lead=lead, outcome=outcome, **fields)
    assert (closed.state, closed.outcome) == (Lead.State.CLOSED, outcome)
    with pytest.raises(ConflictError):
        services.lead_close(actor=clerk, lead=lead, outcome=outcome, **fields)


def test_not_guazheng_needs_exemption_and_proof_file(member, agency):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = member("ZJ", "510104")
    lead = register(clerk, agency("ZJ", "510104"), persons=[person(6)])
    with pytest.raises(DomainError) as refused:
        services.lead_close(
            actor=clerk,
            lead=lead,
            outcome="not_guazheng",
            exemption="retired",
            proof_kind="retirement_certificate",
        )
    assert "file" in refused.value.fields
    pdf = SimpleUploadedFile("退休证.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    services.lead_add_file(actor=clerk, lead=lead, uploaded_file=pdf)
    closed = services.lead_close(
        actor=clerk,
        lead=lead,
        outcome="not_guazheng",
        exemption="retired",
        proof_kind="retirement_certificate",
    )
    assert closed.exemption == "retired"
    assert LeadAttachment.objects.filter(lead=lead).count() == 1


def test_joined_case_and_duplicate(member, agency):
    clerk = member("ZJ", "510104")
    case = CaseFactory(agency=agency("ZJ", "510104"))
    first = register(clerk, agency("ZJ", "510104"), persons=[person(7)])
    second = register(clerk, agency("ZJ", "510104"), persons=[person(7)])
    joined = services.lead_close(actor=clerk, lead=first, outcome="joined_case", case=case)
    assert joined.case == case
    dup = services.lead_close(actor=clerk, lead=second, outcome="duplicate", duplicate_of=first)
    assert dup.duplicate_of == first


def test_joined_case_refuses_a_case_out_of_sight(member, agency):
    clerk = member("ZJ", "510104")
    other = CaseFactory(agency=agency("ZJ", "510105"))
    lead = register(clerk, agency("ZJ", "510104"), persons=[person(8)])
    with pytest.raises(DomainError) as refused:
        services.lead_close(actor=clerk, lead=lead, outcome="joined_case", case=other)
    assert "case" in refused.value.fields


def test_case_opened_from_lead(member, agency):
    clerk = member("ZJ", "510104")
    lead = register(
        clerk,
        agency("ZJ", "510104"),
        persons=[person(9)],
        violations=["unit_mismatch"],
        source="complaint",
    )
    closed = services.lead_open_case(actor=clerk, lead=lead, opened_on=DAY)
    case = closed.case
    assert closed.outcome == "case_opened"
    assert case.source == Case.Source.COMPLAINT
    assert case.parties.get().person.id_number == valid_resident_id(9, birth="19800101")
    assert lead.reference in case.summary


@pytest.mark.django_db(transaction=True)
def test_case_opened_twice_at_once_yields_one_case(member, agency):
    """Two clerks opening a case from the same lead at once: one case, one 409."""
    clerk = member("ZJ", "510104")
    lead = register(
        clerk, agency("ZJ", "510104"), persons=[person(10)], violations=["unit_mismatch"]
    )
    results, barrier = [], threading.Barrier(2)

    def attempt():
        try:
            barrier.wait()
            services.lead_open_case(actor=clerk, lead=Lead.objects.get(pk=lead.pk), opened_on=DAY)
            results.append("ok")
        except ConflictError:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "ok"]
    assert Case.objects.filter(leads=lead).count() == 1


@pytest.mark.django_db(transaction=True)
def test_references_unique_under_concurrent_registration(member, agency):
    clerk = member("ZJ", "510104")
    intake = agency("ZJ", "510104")
    references, barrier = [], threading.Barrier(6)

    def attempt():
        try:
            barrier.wait()
            references.append(register(clerk, intake, persons=[{"name": "王某"}]).reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(references)) == 6


def test_deadline_counts_working_days_over_a_tiaoxiu_weekend():
    """2019-09-29 (Sunday) was a working day (调休 for 国庆); 10-01…07 were holidays."""
    assert deadline_for("complaint", datetime.date(2019, 9, 27)) == datetime.date(2019, 10, 23)
    assert deadline_for("complaint", datetime.date(2019, 3, 12)) == datetime.date(2019, 4, 2)


def test_bad_input_names_fields_and_writes_nothing(member, agency):
    clerk = member("ZJ", "510104")
    before = Lead.objects.count()
    with pytest.raises(DomainError) as refused:
        register(
            clerk,
            agency("ZJ", "510104"),
            text="x" * 6000,
            source="nonsense",
            persons=[{"name": "a", "id_number": "51010419800101123X"}],
            units=[{"name": "单位", "uscc": "bad"}],
        )
    assert {"text", "source", "persons[0].id_number", "units[0].uscc"} <= set(refused.value.fields)
    assert Lead.objects.count() == before


def test_discarding_a_failed_upload_keeps_a_file_another_lead_holds(
    member, agency, settings, tmp_path
):
    """Files are stored by content: a failed upload of the same bytes must not delete the file
    an earlier lead's attachment refers to (the check is against the leads' own table)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    clerk = member("ZJ", "510104")
    lead = register(clerk, agency("ZJ", "510104"), persons=[person(11)])
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%same\n", content_type="application/pdf")
    kept = services.lead_add_file(actor=clerk, lead=lead, uploaded_file=pdf)
    services.files_discard([kept.file.name])
    assert kept.file.storage.exists(kept.file.name)
