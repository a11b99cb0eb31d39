"""What the evaluation tests share: an intervention in a district of the demo map, and
reports scattered at random inside an area or a zone, over a period (created directly, as a
moderator would have left them: published, at their exact place)."""

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.models import Sources
from curim.areas.models import Area
from curim.reports.models import Category, Report, ReportStatus
from interventions.evaluation_data import PanelRequest, Windows, local_midnight
from interventions.evaluation_reading import DESIGN_KEYS
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
)
from tests.factories import user_with_role

PLAYGROUND = (23.6340, 37.9520)  # a point inside piraeus-4 (checked in the tests)


def analyst(email: str = "analyst-eval@example.org") -> User:
    found = User.objects.filter(email=email).first()
    return found or user_with_role(Role.ANALYST, email=email)


def intervention_make(
    *,
    area_code: str = "piraeus-2",
    kind: InterventionKind = InterventionKind.AWARENESS,
    geometry: GEOSGeometry | None = None,
    starts_on: date = date(2025, 1, 1),
    ends_on: date = date(2025, 1, 31),
    status: InterventionStatus = InterventionStatus.COMPLETED,
    categories: tuple[str, ...] = (),
    **fields: Any,
) -> Intervention:
    intervention = Intervention.objects.create(
        reference=fields.pop("reference", f"INT-2025-{Intervention.objects.count() + 1:03d}"),
        title_en=fields.pop("title_en", "Awareness sessions in schools"),
        kind=kind,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        organisation="Municipality of Piraeus",
        area=Area.objects.get(code=area_code),
        geometry=geometry,
        created_by=analyst(),
        **fields,
    )
    if categories:
        intervention.categories.set(Category.objects.filter(slug__in=categories))
    return intervention


def point_in(geometry: GEOSGeometry, rng: random.Random) -> Point:
    """A random point covered by `geometry` (EPSG:4326)."""
    x0, y0, x1, y1 = geometry.extent
    while True:
        point = Point(rng.uniform(x0, x1), rng.uniform(y0, y1), srid=4326)
        if geometry.contains(point):
            return point


def reports_scatter(
    *,
    within: GEOSGeometry,
    count: int,
    start: date,
    end: date,
    category: str = "graffiti",
    seed: int = 0,
    status: str = ReportStatus.PUBLISHED,
) -> list[Report]:
    """`count` reports at random places in `within`, at random times from `start` to `end`
    (days included), filed on the district that covers each."""
    rng = random.Random(seed)  # noqa: S311  # test data, not secrets
    kind = Category.objects.get(slug=category)
    begin = local_midnight(start)
    seconds = int((local_midnight(end + timedelta(days=1)) - begin).total_seconds())
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT))
    reports = []
    for _ in range(count):
        point = point_in(within, rng)
        area = next((d for d in districts if d.geometry.covers(point)), None)
        reports.append(
            Report(
                category=kind,
                description="Counted by an evaluation",
                occurred_at=begin + timedelta(seconds=rng.randrange(seconds)),
                location=point,
                public_location=point,
                area=area,
                severity=3,
                feeling_unsafe=3,
                status=status,
                published_at=timezone.now(),
            )
        )
    return Report.objects.bulk_create(reports)


def at(day: date, hour: int = 12) -> datetime:
    return local_midnight(day) + timedelta(hours=hour)


def neighbourhood_grid(side: int = 5, size: float = 0.004) -> list[Area]:
    """A municipality with one district cut into side × side square neighbourhoods (about
    350 m wide), away from the demo map: enough areas for randomization inference."""
    from tests.factories import square

    x0, y0 = 23.80, 38.05
    whole = square(x0, y0, side * size)
    town = Area.objects.create(
        code="gridtown",
        level=Area.Level.MUNICIPALITY,
        name_en="Gridtown",
        name_el="Πλεγμα",
        geometry=whole,
    )
    district = Area.objects.create(
        code="gridtown-d",
        level=Area.Level.DISTRICT,
        parent=town,
        name_en="Grid district",
        name_el="Διαμέρισμα",
        geometry=whole,
    )
    return [
        Area.objects.create(
            code=f"grid-{row}-{column}",
            level=Area.Level.NEIGHBOURHOOD,
            parent=district,
            name_en=f"Square {row}-{column}",
            name_el=f"Τετράγωνο {row}-{column}",
            geometry=square(x0 + column * size, y0 + row * size, size),
        )
        for row in range(side)
        for column in range(side)
    ]


def reports_in_area(area: Area, *, count: int, start: date, end: date, seed: int) -> None:
    """Reports filed on `area` itself, at random places in it (a small inset keeps them off
    the shared borders)."""
    inner = area.geometry.buffer(-0.0002)
    made = reports_scatter(within=inner, count=count, start=start, end=end, seed=seed)
    Report.objects.filter(pk__in=[report.pk for report in made]).update(area=area)


def finished_evaluation(intervention: Intervention, **result: Any) -> Evaluation:
    """A finished evaluation as the service stores it (its figures given here; the public's
    part the same, `as_published`)."""
    counts = [
        {
            "zone": "treated",
            "role": "treated",
            "code": "piraeus-2",
            "name_en": "District 2",
            "name_el": "Δ2",
            "before": 2,
            "after": 0,
            "periods_before": [1, 1],
            "periods_after": [0, 0],
        },
        {
            "zone": "control:piraeus-1",
            "role": "control",
            "code": "piraeus-1",
            "name_en": "District 1",
            "name_el": "Δ1",
            "before": 1,
            "after": 3,
            "periods_before": [0, 1],
            "periods_after": [2, 1],
        },
    ]
    return Evaluation.objects.create(
        intervention=intervention,
        version=intervention.evaluations.count() + 1,
        status=EvaluationStatus.DONE,
        method="Poisson difference-in-differences (area and period fixed effects)",
        parameters={"before_start": "2024-07-01", "sources": "reports"},
        sms_level=3,
        requested_by=analyst(),
        computed_at=timezone.now(),
        data_up_to=timezone.now(),
        result=as_published(
            {
                "estimate": -0.5,
                "ci_low": -0.9,
                "ci_high": -0.1,
                "percent_change": -39.3,
                "percent_ci": [-59.3, -9.5],
                "rate_ratio": 0.607,
                "inference": {"method": "cluster"},
                "comparison": {
                    "how": "suggested",
                    "areas": [
                        {
                            "code": "piraeus-1",
                            "name_en": "District 1",
                            "name_el": "Δ1",
                            "before_count": 1,
                        }
                    ],
                    "own_before_count": 2,
                    "k": 1,
                },
                "windows": {
                    "before": {"start": "2024-07-01", "end": "2024-12-31"},
                    "after": {"start": "2025-02-01", "end": "2025-08-03"},
                    "days": 184,
                    "periods_per_window": 2,
                },
                "counts": counts,
                "sources": "reports",
                "categories": ["graffiti"],
                "survey": {"indicators": []},
                "sms": {"level": 3, "reason": "Measured before and after against comparison."},
                **result,
            }
        ),
    )


# An evaluation's parameters as stored (`EvaluationParameters.as_json`): the windows of the
# tests' playground world (two periods each), counting reports.
STORED_PARAMETERS = {
    "before_start": "2024-07-01",
    "before_end": "2024-12-31",
    "after_start": "2025-02-01",
    "after_end": "2025-08-03",
    "periods": 2,
    "sources": "reports",
}


def evaluation_of(result: dict[str, Any], **fields: Any) -> Evaluation:
    """A finished evaluation of this result, unsaved (the readings read nothing else), its
    public part as the service writes it (`as_published`); `fields` set the model's others."""
    return Evaluation(
        intervention=Intervention(reference="INT-2026-001"),
        status=EvaluationStatus.DONE,
        result=as_published(result),
        **{"version": 1, "method": "m", **fields},
    )


def as_published(result: dict[str, Any], *, level: int | None = None) -> dict[str, Any]:
    """A stored result with the public's part as the service writes it (`result["public"]`,
    what the public reads) for a world whose reports' public places are their exact ones, as
    in these tests: the same figures; none for official incidents; the categories it counted
    named, those asked for (every one when none is) that may be public now; its design's level
    the result's `sms`, or `level` (the model's `sms_level`) where the result has none."""
    if result.get("sources", "reports") != "reports":  # a result that names none: reports
        return {**result, "public": None}
    part = {key: value for key, value in result.items() if key not in DESIGN_KEYS}
    part.pop("public", None)
    part.setdefault("sms", {"level": level, "reason": ""})
    codes = result.get("categories")
    if isinstance(codes, list) and codes:
        part["categories"] = sorted(set(codes) - KEPT_FROM_PUBLIC)
    elif isinstance(codes, list):  # every category: the public ones, read from the database
        public = Category.objects.filter(may_be_public=True)
        part["categories"] = sorted(public.values_list("slug", flat=True))
    return {**result, "public": part}


# The categories the taxonomy keeps from the public (reports/migrations/0002_taxonomy.py).
KEPT_FROM_PUBLIC = frozenset({"cyberbullying", "sextortion", "sexual-harassment"})


def playground_design(windows: Windows) -> tuple[PanelRequest, dict[str, GEOSGeometry]]:
    """A playground in piraeus-4 (a point inside it) evaluated against piraeus-5 by the spatial
    design (a treated zone of 100 m, a ring of 300 m): the panel's request, and its zones as
    GEOS draws them in EPSG:2100 (the recount's)."""
    district = Area.objects.get(code="piraeus-4")
    control = Area.objects.get(code="piraeus-5")
    playground = district.geometry.point_on_surface
    intervention = intervention_make(
        area_code="piraeus-4", kind=InterventionKind.PLAYGROUND, geometry=playground
    )
    treated = playground.transform(2100, clone=True).buffer(100)
    outer = treated.buffer(300)
    request = PanelRequest(
        intervention=intervention,
        windows=windows,
        sources=Sources.REPORTS,
        category_ids=(),
        comparison_ids=(control.pk,),
        buffer_m=100,
        ring_m=300,
        spatial=True,
    )
    zones = {
        "treated": treated,
        "ring": outer.difference(treated),
        "ring_control": district.geometry.transform(2100, clone=True).difference(outer),
        "control:piraeus-5": control.geometry.transform(2100, clone=True).difference(outer),
    }
    return request, zones
