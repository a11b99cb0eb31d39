"""E-mails about accounts, sent by the worker so that a slow mail server never slows a page."""

from collections.abc import Callable
from datetime import timedelta
from typing import ParamSpec

from celery import Task, shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from curim.accounts import services
from curim.accounts.models import User
from curim.accounts.tokens import email_confirmation_token

P = ParamSpec("P")


def mail_task(name: str) -> Callable[[Callable[P, None]], Task[P, None]]:
    """A task that sends mail: retried with backoff while the mail server is unreachable."""
    return shared_task(
        name=name,
        autoretry_for=(OSError,),
        retry_backoff=30,
        retry_backoff_max=60 * 30,
        max_retries=8,
        ignore_result=True,
    )


def _mail(user: User, template: str, context: dict[str, object]) -> None:
    with translation.override(user.language):
        context = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}_body.txt", context)
    send_mail(subject, body, None, [user.email])


@mail_task("accounts.confirmation_email_send")
def confirmation_email_send(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, email_confirmed_at__isnull=True).first()
    if user is None:
        return  # confirmed or deleted meanwhile: nothing to send
    token = email_confirmation_token.make_token(user)
    path = reverse("accounts:confirm", kwargs={"user_id": user.public_id, "token": token})
    _mail(user, "confirm", {"link": settings.SITE_URL + path})


@mail_task("accounts.registration_repeat_email_send")
def registration_repeat_email_send(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        _mail(
            user,
            "registration_repeat",
            {"reset_link": settings.SITE_URL + reverse("accounts:password_reset")},
        )


def _password_reset_mail(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.public_id))  # never the sequential pk
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    _mail(user, "password_reset", {"link": settings.SITE_URL + path})


@mail_task("accounts.password_reset_address_mail")
def password_reset_address_mail(email: str) -> None:
    """The reset link to the active account of `email` that has a password, if there is one."""
    for user in User.objects.filter(email__iexact=email, is_active=True):
        if user.has_usable_password():
            _password_reset_mail(user)


@mail_task("accounts.password_reset_email_send")
def password_reset_email_send(user_id: int) -> None:
    # Enqueued by the releases before password_reset_address_mail; kept for their rows.
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None and user.has_usable_password():
        _password_reset_mail(user)


@shared_task(name="accounts.citizen_register", ignore_result=True)
def citizen_register(email: str, display_name: str, language: str) -> None:
    services.citizen_register(email=email, display_name=display_name, language=language)


@shared_task(name="accounts.sessions_prune", ignore_result=True)
def sessions_prune() -> int:
    return services.sessions_expired_delete()


@shared_task(name="accounts.login_records_prune", ignore_result=True)
def login_records_prune() -> int:
    return services.login_records_prune(older_than=timedelta(days=settings.AXES_RETENTION_DAYS))
