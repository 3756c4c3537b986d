"""The public front door (no login): the published channels, the complaint form, the status page.

Thin like every view: ``complaints.services`` checks and writes, ``complaints.selectors`` answers
the status question. What only the front door adds is here and in ``complaints.limits`` and
``complaints.challenge``: a budget per client address, a cap on the request size read before
the body is, and the challenge in Chinese words. Answers carrying a query code are not cached.
"""

from itertools import groupby

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from agencies.models import ComplaintChannel
from complaints import selectors, services
from complaints.challenge import challenge_check, challenge_new
from complaints.limits import STATUS, SUBMIT, TooLargeError, body_limit, public_limit
from complaints.public_forms import PublicComplaintForm, PublicStatusForm
from core.errors import DomainError, RateLimitedError

NOT_FOUND_STATUS = 404


def index(request):
    """List every department's published complaint channels (附件2), with the way in."""
    channels = ComplaintChannel.objects.filter(is_active=True).select_related("department")
    ordered = sorted(channels, key=lambda c: (c.department.sort_order, c.department.code, c.pk))
    departments = [
        (department, list(items))
        for department, items in groupby(ordered, key=lambda c: c.department)
    ]
    return render(request, "public/index.html", {"departments": departments})


def _form_page(request, form, challenge, *, status: int = 200):
    form.initial["challenge_token"] = challenge.token
    if form.is_bound:
        # A new question each time: the bound token was used up by the attempt.
        form.data = form.data.copy()
        form.data["challenge_token"] = challenge.token
        form.data["challenge_answer"] = ""
    response = render(request, "public/complaint_form.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


def _refused_form(request, error: DomainError, *, status: int):
    """Answer the form again, unfilled, with a refusal read before the body (size, budget)."""
    challenge = challenge_new()
    form = PublicComplaintForm(question=challenge.question)
    return _page_with_message(request, form, challenge, error.message, status=status)


def _page_with_message(request, form, challenge, message: str, *, status: int):
    form.initial["challenge_token"] = challenge.token
    context = {"form": form, "refusal": message}
    response = render(request, "public/complaint_form.html", context, status=status)
    add_never_cache_headers(response)
    return response


@csrf_exempt  # checked below, once the size is known to be acceptable (see complaint_new)
@require_http_methods(["GET", "HEAD", "POST"])
def complaint_new(request):
    """File a complaint; answer with its receipt number and secret query code.

    The body's size is checked from its Content-Length before anything reads it, and the CSRF
    check reads the body, so it runs after (Django's documented pattern for upload handlers).
    """
    if request.method == "POST":
        try:
            body_limit(request, with_files=True)
        except TooLargeError as exc:
            return _refused_form(request, exc, status=413)
    return _complaint_new(request)


@csrf_protect
def _complaint_new(request):
    if request.method != "POST":
        challenge = challenge_new()
        return _form_page(request, PublicComplaintForm(question=challenge.question), challenge)
    try:
        public_limit(request, SUBMIT)
    except RateLimitedError as exc:
        return _refused_form(request, exc, status=429)
    challenge = challenge_new()
    form = PublicComplaintForm(request.POST, request.FILES, question=challenge.question)
    typed = form.is_valid()  # only coerces: e.g. a NUL byte is refused here, nothing else
    refused = challenge_check(
        request.POST.get("challenge_token", ""), request.POST.get("challenge_answer", "")
    )
    if refused:
        form.add_error("challenge_answer", refused)
    if refused or not typed:
        return _form_page(request, form, challenge, status=400)
    payload = {**form.payload(), "files": request.FILES.getlist("files")}
    try:
        complaint, code = services.complaint_submit_public(**payload)
    except DomainError as exc:
        _place(form, exc)
        return _form_page(request, form, challenge, status=400)
    context = {"receipt": complaint.receipt, "code": code}
    response = render(request, "public/complaint_done.html", context)
    add_never_cache_headers(response)
    return response


def _place(form, error: DomainError) -> None:
    """Put the service's errors on the fields (and rows) they name, the rest above the form."""
    for path, messages in (error.fields or {}).items():
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(form.error_field(path), str(message))
    if not error.fields:
        form.add_error(None, error.message)


@require_http_methods(["GET", "HEAD", "POST"])
def complaint_status(request):
    """Show the state and published reply of the complaint a receipt and code name.

    A wrong code and an unknown receipt get the same answer (``complaint_public_status``).
    """
    form = PublicStatusForm(request.POST or None)
    context, status = {"form": form}, 200
    if request.method == "POST":
        try:
            public_limit(request, STATUS)
        except RateLimitedError as exc:
            context["refusal"], status = exc.message, 429
        else:
            form.is_valid()
            found = selectors.complaint_public_status(
                receipt=form.cleaned_data.get("receipt") or "",
                code=form.cleaned_data.get("code") or "",
            )
            context["found"], context["searched"] = found, True
            status = 200 if found else NOT_FOUND_STATUS
    response = render(request, "public/status.html", context, status=status)
    add_never_cache_headers(response)
    return response
