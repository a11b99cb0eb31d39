"""Writes for accounts: registration, confirmation, roles, API tokens, deletion."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from curim.accounts.models import AccountSession, User, email_normalise
from curim.accounts.roles import ADMIN_SITE_ROLES, Role
from curim.core.services import task_enqueue, task_enqueue_once

# One e-mail of a kind per address in this window, so the forms cannot be used to mail-bomb.
MAIL_COOLDOWN = timedelta(minutes=10)


def citizen_register_request(*, email: str, display_name: str = "", language: str = "en") -> None:
    """The registration form's write: the worker registers (`citizen_register`). The request
    does the same work whether or not the address has an account, so that the time of the
    answer, like its words, does not tell."""
    task_enqueue_once(
        task_name="accounts.citizen_register",
        args=[email_normalise(email), display_name, language],
        within=MAIL_COOLDOWN,
    )


@transaction.atomic
def citizen_register(*, email: str, display_name: str = "", language: str = "en") -> None:
    """Register a citizen: an inactive account without a password, and a confirmation link.

    Whoever follows the link chooses the password, so only the owner of the mailbox can ever
    use the account. The answer never says whether the address was known: a known address
    gets a warning e-mail, an unconfirmed one its link again.
    """
    email = email_normalise(email)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        user = User(email=email, display_name=display_name, language=language, is_active=False)
        user.set_unusable_password()
        user.full_clean(validate_unique=False)  # the database's constraint: two workers at once
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            existing = User.objects.get(email=email)  # the other worker's: as a known address
        else:
            user.groups.add(Group.objects.get(name=Role.CITIZEN))
            task_enqueue(task_name="accounts.confirmation_email_send", args=[user.pk])
            return
    if user_awaits_confirmation(existing):
        task_enqueue_once(
            task_name="accounts.confirmation_email_send", args=[existing.pk], within=MAIL_COOLDOWN
        )
    else:
        task_enqueue_once(
            task_name="accounts.registration_repeat_email_send",
            args=[existing.pk],
            within=MAIL_COOLDOWN,
        )


def user_awaits_confirmation(user: User) -> bool:
    # Accounts made by admins or commands are confirmed when created; an account that has a
    # password or has logged in was never a pending registration.
    return (
        user.email_confirmed_at is None
        and user.last_login is None
        and not (user.has_usable_password())
    )


@transaction.atomic
def user_email_confirm(*, user: User, password: str) -> None:
    """Activate a pending registration with the password its owner chose."""
    if not user_awaits_confirmation(user):
        raise ValueError("This account is not awaiting confirmation.")
    user.set_password(password)
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save()


def password_reset_request(*, email: str) -> None:
    """Have the worker mail a reset link to the account of `email`, if it has one that may
    reset. The request does the same work whether or not it has: the worker looks the address
    up, so that a known address does not answer slower than an unknown one."""
    task_enqueue_once(
        task_name="accounts.password_reset_address_mail",
        args=[email_normalise(email)],
        within=MAIL_COOLDOWN,
    )


@transaction.atomic
def user_roles_set(*, user: User, roles: set[Role]) -> None:
    """Replace a user's roles. Staff status follows the roles that open the admin."""
    user.groups.set(Group.objects.filter(name__in=roles))
    user_staff_sync(user=user)


def user_staff_sync(*, user: User) -> None:
    is_staff = user.is_superuser or user.groups.filter(name__in=ADMIN_SITE_ROLES).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


class TokenLimitReached(Exception):
    """The account already holds REST_KNOX["TOKEN_LIMIT_PER_USER"] live API tokens."""


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token (the row, and the token itself, shown once), within the account's limit.

    The user's row is locked first: concurrent logins of one account count and create one
    after another, so that together they cannot go past the limit.
    """
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    if (
        AuthToken.objects.filter(live, user=user).count()
        >= settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    ):
        raise TokenLimitReached
    instance, token = AuthToken.objects.create(user)
    return instance, token


def user_may_self_delete(user: User) -> bool:
    # Staff accounts carry responsibilities (case files, council records); an admin disables
    # them instead, so that the records keep an author.
    names = set(user.groups.values_list("name", flat=True))
    return not user.is_staff and not user.is_superuser and names <= {Role.CITIZEN}


@transaction.atomic
def user_delete(*, user: User) -> None:
    if not user_may_self_delete(user):
        raise PermissionError("Staff accounts are disabled by an administrator, not deleted.")
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.email).delete()
    user.delete()


def sessions_expired_delete() -> int:
    """Delete expired sessions (Django leaves them in the table until asked); returns how many.

    Django's own table too: the sessions there before migration accounts/0005 were copied, and
    those the previous release wrote while this one started are read by nobody; they all
    expire within SESSION_COOKIE_AGE.
    """
    now = timezone.now()
    deleted, _ = AccountSession.objects.filter(expire_date__lt=now).delete()
    left_behind, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted + left_behind


def login_records_prune(*, older_than: timedelta) -> int:
    """Delete login attempts and logs older than the retention period."""
    cutoff = timezone.now() - older_than
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted
