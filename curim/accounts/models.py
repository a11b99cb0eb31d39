"""The user model (one account per e-mail address, logging in by e-mail), its 2FA device, and
the sign-in sessions."""

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curim.core.encrypted_fields import EncryptedTextField


def email_normalise(email: str) -> str:
    # The whole address is lower-cased: two accounts that differ only by case would confuse
    # people and let one person register twice.
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        # Accounts made by admins and commands are vouched for; only self-registration (see
        # services.citizen_register) leaves the address unconfirmed.
        fields.setdefault("email_confirmed_at", timezone.now())
        user = self.model(email=email_normalise(email), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=email_normalise(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="en", choices=[("en", "English"), ("el", "Ελληνικά")]
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive accounts cannot log in (unconfirmed or disabled)."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Kept in step with the admin role: only admins may use the Django admin."),
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = email_normalise(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        password_changed = getattr(self, "_password", None) is not None  # set by set_password()
        super().save(*args, **kwargs)
        if password_changed:
            # A new password ends every API session opened with the old one.
            from knox.models import AuthToken

            AuthToken.objects.filter(user=self).delete()

    @property
    def name_for_display(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]


class TOTPDevice(models.Model):
    """A user's authenticator app: the shared secret, and the last time step it was used for."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("user")
    )
    secret = EncryptedTextField(_("secret"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # A code is good for one use: steps up to this one are refused, so a seen code cannot replay.
    last_step = models.BigIntegerField(_("last used step"), null=True, blank=True)
    # Wrong codes since `failures_since` (see twofactor.py). Counted on this row, not in the
    # cache: a cache that is down or emptied must not lift the limit.
    failures = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    failures_since = models.DateTimeField(_("first wrong code"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return f"TOTP device of {self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class AccountSession(AbstractBaseSession):
    """A browser's session: Django's database session, with the account signed in to it beside
    the data, so that one statement reads both on every request (curim.accounts.sessions).

    Django's documented way of extending the database sessions ("Extending database-backed
    session engines"). The account's sessions go with the account (`user_delete`).
    """

    # No constraint in the database: a session saved while its account is being deleted must not
    # fail the request; its account is then nobody, as for any unknown account.
    account = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("signed-in account"),
    )

    class Meta:
        db_table = "accounts_session"
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from curim.accounts.sessions import SessionStore

        return SessionStore
