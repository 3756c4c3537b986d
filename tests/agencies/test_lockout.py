"""Login lockouts behind the proxy: per (username, real client address), in the API's shape.

Requests arrive as gunicorn sees them behind deploy/nginx.conf: REMOTE_ADDR is nginx and
X-Forwarded-For carries the client's address as nginx saw it. A proxy that appends instead of
replacing leaves whatever the client sent on the left of that address.
"""

import pytest
from django.core.cache import cache

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
NGINX = "172.18.0.5"
CLIENT_A = "10.20.1.17"
CLIENT_B = "10.20.1.18"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    """Resolve client addresses as config/settings/production.py does with one proxy."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    cache.clear()  # DRF's login throttle counts in the cache


def token(api_client, username, password, forwarded_for):
    return api_client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def fail_five_times(api, username, forwarded_for):
    """Fail five times; the fifth failure is already answered as a lockout."""
    client = api()
    statuses = [token(client, username, "wrong", forwarded_for).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def test_five_failures_lock_one_client_not_everyone(member, api):
    """Client A failing five times is locked out; client B with the same username is not."""
    user = member("ZJ", "510104", "clerk")
    fail_five_times(api, user.username, CLIENT_A)
    assert token(api(), user.username, TEST_PASSWORD, CLIENT_A).status_code == 429
    assert token(api(), user.username, TEST_PASSWORD, CLIENT_B).status_code == 200


def test_a_spoofed_forwarded_for_entry_does_not_lift_the_lockout(member, api):
    """An entry the client adds to X-Forwarded-For is ignored: only the right-most one counts."""
    user = member("ZJ", "510104", "clerk")
    fail_five_times(api, user.username, CLIENT_A)
    spoofed = f"{CLIENT_B}, {CLIENT_A}"  # the client sent CLIENT_B; the proxy appended CLIENT_A
    assert token(api(), user.username, TEST_PASSWORD, spoofed).status_code == 429


def test_rotating_spoofed_entries_still_count_against_the_client(member, api):
    """Failures with a different made-up X-Forwarded-For entry each time add up for client A."""
    user = member("ZJ", "510104", "clerk")
    client = api()
    for i in range(5):
        token(client, user.username, "wrong", f"198.51.100.{i}, {CLIENT_A}")
    assert token(api(), user.username, TEST_PASSWORD, CLIENT_A).status_code == 429
    assert token(api(), user.username, TEST_PASSWORD, CLIENT_B).status_code == 200


def test_token_lockout_answers_in_the_api_error_shape(member, api):
    """A locked-out token request gets 429 JSON with a Chinese message, not the HTML page."""
    user = member("ZJ", "510104", "clerk")
    fail_five_times(api, user.username, CLIENT_A)
    response = token(api(), user.username, TEST_PASSWORD, CLIENT_A)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) == 15 * 60
    payload = response.json()
    assert set(payload) == {"message", "extra"}
    assert "锁定" in payload["message"]
    assert payload["extra"] == {"failure_limit": 5, "cooloff_seconds": 15 * 60}


def test_login_form_lockout_is_the_chinese_page(member, client):
    """The login form locks per client too and shows the Chinese page with status 429."""
    user = member("ZJ", "510104", "clerk")
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=CLIENT_A,
        )
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=CLIENT_A,
    )
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    other = client.post(
        "/accounts/login/",
        {"username": user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=CLIENT_B,
    )
    assert other.status_code == 302
