"""Load the demo data that the apps register in `curim.core.demo`: Piraeus and its districts
(approximate), one account per role, and citizen reports."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curim.core.demo import DemoError, demo_loaders, demo_login_lines


class Command(BaseCommand):
    help = "Load demo data idempotently (development only unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, logins: bool, force: bool, **options: Any) -> None:
        if logins:
            for line in demo_login_lines():
                self.stdout.write(line)
            return
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have a known password: refusing with DEBUG off.")
        with transaction.atomic():
            try:
                loaded = [loader() for loader in demo_loaders()]
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo data: {', '.join(loaded)}."))
