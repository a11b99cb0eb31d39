"""Signed, expiring tokens for e-mail confirmation links."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from curim.accounts.models import User


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "curim.accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # Confirming changes email_confirmed_at, which invalidates the link: it works once.
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
