"""Removes an account's second factor, so that it enrols again at its next sign-in.

For a superuser who lost their phone: the admin, where devices are reset, asks for the second
factor itself. Run it on the server, where only the operators are:

    manage.py twofactor_reset root@example.org
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from curim.accounts.models import User, email_normalise
from curim.accounts.twofactor import twofactor_reset


class Command(BaseCommand):
    help = "Remove an account's second factor (TOTP device), so that it enrols again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=email_normalise(options["email"])).first()
        if user is None:
            raise CommandError("No account has that address.")
        if not twofactor_reset(user=user):
            raise CommandError("That account has no second factor to remove.")
        self.stdout.write(f"The second factor of {user.email} was removed; it enrols again.")
