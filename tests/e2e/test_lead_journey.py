"""A clerk registers a lead by keyboard, finds it waiting in triage and assigns it onward."""

import re

import pytest

from leads.models import Lead
from tests.e2e.a11y import assert_accessible
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_registers_a_lead_by_keyboard_and_assigns_it(
    page, live_server, login, member, agency, reference
):
    """A tip naming somebody without a number waits in triage; the clerk sends it to 青羊区
    after confirming in the dialog, and the page says where it went."""
    clerk = member("ZJ", "510104", "clerk")
    login(clerk.username, TEST_PASSWORD)
    page.get_by_role("link", name="线索", exact=True).click()
    page.get_by_role("link", name="登记线索").click()
    assert_accessible(page)

    page.select_option("#id_source", "spot_check")
    page.fill("#id_received_on", "2019-03-12")
    page.focus("#id_text")
    page.keyboard.type("抽查发现吴九可能挂证。")
    page.focus("#id_persons-0-name")
    page.keyboard.type("吴九")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="＋ 添加单位").press("Enter")
    page.keyboard.type("成都某中介服务有限公司")
    page.keyboard.press("Escape")
    page.select_option("#id_units-1-role", "hr_agency")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).press("Enter")

    page.wait_for_url(re.compile(r".*/leads/\d+/$"))
    lead = Lead.objects.get()
    assert lead.state == Lead.State.TRIAGE
    assert [u.unit.name for u in lead.units.all()] == ["成都某中介服务有限公司"]
    assert "待分办" in page.locator("h1").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="分办").click()
    modal = page.locator("#modal-assign")
    # Bootstrap fades the dialog in; axe would measure the contrast of half-transparent text.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#modal-assign')).opacity === '1'"
    )
    assert "本机构不再办理" in modal.inner_text()
    assert_accessible(page)
    modal.get_by_label("分办至").select_option(str(agency("ZJ", "510105").pk))
    with page.expect_navigation():
        modal.get_by_role("button", name="确认分办").click()
    assert "已分办线索至" in page.content()
    lead.refresh_from_db()
    assert (lead.state, lead.agency) == (Lead.State.PENDING, agency("ZJ", "510105"))
