"""Load the demo council of Piraeus (after demo_load, which makes the accounts and the areas,
surveys_demo_load, whose indicators its strategy targets, and interventions_demo_load, whose
interventions its recommendations and measures are linked to when they are loaded)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from councils.demo import council_demo_load
from councils.demo_interventions import council_interventions_demo_link
from curim.accounts.demo import demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core.demo import DemoError


class Command(BaseCommand):
    help = "Load the demo council idempotently (development only unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is invented: refusing with DEBUG off.")
        try:
            added = council_demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo council: {added} new meetings."))
        secretary = User.objects.get(email=demo_email(Role.COUNCIL_SECRETARY))
        linked = council_interventions_demo_link(by=secretary)
        if linked:
            self.stdout.write(f"{linked} recommendations linked to the demo interventions.")
