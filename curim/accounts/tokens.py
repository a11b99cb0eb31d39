"""Signed, expiring tokens for e-mail confirmation links."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from curim.accounts.models import User


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "curim.accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # The base hash covers the password and last login; confirming sets a password and
        # email_confirmed_at, so a link works once.
        return f"{super()._make_hash_value(user, timestamp)}{user.email_confirmed_at}"


email_confirmation_token = EmailConfirmationTokenGenerator()
