"""Account pages: register, confirm, profile, two-factor, delete. Login uses Django's views."""

import uuid
from typing import Any, cast
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from curim.accounts import services
from curim.accounts.backends import ACCOUNT_BACKEND
from curim.accounts.forms import (
    AccountDeleteForm,
    CountedPasswordChangeForm,
    RegistrationForm,
    TwoFactorCodeForm,
)
from curim.accounts.models import User
from curim.accounts.roles import user_roles
from curim.accounts.tokens import email_confirmation_token
from curim.accounts.totp import otpauth_uri
from curim.accounts.twofactor import (
    twofactor_device_start,
    twofactor_enabled,
    twofactor_session_mark,
    twofactor_session_verified,
)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.citizen_register_request(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            language=get_language() or "en",
        )
        # The same answer whether or not the address was known: no account enumeration.
        return redirect("accounts:register_done")
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


@require_safe
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, user_id: uuid.UUID, token: str) -> HttpResponse:
    """The e-mailed link: its owner chooses a password, which confirms and activates."""
    user = User.objects.filter(public_id=user_id).first()
    if (
        user is None
        or not services.user_awaits_confirmation(user)
        or not email_confirmation_token.check_token(user, token)
    ):
        return render(request, "accounts/confirm_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_email_confirm(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend=ACCOUNT_BACKEND)
        messages.success(request, _("Your account is confirmed. Welcome!"))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/confirm.html",
        {"form": form, "email": user.email},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": sorted(role.label for role in user_roles(user)),
            "may_delete": services.user_may_self_delete(user),
            "twofactor_on": twofactor_enabled(user),
        },
    )


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second factor: `next` if it stays on this site, else the profile."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:profile")


def _redirect_keeping_next(route: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(route)}?{urlencode({'next': _next_url(request)})}")


@sensitive_post_parameters("code")
@never_cache  # the page holds the secret
@login_required
@require_http_methods(["GET", "POST"])
def twofactor_setup(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    device = twofactor_device_start(user=user)
    if device.is_confirmed:
        # An enrolled secret is never shown again; a lost phone is reset by an administrator.
        return _redirect_keeping_next("accounts:twofactor_verify", request)
    form = TwoFactorCodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        twofactor_session_mark(request)
        messages.success(request, _("Two-factor authentication is on."))
        return redirect(_next_url(request))
    # Safe to mark: segno writes the SVG itself; the URI is only encoded as modules, never echoed.
    uri = otpauth_uri(device.secret, user.email)
    qr_code = mark_safe(segno.make(uri, error="m").svg_inline(scale=4, light="#fff"))  # noqa: S308
    return render(
        request,
        "accounts/twofactor_setup.html",
        {"form": form, "qr_code": qr_code, "secret": device.secret, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def twofactor_verify(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    if not twofactor_enabled(user):
        return _redirect_keeping_next("accounts:twofactor_setup", request)
    if request.method == "GET" and twofactor_session_verified(request):
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        twofactor_session_mark(request)
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/twofactor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    if not services.user_may_self_delete(user):
        return render(request, "accounts/delete_refused.html", status=403)
    form = AccountDeleteForm(request.POST or None, request=request, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("core:home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view, with the user named in the link by public id instead of primary key."""

    def get_user(self, uidb64: str) -> User | None:
        try:
            public_id = uuid.UUID(urlsafe_base64_decode(uidb64).decode())
        except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
            return None
        return User.objects.filter(public_id=public_id).first()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the old password counted by the login lockout."""

    form_class = CountedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}
