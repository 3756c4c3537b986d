"""The error pages: Chinese, in the layout, with a way back, also under DEBUG."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_address_answers_the_chinese_404_page(client, member, debug):
    client.force_login(member("ZJ", "510104"))
    with override_settings(DEBUG=debug):
        response = client.get("/cases/no-such-page/", HTTP_REFERER="http://testserver/cases/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "未找到" in text
    assert "不在您的管辖范围内" in text
    assert 'href="/cases/"' in text  # the way back
    assert "URLconf" not in text
    assert "DEBUG = True" not in text


@pytest.mark.parametrize("debug", [False, True])
def test_another_jurisdictions_case_answers_the_404_page(client, member, agency, debug):
    from tests.factories import CaseFactory

    case = CaseFactory(agency=agency("ZJ", "510105"))
    client.force_login(member("ZJ", "510104"))
    with override_settings(DEBUG=debug):
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 404
    assert 'id="error-page"' in response.content.decode()


def test_api_keeps_its_json_404(api, member):
    response = api(member("ZJ", "510104")).get("/api/v1/cases/999999999/")
    assert response.status_code == 404
    assert response.json()["message"]


def test_server_error_page_renders_without_a_request_context():
    from core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "系统出现错误" in response.content.decode()


def test_csrf_failure_explains_that_nothing_was_saved(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member("ZJ", "510104"))
    response = client.post("/accounts/profile/", {"real_name": "王丽"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "本次提交未保存" in text
    assert "没有保存任何内容" in text
