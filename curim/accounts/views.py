"""Account pages: register, confirm, profile, delete. Login and passwords use Django's views."""

import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from curim.accounts import services
from curim.accounts.forms import AccountDeleteForm, RegistrationForm
from curim.accounts.models import User
from curim.accounts.roles import user_roles


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.citizen_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            language=get_language() or "en",
        )
        # The same answer whether or not the address was known: no account enumeration.
        return redirect("accounts:register_done")
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@require_GET
def confirm(request: HttpRequest, user_id: uuid.UUID, token: str) -> HttpResponse:
    user = User.objects.filter(public_id=user_id).first()
    if user is not None and services.user_email_confirm(user=user, token=token):
        messages.success(request, _("Your e-mail address is confirmed. You can log in now."))
        return redirect("accounts:login")
    return render(request, "accounts/confirm_invalid.html", status=400)


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": sorted(role.label for role in user_roles(user)),
            "may_delete": services.user_may_self_delete(user),
        },
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    if not services.user_may_self_delete(user):
        return render(request, "accounts/delete_refused.html", status=403)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("core:home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )
