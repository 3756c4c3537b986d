"""Withdrawn or overturned decisions reported earlier come back as 更正 rows, once."""

import datetime

import pytest

from cases import services as case_services
from reports import annex1, services
from reports import compile as compiler
from tests.cases.payloads import case_payload, pdf_file

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = (datetime.date(2019, m, 1) for m in (3, 4, 5))


@pytest.fixture
def reported_case(agency, member):
    """A county case decided in March and reported (and approved) in the March report."""
    county = agency("ZJ", "510104")
    clerk = member("ZJ", "510104", "clerk")
    case = case_services.case_create(actor=clerk, agency=county, **case_payload())
    case_services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        measures=["revoke_registration"],
        document_number="川建罚〔2019〕7号",
    )
    march = services.report_get_or_create(agency=county, month=MARCH)
    services.report_submit(report=march, submitted_by=member("ZJ", "510104", "reviewer"))
    services.report_approve(report=march, approved_by=member("ZJ", "510100", "reviewer"))
    return case


def submit(agency, member, month):
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=month)
    report = services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    return annex1.revision_rows(report.current_revision)


def test_withdrawn_decision_is_corrected_in_the_next_report_once(reported_case, agency, member):
    """Reopening a reported case puts a 更正 row '处理决定已撤销' into April, and not into May."""
    case_services.case_reopen(
        actor=member("ZJ", "510104", "reviewer"), case=reported_case, reason="决定撤销"
    )
    (row,) = submit(agency, member, APRIL)
    person = reported_case.parties.get().person
    assert (row.kind, row.name, row.id_number) == ("correction", person.name, person.id_number)
    assert row.remarks == "更正（2019年3月）：处理决定已撤销"
    assert (row.self_correction, row.penalty) == ("", "")
    assert row.fingerprint == compiler.RETRACTED
    assert submit(agency, member, MAY) == []


def test_decision_changed_to_not_established_is_corrected(reported_case, agency, member):
    """A reported case re-decided as not 挂证 appears in April as '改为不构成挂证'."""
    clerk = member("ZJ", "510104", "clerk")
    case_services.case_reopen(
        actor=member("ZJ", "510104", "reviewer"), case=reported_case, reason="复核"
    )
    case_services.case_decide(
        actor=clerk,
        case=reported_case,
        decided_on=datetime.date(2019, 4, 10),
        outcome="not_established",
        exemption="retired",
        proofs=[{"kind": "retirement_certificate", "file": pdf_file("退休证.pdf")}],
    )
    (row,) = submit(agency, member, APRIL)
    assert row.remarks == "更正（2019年3月）：改为不构成挂证"
    assert submit(agency, member, MAY) == []


def test_a_retracted_row_decided_again_is_corrected_with_the_new_outcome(
    reported_case, agency, member
):
    """Withdrawn in April, decided again in May: May carries the new outcome as 更正."""
    clerk = member("ZJ", "510104", "clerk")
    case_services.case_reopen(
        actor=member("ZJ", "510104", "reviewer"), case=reported_case, reason="决定撤销"
    )
    submit(agency, member, APRIL)
    case_services.case_decide(
        actor=clerk,
        case=reported_case,
        decided_on=datetime.date(2019, 5, 6),
        outcome="established",
        self_corrected=True,
        self_corrected_on=datetime.date(2019, 3, 1),
        self_correction_text="已注销注册",
    )
    (row,) = submit(agency, member, MAY)
    assert (row.kind, row.self_correction) == ("correction", "已注销注册")
    assert row.remarks == "更正（2019年5月）"


def test_a_retraction_is_not_counted_as_a_handled_person(reported_case, agency, member):
    """The statistics leave out retraction rows."""
    case_services.case_reopen(
        actor=member("ZJ", "510104", "reviewer"), case=reported_case, reason="决定撤销"
    )
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=APRIL)
    report = services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    stats = compiler.statistics(revision_ids=[report.current_revision_id])
    assert stats == {"by_department": [], "by_prefecture": []}
