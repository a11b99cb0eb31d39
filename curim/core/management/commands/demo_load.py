"""Load the demo data: Piraeus and its districts (approximate) and one account per role."""

from argparse import ArgumentParser
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.areas.services import AreaImportError, areas_load_file
from curim.reports.models import Category, Report, ReportStatus
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition

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
            reports = demo_reports()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(areas)} areas, {len(Role)} accounts, {reports} new reports."
            )
        )


DEMO_DESCRIPTIONS = {
    "incivility": "Seen again this week near the square.",
    "crime": "It happened in the evening; several people saw it.",
    "urban_risk": "Dangerous for pedestrians, especially children and older people.",
    "cyber": "A message pretending to come from a bank asked for my card number.",
}


def demo_reports(count: int = 60) -> int:
    """Reports spread over the districts, most of them published; only on an empty table."""
    if Report.objects.exists():
        return 0
    moderator = User.objects.get(email=demo_email(Role.MODERATOR))
    categories = list(Category.objects.filter(is_active=True, may_be_public=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g.geom), ST_Y(g.geom) FROM areas_area a, "
            "LATERAL ST_Dump(ST_GeneratePoints(a.geometry, %s, 2026)) g "
            "WHERE a.code = 'piraeus'",
            [count],
        )
        points = cursor.fetchall()
    for n, (lon, lat) in enumerate(points):
        category = categories[n % len(categories)]
        located = category.location_required
        draft = ReportDraft(
            category=category,
            description=DEMO_DESCRIPTIONS[category.group],
            occurred_at=timezone.now() - timedelta(days=n % 90, hours=n % 24),
            severity=1 + n % 5,
            feeling_unsafe=1 + (n * 3) % 5,
            location=Point(lon, lat, srid=4326) if located else None,
            cyber_channel="" if located else "email",
        )
        report, _ = report_submit(draft=draft, reporter=None, client_address=None)
        if n % 6:
            report_transition(report=report, to_status=ReportStatus.PUBLISHED, actor=moderator)
    return len(points)
