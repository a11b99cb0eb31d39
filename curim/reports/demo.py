"""Demo citizen reports spread over the demo districts (see curim.core.demo)."""

from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from curim.accounts.demo import demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core.demo import demo_loader
from curim.reports.models import Category, Report, ReportStatus
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition

DEMO_DESCRIPTIONS = {
    "incivility": "Seen again this week near the square.",
    "crime": "It happened in the evening; several people saw it.",
    "urban_risk": "Dangerous for pedestrians, especially children and older people.",
    "cyber": "A message pretending to come from a bank asked for my card number.",
}


@demo_loader
def demo_reports_load() -> str:
    return f"{demo_reports()} new reports"


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
