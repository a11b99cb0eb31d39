"""Demo analytics (see curim.core.demo): the invented police file of
curim/analytics/data/demo_incidents.csv imported as the demo analyst, through the same service
as an upload, then the nightly analyses over it and the demo reports."""

from pathlib import Path

from curim.accounts.demo import demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.models import IncidentSource
from curim.analytics.services.category_mapping import category_mappings_set
from curim.analytics.services.incident_import import incidents_import
from curim.analytics.services.nightly import analytics_nightly
from curim.core.demo import demo_loader
from curim.reports.models import Category

DEMO_INCIDENTS = Path(__file__).resolve().parent / "data" / "demo_incidents.csv"
DEMO_SOURCE = "piraeus-police-demo"
# The police's own category names in the file, and the platform's categories they count as.
DEMO_MAPPINGS = {
    "ΚΛΟΠΗ": "theft",
    "ΔΙΑΡΡΗΞΗ ΟΙΚΙΑΣ": "burglary",
    "ΛΗΣΤΕΙΑ": "theft",
    "ΣΩΜΑΤΙΚΕΣ ΒΛΑΒΕΣ": "assault",
    "ΦΘΟΡΑ ΞΕΝΗΣ ΙΔΙΟΚΤΗΣΙΑΣ": "vandalism",
}


@demo_loader
def demo_analytics_load() -> str:
    source, _ = IncidentSource.objects.get_or_create(
        slug=DEMO_SOURCE,
        defaults={
            "name_en": "Piraeus Security Directorate (invented demo records)",
            "name_el": "Διεύθυνση Ασφάλειας Πειραιά (φανταστικές εγγραφές επίδειξης)",
        },
    )
    category_mappings_set(
        source=source,
        mappings={name: Category.objects.get(slug=slug) for name, slug in DEMO_MAPPINGS.items()},
    )
    result = incidents_import(
        source=source,
        file_name=DEMO_INCIDENTS.name,
        content=DEMO_INCIDENTS.read_bytes(),
        imported_by=User.objects.get(email=demo_email(Role.ANALYST)),
    )
    if result.errors or result.log is None:
        first = result.errors[0] if result.errors else None
        raise RuntimeError(f"The demo incidents did not import: {first}")
    runs = analytics_nightly()
    return f"{result.log.created_count} new official incidents, {len(runs)} analyses"
