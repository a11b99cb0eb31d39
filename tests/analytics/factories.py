"""Official incidents for the analytics tests, as an import would leave them (a source, a log
row, the incident in the first district)."""

from datetime import datetime

from django.contrib.gis.geos import Point

from curim.analytics.models import IncidentImport, IncidentSource, OfficialIncident
from curim.areas.models import Area
from curim.reports.models import Category


def official_incident_create(
    *, category: Category, at: tuple[float, float], when: datetime
) -> OfficialIncident:
    source, _ = IncidentSource.objects.get_or_create(
        slug="police", defaults={"name_en": "Police", "name_el": "Αστυνομία"}
    )
    log = IncidentImport.objects.create(
        source=source,
        file_name="police.csv",
        file_sha256="0" * 64,
        file_format="csv",
        rows=1,
        created_count=1,
        updated_count=0,
        unchanged_count=0,
    )
    return OfficialIncident.objects.create(
        source=source,
        external_id=str(OfficialIncident.objects.count() + 1),
        their_category="Κλοπή",
        category=category,
        occurred_at=when,
        location=Point(*at, srid=4326),
        area=Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first(),
        last_import=log,
    )
