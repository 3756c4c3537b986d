"""A member of the public in the browser: find the channels, file a complaint answering the
question, keep the receipt and code, and read the state and later the reply by them."""

import re

import pytest

from complaints import challenge, services
from complaints.models import Complaint
from tests.e2e.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def navigate(page, locator) -> None:
    """Click ``locator`` and wait for the page it submits or links to."""
    with page.expect_navigation():
        locator.click()


def answer(question: str) -> str:
    """Work the sum out as a person reading the label would (三加五等于几？ → 8)."""
    match = re.search(r"验证问题：(.+?)(加|减)(.+?)等于几？", question)
    a, b = challenge.parse_answer(match.group(1)), challenge.parse_answer(match.group(3))
    return str(a + b if match.group(2) == "加" else a - b)


def test_public_files_a_complaint_and_reads_the_reply_by_receipt_and_code(
    page, live_server, member, reference
):
    """Channels → form (wrong answer first, then right) → receipt and code → status → reply."""
    base = live_server.url
    refused = []  # anything the Content-Security-Policy blocked (the pages use no inline script)
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.goto(f"{base}/public/")
    assert page.get_by_role("cell", name="028-85559305").is_visible()
    assert_accessible(page)

    navigate(page, page.get_by_role("link", name="网上投诉").first)
    assert_accessible(page)
    page.select_option("#id_department", "ZJ")
    page.select_option("#id_region", "510104")
    page.fill("#id_text", "某建设公司使用他人建造师证书投标，本人未在该公司上班。")
    page.fill("#id_person_0_name", "周某")
    page.fill("#id_unit_0_name", "四川某某建设有限公司")
    page.get_by_label("匿名投诉").check()
    label = page.locator("label[for=id_challenge_answer]").inner_text()
    page.fill("#id_challenge_answer", str(int(answer(label)) + 1))
    navigate(page, page.get_by_role("button", name="提交投诉"))

    assert "验证问题回答错误" in page.locator("#id_challenge_answer_error").inner_text()
    assert page.input_value("#id_text").startswith("某建设公司")  # nothing typed is lost
    assert Complaint.objects.count() == 0
    assert_accessible(page)
    label = page.locator("label[for=id_challenge_answer]").inner_text()
    page.fill("#id_challenge_answer", answer(label))
    navigate(page, page.get_by_role("button", name="提交投诉"))

    receipt = page.locator("#receipt").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert re.match(r"^TS-\d{8}-\d{4}$", receipt)
    assert "查询码只显示这一次" in page.content()
    assert_accessible(page)

    navigate(page, page.get_by_role("link", name="查询办理结果").last)
    page.fill("#id_receipt", receipt)
    page.fill("#id_code", "WRONG000")
    navigate(page, page.get_by_role("button", name="查询"))
    assert page.locator("#status-not-found").is_visible()
    assert page.locator("#status-result").count() == 0
    page.fill("#id_receipt", receipt)
    page.fill("#id_code", code)
    navigate(page, page.get_by_role("button", name="查询"))
    assert page.locator("#status-state").inner_text() == "已受理，正在分办"
    assert page.locator("#status-reply").inner_text() == "尚未答复"
    assert_accessible(page)

    # The handling agency verifies and replies, publishing the reply for the receipt.
    clerk = member("ZJ", "510104", "clerk")
    complaint = Complaint.objects.get(receipt=receipt)
    services.complaint_reply(
        actor=clerk,
        complaint=complaint,
        channel="online",
        text="经核查，该公司存在使用挂证人员问题，已立案查处。",
    )

    page.fill("#id_receipt", receipt)
    page.fill("#id_code", code)
    navigate(page, page.get_by_role("button", name="查询"))
    assert "已立案查处" in page.locator("#status-reply").inner_text()
    assert not refused, refused
