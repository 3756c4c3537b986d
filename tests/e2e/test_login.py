import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_and_sees_the_chinese_home_page(page, live_server, login, member):
    """A county clerk logs in through the form and lands on the Chinese dashboard."""
    user = member("ZJ", "510104", "clerk")
    login(user.username, TEST_PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"
    assert "成都市锦江区住房和城乡建设局" in page.content()
    assert page.locator("nav").get_by_text("案件").first.is_visible()
