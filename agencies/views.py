"""Pages of the organisation: the user's own profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agencies import selectors, services
from agencies.forms import ProfileForm
from core.forms import run_service, show_on_form


@login_required
def profile(request):
    """Show and edit the user's real name and office phone; link to the password change."""
    current = selectors.profile_of(request.user)
    initial = {"real_name": current.real_name, "office_phone": current.office_phone}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            lambda: services.profile_update(
                user=request.user, actor=request.user, **form.cleaned_data
            ),
            show_on_form(form),
        )
        if saved is not None:
            messages.success(request, _("个人信息已保存。"))
            return redirect("profile")
    return render(
        request,
        "registration/profile.html",
        {"form": form, "memberships": selectors.membership_list(user=request.user)},
    )
