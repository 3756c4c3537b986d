"""Authentication through the API: the token endpoint, lockouts and token lifetime."""

import json

import pytest
from django.core.cache import cache

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Start each test with no login throttle history (DRF keeps it in the cache)."""
    cache.clear()


@pytest.mark.parametrize("body", ["null", "[]", '["a", "b"]', '"admin"', "42"])
def test_token_endpoint_refuses_a_body_that_is_not_an_object(api, body):
    """A JSON body other than an object gets 400 in the API's error shape, not a 500."""
    response = api().post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 400
    payload = response.json()
    assert set(payload) == {"message", "extra"}
    assert "JSON 对象" in payload["message"]


@pytest.mark.parametrize("field", ["username", "password"])
def test_token_endpoint_refuses_nul_bytes(member, api, field):
    """A NUL byte in the username or password gets 400 in the API's error shape."""
    user = member("ZJ", "510104", "clerk")
    body = {"username": user.username, "password": TEST_PASSWORD}
    body[field] += "\x00"
    response = api().post(TOKEN_URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]


def test_token_endpoint_names_missing_fields(api):
    """A missing password is named in Chinese and in ``extra.fields``."""
    response = api().post(TOKEN_URL, {"username": "someone"}, format="json")
    assert response.status_code == 400
    assert "密码" in response.json()["message"]
    assert list(response.json()["extra"]["fields"]) == ["password"]
