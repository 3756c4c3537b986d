"""Irreversible steps ask first: the dialog says what will be sent, and 取消 sends nothing."""

import datetime

import pytest

from reports.models import Report
from tests.e2e.a11y import assert_accessible
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
