"""``manage.py createmember``: validated passwords, no silent reset of an existing user's."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agencies.models import Membership
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def createmember(username, *args, region="510104", role="clerk"):
    call_command(
        "createmember",
        username,
        *args,
        "--department",
        "ZJ",
        "--region",
        region,
        "--role",
        role,
        verbosity=0,
    )


def test_a_weak_password_is_refused_with_the_validators_messages(reference):
    """``--password 1`` is refused in Chinese, and neither the user nor a membership is created."""
    with pytest.raises(CommandError) as refused:
        createmember("lisi", "--password", "1")
    message = str(refused.value)
    assert "密码长度太短" in message
    assert "只包含数字" in message
    assert not get_user_model().objects.filter(username="lisi").exists()
    assert not Membership.objects.filter(user__username="lisi").exists()


def test_a_password_like_the_username_is_refused(reference):
    """The validators see the username, so a password resembling it is refused."""
    with pytest.raises(CommandError, match="相似"):
        createmember("wangwu2019", "--password", "wangwu2019")


def test_an_existing_users_password_is_not_reset_silently(member):
    """``--password`` for an existing user is refused unless ``--reset-password`` is given."""
    user = member("ZJ", "510104", "clerk")
    with pytest.raises(CommandError, match="--reset-password"):
        createmember(user.username, "--password", "brand-new-pass-789", region="510100")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert not Membership.objects.filter(user=user, agency__region__code="510100").exists()


def test_reset_password_sets_it_and_is_audited(member):
    """``--reset-password`` sets the new password and records a password-reset event."""
    user = member("ZJ", "510104", "clerk")
    createmember(user.username, "--password", "brand-new-pass-789", "--reset-password")
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-789")
    event = AuditEvent.objects.get(action="user.password_reset", target_id=str(user.pk))
    assert event.data == {"via": "createmember"}
    assert "brand-new-pass-789" not in str(event.data)


def test_reset_password_still_runs_the_validators(member):
    """A reset to a weak password is refused and the old one stays."""
    user = member("ZJ", "510104", "clerk")
    with pytest.raises(CommandError, match="密码"):
        createmember(user.username, "--password", "12345678", "--reset-password")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_reset_password_needs_a_password(member):
    """``--reset-password`` without ``--password`` is refused."""
    user = member("ZJ", "510104", "clerk")
    with pytest.raises(CommandError, match="--password"):
        createmember(user.username, "--reset-password")


def test_an_existing_user_gets_another_membership_without_a_password(member):
    """Without ``--password`` an existing user just gains the membership; the password stays."""
    user = member("ZJ", "510104", "clerk")
    createmember(user.username, region="510100", role="reviewer")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert Membership.objects.filter(user=user, agency__region__code="510100").exists()
