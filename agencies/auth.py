"""API tokens and passwords: issue and revoke tokens, reset a password with an audit event.

Tokens are django-rest-knox's: the database keeps a SHA-512 digest and the first 15 characters
for lookup, never the token, so the response that creates one is the only place it is shown.
"""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _
from knox.models import AuthToken

from audit.services import audit_record

PASSWORD_RESET = "user.password_reset"  # noqa: S105 - an audit action, not a password


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length check with its message in Chinese.

    Django 5.2 changed this message's msgid (``%d`` for ``%(min_length)d``) and its zh-Hans
    catalogue still has the old one, so the message came out in English. Drop this class when
    Django's catalogue catches up.
    """

    def get_error_message(self):
        return _("密码长度太短。密码必须包含至少 %(min_length)d 个字符。") % {
            "min_length": self.min_length
        }


def token_issue(*, user) -> tuple[AuthToken, str]:
    """Create an API token for ``user``; return the row and the token, which is not kept."""
    return AuthToken.objects.create(user=user)


def tokens_revoke(*, user) -> int:
    """Delete every API token of ``user``; return how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_password_reset(*, user, password: str, actor=None, via: str) -> None:
    """Set a new password after Django's validators accept it, and record who reset it.

    Raises ``django.core.exceptions.ValidationError`` with the validators' messages. The
    user's API tokens are revoked by the save (``_revoke_tokens_on_password_change``).
    """
    password_validation.validate_password(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=PASSWORD_RESET, target=user, data={"via": via})


def _revoke_tokens_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Revoke the user's tokens when a save changes the stored password hash.

    A signal on the model rather than a call in each view: passwords change through the password
    page, the admin, ``changepassword``, ``createmember`` and hash upgrades at login, and a token
    must not outlive any of them.
    """
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        tokens_revoke(user=instance)


def _revoke_tokens_on_logout(sender, request, user, **kwargs):
    """Logging out of the web pages ends the user's API tokens too."""
    if user is not None:
        tokens_revoke(user=user)


def connect_signals() -> None:
    """Connect the revocation receivers (called from ``AgenciesConfig.ready``)."""
    pre_save.connect(
        _revoke_tokens_on_password_change,
        sender=get_user_model(),
        dispatch_uid="agencies.auth.password_change",
    )
    user_logged_out.connect(_revoke_tokens_on_logout, dispatch_uid="agencies.auth.logout")
