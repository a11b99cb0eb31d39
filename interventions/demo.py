"""The demo interventions of Piraeus, with an effect planted in the demo reports for the
evaluation to find. Invented data: never mistake it for Piraeus's.

What it records, through the services (`manage.py interventions_demo_load`, after `demo_load`
and `surveys_demo_load`, before `councils_demo_load`, which links the council's recommendations
and measures to these interventions: councils/demo_interventions.py; `make run` calls it;
loading again adds nothing):
- "Renovation of eight playgrounds in the 5th district" (`piraeus-5`, the demo's 5th Municipal
  Community): ONE intervention drawn as a MultiPoint of the eight playgrounds, completed (the
  works ran at the same dates at all eight), then evaluated by the demo itself (below);
- new street lighting in two streets (lines) of the 1st and 3rd districts, both completed;
- awareness sessions on bullying and cyber-threats in three schools (the first with a short
  questionnaire before and after, a survey wave each, with a planted change: see
  QUESTIONNAIRE_MOOD), the students' training on
  the CURiM app in two (in progress, public), and the shop owners' training against repeated
  targeted crime, each session with its participants counted by group (nobody is named);
- two advisory meetings with citizens with the proposals heard;
- a CCTV camera that is only planned (not public).

The planted effect. Around each playground, citizens' reports of incivility (vandalism,
graffiti, public drinking or drug use) are generated at fixed, seeded places and dates, and
published:
- within `NEAR_M` of the playground: `NEAR_BEFORE` reports in the `WINDOW_DAYS` before the
  works start, `NEAR_AFTER` in the `WINDOW_DAYS` from the day they end (a drop of
  1 - 3/8 = 62.5%);
- in the ring from `RING_FROM_M` to `RING_TO_M` around it: `RING_BEFORE` and `RING_AFTER`
  (as many: no displacement, no diffusion of benefit);
- within `CONTROL_M` of each of two comparison places paired with it, in other districts
  (districts 1-4 in turn), over the same two windows: the counts of `CONTROL_COUNTS`, which
  vary from place to place and not in total (no change). Each place is the centre of a cell
  of the evaluation's 250 m grid, so each is one comparison cell with at least 3 reports in
  either window: the public reads the figures (a cell's count of 1 or 2 would withhold them,
  `interventions.evaluation_reading.rests_on_small_counts`).
Every planted report keeps `EDGE_M` inside its zone's outer edge.
The dates are counted back from the day the demo is loaded (the works start `STARTS_DAYS_AGO`
days before), so the windows are always in the past and end more than 90 days before the
load: the generic demo reports (`curim.reports.demo`, the last 90 days) fall after them.

The evaluation, and what it finds. The demo requests the playgrounds' evaluation as the demo
analyst with `evaluation_parameters` (the planted windows, 6 periods each, the three report
categories, a treated zone of `NEAR_M` around each playground and a ring out to `RING_TO_M`,
`SITE_CELLS_K` comparison cells) and computes it at once (`evaluation_compute`, in the load's
transaction; the outbox's later run finds it computed and leaves it). The multi-site design
(docs/interventions/running.md): each playground's treated zone is a treated unit (8), the
comparison units the 16 cells of the 250 m grid outside every treated zone and ring with an
event before (the comparison places' cells; `SITE_CELLS_K` would take up to 20), 24 units, so
the cluster-robust interval applies. It finds a rate ratio of 0.375 (the planted 3/8; treated
64 → 24 reports, comparison cells 128 → 128) with a 95% interval of about 0.35 to 0.41 (the
sites' counts are alike, the cells' vary a little): it excludes 1, the effect is found. The
ring's 40 → 40 gives a Weighted Displacement Quotient of 0: neither displacement nor
diffusion. The design is at Maryland level 4 (several comparison units matched on counts
before).
`tests/interventions/test_demo.py` checks it. `demo_playgrounds()` gives the intervention and
`PLANTED` the counts above.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPoint, Point
from django.db import transaction
from django.utils import timezone

from curim.accounts.demo import demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.core.demo import DemoError
from curim.reports.models import Category, ReportStatus
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from interventions.evaluation_data import CELL_SIZE_M
from interventions.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    Session,
    SessionPlace,
    TargetGroup,
)
from interventions.services.evaluations import evaluation_compute, evaluation_request
from interventions.services.interventions import intervention_save
from interventions.services.session_records import proposals_add, session_save
from surveys.demo import indicators_demo_load
from surveys.models import (
    Answer,
    Gender,
    Indicator,
    Question,
    QuestionKind,
    RespondentGroup,
    Response,
    Section,
    Survey,
)
from surveys.services.refresh import estimates_refresh

MUNICIPALITY = "piraeus"
FIFTH = "piraeus-5"
ORGANISATION = "Municipality of Piraeus, Technical Services"
WINDOW_DAYS = 180
WORKS_DAYS = 75
NEAR_M, RING_FROM_M, RING_TO_M = 120, 150, 220
# The planted reports keep EDGE_M inside their zone's outer edge: `_public_place` measures on
# the Greek Grid, as the evaluation does, but the evaluation's circles are polygons (PostGIS's
# buffers, inside the circle by up to half a percent of the radius), and a report on the edge
# would fall on either side.
EDGE_M = 5
NEAR_BEFORE, NEAR_AFTER = 8, 3
RING_BEFORE, RING_AFTER = 5, 5
# The comparison places: two per playground, each at the centre of a cell of the evaluation's
# 250 m grid, its reports within CONTROL_M of the centre (inside the cell), so that each place
# is one comparison cell. Their counts (before, after) vary around the playgrounds' 8 before
# and do not change in total (128 → 128); none is below 3 in either window, so the public
# reads the evaluation's figures (`rests_on_small_counts`).
CONTROL_M = 100
CONTROL_COUNTS: tuple[tuple[int, int], ...] = (
    (6, 7), (9, 8), (8, 8), (7, 6), (10, 9), (8, 10), (5, 6), (11, 10),
    (7, 8), (9, 7), (6, 6), (8, 9), (10, 8), (7, 7), (9, 10), (8, 9),
)  # fmt: skip
CONTROL_PER_PLAYGROUND = 2
# The planted counts per window (before, after), by zone: each playground's, and the
# comparison places' together.
PLANTED: dict[str, tuple[int, int]] = {
    "near": (NEAR_BEFORE, NEAR_AFTER),
    "ring": (RING_BEFORE, RING_AFTER),
    "control": (sum(b for b, _ in CONTROL_COUNTS), sum(a for _, a in CONTROL_COUNTS)),
}
CATEGORIES = ("vandalism", "graffiti", "public-drinking-drugs")
SEED = 2026

# (English, Greek, longitude, latitude): 458 m apart along the 5th district, so that no
# playground's ring (up to RING_TO_M) reaches another's ring or its near zone.
PLAYGROUNDS = [
    ("Playground of Agia Sofia square", "Παιδική χαρά πλατείας Αγίας Σοφίας", 23.6180, 37.9660),
    ("Playground on Kalokairinou Street", "Παιδική χαρά οδού Καλοκαιρινού", 23.6232, 37.9660),
    ("Playground of the Tabouria park", "Παιδική χαρά πάρκου Ταμπουρίων", 23.6284, 37.9660),
    ("Playground on Thermopylon Street", "Παιδική χαρά οδού Θερμοπυλών", 23.6336, 37.9660),
    ("Playground of Agios Nikolaos square", "Παιδική χαρά πλ. Αγίου Νικολάου", 23.6388, 37.9660),
    ("Playground on Lampraki Avenue", "Παιδική χαρά λεωφόρου Λαμπράκη", 23.6440, 37.9660),
    ("Playground of the Kaminia grove", "Παιδική χαρά άλσους Καμινίων", 23.6492, 37.9660),
    ("Playground on Salaminos Street", "Παιδική χαρά οδού Σαλαμίνος", 23.6544, 37.9660),
]
PLAYGROUNDS_TITLE = "Renovation of eight playgrounds in the 5th district"
# The works ran from STARTS_DAYS_AGO days before the load, for WORKS_DAYS days, at every
# playground; the window after then ends more than 90 days before the load, before the
# generic demo reports start.
STARTS_DAYS_AGO = 360
SITE_CELLS_K = 20

STREETS = [
    (
        "New street lighting on Notara Street",
        "Νέος φωτισμός στην οδό Νοταρά",
        "piraeus-1",
        [(23.6380, 37.9420), (23.6420, 37.9432), (23.6460, 37.9445)],
    ),
    (
        "New street lighting on Ypsilantou Street",
        "Νέος φωτισμός στην οδό Υψηλάντου",
        "piraeus-3",
        [(23.6600, 37.9520), (23.6625, 37.9545), (23.6650, 37.9570)],
    ),
]


@dataclass(frozen=True)
class DemoSession:
    days_ago: int
    place_kind: str
    place_name: str
    facilitator: str
    participants: tuple[tuple[str, int | None, int], ...]  # group, school year, count
    proposals: tuple[str, ...] = ()
    questionnaires: bool = False  # a short questionnaire before and after (QUESTIONNAIRE)


def demo_playgrounds() -> Intervention | None:
    """The demo's playgrounds intervention (one, drawn as a MultiPoint), whose evaluation
    finds the planted effect."""
    return Intervention.objects.filter(title_en=PLAYGROUNDS_TITLE).first()


def evaluation_parameters(playgrounds: Intervention) -> dict[str, Any]:
    """The evaluation's parameters that match the planted windows and zones: WINDOW_DAYS
    before the works start and from the day they end, a treated zone of NEAR_M around each
    playground, a ring out to RING_TO_M, the report categories of the planted reports."""
    assert playgrounds.starts_on is not None and playgrounds.ends_on is not None  # noqa: PT018,S101
    starts, ends = playgrounds.starts_on, playgrounds.ends_on
    return {
        "before_start": starts - timedelta(days=WINDOW_DAYS),
        "before_end": starts - timedelta(days=1),
        "after_start": ends,
        "after_end": ends + timedelta(days=WINDOW_DAYS - 1),
        "periods": 6,
        "sources": "reports",
        "category_ids": list(
            Category.objects.filter(slug__in=CATEGORIES).values_list("pk", flat=True)
        ),
        "buffer_m": NEAR_M,
        "ring_m": RING_TO_M - NEAR_M,
        "suggest_k": SITE_CELLS_K,
    }


def interventions_demo_load() -> int:
    """Record the demo interventions once, and compute the playgrounds' evaluation; returns
    how many interventions were added (0 when they exist)."""
    if Intervention.objects.filter(title_en=PLAYGROUNDS_TITLE).exists():
        return 0
    secretary = User.objects.filter(email=demo_email(Role.COUNCIL_SECRETARY)).first()
    moderator = User.objects.filter(email=demo_email(Role.MODERATOR)).first()
    analyst = User.objects.filter(email=demo_email(Role.ANALYST)).first()
    areas = {a.code: a for a in Area.objects.filter(code__startswith=MUNICIPALITY)}
    if secretary is None or moderator is None or analyst is None or FIFTH not in areas:
        raise DemoError("Load the demo accounts and areas first (manage.py demo_load).")
    today = timezone.localdate()
    with transaction.atomic():
        loading = _Loading(secretary, moderator, areas, today)
        added = loading.playgrounds()
        added += loading.streets()
        added += loading.social()
        added += loading.cctv()
        loading.evaluation(analyst)
    return added


class _Loading:
    def __init__(
        self, secretary: User, moderator: User, areas: dict[str, Area], today: date
    ) -> None:
        self.secretary, self.moderator, self.areas, self.today = secretary, moderator, areas, today
        self.random = random.Random(SEED)  # noqa: S311 (invented places, not secrets)
        self.categories = list(Category.objects.filter(slug__in=CATEGORIES).order_by("slug"))
        self.municipality = areas[MUNICIPALITY].geometry
        self.submitted = 0
        self.cells_taken: set[tuple[int, int]] = set()

    def _save(self, intervention: Intervention, **links: list[int]) -> Intervention:
        return intervention_save(intervention=intervention, by=self.secretary, **links)

    # --- The playgrounds and the planted effect ---------------------------------------------
    def playgrounds(self) -> int:
        """The eight playgrounds, one intervention drawn as a MultiPoint; the works ran at the
        same dates at every playground."""
        fifth = self.areas[FIFTH]
        codes = [f"{MUNICIPALITY}-{n}" for n in (1, 2, 3, 4)]
        comparison = [self.areas[code] for code in codes if code in self.areas]
        starts = self.today - timedelta(days=STARTS_DAYS_AGO)
        ends = starts + timedelta(days=WORKS_DAYS)
        places = [Point(lon, lat, srid=4326) for _en, _el, lon, lat in PLAYGROUNDS]
        motivating: list[int] = []
        for n, place in enumerate(places):
            motivating += self._planted(place, starts, ends, comparison, n)
        names_en = "; ".join(title for title, *_rest in PLAYGROUNDS)
        names_el = "; ".join(title for _en, title, *_rest in PLAYGROUNDS)
        self.playground = self._save(
            Intervention(
                title_en=PLAYGROUNDS_TITLE,
                title_el="Ανακαίνιση οκτώ παιδικών χαρών στην 5η Δημοτική Κοινότητα",
                description_en=(
                    "Eight playgrounds were renovated: new equipment and soft surfaces, lighting, "
                    "a fence with gates that close at night, and benches facing the play area. "
                    f"The playgrounds: {names_en}."
                ),
                description_el=(
                    "Οκτώ παιδικές χαρές ανακαινίστηκαν: νέος εξοπλισμός και δάπεδα ασφαλείας, "
                    "φωτισμός, περίφραξη με πόρτες που κλείνουν τη νύχτα και παγκάκια. "
                    f"Οι παιδικές χαρές: {names_el}."
                ),
                kind=InterventionKind.PLAYGROUND,
                status=InterventionStatus.COMPLETED,
                starts_on=starts,
                ends_on=ends,
                budget=8 * 90_000,
                funder="Region of Attica",
                organisation=ORGANISATION,
                target_group=TargetGroup.PARENTS,
                target_description="Families with young children in the 5th district",
                area=fifth,
                geometry=MultiPoint(places, srid=4326),
                evidence_en=(
                    "Citizens reported vandalism, graffiti and drinking at the playgrounds, "
                    "and parents in the baseline survey said they avoid them after dark."
                ),
                evidence_el=(
                    "Οι πολίτες ανέφεραν βανδαλισμούς, γκράφιτι και κατανάλωση αλκοόλ στις "
                    "παιδικές χαρές· οι γονείς στην αρχική έρευνα είπαν ότι τις αποφεύγουν "
                    "μετά το σκοτάδι."
                ),
            ),
            category_ids=[c.pk for c in self.categories],
            report_ids=motivating,
        )
        return 1

    def evaluation(self, analyst: User) -> None:
        """Request the playgrounds' evaluation over the planted windows and compute it now."""
        playground = self.playground
        parameters = evaluation_parameters(playground)
        evaluation = evaluation_request(intervention=playground, by=analyst, parameters=parameters)
        evaluation_compute(evaluation_id=evaluation.pk)

    def _planted(
        self, place: Point, starts: date, ends: date, comparison: list[Area], n: int
    ) -> list[int]:
        before = (starts - timedelta(days=WINDOW_DAYS), starts)
        after = (ends, ends + timedelta(days=WINDOW_DAYS))
        near_before = self._reports(place, 0, NEAR_M - EDGE_M, before, NEAR_BEFORE)
        self._reports(place, 0, NEAR_M - EDGE_M, after, NEAR_AFTER)
        self._reports(place, RING_FROM_M, RING_TO_M - EDGE_M, before, RING_BEFORE)
        self._reports(place, RING_FROM_M, RING_TO_M - EDGE_M, after, RING_AFTER)
        for m in range(CONTROL_PER_PLAYGROUND if comparison else 0):
            place_n = n * CONTROL_PER_PLAYGROUND + m
            area = comparison[place_n % len(comparison)]
            control = self._cell_centre(area.geometry, n)
            control_before, control_after = CONTROL_COUNTS[place_n % len(CONTROL_COUNTS)]
            self._reports(control, 0, CONTROL_M, before, control_before)
            self._reports(control, 0, CONTROL_M, after, control_after)
        return near_before[:1]

    def _cell_centre(self, geometry: GEOSGeometry, n: int) -> Point:
        """A seeded comparison place well inside an area (the pair of playground n): the
        centre of a cell of the evaluation's grid (CELL_SIZE_M, aligned on the Greek Grid's
        origin) that no other place has taken."""
        inner = geometry.buffer(-0.002)
        box = inner.extent
        for _attempt in range(1000):
            point = Point(
                self.random.uniform(box[0], box[2]), self.random.uniform(box[1], box[3]), srid=4326
            )
            point.transform(2100)
            x, y = point.x, point.y
            col, row = math.floor(x / CELL_SIZE_M), math.floor(y / CELL_SIZE_M)
            centre = Point((col + 0.5) * CELL_SIZE_M, (row + 0.5) * CELL_SIZE_M, srid=2100)
            centre.transform(4326)
            if (col, row) not in self.cells_taken and inner.contains(centre):
                self.cells_taken.add((col, row))
                return centre
        raise DemoError(f"No comparison place found for playground {n + 1}.")

    def _reports(
        self,
        centre: Point,
        from_m: float,
        to_m: float,
        window: tuple[date, date],
        count: int,
    ) -> list[int]:
        """`count` published reports in the annulus around `centre`, evenly over the window."""
        made = []
        days = (window[1] - window[0]).days
        zone = ZoneInfo(settings.TIME_ZONE)
        for k in range(count):
            category, point = self._public_place(centre, from_m, to_m, self.submitted + k)
            day = window[0] + timedelta(days=int((k + 0.5) * days / count))
            occurred = datetime.combine(day, time(10 + (k * 5) % 12), tzinfo=zone)
            draft = ReportDraft(
                category=category,
                description=DESCRIPTIONS[category.slug],
                occurred_at=occurred,
                severity=2 + k % 3,
                feeling_unsafe=3 + k % 3,
                location=point,
            )
            report, _created = report_submit(draft=draft, reporter=None, client_address=None)
            report_transition(report=report, to_status=ReportStatus.PUBLISHED, actor=self.moderator)
            made.append(report.pk)
        self.submitted += count
        return made

    def _public_place(
        self, centre: Point, from_m: float, to_m: float, turn: int
    ) -> tuple[Category, Point]:
        """A category (the categories in turn, from `turn`) and a seeded place in the annulus
        around `centre` (Greek Grid metres, as the evaluation measures) at the centre of one
        of that category's privacy cells, inside the municipality: the report's public place
        is then its exact place, and the public's figures (counted at public places,
        `interventions.services.evaluations.public_result`) are the planted ones too. A category
        whose cells have no centre in the annulus gives way to the next."""
        here = centre.transform(2100, clone=True)
        assert isinstance(here, Point)  # noqa: S101  # a point stays a point
        for step in range(len(self.categories)):
            category = self.categories[(turn + step) % len(self.categories)]
            size = float(category.grid_size_m)
            reach = math.ceil(to_m / size) + 1
            col, row = math.floor(here.x / size), math.floor(here.y / size)
            places = []
            for i in range(col - reach, col + reach + 1):
                for j in range(row - reach, row + reach + 1):
                    x, y = (i + 0.5) * size, (j + 0.5) * size
                    if from_m <= math.hypot(x - here.x, y - here.y) <= to_m:
                        place = Point(x, y, srid=2100)
                        place.transform(4326)
                        if self.municipality.contains(place):
                            places.append(place)
            if places:
                return category, places[self.random.randrange(len(places))]
        raise DemoError("No public place found for a planted report inside the municipality.")

    # --- Lighting ---------------------------------------------------------------------------
    def streets(self) -> int:
        for n, (title_en, title_el, code, line) in enumerate(STREETS):
            starts = self.today - timedelta(days=260 - 20 * n)
            self._save(
                Intervention(
                    title_en=title_en,
                    title_el=title_el,
                    description_en="LED street lights every 25 m on both pavements.",
                    description_el="Φωτιστικά LED ανά 25 μ. και στα δύο πεζοδρόμια.",
                    kind=InterventionKind.LIGHTING,
                    status=InterventionStatus.COMPLETED,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=45),
                    budget=42_000 + 8_000 * n,
                    funder="Municipality of Piraeus",
                    organisation=ORGANISATION,
                    target_group=TargetGroup.EVERYONE,
                    area=self.areas.get(code) or self.areas[FIFTH],
                    geometry=LineString(line, srid=4326),
                    evidence_en="Reports of poor lighting and of thefts after dark in the street.",
                    evidence_el="Αναφορές για ανεπαρκή φωτισμό και κλοπές μετά το σκοτάδι.",
                ),
                category_ids=list(
                    Category.objects.filter(slug__in=["poor-lighting", "theft"]).values_list(
                        "pk", flat=True
                    )
                ),
            )
        return len(STREETS)

    # --- Sessions ---------------------------------------------------------------------------
    def social(self) -> int:
        indicators = {i.code: i for i in Indicator.objects.all()}
        fifth = self.areas[FIFTH]
        plans = [
            (
                Intervention(
                    title_en="Awareness sessions on bullying and cyber-threats",
                    title_el="Ενημερωτικές συναντήσεις για τον εκφοβισμό και τις ψηφιακές απειλές",
                    kind=InterventionKind.AWARENESS,
                    status=InterventionStatus.COMPLETED,
                    target_group=TargetGroup.STUDENTS,
                    target_description="Students of the gymnasiums of the 5th district",
                    indicator=indicators.get("fear"),
                ),
                [
                    DemoSession(
                        200,
                        SessionPlace.SCHOOL,
                        "3rd Gymnasium of Piraeus",
                        "School psychologist and the Cyber Crime Division",
                        (("students", 7, 48), ("students", 8, 51), ("teachers", None, 4)),
                        questionnaires=True,
                    ),
                    DemoSession(
                        193,
                        SessionPlace.SCHOOL,
                        "7th Gymnasium of Piraeus",
                        "School psychologist and the Cyber Crime Division",
                        (("students", 8, 44), ("students", 9, 39), ("teachers", None, 3)),
                    ),
                    DemoSession(
                        186,
                        SessionPlace.SCHOOL,
                        "12th Gymnasium of Piraeus",
                        "School psychologist and the Cyber Crime Division",
                        (("students", 9, 57), ("parents", None, 21)),
                    ),
                ],
            ),
            (
                Intervention(
                    title_en="Students trained on the CURiM app",
                    title_el="Εκπαίδευση μαθητών στην εφαρμογή CURiM",
                    kind=InterventionKind.TRAINING,
                    status=InterventionStatus.IN_PROGRESS,
                    public=True,
                    target_group=TargetGroup.STUDENTS,
                    target_description="Lyceum students",
                    indicator=indicators.get("participation"),
                ),
                [
                    DemoSession(
                        30,
                        SessionPlace.SCHOOL,
                        "2nd Lyceum of Piraeus",
                        "Municipal prevention team",
                        (("students", 10, 62), ("students", 11, 58)),
                    ),
                    DemoSession(
                        16,
                        SessionPlace.SCHOOL,
                        "5th Lyceum of Piraeus",
                        "Municipal prevention team",
                        (("students", 11, 47), ("teachers", None, 2)),
                    ),
                ],
            ),
            (
                Intervention(
                    title_en="Shop owners trained against repeated targeted crime",
                    title_el="Εκπαίδευση καταστηματαρχών κατά της επαναλαμβανόμενης στοχευμένης "
                    "εγκληματικότητας",
                    kind=InterventionKind.TRAINING,
                    status=InterventionStatus.COMPLETED,
                    target_group=TargetGroup.SHOP_OWNERS,
                    target_description="Shops of the market streets",
                ),
                [
                    DemoSession(
                        150,
                        SessionPlace.SHOP_OWNERS_ASSOCIATION,
                        "Piraeus Traders' Association",
                        "Hellenic Police crime prevention office",
                        (("shop_owners", None, 34), ("local_employees", None, 12)),
                    ),
                    DemoSession(
                        136,
                        SessionPlace.SHOP_OWNERS_ASSOCIATION,
                        "Piraeus Traders' Association",
                        "Hellenic Police crime prevention office",
                        (("shop_owners", None, 27),),
                    ),
                ],
            ),
            (
                Intervention(
                    title_en="Advisory meeting with the residents of the 5th district",
                    title_el="Διαβουλευτική συνάντηση με τους κατοίκους της 5ης κοινότητας",
                    kind=InterventionKind.ADVISORY,
                    status=InterventionStatus.COMPLETED,
                    target_group=TargetGroup.RESIDENTS,
                ),
                [
                    DemoSession(
                        120,
                        SessionPlace.COMMUNITY_CENTRE,
                        "Community centre of Agia Sofia",
                        "Secretary of the council",
                        (("residents", None, 46), ("shop_owners", None, 5)),
                        (
                            "Keep the renovated playgrounds lit until midnight.",
                            "A walking route to school with crossing guards.",
                            "Regular clean-up of graffiti on the school walls.",
                        ),
                    )
                ],
            ),
            (
                Intervention(
                    title_en="Advisory meeting on safety around the port",
                    title_el="Διαβουλευτική συνάντηση για την ασφάλεια γύρω από το λιμάνι",
                    kind=InterventionKind.ADVISORY,
                    status=InterventionStatus.COMPLETED,
                    target_group=TargetGroup.EVERYONE,
                ),
                [
                    DemoSession(
                        60,
                        SessionPlace.TOWN_HALL,
                        "Town hall of Piraeus",
                        "Secretary of the council",
                        (("residents", None, 71), ("local_employees", None, 18)),
                        (
                            "More patrols at the metro station at night.",
                            "Better lighting of the passage under the railway.",
                        ),
                    )
                ],
            ),
        ]
        for intervention, sessions in plans:
            held = [self.today - timedelta(days=s.days_ago) for s in sessions]
            intervention.description_en = intervention.title_en + "."
            intervention.description_el = intervention.title_el + "."
            intervention.organisation = "Municipality of Piraeus, Social Services"
            intervention.area = fifth
            intervention.starts_on = min(held)
            intervention.ends_on = (
                None if intervention.status == InterventionStatus.IN_PROGRESS else max(held)
            )
            intervention.budget = None
            recorded = self._save(intervention)
            for plan, day in zip(sessions, held, strict=True):
                _session_record(recorded, plan, day, fifth)
        return len(plans)

    def cctv(self) -> int:
        self._save(
            Intervention(
                title_en="CCTV at the entrance of the metro station",
                title_el="Κάμερες στην είσοδο του σταθμού του μετρό",
                kind=InterventionKind.CCTV,
                status=InterventionStatus.PLANNED,
                organisation=ORGANISATION,
                area=self.areas.get("piraeus-1") or self.areas[FIFTH],
                geometry=Point(23.6431, 37.9481, srid=4326),
                evidence_en="Proposed at the advisory meeting on safety around the port.",
            )
        )
        return 1


def _session_record(intervention: Intervention, plan: DemoSession, day: date, area: Area) -> None:
    before = after = None
    if plan.questionnaires:
        before, after = _questionnaire_waves(area, day)
    session = session_save(
        session=Session(
            intervention=intervention,
            held_on=day,
            place_kind=plan.place_kind,
            place_name=plan.place_name,
            area=area,
            facilitator=plan.facilitator,
            survey_before=before,
            survey_after=after,
        ),
        participants={(group, year): count for group, year, count in plan.participants},
    )
    proposals_add(session=session, texts=plan.proposals)


DESCRIPTIONS = {
    "vandalism": "The swings and the benches of the playground were broken again.",
    "graffiti": "New tags sprayed on the playground's wall and on the slide.",
    "public-drinking-drugs": "Groups drinking in the playground at night; broken bottles.",
}


# --- The questionnaires before and after a session -------------------------------------------
# The session at the 3rd Gymnasium asks its students, before and after, the survey's questions
# of two indicators (`surveys.demo`): trust in the police and the municipality on safety (the
# mean, 0-100) and interest in taking part in crime prevention (the share answering 4 or 5 of
# 5). The answers are drawn around QUESTIONNAIRE_MOOD before and after (Likert points): trust
# rises by 0.6 of a point (15 on the 0-100 scale) and interest by 0.8, planted changes that the
# survey's estimates find with intervals well clear of 0 (tests/interventions/test_demo.py).
# Estimated by the survey's own refresh, not published: the council and the survey staff read
# them on the intervention's page, the public once an analyst publishes both waves' results.
QUESTIONNAIRE_QUESTIONS = {
    "trust_police": (
        "How much do you trust the police on safety online and at school?",
        "Πόσο εμπιστεύεσαι την αστυνομία για την ασφάλεια στο διαδίκτυο και στο σχολείο;",
    ),
    "trust_municipality": (
        "How much do you trust the municipality on safety at school?",
        "Πόσο εμπιστεύεσαι τον δήμο για την ασφάλεια στο σχολείο;",
    ),
    "interest_taking_part": (
        "Would you like to take part in preventing bullying at your school?",
        "Θα ήθελες να συμμετέχεις στην πρόληψη του εκφοβισμού στο σχολείο σου;",
    ),
}
# Likert centre (1-5) per question, before and after; respondents before and after.
QUESTIONNAIRE_MOOD = {
    "trust_police": (2.9, 3.5),
    "trust_municipality": (2.7, 3.3),
    "interest_taking_part": (2.9, 3.7),
}
QUESTIONNAIRE_RESPONDENTS = (96, 91)
QUESTIONNAIRE_WAVES = [
    (
        "before",
        "3rd Gymnasium of Piraeus: questionnaire before the session",
        "3ο Γυμνάσιο Πειραιά: ερωτηματολόγιο πριν από τη συνάντηση",
    ),
    (
        "after",
        "3rd Gymnasium of Piraeus: questionnaire after the session",
        "3ο Γυμνάσιο Πειραιά: ερωτηματολόγιο μετά τη συνάντηση",
    ),
]


def _questionnaire_waves(area: Area, day: date) -> tuple[Survey, Survey]:
    """The session's two waves, with the students' answers, estimated by the survey's refresh
    (loaded again, the waves found are kept as they are). Dated the day of the session, so that
    the survey's pages, which open on the newest wave, still open on the demo's citywide ones."""
    indicators_demo_load()
    slug = "awareness-3rd-gymnasium"
    waves = []
    for (moment, en, el), respondents in zip(
        QUESTIONNAIRE_WAVES, QUESTIONNAIRE_RESPONDENTS, strict=True
    ):
        code = f"{slug}-{moment}"
        found = Survey.objects.filter(code=code).first()
        if found is not None:
            waves.append(found)
            continue
        wave = Survey.objects.create(
            code=code,
            title_en=en,
            title_el=el,
            status=Survey.Status.CLOSED,
            follows=waves[0] if waves else None,
        )
        zone = ZoneInfo(settings.TIME_ZONE)
        made = datetime.combine(day, time(8 if moment == "before" else 13), tzinfo=zone)
        Survey.objects.filter(pk=wave.pk).update(created_at=made)
        _questionnaire_answers(wave, moment, respondents, area)
        estimates_refresh(survey=wave)
        waves.append(wave)
    return waves[0], waves[1]


def _questionnaire_answers(wave: Survey, moment: str, respondents: int, area: Area) -> None:
    section = Section.objects.create(
        survey=wave, position=0, title_en="Safety at school", title_el="Ασφάλεια στο σχολείο"
    )
    questions = [
        Question.objects.create(
            survey=wave,
            section=section,
            position=position,
            code=code,
            kind=QuestionKind.LIKERT,
            text_en=en,
            text_el=el,
            low_label_en="Not at all",
            low_label_el="Καθόλου",
            high_label_en="Very much",
            high_label_el="Πάρα πολύ",
        )
        for position, (code, (en, el)) in enumerate(QUESTIONNAIRE_QUESTIONS.items())
    ]
    rng = random.Random(f"{SEED}-{wave.code}")  # noqa: S311 (invented answers, not secrets)
    after = moment == "after"
    now = timezone.now()
    # Students, counted as residents of the district (the survey's respondent groups).
    responses = Response.objects.bulk_create(
        Response(
            survey=wave,
            status=Response.Status.COMPLETE,
            source=Response.Source.PAPER,
            completed_at=now,
            group=RespondentGroup.RESIDENT,
            area=area,
            gender=rng.choice([Gender.WOMAN, Gender.MAN]),
        )
        for _ in range(respondents)
    )
    answers = []
    for response in responses:
        mood = rng.gauss(0, 0.5)
        for question in questions:
            centre = QUESTIONNAIRE_MOOD[question.code][after] + mood
            point = min(5, max(1, round(rng.gauss(centre, 0.8))))
            answers.append(Answer(response=response, question=question, number=point))
    Answer.objects.bulk_create(answers)
