"""Irreversible steps ask first: the dialog says what will be sent, and 取消 sends nothing."""

import datetime

import pytest

from reports.models import Report
from tests.e2e.a11y import assert_accessible
from tests.e2e.steps import confirmed
from tests.factories import TEST_PASSWORD
from tests.reports.conftest import decided_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cancelled_confirmation_sends_nothing(page, live_server, login, reference, agency, member):
    county = agency("ZJ", "510104")
    decided_case(county, parties=2)
    clerk = member("ZJ", "510104", "clerk", first_name="王丽", profile__office_phone="028-86651234")
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/?month=2019-03")
    page.get_by_role("button", name="开始填报").click()
    page.click("#submit-report")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    text = dialog.locator("#confirm-dialog-text").inner_text()
    assert "成都市锦江区住房和城乡建设局" in text
    assert "2019年3月" in text
    assert "共2行" in text
    assert_accessible(page)
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")
    report = Report.objects.get(agency=county, month=datetime.date(2019, 3, 1))
    assert report.revisions.count() == 0
    assert page.locator("#report-status").inner_text() == "未报"


def test_case_steps_ask_first_naming_the_case_its_parties_and_outcome(
    page, live_server, login, agency, member
):
    """作出处理决定 names the case, its parties and the chosen result; 结案 asks again behind its
    box, and 取消 there leaves the case as it was."""
    from cases import services
    from cases.models import Case
    from tests.cases.payloads import case_payload

    clerk = member("ZJ", "510104", "clerk")
    case = services.case_create(actor=clerk, agency=agency("ZJ", "510104"), **case_payload())
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/decide/")
    page.fill("#id_decided_on", "2019-03-20")
    person = page.locator("fieldset[data-outcome^='p']")
    person.get_by_label("构成挂证等违法违规行为").check()
    person.get_by_label("记入不良行为记录").check()
    page.get_by_role("button", name="保存处理决定").click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    text = dialog.locator("#confirm-dialog-text").inner_text()
    assert case.reference in text
    assert "涉案人员1名" in text
    assert "李1：构成挂证等违法违规行为" in text
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED

    confirmed(page, page.get_by_role("button", name="保存处理决定"))
    assert "处理决定已保存" in page.content()
    page.get_by_role("button", name="结案").click()
    box = page.locator("#modal-close")
    box.wait_for(state="visible")
    box.get_by_role("button", name="确认").click()
    dialog.wait_for(state="visible")
    assert f"将对案件 {case.reference} 结案" in dialog.locator("#confirm-dialog-text").inner_text()
    assert_accessible(page)
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED
    confirmed(page, box.get_by_role("button", name="确认"))
    assert "案件已结案" in page.content()
