"""API tokens: stored as a hash, shown once, expiring, revoked by password change and logout."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Start each test with no login throttle history (DRF keeps it in the cache)."""
    cache.clear()


def issue(api, user) -> dict:
    response = api().post(
        TOKEN_URL, {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def me_status(api, token: str) -> int:
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/").status_code


def test_token_is_stored_in_no_column_in_clear(member, api):
    """The issued token appears in no text column of any table: only its hash is kept."""
    user = member("ZJ", "510104", "clerk")
    token = issue(api, user)["token"]
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and (
                model._default_manager.filter(**{f"{field.name}__contains": token}).exists()
            ):
                found.append(f"{model._meta.label}.{field.name}")
    assert found == []


def test_each_login_gets_a_new_token_shown_only_then(member, api):
    """A second login issues a different token; the first stays valid until it expires."""
    user = member("ZJ", "510104", "clerk")
    first, second = issue(api, user)["token"], issue(api, user)["token"]
    assert first != second
    assert me_status(api, first) == 200
    assert me_status(api, second) == 200


def test_token_expires_after_eight_hours(member, api):
    """The response states the expiry, eight hours ahead; an expired token is refused."""
    user = member("ZJ", "510104", "clerk")
    issued = issue(api, user)
    expiry = parse_datetime(issued["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)
    token_model = apps.get_model("knox", "AuthToken")
    token_model.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    assert me_status(api, issued["token"]) == 401


def test_password_change_revokes_every_token(member, api):
    """Changing the password (any way: form, admin, command) makes the user's tokens useless."""
    user = member("ZJ", "510104", "clerk")
    tokens = [issue(api, user)["token"] for _ in range(2)]
    user.set_password("another-pass-456")
    user.save()
    assert [me_status(api, t) for t in tokens] == [401, 401]


def test_password_change_form_revokes_tokens(member, api, client):
    """The password change page revokes the user's API tokens."""
    user = member("ZJ", "510104", "clerk")
    token = issue(api, user)["token"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "another-pass-456",
            "new_password2": "another-pass-456",
        },
    )
    assert response.status_code == 302
    assert me_status(api, token) == 401


def test_saving_a_user_without_a_new_password_keeps_tokens(member, api):
    """Other changes to the user (a new name, the last login) leave the tokens alone."""
    user = member("ZJ", "510104", "clerk")
    token = issue(api, user)["token"]
    user.first_name = "张三"
    user.save()
    assert me_status(api, token) == 200


def test_session_logout_revokes_the_users_tokens(member, api, client):
    """Logging out of the web pages also ends the user's API tokens."""
    user = member("ZJ", "510104", "clerk")
    token = issue(api, user)["token"]
    client.force_login(user)
    client.post(reverse("logout"))
    assert me_status(api, token) == 401


def test_api_logout_revokes_all_the_callers_tokens(member, api):
    """POST /api/v1/auth/logout/ answers 204 and ends every token of the caller, not others'."""
    user, other = member("ZJ", "510104", "clerk"), member("ZJ", "510104", "clerk")
    first, second = issue(api, user)["token"], issue(api, user)["token"]
    others = issue(api, other)["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.post(LOGOUT_URL).status_code == 204
    assert [me_status(api, t) for t in (first, second, others)] == [401, 401, 200]


def test_api_logout_needs_authentication(api):
    """An anonymous logout is refused with 401."""
    assert api().post(LOGOUT_URL).status_code == 401


def test_admin_shows_no_token_secret_and_mints_none(member, api, client):
    """The admin lists who holds tokens, never a token, key or digest, and cannot create one."""
    user = member("ZJ", "510104", "clerk")
    token = issue(api, user)["token"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    token_admins = [m for m in admin.site._registry if "token" in m._meta.model_name]
    assert token_admins
    for model in token_admins:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"{prefix}_changelist"))
        assert changelist.status_code == 200
        assert user.username in changelist.content.decode()
        for row in model._default_manager.filter(user=user):
            change = client.get(reverse(f"{prefix}_change", args=[row.pk]))
            assert change.status_code in (403, 404)
        for secret in [token, token[:15], *model._default_manager.values_list("pk", flat=True)]:
            assert str(secret) not in changelist.content.decode()
        assert client.get(reverse(f"{prefix}_add")).status_code == 403
