"""Writes for accounts: registration, confirmation, roles, deletion."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from curim.accounts.models import User, email_normalise
from curim.accounts.roles import Role
from curim.accounts.tokens import email_confirmation_token
from curim.core.services import task_enqueue


@transaction.atomic
def citizen_register(
    *, email: str, password: str, display_name: str = "", language: str = "en"
) -> User | None:
    """Create an inactive citizen account and send the confirmation link.

    When the address already has an account, nothing is created and its owner is told by
    e-mail instead, so the form never reveals who is registered. Returns the new user or None.
    """
    email = email_normalise(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        # An unconfirmed registration gets its link again; anyone else gets a warning.
        unconfirmed = existing.email_confirmed_at is None and existing.last_login is None
        task_name = (
            "accounts.confirmation_email_send"
            if unconfirmed
            else "accounts.registration_repeat_email_send"
        )
        task_enqueue(task_name=task_name, args=[existing.pk])
        return None
    user = User(email=email, display_name=display_name, language=language, is_active=False)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.CITIZEN))
    task_enqueue(task_name="accounts.confirmation_email_send", args=[user.pk])
    return user


@transaction.atomic
def user_email_confirm(*, user: User, token: str) -> bool:
    if not email_confirmation_token.check_token(user, token):
        return False
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    return True


@transaction.atomic
def user_roles_set(*, user: User, roles: set[Role]) -> None:
    """Replace a user's roles. Staff status follows the admin role, and nothing else."""
    user.groups.set(Group.objects.filter(name__in=roles))
    is_staff = Role.ADMIN in roles
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_may_self_delete(user: User) -> bool:
    # Staff accounts carry responsibilities (case files, council records); an admin disables
    # them instead, so that the records keep an author.
    names = set(user.groups.values_list("name", flat=True))
    return not user.is_staff and not user.is_superuser and names <= {Role.CITIZEN}


@transaction.atomic
def user_delete(*, user: User) -> None:
    if not user_may_self_delete(user):
        raise PermissionError("Staff accounts are disabled by an administrator, not deleted.")
    user.delete()
