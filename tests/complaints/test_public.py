"""The public front door: filing a complaint and looking it up, without logging in."""

import pytest

from complaints.models import Complaint
from leads.models import Lead

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/complaints/"


def body(**overrides) -> dict:
    payload = {"department": "ZJ", "region": "510104", "text": "某公司挂证。", "anonymous": True}
    payload.update(overrides)
    return payload


def file_public(api, **overrides):
    return api().post(URL, body(**overrides), format="json")


def test_public_complaint_answers_receipt_and_code(api, reference):
    """An anonymous JSON complaint answers 201 with its receipt number and query code."""
    response = file_public(api)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == {"receipt", "query_code"}
    complaint = Complaint.objects.get(receipt=data["receipt"])
    assert complaint.lead.state == Lead.State.TRIAGE


def status_of(api, receipt, code):
    return api().get(f"{URL}{receipt}/", {"code": code})


def test_status_with_the_right_code_shows_state_and_reply(api, reference, member):
    """Receipt and code show the state; once the handling agency replies, the reply too."""
    from complaints import services

    data = file_public(api).json()
    response = status_of(api, data["receipt"], data["query_code"].lower())
    assert response.status_code == 200
    assert response.json() == {
        "receipt": data["receipt"],
        "state": "已受理，正在分办",
        "reply": None,
    }
    complaint = Complaint.objects.get(receipt=data["receipt"])
    clerk = member("ZJ", "510104", "clerk")
    services.complaint_reply(
        actor=clerk, complaint=complaint, channel="online", text="经核查，已立案处理。"
    )
    assert status_of(api, data["receipt"], data["query_code"]).json()["reply"] == (
        "经核查，已立案处理。"
    )


def test_wrong_code_and_unknown_receipt_answer_the_same_404(api, reference):
    """A wrong code tells nothing more than a receipt that does not exist."""
    data = file_public(api).json()
    wrong = status_of(api, data["receipt"], "AAAAAAAA")
    unknown = status_of(api, "TS-20000101-9999", data["query_code"])
    garbage = status_of(api, "<script>\u0000", "x")
    assert wrong.status_code == unknown.status_code == garbage.status_code == 404
    assert wrong.json() == unknown.json() == garbage.json()
    assert wrong.json()["message"] == "未找到，请核对受理编号和查询码。"
