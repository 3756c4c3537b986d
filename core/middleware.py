"""How HTML pages answer a service's refusal: one handler instead of a try/except per view."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import DomainError


def _on_site(request, url: str | None) -> bool:
    # An unchecked address would let a crafted form send a reviewer to a phishing site.
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next_url(request, default: str = "/") -> str:
    """Return the ``next`` the page sent (POST, else GET) when it stays on this site."""
    posted = request.POST.get("next") if request.method == "POST" else None
    for candidate in (posted, request.GET.get("next")):
        if _on_site(request, candidate):
            return candidate
    return default


def safe_back_url(request, default: str = "/") -> str:
    """Return where to send the user back to: ``next``, else the referring page on this site."""
    referer = request.headers.get("Referer")
    return safe_next_url(request, default=referer if _on_site(request, referer) else default)


STATUS = {"conflict": 409, "rate_limited": 429}
NUL_MESSAGE = "请求中含有不允许的控制字符（NUL），已拒绝。"


class RefuseNulMiddleware:
    """Refuse a query string carrying a NUL byte with 400 before any view reads it.

    PostgreSQL cannot store or compare NUL in text, so a ``?region=%00`` would otherwise end as
    a 500 wherever a parameter reaches a query. Bodies are checked by the forms, serializers
    and services (Django's and DRF's CharFields refuse NUL; cases.validation too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            if request.path.startswith("/api/"):
                return JsonResponse({"message": NUL_MESSAGE, "extra": {}}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DomainErrorMiddleware:
    """Answer a refusal a view did not handle: 404, 403, or back to the page with the message.

    Not found answers 404 and forbidden 403 (Django's own pages); any other refusal of an action
    (a conflict, an invalid request) is shown as a message on the page the user came from (a
    view may set ``request.back_url`` for when the browser sends no Referer).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if exception.code == "not_found":
            raise Http404(exception.message)
        if exception.code == "forbidden":
            raise PermissionDenied(exception.message)
        back = safe_back_url(request, default=getattr(request, "back_url", "/"))
        if request.method in ("GET", "HEAD"):
            # Reading a page was refused (e.g. too many look-ups): say so here, since sending
            # the browser back could land on the same refused address again.
            context = {"message": exception.message, "back_url": back}
            return render(request, "refused.html", context, status=STATUS.get(exception.code, 400))
        messages.error(request, exception.message)
        return redirect(back)


# Django's technical pages (DEBUG) all carry this sentence; a page of the app never does.
TECHNICAL_MARKER = b"DEBUG = True"


class FriendlyErrorPagesMiddleware:
    """Under DEBUG, show the Chinese error pages instead of Django's technical ones.

    ``make run`` serves with DEBUG on, and the people trying it are the staff, not developers: a
    404 listing the URL patterns in English is no answer for them. With DEBUG off Django already
    calls ``config.urls``' handlers. ``DJANGO_TECHNICAL_ERRORS=1`` keeps the technical pages
    for debugging (the traceback is logged either way). API paths keep their JSON answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not getattr(settings, "TECHNICAL_ERROR_PAGES", False)
            and response.status_code in (400, 404, 500)
            and not request.path.startswith("/api/")
            and not getattr(response, "streaming", False)
            and TECHNICAL_MARKER in response.content
        ):
            from core.views import error_page

            return error_page(request, response.status_code)
        return response
