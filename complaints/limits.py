"""Limits of the public front door (page and API alike): requests per client address, body size.

Anyone may file a complaint or look one up, so each address gets a budget per hour, counted in
PostgreSQL (``core.ratelimit``) so that it holds across workers. The address is read the way
django-axes reads it for login throttling, which honours the proxy settings of production.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError, RateLimitedError
from core.ratelimit import client_key, hit

SUBMIT, STATUS = "complaint.submit", "complaint.status"
DEFAULT_LIMITS = {SUBMIT: (5, 3600), STATUS: (30, 3600)}
# Text, persons and units of a JSON complaint fit easily; the form adds up to three files.
DEFAULT_JSON_BYTES = 256 * 1024
DEFAULT_FORM_BYTES = 20 * 1024 * 1024


class TooLargeError(DomainError):
    """The request body is larger than the public front door accepts (refused before reading)."""


def client_address(request) -> str:
    """Return the client's address as login throttling sees it."""
    return get_client_ip_address(request) or "unknown"


def public_limit(request, action: str) -> None:
    """Count one request of ``action`` from the client; raise once its budget is spent.

    ``settings.PUBLIC_COMPLAINT_LIMITS`` maps each action to (requests, seconds).
    """
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PUBLIC_COMPLAINT_LIMITS", {})}
    limit, seconds = limits[action]
    if not hit(client_key(action, client_address(request)), limit=limit, seconds=seconds):
        raise RateLimitedError(_("操作过于频繁，请稍后再试。"))


def body_limit(request, *, with_files: bool) -> None:
    """Refuse a body larger than the front door takes (by its Content-Length, unread)."""
    name = "PUBLIC_COMPLAINT_FORM_BYTES" if with_files else "PUBLIC_COMPLAINT_JSON_BYTES"
    default = DEFAULT_FORM_BYTES if with_files else DEFAULT_JSON_BYTES
    limit = getattr(settings, name, default)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = limit + 1
    if length > limit:
        size = f"{limit / 1024 / 1024:g}MB" if limit >= 1024 * 1024 else f"{limit // 1024}KB"
        field = "files" if with_files else "text"
        message = _("提交的内容过大（不能超过%(size)s）。") % {"size": size}
        raise TooLargeError(message, fields={field: [message]})
