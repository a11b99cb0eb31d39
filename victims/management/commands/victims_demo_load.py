"""Load the Victim Support Unit's invented demo data (after demo_load, which makes the users)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curim.accounts.demo import demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from victims.demo import victims_demo_load


class Command(BaseCommand):
    help = "Load the unit's demo services and cases idempotently (development only unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is invented: refusing with DEBUG off.")
        staff = User.objects.filter(email=demo_email(Role.VSU_STAFF)).first()
        supervisor = User.objects.filter(email=demo_email(Role.VSU_SUPERVISOR)).first()
        if staff is None or supervisor is None:
            raise CommandError("Run demo_load first: it creates the unit's demo accounts.")
        added = victims_demo_load(staff=staff, supervisor=supervisor)
        self.stdout.write(self.style.SUCCESS(f"Victim Support Unit demo: {added} new cases."))
