"""At 1024 px (an office's small screen) buttons stay on one line, names do not break character
by character, and an 18-character credit code fits its input."""

import pytest

from cases import services as case_services
from tests.cases.payloads import case_payload
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def one_line(locator) -> bool:
    """Whether every element of ``locator`` is a single line of text high."""
    heights = locator.evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => "
        "[e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight) || 24,"
        " parseFloat(getComputedStyle(e).paddingTop)"
        " + parseFloat(getComputedStyle(e).paddingBottom)"
        " + parseFloat(getComputedStyle(e).borderTopWidth) * 2])"
    )
    return all(height <= line * 1.5 + padding for height, line, padding in heights)


def test_pages_hold_together_at_1024_px(page, live_server, login, member, agency):
    clerk = member("ZJ", "510104", "clerk")
    case = case_services.case_create(actor=clerk, agency=agency("ZJ", "510104"), **case_payload())
    page.set_viewport_size({"width": 1024, "height": 768})
    login(clerk.username, TEST_PASSWORD)
    for path in (f"/cases/{case.pk}/", "/cases/", "/reports/?month=2019-03", "/leads/"):
        page.goto(live_server.url + path)
        assert one_line(page.locator("main .btn")), path
        assert one_line(page.locator("main td:first-child a")), path
    page.goto(f"{live_server.url}/cases/new/")
    field = page.locator("input[name$='reg_unit_uscc']").first
    field.fill("91510104MA61XWYX0B")
    fits = field.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert fits
