"""Load the demo interventions of Piraeus and the reports that carry their planted effect
(after demo_load, which makes the accounts, areas and categories, and surveys_demo_load, whose
indicators the social interventions address)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curim.core.demo import DemoError
from interventions.demo import interventions_demo_load


class Command(BaseCommand):
    help = "Load the demo interventions idempotently (development only unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is invented: refusing with DEBUG off.")
        try:
            added = interventions_demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo interventions: {added} new."))
