"""Complaints in the browser: a phone complaint about a person with a case, linked to it; a
public complaint verified, turned into a case and answered, the answer readable by receipt."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from cases import services as case_services
from complaints import selectors, services
from complaints.models import Complaint
from leads.models import Lead
from tests.cases.payloads import case_payload, person_payload
from tests.e2e.a11y import assert_accessible
from tests.factories import TEST_PASSWORD, valid_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def navigate(page, locator) -> None:
    """Click ``locator`` and wait for the page it submits or links to."""
    with page.expect_navigation():
        locator.click()


def test_clerk_takes_a_phone_complaint_is_warned_of_the_case_and_joins_it(
    page, live_server, login, member, agency, reference
):
    """A clerk on the phone registers a complaint about a person who already has a case here,
    tells the caller the receipt and code, is warned of the case, replies and joins it."""
    clerk = member("ZJ", "510104", "clerk")
    known = person_payload(71, name="孙七")
    case = case_services.case_create(
        actor=clerk, agency=agency("ZJ", "510104"), **case_payload(persons=[known])
    )
    login(clerk.username, TEST_PASSWORD)

    page.get_by_role("link", name="投诉举报", exact=True).click()
    page.get_by_role("link", name="登记电话投诉").click()
    assert page.input_value("#id_channel") == "telephone"
    assert_accessible(page)
    page.focus("#id_text")
    page.keyboard.type("来电反映孙七的建造师证书挂靠在外单位。")
    page.focus("#id_name")
    page.keyboard.type("刘先生")
    page.keyboard.press("Tab")
    page.keyboard.type("13900001111")
    page.focus("#id_persons-0-name")
    page.keyboard.type("孙七")
    page.keyboard.press("Escape")
    page.fill("#id_persons-0-id_number", known["id_number"])
    page.fill("#id_persons-0-reg_unit_name", known["registered_unit"]["name"])
    page.fill("#id_persons-0-reg_unit_uscc", known["registered_unit"]["uscc"])
    page.keyboard.press("Escape")
    page.get_by_role("button", name="登记", exact=True).press("Enter")

    page.wait_for_url(re.compile(r".*/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    assert page.locator("#receipt").inner_text() == complaint.receipt
    code = page.locator("#query-code").inner_text()
    assert selectors.complaint_public_status(receipt=complaint.receipt, code=code) is not None
    assert page.get_by_text("已有涉及同一人员或单位的案件或线索").is_visible()
    related = page.locator("#related-list li", has_text=case.reference)
    assert related.count() == 1
    assert page.get_by_text("刘先生").is_visible()  # the handling clerk sees the caller
    assert_accessible(page)

    page.fill("#id_reply-text", "经核查，已并入案件办理。")
    page.select_option("#id_reply-channel", "telephone")
    navigate(page, page.get_by_role("button", name="保存答复"))
    assert "已记录答复" in page.content()

    page.locator("#related-list li", has_text=case.reference).get_by_role(
        "button", name="并入该案件"
    ).click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible()
    assert case.reference in dialog.inner_text()
    assert_accessible(page)
    navigate(page, dialog.get_by_role("button", name="确认"))
    assert "线索已办结" in page.content()
    lead = Lead.objects.get(pk=complaint.pk)
    assert (lead.outcome, lead.case_id) == (Lead.Outcome.JOINED_CASE, case.pk)


def test_agency_verifies_a_public_complaint_opens_a_case_and_the_reply_is_public(
    page, live_server, login, member, agency, reference
):
    """From 待我处理 the county accepts a public complaint, replies, opens a case through the
    prefilled form; the receipt and code then return the reply."""
    clerk = member("ZJ", "510104", "clerk")
    id_number = valid_resident_id(72, birth="19790505")
    complaint, code = services.complaint_submit_public(
        department="ZJ",
        region="510104",
        text="周八的证书挂在本单位，人从未来上班。",
        anonymous=True,
        persons=[{"name": "周八", "id_number": id_number}],
    )
    login(clerk.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/leads/?tab=mine")
    row = page.locator("#lead-table tbody tr", has_text=complaint.receipt)
    assert "待分办" in row.inner_text()
    assert_accessible(page)
    row.get_by_role("link", name=complaint.lead.reference).click()
    page.wait_for_url(f"{live_server.url}/complaints/{complaint.pk}/")
    assert "匿名投诉" in page.content()
    navigate(page, page.get_by_role("button", name="接收"))
    assert "已接收线索" in page.content()

    page.fill("#id_reply-text", "经核查情况属实，已立案查处。")
    page.select_option("#id_reply-channel", "online")
    navigate(page, page.get_by_role("button", name="保存答复"))
    assert "已记录答复" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="立案", exact=True).click()
    page.wait_for_url(f"{live_server.url}/leads/{complaint.pk}/open-case/")
    assert page.input_value("#id_persons-0-id_number") == id_number
    assert page.input_value("#id_persons-0-name") == "周八"
    assert page.input_value("#id_source") == "complaint"
    assert complaint.lead.reference in page.input_value("#id_summary")
    page.get_by_label("注册单位与实际工作单位不符").check()
    assert_accessible(page)
    page.get_by_role("button", name="立案", exact=True).click()
    page.locator("#confirm-dialog").get_by_role("button", name="确认").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
    assert "已由线索" in page.content()

    lead = Lead.objects.get(pk=complaint.pk)
    assert lead.outcome == Lead.Outcome.CASE_OPENED
    assert lead.case.leads.count() == 1
    status = selectors.complaint_public_status(receipt=complaint.receipt, code=code)
    assert status.reply == "经核查情况属实，已立案查处。"
    assert status.state == "已办结"

    try:
        status_url = reverse("public:complaint_status")
    except NoReverseMatch:
        return  # the public front door is built separately; the selector above answered
    page.context.clear_cookies()  # a member of the public, not the clerk
    page.goto(f"{live_server.url}{status_url}")
    page.fill("#id_receipt", complaint.receipt)
    page.fill("#id_code", code)
    navigate(page, page.get_by_role("button", name="查询"))
    assert "经核查情况属实，已立案查处。" in page.locator("#status-reply").inner_text()
