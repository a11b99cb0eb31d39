"""Load the demo data: Piraeus and its districts (approximate) and one account per role."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.areas.services import AreaImportError, areas_load_file

DEMO_AREAS = Path(settings.BASE_DIR) / "curim" / "areas" / "data" / "piraeus_demo.geojson"
DEMO_DOMAIN = "demo.curim.example"


def demo_email(role: Role) -> str:
    return f"{role.value.replace('_', '.')}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Load demo data idempotently (development only unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, logins: bool, force: bool, **options: Any) -> None:
        password = settings.DEMO_PASSWORD
        if logins:
            for role in Role:
                self.stdout.write(f"{role.value:<18} {demo_email(role)}  /  {password}")
            return
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have a known password: refusing with DEBUG off.")
        with transaction.atomic():
            try:
                areas = areas_load_file(path=DEMO_AREAS, source="CURiM demo (approximate)")
            except AreaImportError as exc:
                raise CommandError("\n".join(exc.errors)) from exc
            for role in Role:
                user = User.objects.filter(email=demo_email(role)).first()
                if user is None:
                    user = User.objects.create_user(
                        demo_email(role), password, display_name=f"Demo {role.label}"
                    )
                user_roles_set(user=user, roles={role})
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {len(areas)} areas, {len(Role)} accounts.")
        )
