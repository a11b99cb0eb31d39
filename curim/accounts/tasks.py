"""E-mails about accounts, sent by the worker so that a slow mail server never slows a page."""

from collections.abc import Callable
from datetime import timedelta

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


def mail_task(name: str) -> Callable[[Callable[[int], None]], Task[[int], None]]:
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


@mail_task("accounts.password_reset_email_send")
def password_reset_email_send(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.public_id))  # never the sequential pk
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    _mail(user, "password_reset", {"link": settings.SITE_URL + path})


@shared_task(name="accounts.sessions_prune", ignore_result=True)
def sessions_prune() -> int:
    return services.sessions_expired_delete()


@shared_task(name="accounts.login_records_prune", ignore_result=True)
def login_records_prune() -> int:
    return services.login_records_prune(older_than=timedelta(days=settings.AXES_RETENTION_DAYS))
