"""Forms for registration, login, two-factor codes, password reset and account deletion."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from curim.accounts.models import User, email_normalise
from curim.accounts.services import password_reset_request
from curim.accounts.twofactor import twofactor_locked, twofactor_verify


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self) -> str:
        return email_normalise(self.cleaned_data["username"])


class RegistrationForm(forms.Form):
    """Only the address and a name: the password is chosen after following the e-mailed link."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,  # the account's: longer would fail in the worker, after "check your mail"
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_(
            "Used on your account page and in the e-mails we send you; never shown to others."
        ),
    )

    def clean_email(self) -> str:
        return email_normalise(self.cleaned_data["email"])


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail is sent by the worker; the token is made there too."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        password_reset_request(email=self.cleaned_data["email"])


def password_confirmed(request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is `user`'s, asked through authenticate() as a login is, so that the
    login lockout (django-axes) counts wrong ones and refuses a locked-out pair: a stolen
    session must not be a way to guess the password without limit."""
    return authenticate(request, username=user.email, password=password) == user


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.user = request, user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not password_confirmed(self.request, self.user, password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's, with the old password checked as `password_confirmed` does."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not password_confirmed(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class TwoFactorCodeForm(forms.Form):
    """A code from the user's authenticator app; valid only if it verifies (and is used up)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "size": 8,
            }
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        if twofactor_locked(user=self.user):
            raise forms.ValidationError(
                _("Too many wrong codes. Wait 15 minutes, then try again with a new code.")
            )
        if not twofactor_verify(user=self.user, code=code):
            raise forms.ValidationError(
                _("This code is not correct or was already used. Wait for the next code.")
            )
        return code
