"""The complaint register's services: receipts, the complainant's privacy, the reply owed."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from complaints import selectors, services
from complaints.models import Complaint
from core.errors import ConflictError, DomainError
from leads import services as lead_services
from leads.models import Lead
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db


def phone_complaint(clerk, agency, **fields):
    payload = {
        "channel": "telephone",
        "received_at": "2019-03-12 10:30",
        "name": "李先生",
        "phone": "１３８００００１２３４",
        "text": "反映某人证书挂靠。",
        "persons": [
            {
                "name": "赵一",
                "id_number": valid_resident_id(61),
                "registered_unit": {"name": "测试公司", "uscc": valid_uscc(961, region="510104")},
            }
        ],
        **fields,
    }
    return services.complaint_register(actor=clerk, agency=agency, **payload)


def test_phone_complaint_gets_a_receipt_and_a_code(member, agency):
    clerk = member("ZJ", "510104")
    complaint, code = phone_complaint(clerk, agency("ZJ", "510104"))
    assert complaint.receipt == "TS-20190312-0001"
    assert complaint.complainant_phone == "13800001234"  # full-width digits normalised
    assert complaint.lead.state == Lead.State.VERIFYING
    assert complaint.reply_due == complaint.lead.deadline
    assert len(code) == 8
    assert code not in complaint.query_digest


def test_complainant_is_never_written_to_the_audit_log(member, agency):
    clerk = member("ZJ", "510104")
    complaint, _code = phone_complaint(clerk, agency("ZJ", "510104"))
    for event in AuditEvent.objects.filter(target_id=str(complaint.lead.pk)):
        assert "李先生" not in str(event.data)
        assert "13800001234" not in str(event.data)


def test_anonymous_drops_whatever_identity_was_typed(member, agency):
    clerk = member("ZJ", "510104")
    complaint, _code = phone_complaint(clerk, agency("ZJ", "510104"), anonymous=True)
    assert (complaint.complainant_name, complaint.complainant_phone) == ("", "")


def test_closing_waits_for_the_reply(member, agency):
    clerk = member("ZJ", "510104")
    complaint, code = phone_complaint(clerk, agency("ZJ", "510104"))
    with pytest.raises(ConflictError):
        lead_services.lead_close(
            actor=clerk, lead=complaint.lead, outcome="unsubstantiated", reason="查无此事"
        )
    services.complaint_reply(
        actor=clerk, complaint=complaint, channel="telephone", text="经核查未发现问题。"
    )
    lead_services.lead_close(
        actor=clerk, lead=complaint.lead, outcome="unsubstantiated", reason="查无此事"
    )
    status = selectors.complaint_public_status(receipt=complaint.receipt, code=code.lower())
    assert status.reply == "经核查未发现问题。"
    assert status.state == "已办结"


def test_reply_can_be_waived_with_a_reason(member, agency):
    clerk = member("ZJ", "510104")
    complaint, _code = phone_complaint(clerk, agency("ZJ", "510104"), anonymous=True)
    with pytest.raises(DomainError):
        services.complaint_waive_reply(actor=clerk, complaint=complaint, reason="")
    services.complaint_waive_reply(actor=clerk, complaint=complaint, reason="匿名且无联系方式")
    lead_services.lead_close(actor=clerk, lead=complaint.lead, outcome="rectified", reason="已整改")


def test_status_reveals_nothing_without_the_right_code(member, agency):
    clerk = member("ZJ", "510104")
    complaint, code = phone_complaint(clerk, agency("ZJ", "510104"))
    assert selectors.complaint_public_status(receipt=complaint.receipt, code="WRONG123") is None
    assert selectors.complaint_public_status(receipt="TS-20190312-9999", code=code) is None
    assert selectors.complaint_public_status(receipt=complaint.receipt, code=code) is not None


def test_public_complaint_lands_in_the_named_departments_triage(reference, agency):
    complaint, _code = services.complaint_submit_public(
        department="RS", region="510104", text="有中介收集证书。", anonymous=True
    )
    assert complaint.lead.agency == agency("RS", "510104")
    assert complaint.lead.state == Lead.State.TRIAGE
    assert complaint.channel == Complaint.Channel.WEB
    assert complaint.receipt.startswith(f"TS-{timezone.localdate():%Y%m%d}-")


def test_public_complaint_refuses_bad_input_and_writes_nothing(reference):
    before = (Lead.objects.count(), Complaint.objects.count())
    with pytest.raises(DomainError) as refused:
        services.complaint_submit_public(
            department="XX",
            region="999999",
            text="\x00" + "a" * 6000,
            anonymous=False,
            persons=[{"name": "张三", "id_number": "123"}],
        )
    assert {"department", "region", "text", "name", "persons[0].id_number"} <= set(
        refused.value.fields
    )
    assert (Lead.objects.count(), Complaint.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_receipts_unique_under_concurrent_public_submissions(reference):
    receipts, barrier = [], threading.Barrier(6)

    def attempt():
        try:
            barrier.wait()
            complaint, _code = services.complaint_submit_public(
                department="ZJ", region="510104", text="举报挂证。", anonymous=True
            )
            receipts.append(complaint.receipt)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(receipts)) == 6


def test_future_received_at_is_refused(member, agency):
    clerk = member("ZJ", "510104")
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(DomainError) as refused:
        phone_complaint(clerk, agency("ZJ", "510104"), received_at=later)
    assert "received_at" in refused.value.fields
