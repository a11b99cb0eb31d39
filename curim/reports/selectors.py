"""Reads of reports. Public reads go through `reports_public`, which knows what may be shown."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import cos, radians
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db import connection, connections
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.areas.models import Area
from curim.areas.selectors import areas_without_boundaries
from curim.core.days import day_start
from curim.reports.models import (
    EVALUATIONS_PER_CELL_MIN,
    PUBLIC_STATUSES,
    Category,
    CategoryGroup,
    Comment,
    CouncilMonthCount,
    Open311Client,
    PlaceEvaluation,
    PublicCell,
    PublicCellDays,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportStatus,
    TimeOfDay,
)
from curim.reports.statistics import (
    ALL,
    ALL_DISTRICTS_NAME,
    UNLOCATED,
    NightPlace,
    Place,
    ReportFigures,
    month_add,
    months_from_to,
    months_to_fetch,
    place_named,
    report_figures_build,
)


def reports_moderated_by(user: User | AnonymousUser) -> QuerySet[Report]:
    """Every report, exact location and contact included, for moderators; nothing otherwise."""
    if not user_has_role(user, Role.MODERATOR):
        return Report.objects.none()
    return Report.objects.select_related("category", "area", "reporter", "duplicate_of")


def reports_of(user: User | AnonymousUser) -> QuerySet[Report]:
    """A registered citizen's own reports."""
    if not user.is_authenticated:
        return Report.objects.none()
    return (
        Report.objects.filter(reporter=user)
        .select_related("category")  # what My reports shows
        .annotate(is_public=Exists(reports_public().filter(pk=OuterRef("pk"))))
    )


MERGE_NEARBY_M = 500
MERGE_CANDIDATES = 20


def merge_targets_for(user: User | AnonymousUser, report: Report) -> QuerySet[Report]:
    """The reports a moderator may merge this one into: any they may see but itself, its own
    duplicates, and reports that are themselves duplicates."""
    return (
        reports_moderated_by(user)
        .exclude(pk=report.pk)
        .filter(duplicate_of__isnull=True)
        .exclude(status__in=[ReportStatus.SPAM, ReportStatus.REJECTED])
    )


def merge_candidates(
    user: User | AnonymousUser, report: Report, query: str = ""
) -> QuerySet[Report]:
    """Merge targets to choose from: those matching `query` (a reference, or its start, or
    words of the description), or without one, the reports near this one (the same category,
    newest first, when it has no location)."""
    targets = merge_targets_for(user, report)
    words = query.split()[:8]
    if words:
        # A reference as shown (its first 8 characters) or whole, with its hyphens.
        reference = query.strip().lower()
        by_reference = (
            Q(public_id__startswith=reference)
            if len(reference) >= 4 and all(c in "0123456789abcdef-" for c in reference)
            else Q(pk__in=[])
        )
        by_words = Q()
        for word in words:
            by_words &= Q(description__icontains=word[:100])
        targets = targets.filter(by_reference | by_words).order_by("-created_at")
    elif report.location is not None:
        targets = (
            targets.filter(
                location__dwithin=(
                    report.location,
                    MERGE_NEARBY_M / (111_320 * max(cos(radians(report.location.y)), 0.01)),
                )
            )
            .annotate(distance=Distance("location", report.location))
            .filter(distance__lte=D(m=MERGE_NEARBY_M))
            .order_by("distance", "-created_at")
        )
    else:
        targets = targets.filter(category=report.category_id).order_by("-created_at")
    return targets[:MERGE_CANDIDATES]


def reports_visible_to(user: User | AnonymousUser) -> QuerySet[Report]:
    """The reports whose page a visitor may open: the public ones, and their own in any status.

    A report not (or never) published stays hidden from everybody else, moderators included:
    they work on it in the moderation pages.
    """
    if not user.is_authenticated:
        return reports_public().annotate(is_public=Value(True))
    return Report.objects.annotate(
        is_public=Exists(reports_public().filter(pk=OuterRef("pk")))
    ).filter(Q(is_public=True) | Q(reporter=user))


def photos_visible_to(user: User | AnonymousUser) -> QuerySet[ReportPhoto]:
    """Photos of the reports a visitor may open (their own included); every one to moderators."""
    if user_has_role(user, Role.MODERATOR):
        return ReportPhoto.objects.all()
    return ReportPhoto.objects.filter(report__in=reports_visible_to(user).values("pk"))


def category_active(slug: str) -> Category | None:
    """An active category by its slug (public knowledge, private categories included), or None."""
    longest = Category._meta.get_field("slug").max_length
    return Category.objects.filter(is_active=True, slug=slug[:longest]).first()


def categories_for_moderators() -> QuerySet[Category]:
    """The categories a moderator may move a report into: every active one, private included."""
    return Category.objects.filter(is_active=True)


def categories_public() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, may_be_public=True)


def reports_public() -> QuerySet[Report]:
    """Reports anyone may see: moderated, in a category that may be public, not merged away."""
    # The category as a subquery (a semi-join), not a join: the planner hashes the few public
    # categories once instead of looking one up per report.
    return Report.objects.filter(
        status__in=PUBLIC_STATUSES,
        category__in=Category.objects.filter(may_be_public=True).values("pk"),
        duplicate_of__isnull=True,
    )


@dataclass(frozen=True)
class ReportFilter:
    bbox: Polygon | None = None
    categories: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    area: str | None = None


def reports_filter(reports: QuerySet[Report], criteria: ReportFilter) -> QuerySet[Report]:
    if criteria.bbox is not None:
        reports = reports.filter(public_location__bboverlaps=criteria.bbox).filter(
            public_location__intersects=criteria.bbox
        )
    # Days in the local time zone, as bounds on the timestamp itself so that its index serves.
    if criteria.since is not None and criteria.since > date.min:
        reports = reports.filter(occurred_at__gte=day_start(criteria.since))
    if criteria.until is not None and criteria.until < date.max:
        reports = reports.filter(occurred_at__lt=day_start(criteria.until + timedelta(days=1)))
    return _category_and_area_filter(reports, criteria)


def public_cells(criteria: ReportFilter) -> QuerySet[PublicCell]:
    """All-time counts of public reports per public cell, filtered like the reports.

    Only for criteria without a period or a box (the cells hold neither).
    """
    if criteria.since or criteria.until or criteria.bbox:
        raise ValueError("public cells know no period or box; filter the reports instead")
    # The triggers keep only public categories' cells; the filter is a second guard.
    cells = PublicCell.objects.filter(category__may_be_public=True)
    return _category_and_area_filter(cells, criteria)


def public_cell_days(criteria: ReportFilter) -> QuerySet[PublicCellDays]:
    """Counts of public reports per public cell within a period, filtered like the reports.

    For criteria with a period and no box (the cells hold no box): each cell's
    `count_in_period`, summed, counts what `reports_filter(reports_public(), criteria)` holds;
    cells that count nothing in the period are left out.
    """
    if criteria.bbox:
        raise ValueError("public cells know no box; filter the reports instead")
    # The triggers keep only public categories' cells; the filter is a second guard.
    cells = PublicCellDays.objects.filter(category__may_be_public=True)
    # The same bounds as reports_filter: the days are local dates, as its bounds are.
    since = criteria.since if criteria.since is not None and criteria.since > date.min else None
    until = criteria.until if criteria.until is not None and criteria.until < date.max else None
    before = _running_total_on(since - timedelta(days=1)) if since else Value(0)
    up_to = _running_total_on(until) if until else F("count")
    cells = cells.annotate(count_in_period=ExpressionWrapper(up_to - before, IntegerField()))
    return _category_and_area_filter(cells.filter(count_in_period__gt=0), criteria)


def _running_total_on(day: date) -> Func:
    # The running total of the last of the cell's days on or before `day` (0 before the first):
    # width_bucket is a binary search in the ordered days.
    table = PublicCellDays._meta.db_table
    return Func(
        # Composed of the table's name and a parameter only.
        RawSQL(f'"{table}".running[width_bucket(%s::date, "{table}".days)]', [day]),  # noqa: S611
        Value(0),
        function="coalesce",
        output_field=IntegerField(),
    )


_Located = TypeVar("_Located", Report, PublicCell, PublicCellDays)


def _category_and_area_filter(
    rows: QuerySet[_Located], criteria: ReportFilter
) -> QuerySet[_Located]:
    if criteria.categories:
        rows = rows.filter(category__slug__in=criteria.categories)
    if criteria.groups:
        rows = rows.filter(category__group__in=criteria.groups)
    if criteria.area:
        code = criteria.area
        rows = rows.filter(
            Q(area__code=code) | Q(area__parent__code=code) | Q(area__parent__parent__code=code)
        )
    return rows


@dataclass(frozen=True)
class CategoryCount:
    category: str  # its code
    count: int


@dataclass(frozen=True)
class GroupCount:
    group: str
    count: int
    categories: tuple[CategoryCount, ...]


@dataclass(frozen=True)
class ReportsSummary:
    """How many reports a selection holds, per category group and category, and when they
    happened (local dates): what a cell of the risk map holds."""

    count: int
    groups: tuple[GroupCount, ...]
    first_occurred_on: date | None
    last_occurred_on: date | None


def reports_summary(reports: QuerySet[Report]) -> ReportsSummary:
    """Counts of a selection of reports (already public and filtered), in two GROUP BYs."""
    rows = (
        reports.order_by()
        .values("category__group", "category__slug", "category__position")
        .annotate(count=Count("id"))
        .order_by("category__position", "category__slug")
    )
    per_group: dict[str, list[CategoryCount]] = {}
    for row in rows:
        per_group.setdefault(row["category__group"], []).append(
            CategoryCount(row["category__slug"], row["count"])
        )
    groups = tuple(
        GroupCount(group, sum(c.count for c in per_group[group]), tuple(per_group[group]))
        for group in CategoryGroup.values
        if group in per_group
    )
    span = reports.order_by().aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    return ReportsSummary(
        count=sum(group.count for group in groups),
        groups=groups,
        first_occurred_on=timezone.localdate(span["first"]) if span["first"] else None,
        last_occurred_on=timezone.localdate(span["last"]) if span["last"] else None,
    )


DUPLICATE_RADIUS_M = 50
DUPLICATE_DAYS = 30


def reports_near(*, point: Point, category: Category) -> QuerySet[Report]:
    """Public reports of a category whose public cell lies near a point, newest first."""
    # 50 m from the point, plus half a cell's diagonal because public points are cell centres.
    radius = DUPLICATE_RADIUS_M + category.grid_size_m * 2**0.5 / 2
    # A cheap, index-using box in degrees (a superset), then the exact distance in metres.
    degrees = radius / (111_320 * max(cos(radians(point.y)), 0.01))
    return (
        reports_public()
        .filter(
            category=category,
            created_at__gte=timezone.now() - timedelta(days=DUPLICATE_DAYS),
            public_location__dwithin=(point, degrees),
        )
        .annotate(distance=Distance("public_location", point))
        .filter(distance__lte=D(m=radius))
        .order_by("distance", "-created_at")
    )


def comments_public() -> QuerySet[Comment]:
    return Comment.objects.filter(status=Comment.Status.PUBLISHED, report__in=reports_public())


def comments_flagged_for(user: User | AnonymousUser) -> QuerySet[Comment]:
    """Comments waiting for a moderator: flagged and not reviewed since."""
    if not user_has_role(user, Role.MODERATOR):
        return Comment.objects.none()
    return (
        Comment.objects.filter(flag_count__gt=0, reviewed=False)
        .select_related("report__category", "author")
        .order_by("-flag_count", "created_at")
    )


def report_event_for_email(event_id: int) -> ReportEvent | None:
    """A status change to e-mail about, with its report and category; None if it is gone."""
    return ReportEvent.objects.select_related("report__category").filter(pk=event_id).first()


def status_email_recipients(report: Report, *, is_public: bool) -> list[tuple[str, str]]:
    """Who hears of a report's status change: (address, language), each address once.

    Followers with an active account and the contact address; once a report is not public,
    only its own reporter (among the followers) may still hear about it.
    """
    follows = report.follows.select_related("user").filter(user__is_active=True)
    if not is_public:
        follows = follows.filter(user=report.reporter_id) if report.reporter_id else follows.none()
    recipients = [(follow.user.email, follow.user.language) for follow in follows]
    if report.contact_email:
        recipients.append((report.contact_email, report.language))
    return list(dict(recipients).items())


# --- Open311 ----------------------------------------------------------------------------------
# Statuses an Open311 client sees as "closed" (every other public status is "open").
OPEN311_CLOSED = frozenset(
    {ReportStatus.RESOLVED, ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.SPAM}
)
OPEN311_MAX_REQUESTS = 1000


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_client_for(key: str) -> Open311Client | None:
    """The active client whose API key this is, or None."""
    if not key:
        return None
    return Open311Client.objects.filter(key_hash=api_key_hash(key), is_active=True).first()


@dataclass(frozen=True)
class Open311Query:
    """The filters of GeoReport v2's GET requests, already parsed."""

    ids: tuple[uuid.UUID, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    status: str | None = None  # "open", "closed", or None for both


def open311_requests(query: Open311Query | None = None) -> QuerySet[Report]:
    """Public reports as Open311 requests, newest first, filtered as the specification says:
    by ids alone when given; otherwise by service, period (the last 90 days by default) and
    status, at most OPEN311_MAX_REQUESTS."""
    requests = (
        reports_public()
        .select_related("category")
        .prefetch_related("photos")
        .order_by("-created_at")
    )
    if query is None:
        return requests
    if query.ids:
        return requests.filter(public_id__in=query.ids)
    if query.service_codes:
        requests = requests.filter(category__slug__in=query.service_codes)
    if query.start is not None:
        requests = requests.filter(created_at__gte=query.start)
    if query.end is not None:
        requests = requests.filter(created_at__lte=query.end)
    if query.start is None and query.end is None:
        # The specification's default window: the last 90 days.
        requests = requests.filter(created_at__gte=timezone.now() - timedelta(days=90))
    if query.status == "open":
        requests = requests.exclude(status__in=OPEN311_CLOSED)
    elif query.status == "closed":
        requests = requests.filter(status__in=OPEN311_CLOSED)
    return requests[:OPEN311_MAX_REQUESTS]


# --- The council's figures (docs/council-evidence.md) ---------------------------------------
# Who reads them: the council's two roles, and the analysts and admins who answer for the data.
COUNCIL_FIGURE_READERS = (Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN)
COUNCIL_FIGURES_MAX_MONTHS = 120


def reports_counted_for_council() -> QuerySet[Report]:
    """The reports the council's figures count: every report a moderator accepted (published,
    forwarded, resolved or closed), in any category, those never shown to the public included;
    not those waiting for moderation, rejected or spam, nor duplicates merged into another."""
    return Report.objects.filter(status__in=PUBLIC_STATUSES, duplicate_of__isnull=True)


def _council_counts_sql(counted: str) -> str:
    """The council's counts by category group and district (a neighbourhood's by its parent)
    from `counted`, the monthly counts by category and area (CouncilMonthCount, kept by the
    triggers of migration reports/0021). Parameters: the district level, the neighbourhood
    level, UNLOCATED, then `counted`'s own.
    """
    quote = connection.ops.quote_name
    area, category = Area._meta, Category._meta

    def column(meta: Any, name: str) -> str:
        return str(quote(meta.get_field(name).column))

    level, code, parent = column(area, "level"), column(area, "code"), column(area, "parent")
    return (
        f"SELECT category.{column(category, 'group')}, "  # noqa: S608 - the models' own names
        f"CASE WHEN area.{level} = %s THEN area.{code} "
        f"WHEN area.{level} = %s THEN parent.{code} ELSE %s END, counted.month, "
        "SUM(counted.n)::bigint "
        f"FROM ({counted}) AS counted "
        f"JOIN {quote(category.db_table)} AS category "
        f"ON category.{column(category, 'id')} = counted.category_id "
        f"LEFT JOIN {quote(area.db_table)} AS area ON area.{column(area, 'id')} = counted.area_id "
        f"LEFT JOIN {quote(area.db_table)} AS parent "
        f"ON parent.{column(area, 'id')} = area.{parent} "
        "GROUP BY 1, 2, 3"
    )


def council_report_figures(
    user: User | AnonymousUser, *, first_month: date, last_month: date, today: date | None = None
) -> ReportFigures:
    """Reports per category group, district and calendar month (in settings.TIME_ZONE) of the
    period, with rates, rolling 12-month sums and the change of its last 12 months; empty
    (no places, no series) for anybody but COUNCIL_FIGURE_READERS.

    Two queries whatever the number of reports and districts: the counts in one statement
    (months of when the reports happened, as CouncilMonthCount keeps them; district by the
    report's stored area, a neighbourhood's by its parent; see _council_counts_sql), and the
    areas with their populations.
    """
    months = months_from_to(first_month, last_month)
    if (
        first_month.day != 1
        or last_month.day != 1
        or not 1 <= len(months) <= COUNCIL_FIGURES_MAX_MONTHS
    ):
        raise ValueError(
            f"a period is 1 to {COUNCIL_FIGURES_MAX_MONTHS} whole months, from a first day of a "
            "month to a first day of a month"
        )
    zone_name = settings.TIME_ZONE
    empty = ReportFigures(
        first_month=first_month,
        last_month=last_month,
        previous_months=(month_add(last_month, -23), month_add(last_month, -12)),
        recent_months=(month_add(last_month, -11), last_month),
        time_zone=zone_name,
        groups=(),
        places=(),
        series=(),
    )
    if not user_has_role(user, *COUNCIL_FIGURE_READERS):
        return empty
    zone = ZoneInfo(zone_name)
    fetch_first, _ = months_to_fetch(first_month, last_month)
    # The reports of reports_counted_for_council, counted by month as they change.
    counted = CouncilMonthCount.objects.filter(
        month__gte=fetch_first, month__lte=last_month
    ).values("category_id", "area_id", "month", n=F("count"))
    # On the database the queryset is routed to (the replica for the dashboard's requests).
    database = connections[counted.db]
    counted_sql, counted_params = counted.query.get_compiler(connection=database).as_sql()
    with database.cursor() as cursor:
        cursor.execute(
            _council_counts_sql(counted_sql),
            [Area.Level.DISTRICT, Area.Level.NEIGHBOURHOOD, UNLOCATED, *counted_params],
        )
        counts = {(group, district, month): n for group, district, month, n in cursor}
    districts: list[Place] = []
    municipalities: list[Place] = []
    for area in areas_without_boundaries(Area.Level.DISTRICT, Area.Level.MUNICIPALITY):
        place = _place_of(area)
        (districts if area.level == Area.Level.DISTRICT else municipalities).append(place)
    return report_figures_build(
        counts=counts,
        groups=CategoryGroup.values,
        districts=districts,
        municipality=_whole_municipality(municipalities),
        first_month=first_month,
        last_month=last_month,
        today=today or timezone.localdate(timezone=zone),
        time_zone=zone_name,
    )


def _place_of(area: Area) -> Place:
    return Place(area.code, area.name_en, area.name_el, area.population, area.population_year)


def _whole_municipality(municipalities: list[Place]) -> Place:
    """The ALL place: the municipality, with its population (summed, should there be several,
    and unknown unless every one is known)."""
    if len(municipalities) == 1:
        only = municipalities[0]
        return Place(ALL, only.name_en, only.name_el, only.population, only.population_year)
    populations = [m.population for m in municipalities]
    known = bool(populations) and None not in populations
    return place_named(ALL, ALL_DISTRICTS_NAME, sum(p or 0 for p in populations) if known else None)


@dataclass(frozen=True)
class YearlyCounts:
    """Public reports per category group, district and calendar year (in settings.TIME_ZONE):
    what `public_report_counts_by_year` counted."""

    first_year: int
    last_year: int
    # (group, district code or UNLOCATED, year) → reports
    counts: dict[tuple[str, str, int], int]

    def count(self, *, group: str, district: str | None, year: int) -> int:
        """The reports of a group in a year, in a district, or everywhere (None: every
        district and the reports without one, as the dashboard's whole municipality)."""
        if not self.first_year <= year <= self.last_year:
            raise ValueError(f"{year} was not counted ({self.first_year}–{self.last_year})")
        return sum(
            n
            for (g, d, y), n in self.counts.items()
            if g == group and y == year and (district is None or d == district)
        )


def public_report_counts_by_year(*, first_year: int, last_year: int) -> YearlyCounts:
    """Public reports (`reports_public`: moderated, in a category that may be public, not
    merged into another) per category group, district and calendar year of when they happened,
    from the first year to the last, both included: one GROUP BY. A district is the report's
    stored area, or a neighbourhood's parent; reports without one are UNLOCATED. Public figures:
    categories that may never be public are not counted, so anybody may read them."""
    if first_year > last_year:
        raise ValueError("the first year comes after the last")
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = (
        reports_public()
        .filter(
            occurred_at__gte=datetime(first_year, 1, 1, tzinfo=zone),
            occurred_at__lt=datetime(last_year + 1, 1, 1, tzinfo=zone),
        )
        .annotate(
            year=ExtractYear("occurred_at", tzinfo=zone),
            district=Case(
                When(area__level=Area.Level.DISTRICT, then=F("area__code")),
                When(area__level=Area.Level.NEIGHBOURHOOD, then=F("area__parent__code")),
                default=Value(UNLOCATED),
                output_field=CharField(),
            ),
        )
        .values("category__group", "district", "year")
        .annotate(count=Count("id"))
        .order_by()
    )
    return YearlyCounts(
        first_year=first_year,
        last_year=last_year,
        counts={(r["category__group"], r["district"], r["year"]): r["count"] for r in rows},
    )


NIGHT_PLACES_DEFAULT = 10


def places_least_safe_at_night(
    user: User | AnonymousUser,
    *,
    since: date | None = None,
    until: date | None = None,
    district: str | None = None,
    limit: int = NIGHT_PLACES_DEFAULT,
) -> list[NightPlace]:
    """The public 50 m cells whose night evaluations (made between `since` and `until`, local
    days, both included) feel least safe: lowest mean "how safe it feels" first, then more
    ratings first; only cells with at least EVALUATIONS_PER_CELL_MIN ratings, as on the map.
    Nothing for anybody but COUNCIL_FIGURE_READERS. Two queries: the cells, their districts.

    A cell on a district border holds ratings of either district; it is listed under the
    first by code.
    """
    if not user_has_role(user, *COUNCIL_FIGURE_READERS) or limit < 1:
        return []
    zone = ZoneInfo(settings.TIME_ZONE)
    evaluations = PlaceEvaluation.objects.filter(time_of_day=TimeOfDay.NIGHT)
    if since is not None:
        evaluations = evaluations.filter(
            created_at__gte=datetime.combine(since, time.min, tzinfo=zone)
        )
    if until is not None:
        evaluations = evaluations.filter(
            created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        )
    if district:
        evaluations = evaluations.filter(area__code=district)
    cells = list(
        evaluations.values("public_location")
        .annotate(
            ratings=Count("id"),
            feeling_mean=Avg("feeling"),
            lighting_mean=Avg("lighting"),
            visibility_mean=Avg("visibility"),
            people_mean=Avg("people"),
            security_mean=Avg("security"),
            walk_path_mean=Avg("walk_path"),
            district=Min("area__code"),
        )
        .filter(ratings__gte=EVALUATIONS_PER_CELL_MIN)
        .order_by("feeling_mean", "-ratings", "public_location")[:limit]
    )
    codes = {cell["district"] for cell in cells if cell["district"]}
    places = {
        area.code: _place_of(area)
        for area in areas_without_boundaries(Area.Level.DISTRICT).filter(code__in=codes)
    }
    return [
        NightPlace(
            longitude=cell["public_location"].x,
            latitude=cell["public_location"].y,
            district=places.get(cell["district"]),
            ratings=cell["ratings"],
            feeling=cell["feeling_mean"],
            lighting=cell["lighting_mean"],
            visibility=cell["visibility_mean"],
            people=cell["people_mean"],
            security=cell["security_mean"],
            walk_path=cell["walk_path_mean"],
        )
        for cell in cells
    ]


def night_feeling_by_area(*, start: datetime, end: datetime) -> list[tuple[int, int, int]]:
    """Night-time place evaluations submitted in [start, end), per area: `(area id, number of
    evaluations, sum of "how safe it feels" 1–5)`, in one GROUP BY; for the analytics' risk
    index, which rolls areas up to districts. Every evaluation is anonymous and shown on the
    public map (by 50 m cell), so there is no private one to leave out of public outputs."""
    rows = (
        PlaceEvaluation.objects.filter(
            time_of_day=TimeOfDay.NIGHT,
            created_at__gte=start,
            created_at__lt=end,
            area__isnull=False,
        )
        .values("area_id")
        .annotate(evaluations=Count("id"), feeling_sum=Sum("feeling"))
        .order_by("area_id")
    )
    return [(row["area_id"], row["evaluations"], row["feeling_sum"]) for row in rows]


# --- What came of a report: the follow-ups other apps record ------------------------------------
# The reports know nothing of the apps that act on them (the interventions read the reports, not
# the reverse); each registers, in its AppConfig.ready(), a reader of what a report led to, so
# that the report's page can lead its reporter and the public there.


@dataclass(frozen=True)
class ReportFollowUp:
    label: str  # e.g. "Intervention INT-2026-004"
    title: str
    status: str
    url: str


FollowUpReader = Callable[[Report, "User | AnonymousUser"], list[ReportFollowUp]]
_FOLLOW_UP_READERS: list[FollowUpReader] = []


def follow_up_reader_register(reader: FollowUpReader) -> None:
    if reader not in _FOLLOW_UP_READERS:
        _FOLLOW_UP_READERS.append(reader)


def report_follow_ups(report: Report, user: User | AnonymousUser) -> list[ReportFollowUp]:
    """What this report led to, as this user may read it."""
    return [found for reader in _FOLLOW_UP_READERS for found in reader(report, user)]
