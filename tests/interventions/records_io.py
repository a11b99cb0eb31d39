"""Interventions made through the services, for the API, exchange and demo tests."""

from datetime import date
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from interventions.models import Intervention, InterventionKind, InterventionStatus
from interventions.services.interventions import intervention_save
from tests.factories import user_with_role

# A point in the 5th municipal community of the demo map (piraeus-5).
FIFTH = (23.6330, 37.9670)


def recorder() -> User:
    user = User.objects.filter(email="recorder@example.org").first()
    return user or user_with_role(Role.COUNCIL_SECRETARY, email="recorder@example.org")


def intervention_make(
    *,
    kind: str = InterventionKind.PLAYGROUND,
    status: str = InterventionStatus.COMPLETED,
    area: str = "piraeus-5",
    geometry: GEOSGeometry | None = None,
    **fields: Any,
) -> Intervention:
    spatial = kind not in ("awareness", "training", "advisory", "social_other")
    if geometry is None and spatial:
        geometry = Point(*FIFTH, srid=4326)
    values: dict[str, Any] = {
        "title_en": "Playground renovated",
        "title_el": "Ανακαίνιση παιδικής χαράς",
        "organisation": "Municipality of Piraeus",
        "starts_on": date(2025, 3, 1),
        "ends_on": date(2025, 6, 30),
        **fields,
    }
    intervention = Intervention(
        kind=kind,
        status=status,
        area=Area.objects.get(code=area),
        geometry=geometry,
        **values,
    )
    return intervention_save(intervention=intervention, by=recorder())
