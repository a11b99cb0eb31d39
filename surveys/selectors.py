"""Reads of the survey. Public reads see open waves only; a wrong code is a 404."""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from surveys.changes import Change, Pair, changes_between, series_baseline, wave_pairs
from surveys.models import (
    IndicatorEstimate,
    Invitation,
    PopulationMargin,
    Response,
    Survey,
    SurveyRefresh,
)
from surveys.tokens import token_hash
from surveys.weights import calibration_factors, design

# Who works with the survey's data: enters paper questionnaires, imports, exports, analyses.
SURVEY_STAFF = (Role.ANALYST, Role.ADMIN)
# Who reads the estimates (suppressed below k): the survey staff and the council.
ESTIMATE_READERS = (*SURVEY_STAFF, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY)
# The API's and the CSV's word for a total over districts or groups.
ALL = "all"


def wave_known_to_public(status: str) -> bool:
    """Whether the public may know that a wave of this status exists (its code and title, where
    another app cites it): every wave but a draft, which is the staff's until it opens."""
    return status != Survey.Status.DRAFT


def surveys_open() -> QuerySet[Survey]:
    return Survey.objects.filter(status=Survey.Status.OPEN).order_by("-created_at")


def survey_open(code: str) -> Survey:
    survey = surveys_open().filter(code=code).first()
    if survey is None:
        raise Http404("No open survey with this code")
    return survey


def surveys_for_staff(user: User | AnonymousUser) -> QuerySet[Survey]:
    """Every wave, for analysts and admins; nothing for anybody else."""
    if not user_has_role(user, *SURVEY_STAFF):
        return Survey.objects.none()
    return Survey.objects.order_by("-created_at")


def survey_for_staff(user: User | AnonymousUser, code: str) -> Survey:
    survey = surveys_for_staff(user).filter(code=code).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def surveys_with_responses() -> list[int]:
    return list(
        Survey.objects.filter(responses__isnull=False).distinct().values_list("pk", flat=True)
    )


def waves_readable_by(user: User | AnonymousUser) -> QuerySet[Survey]:
    """The waves whose estimates `user` reads: every wave for the council and the survey staff,
    the waves whose results are published for everybody else."""
    if user_has_role(user, *ESTIMATE_READERS):
        return Survey.objects.all()
    return Survey.objects.filter(results_published_at__isnull=False)


def estimates_visible_to(user: User | AnonymousUser) -> QuerySet[IndicatorEstimate]:
    """The indicator snapshot: every wave's for the council and the survey staff, the
    published waves' for everybody else (suppressed cells carry no values either way)."""
    return (
        IndicatorEstimate.objects.filter(survey__in=waves_readable_by(user))
        .select_related("survey", "indicator", "area")
        .order_by(
            "survey__created_at", "indicator__position", "indicator__code", "area__code", "group"
        )
    )


def wave_published_now(survey_id: int) -> bool:
    """Whether the wave's results are published, as the database says now (not as an
    instance loaded earlier says)."""
    return Survey.objects.filter(pk=survey_id, results_published_at__isnull=False).exists()


def results_published() -> QuerySet[Survey]:
    """The waves whose results the public reads (with estimates to read), newest first."""
    return Survey.objects.filter(
        results_published_at__isnull=False, pk__in=IndicatorEstimate.objects.values("survey")
    ).order_by("-created_at")


def results_estimates(wave: Survey) -> QuerySet[IndicatorEstimate]:
    """A wave's estimates for its results page and CSV (the caller has opened the wave with
    `results_wave_for`)."""
    return (
        IndicatorEstimate.objects.filter(survey=wave)
        .select_related("survey", "indicator", "area")
        .order_by("indicator__position", "indicator__code", "area__code", "group")
    )


def results_wave_for(user: User | AnonymousUser, code: str) -> Survey:
    """A wave's results page: published, or (a preview) any wave with estimates for those who
    read every wave's; 404 otherwise."""
    survey = (
        waves_readable_by(user)
        .filter(code=code, pk__in=IndicatorEstimate.objects.values("survey"))
        .first()
    )
    if survey is None:
        raise Http404("No published results for this wave")
    return survey


@dataclass(frozen=True)
class ChangeFilter:
    """Which changes to read: a pair of waves by code (see `changes.wave_pairs`), and the
    indicator, district and group as `/api/v1/indicators/` takes them ("all" for the totals)."""

    survey_from: str = ""
    survey_to: str = ""
    indicator: str = ""
    area: str = ""
    group: str = ""


def changes_visible_to(user: User | AnonymousUser, which: ChangeFilter) -> list[Change]:
    """The wave-on-wave changes of the cells shown in both waves, between waves whose
    estimates `user` reads (both published, for the public: a change and one wave's estimate
    give the other's); three queries whatever the number of rows."""
    waves = _waves_in_order()
    reads_all = user_has_role(user, *ESTIMATE_READERS)
    readable = {pk for pk, _c, _f, published_at in waves if reads_all or published_at is not None}
    chain = [(pk, code, follows) for pk, code, follows, _published in waves]
    pairs = [
        (a, b)
        for a, b in wave_pairs(chain, which.survey_from, which.survey_to)
        if a in readable and b in readable
    ]
    return _changes_of(pairs, which, estimates_visible_to(user))


def results_changes(wave: Survey) -> tuple[Survey | None, list[Change]]:
    """The baseline a wave's results page compares it with, and the changes, as the public
    reads them once the wave is published: a baseline whose results are not published gives
    none (the council's preview shows what the public will see, no more)."""
    waves = _waves_in_order()
    follows = {pk: previous for pk, _c, previous, _p in waves}
    baseline_id = series_baseline(wave.pk, follows)
    published = {pk for pk, _c, _f, published_at in waves if published_at is not None}
    if baseline_id == wave.pk or baseline_id not in published:
        return None, []
    baseline = Survey.objects.get(pk=baseline_id)
    rows = IndicatorEstimate.objects.filter(survey_id__in=(baseline_id, wave.pk))
    return baseline, _changes_of([(baseline_id, wave.pk)], ChangeFilter(), rows)


def wave_positions() -> dict[str, int]:
    """Every wave's place in the order of the waves (by creation, as the survey orders them:
    0 the oldest), published or not: which wave is later than which. One query."""
    return {code: n for n, (_pk, code, _follows, _published) in enumerate(_waves_in_order())}


def _waves_in_order() -> list[tuple[int, str, int | None, datetime | None]]:
    return list(
        Survey.objects.order_by("created_at", "pk").values_list(
            "pk", "code", "follows_id", "results_published_at"
        )
    )


def waves_comparable(pairs: Iterable[Pair]) -> dict[Pair, bool]:
    """Whether the two waves of each pair are weighted to population margins over the same
    dimensions (`Change.comparable`); one query whatever the number of pairs."""
    pairs = list(pairs)
    ids = {pk for pair in pairs for pk in pair}
    margins: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for margin in PopulationMargin.objects.filter(survey_id__in=ids).values(
        "survey_id", "area_id", "gender", "age_band"
    ):
        margins[margin["survey_id"]].append(dict(margin))
    factors = {pk: calibration_factors(rows) for pk, rows in margins.items()}
    return {
        (a, b): bool(margins[a]) and bool(margins[b]) and factors[a] == factors[b] for a, b in pairs
    }


def _changes_of(
    pairs: list[Pair], which: ChangeFilter, estimates: QuerySet[IndicatorEstimate]
) -> list[Change]:
    """The changes of these pairs of waves, from `estimates` (which the caller has limited to
    what its reader may read), filtered as `which` says."""
    if not pairs:
        return []
    ids = {pk for pair in pairs for pk in pair}
    comparable = waves_comparable(pairs)
    rows = estimates.filter(survey_id__in=ids, suppressed=False).select_related(
        "survey", "indicator", "area"
    )
    if which.indicator:
        rows = rows.filter(indicator__code=which.indicator)
    if which.area == ALL:
        rows = rows.filter(area__isnull=True)
    elif which.area:
        rows = rows.filter(area__code=which.area)
    if which.group == ALL:
        rows = rows.filter(group="")
    elif which.group:
        rows = rows.filter(group=which.group)
    return changes_between(pairs, rows, comparable)


# --- Invitations and resumed responses --------------------------------------------------------


def invitation_for(*, survey: Survey, token: str) -> Invitation | None:
    """The unused invitation of this wave that `token` opens, or None."""
    return Invitation.objects.filter(
        survey=survey, token_hash=token_hash(token), used_at__isnull=True
    ).first()


def response_begun_with(*, invitation: Invitation) -> Response | None:
    """The response an invitation opened and that is not sent yet, or None."""
    return Response.objects.filter(
        invitation=invitation, status=Response.Status.IN_PROGRESS
    ).first()


def response_resumed(*, survey: Survey, key: str) -> Response | None:
    """The incomplete web response a resume key continues, or None."""
    return Response.objects.filter(
        survey=survey, resume_key_hash=token_hash(key), status=Response.Status.IN_PROGRESS
    ).first()


def margins_of(survey: Survey) -> QuerySet[PopulationMargin]:
    return survey.margins.select_related("area").order_by("area__code", "gender", "age_band")


def margins_unmet(survey: Survey) -> bool:
    """Whether the wave's complete responses cannot be weighted to meet every margin together
    (raking stopped without meeting them: `surveys.weights`)."""
    return not design(survey).settled


# --- The refresh of the estimates --------------------------------------------------------------


def surveys_stale() -> list[int]:
    """Waves whose data changed after their last refresh covered it (published waves are
    frozen: they wait until their results are withdrawn)."""
    return list(
        SurveyRefresh.objects.filter(
            changed_at__isnull=False, survey__results_published_at__isnull=True
        )
        .filter(Q(refreshed_through__isnull=True) | Q(changed_at__gt=F("refreshed_through")))
        .order_by("survey_id")
        .values_list("survey_id", flat=True)
    )


def refreshes_running() -> set[int]:
    """The waves a refresh is working on now: those whose advisory lock a session holds.

    The lock lives as long as the refresh's database connection, so a worker killed whole
    releases it, whatever the wave's stored state still says.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objsubid = 2 AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [SurveyRefresh.LOCK_KEY],
        )
        return {survey_id for (survey_id,) in cursor.fetchall()}


def refreshes_unattended() -> list[int]:
    """Waves marked queued or running that no refresh is working on.

    Running without the lock means the refresh died with its worker; queued without it means
    the task has not started (it may be waiting in the broker, or lost). Either way the
    recovery sweep can do the work now; a refresh that starts later finds it done.
    """
    waiting = SurveyRefresh.objects.filter(
        state__in=[SurveyRefresh.State.QUEUED, SurveyRefresh.State.RUNNING]
    ).values_list("survey_id", flat=True)
    candidates = list(waiting.order_by("survey_id"))
    if not candidates:
        return []
    running = refreshes_running()
    return [survey_id for survey_id in candidates if survey_id not in running]


@dataclass(frozen=True)
class RefreshStatus:
    """Where a wave's refresh stands, as the pages say it: running only while one really runs."""

    state: str  # a SurveyRefresh.State, or INTERRUPTED
    label: str
    progress: int
    refreshed_at: datetime | None
    error: str


INTERRUPTED = "interrupted"


def refresh_statuses(survey_ids: Iterable[int]) -> dict[int, RefreshStatus]:
    """The refresh status of each of these waves that has one."""
    ids = list(survey_ids)
    stored = {r.survey_id: r for r in SurveyRefresh.objects.filter(survey_id__in=ids)}
    if not any(r.state == SurveyRefresh.State.RUNNING for r in stored.values()):
        return {survey_id: _status(r, running=False) for survey_id, r in stored.items()}
    running = refreshes_running()
    # A refresh records its end before it lets go of the lock, so a wave still marked running
    # once the lock is free, read again now, was interrupted (not merely finishing).
    maybe_dead = [
        i for i, r in stored.items() if r.state == SurveyRefresh.State.RUNNING and i not in running
    ]
    stored |= {r.survey_id: r for r in SurveyRefresh.objects.filter(survey_id__in=maybe_dead)}
    return {survey_id: _status(r, running=survey_id in running) for survey_id, r in stored.items()}


def refresh_status(survey: Survey) -> RefreshStatus | None:
    return refresh_statuses([survey.pk]).get(survey.pk)


def _status(refresh: SurveyRefresh, *, running: bool) -> RefreshStatus:
    state, label = refresh.state, refresh.get_state_display()
    if state == SurveyRefresh.State.RUNNING and not running:
        state, label = INTERRUPTED, _("Interrupted; it will be redone within minutes")
    return RefreshStatus(state, str(label), refresh.progress, refresh.refreshed_at, refresh.error)


# --- Raw responses as a table (for exports) ----------------------------------------------------

PROFILE_COLUMNS = ["response", "source", "completed_on", "group", "district", "age_band", "gender"]

# One row per complete response, its answers pivoted by PostgreSQL into a JSON object.
ROWS_SQL = """
SELECT r.public_id, r.source, to_char(r.completed_at AT TIME ZONE %(zone)s, 'YYYY-MM-DD'),
       r."group", coalesce(d.code, ''), r.age_band, r.gender,
       coalesce((
         SELECT jsonb_object_agg(code, value) FROM (
           SELECT q.code, string_agg(
                    coalesce(c.code, ad.code, a.number::text, a.text),
                    ';' ORDER BY c.position) AS value
           FROM surveys_answer a
           JOIN surveys_question q ON q.id = a.question_id
           LEFT JOIN surveys_choice c ON c.id = a.choice_id
           LEFT JOIN areas_area ad ON ad.id = a.area_id
           WHERE a.response_id = r.id
           GROUP BY q.code
         ) answered
       ), '{}'::jsonb)
FROM surveys_response r
LEFT JOIN areas_area d ON d.id = r.area_id
WHERE r.survey_id = %(survey)s AND r.status = 'complete'
ORDER BY r.id
"""


def responses_table_columns(survey: Survey) -> list[str]:
    """The profile columns, then one column per question code (the layout the import reads)."""
    codes = survey.questions.order_by("section__position", "position", "pk").values_list(
        "code", flat=True
    )
    return [*PROFILE_COLUMNS, *codes]


def responses_table_rows(survey: Survey) -> Iterator[list[Any]]:
    """One row per complete response, multiple choices joined by `;`; read in batches."""
    codes = responses_table_columns(survey)[len(PROFILE_COLUMNS) :]
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, {"survey": survey.pk, "zone": settings.TIME_ZONE})
        while rows := cursor.fetchmany(2000):
            for *profile, answers in rows:
                # Django's connection hands jsonb over as text.
                values = json.loads(answers) if isinstance(answers, str) else answers
                yield [str(profile[0]), *profile[1:], *(values.get(code, "") for code in codes)]


def wave_calibration(survey: Survey) -> list[tuple[int, ...]]:
    """What the wave's weights are calibrated to (`calibration_factors`): nothing when they
    are not weighted."""
    margins = survey.margins.values("area_id", "gender", "age_band")
    return calibration_factors([dict(m) for m in margins])


@dataclass(frozen=True)
class EstimateCounts:
    shown: int
    suppressed: int


def estimate_counts(survey: Survey) -> EstimateCounts:
    """How many of a wave's cells are shown and how many suppressed."""
    counts = IndicatorEstimate.objects.filter(survey=survey).aggregate(
        shown=Count("pk", filter=Q(suppressed=False)),
        suppressed=Count("pk", filter=Q(suppressed=True)),
    )
    return EstimateCounts(counts["shown"], counts["suppressed"])


def latest_indicator_by_district(
    code: str, *, published_only: bool
) -> dict[int, tuple[float, int]]:
    """The latest wave's estimate (0–100) and n of one indicator in each district, for every
    respondent group together; suppressed estimates are absent. `published_only`: the latest
    wave whose results are published (for public outputs); otherwise the latest wave at all."""
    waves = results_published() if published_only else Survey.objects.all()
    estimates = IndicatorEstimate.objects.filter(
        indicator__code=code,
        group="",
        area__isnull=False,
        suppressed=False,
        estimate__isnull=False,
        n__isnull=False,
    )
    wave = waves.filter(pk__in=estimates.values("survey")).order_by("-created_at", "-pk").first()
    if wave is None:
        return {}
    rows = estimates.filter(survey=wave).values_list("area_id", "estimate", "n")
    # The filter leaves no blank area, estimate or n.
    return {area_id: (float(estimate or 0), int(n or 0)) for area_id, estimate, n in rows}
