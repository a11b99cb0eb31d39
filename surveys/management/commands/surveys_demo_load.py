"""Load the demo survey waves (after demo_load, which loads the districts)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveys.demo import surveys_demo_load


class Command(BaseCommand):
    help = "Load the demo survey waves idempotently (development only unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is invented: refusing with DEBUG off.")
        added = surveys_demo_load()
        self.stdout.write(self.style.SUCCESS(f"Demo surveys: {added} new responses."))
