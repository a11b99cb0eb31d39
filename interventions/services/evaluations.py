"""Evaluations: a request (validated parameters, the next version, queued through the outbox),
the computation in the background, and the analyst's EMMIE texts.

`evaluation_compute` never fails on data that cannot answer: an evaluation without a comparison
area, with empty windows or zero counts ends `unanswered` with a message saying why. Run twice,
it stores once (the second run finds the evaluation no longer queued).
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from curim.accounts.models import User
from curim.analytics.models import RunAudience, Sources
from curim.areas.models import Area
from curim.core.services import task_enqueue
from curim.reports.models import Category
from interventions.evaluation_data import (
    CELL_SIZE_M,
    SITE_CELLS,
    SUGGESTED_AREAS,
    CountsPanel,
    PanelRequest,
    Windows,
    comparison_candidates,
    comparison_suggest,
    counts_panel,
    indicator_estimates,
    indicators_of,
    is_multi_site,
    overlapping_comparisons,
    site_cells_suggest,
    survey_waves,
)
from interventions.evaluation_inputs import indicator_rows, inputs_json, panel_rows, ring_rows
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionStatus,
)
from interventions.models.evaluations import EMMIE_HEADINGS
from interventions.selectors import user_evaluates
from interventions.services.estimate import (
    Unanswerable,
    design_strength,
    did_estimate,
    displacement_estimate,
    indicator_change_estimate,
)
from interventions.services.interventions import intervention_status_advance

logger = logging.getLogger(__name__)

EVALUATION_TASK = "interventions.evaluation_compute"
METHOD_DID = "Poisson difference-in-differences (area and period fixed effects)"
METHOD_SPATIAL = f"{METHOD_DID}; weighted displacement difference and quotient"
METHOD_SITES = (
    "Poisson difference-in-differences over sites and matched grid cells (unit and period "
    "fixed effects); weighted displacement difference and quotient"
)

WINDOW_DAYS_MIN = 28
WINDOW_DAYS_MAX = 3 * 366
PERIODS_MIN, PERIODS_MAX = 1, 36
PERIOD_DAYS_MIN = 7
BUFFER_M_MIN, BUFFER_M_MAX = 25, 1000
RING_M_MIN, RING_M_MAX = 50, 2000
DEFAULT_BUFFER_M = 100
DEFAULT_RING_M = 300  # from the treated zone's edge: 100–400 m around a point by default
COMPARISON_MAX = 40
SUGGEST_MIN = 2
EVALUABLE = (InterventionStatus.COMPLETED, InterventionStatus.EVALUATED)


@dataclass(frozen=True)
class EvaluationParameters:
    windows: Windows
    sources: Sources
    category_ids: tuple[int, ...]
    buffer_m: int
    ring_m: int
    suggest_k: int = SUGGESTED_AREAS

    def as_json(self) -> dict[str, Any]:
        return {
            "before_start": self.windows.before_start.isoformat(),
            "before_end": self.windows.before_end.isoformat(),
            "after_start": self.windows.after_start.isoformat(),
            "after_end": self.windows.after_end.isoformat(),
            "periods": self.windows.periods,
            "sources": str(self.sources),
            "category_ids": list(self.category_ids),
            "buffer_m": self.buffer_m,
            "ring_m": self.ring_m,
            "suggest_k": self.suggest_k,
        }


def _date(raw: Any, field: str, errors: dict[str, StrOrPromise]) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors[field] = _("Give a date as YYYY-MM-DD.")
        return None


def _int(raw: Any, field: str, low: int, high: int, errors: dict[str, StrOrPromise]) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors[field] = _("Give a whole number.")
        return None
    if not low <= value <= high:
        errors[field] = _("Give a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return value


def parameters_clean(
    raw: Mapping[str, Any],
    *,
    spatial: bool,
    today: date | None = None,
    suggest_default: int = SUGGESTED_AREAS,
) -> EvaluationParameters:
    """The evaluation's parameters, checked; a ValidationError with an error per field."""
    today = today or timezone.localdate()
    errors: dict[str, StrOrPromise] = {}
    dates = {
        field: _date(raw.get(field), field, errors)
        for field in ("before_start", "before_end", "after_start", "after_end")
    }
    periods = _int(raw.get("periods", 6), "periods", PERIODS_MIN, PERIODS_MAX, errors)
    buffer_m = _int(
        raw.get("buffer_m", DEFAULT_BUFFER_M), "buffer_m", BUFFER_M_MIN, BUFFER_M_MAX, errors
    )
    ring_m = _int(raw.get("ring_m", DEFAULT_RING_M), "ring_m", RING_M_MIN, RING_M_MAX, errors)
    suggest_k = _int(
        raw.get("suggest_k", suggest_default), "suggest_k", SUGGEST_MIN, COMPARISON_MAX, errors
    )
    sources = raw.get("sources", Sources.REPORTS)
    if sources not in Sources.values:
        errors["sources"] = _("Choose citizen reports, official incidents or both.")
    try:
        category_ids = tuple(sorted({int(pk) for pk in raw.get("category_ids") or ()}))
    except (TypeError, ValueError):
        errors["category_ids"] = _("Choose report categories from the list.")
        category_ids = ()
    if category_ids and Category.objects.filter(pk__in=category_ids).count() != len(category_ids):
        errors["category_ids"] = _("Choose report categories from the list.")
    b0, b1, a0, a1 = (dates[f] for f in ("before_start", "before_end", "after_start", "after_end"))
    if b0 and b1 and b1 < b0:
        errors["before_end"] = _("The window before ends before it starts.")
    if a0 and a1 and a1 < a0:
        errors["after_end"] = _("The window after ends before it starts.")
    if b1 and a0 and a0 <= b1:
        errors["after_start"] = _("The window after starts after the window before ends.")
    if a1 and a1 >= today:
        errors["after_end"] = _("The window after must end before today: its data are not all in.")
    if not errors and b0 and b1 and a0 and a1:
        days_before, days_after = (b1 - b0).days + 1, (a1 - a0).days + 1
        if days_before != days_after:
            errors["after_end"] = _(
                "The two windows must be of equal length: %(before)d days before, "
                "%(after)d days after."
            ) % {"before": days_before, "after": days_after}
        elif not WINDOW_DAYS_MIN <= days_before <= WINDOW_DAYS_MAX:
            errors["before_end"] = _("A window lasts from %(low)d to %(high)d days.") % {
                "low": WINDOW_DAYS_MIN,
                "high": WINDOW_DAYS_MAX,
            }
        elif periods and days_before < periods * PERIOD_DAYS_MIN:
            errors["periods"] = _("Each period must last at least %(days)d days.") % {
                "days": PERIOD_DAYS_MIN
            }
    # Every value is there when no error was found.
    missing = None in (b0, b1, a0, a1, periods, buffer_m, ring_m, suggest_k)
    if errors or missing:
        raise ValidationError(errors)
    assert b0 is not None and b1 is not None and a0 is not None and a1 is not None  # noqa: PT018,S101
    assert periods is not None and buffer_m is not None and ring_m is not None  # noqa: PT018,S101
    assert suggest_k is not None  # noqa: S101
    return EvaluationParameters(
        windows=Windows(b0, b1, a0, a1, periods),
        sources=Sources(sources),
        category_ids=category_ids,
        buffer_m=buffer_m,
        ring_m=ring_m,
        suggest_k=suggest_k,
    )


def parameters_from_json(raw: Mapping[str, Any]) -> EvaluationParameters:
    """Stored parameters back as values (they were checked when requested)."""
    return EvaluationParameters(
        windows=Windows(
            date.fromisoformat(raw["before_start"]),
            date.fromisoformat(raw["before_end"]),
            date.fromisoformat(raw["after_start"]),
            date.fromisoformat(raw["after_end"]),
            int(raw["periods"]),
        ),
        sources=Sources(raw["sources"]),
        category_ids=tuple(int(pk) for pk in raw.get("category_ids", ())),
        buffer_m=int(raw.get("buffer_m", DEFAULT_BUFFER_M)),
        ring_m=int(raw.get("ring_m", DEFAULT_RING_M)),
        suggest_k=int(raw.get("suggest_k", SUGGESTED_AREAS)),
    )


def _comparison_clean(intervention: Intervention, area_ids: Sequence[int]) -> tuple[int, ...]:
    ids = tuple(sorted(set(area_ids)))
    if len(ids) > COMPARISON_MAX:
        raise ValidationError(
            {
                "comparison_areas": _("Choose at most %(max)d comparison areas.")
                % {"max": COMPARISON_MAX}
            }
        )
    allowed = {area.pk for area in comparison_candidates(intervention)}
    if not set(ids) <= allowed or overlapping_comparisons(intervention, ids):
        raise ValidationError(
            {
                "comparison_areas": _(
                    "Choose comparison areas of the intervention area's level, other than it."
                )
            }
        )
    return ids


@transaction.atomic
def evaluation_request(
    *,
    intervention: Intervention,
    by: User,
    parameters: Mapping[str, Any],
    comparison_area_ids: Sequence[int] = (),
) -> Evaluation:
    """Check the parameters, record the next version (queued) and queue its computation
    through the outbox (sent when this transaction commits)."""
    if not user_evaluates(by):
        raise PermissionDenied
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if locked.status not in EVALUABLE:
        raise ValidationError({"__all__": _("Only a completed intervention can be evaluated.")})
    cleaned = parameters_clean(
        parameters,
        spatial=locked.is_spatial,
        suggest_default=SITE_CELLS if is_multi_site(locked) else SUGGESTED_AREAS,
    )
    if is_multi_site(locked) and comparison_area_ids:
        raise ValidationError(
            {
                "comparison_areas": _(
                    "An intervention at several sites is compared with grid cells matched on "
                    "their counts before: leave the comparison areas unticked."
                )
            }
        )
    comparison_ids = _comparison_clean(locked, comparison_area_ids)
    last = locked.evaluations.aggregate(last=Max("version"))["last"] or 0
    evaluation = Evaluation(
        intervention=locked,
        version=last + 1,
        status=EvaluationStatus.QUEUED,
        parameters={**cleaned.as_json(), "comparison": "chosen" if comparison_ids else "suggest"},
        requested_by=by,
    )
    evaluation.full_clean()
    evaluation.save()
    evaluation.comparison_areas.set(comparison_ids)
    task_enqueue(task_name=EVALUATION_TASK, args=[evaluation.pk])
    return evaluation


def _area_json(area: Area, counts: Mapping[int, int] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"code": area.code, "name_en": area.name_en, "name_el": area.name_el}
    if counts is not None:
        found["before_count"] = counts.get(area.pk, 0)
    return found


def _counts_table(panel: CountsPanel) -> list[dict[str, Any]]:
    return [
        {
            "zone": zone.key,
            "role": zone.role,
            "code": zone.code,
            "name_en": zone.name_en,
            "name_el": zone.name_el,
            "before": panel.count(zone.key, "before"),
            "after": panel.count(zone.key, "after"),
            "periods_before": [
                panel.count(zone.key, "before", p) for p in range(panel.windows.periods)
            ],
            "periods_after": [
                panel.count(zone.key, "after", p) for p in range(panel.windows.periods)
            ],
        }
        for zone in panel.zones
    ]


def _survey_part(
    evaluation: Evaluation, audience: RunAudience
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The survey's part of the result, and the estimates it used as input rows (the
    council's alone: the public reads it under the survey's own rule)."""
    if audience == RunAudience.PUBLIC:
        return {}, []
    intervention = evaluation.intervention
    area = intervention.area
    district = area.parent if area.level == Area.Level.NEIGHBOURHOOD and area.parent else area
    waves = survey_waves(intervention)
    if waves.before is None or waves.after is None:
        return {
            "message": "No survey wave before the intervention started and after it ended.",
            "indicators": [],
        }, []
    indicators = indicators_of(intervention)
    estimates = indicator_estimates(
        waves=waves, reader=evaluation.requested_by, indicators=indicators
    )
    found = []
    rows: list[dict[str, Any]] = []
    for indicator in indicators:
        used = estimates.get(indicator.code, {})
        change = indicator_change_estimate(used, district.code)
        if change is not None:
            rows += indicator_rows(
                indicator=indicator.code,
                estimates=used,
                treated=district.code,
                surveys=(waves.before.code, waves.after.code),
            )
        found.append(
            {
                "code": indicator.code,
                "name_en": indicator.name_en,
                "name_el": indicator.name_el,
                "higher_is_better": indicator.higher_is_better,
                "change": change,
            }
        )
    return {
        "survey_from": waves.before.code,
        "survey_to": waves.after.code,
        "district": district.code,
        "comparison": "the mean of the other districts' estimates",
        "indicators": found,
    }, rows


def _categories(category_ids: Sequence[int], audience: RunAudience) -> list[str]:
    """The categories a result counted: those asked for (none: every one) for the council;
    for the public, those of them that may be public now (its events are public reports), named
    even when none was asked for, so that a category kept from the public later takes the
    public's figures with it (`interventions.selectors.evaluation_hidden_from`)."""
    found = Category.objects.all()
    if audience == RunAudience.PUBLIC:
        found = found.filter(may_be_public=True)
    elif not category_ids:
        return []
    if category_ids:
        found = found.filter(pk__in=category_ids)
    return list(found.order_by("slug").values_list("slug", flat=True))


@dataclass(frozen=True)
class Computed:
    method: str
    result: dict[str, Any]
    sms_level: int
    inputs: list[dict[str, Any]]  # the rows the figures were computed from


def _compute(evaluation: Evaluation) -> Computed:
    """The method, result, SMS level and input rows, or Unanswerable; the result holds the
    public's own (`public_result`)."""
    computed = _computed(evaluation, RunAudience.COUNCIL)
    computed.result["public"] = public_result(evaluation)
    return computed


def public_result(evaluation: Evaluation) -> dict[str, Any] | None:
    """What the public reads of an evaluation: the same evaluation computed from public data
    only, public reports at their public places (the centres of their categories' privacy
    cells, as the map and the reports list give them), its comparison areas or cells matched on
    those too when the platform suggests them, and its design's level with them (`sms`).
    Every count here can be made again from the public reports list, so no zone places a
    report more finely than its cell, and nothing rests on a report the public never sees (the
    council's counts, at exact places and in every category, would: a treated zone of 100 m
    in a 250 m cell, a zone crossing a district's border, a cell chosen for an event of a
    category kept from the public).

    None when the evaluation counts official incidents (never public); `{"code": …}` when the
    public's data alone cannot answer, as an unanswered evaluation says why, or `error` when it
    failed for a fault of its own (logged; the council's result is kept: the public then reads
    no figure). A failure that would pass (the database unreachable, the task's time limit)
    fails the whole evaluation, which says to try again. No survey part (the council's is read
    under its own rule) and no input rows."""
    if parameters_from_json(evaluation.parameters).sources != Sources.REPORTS:
        return None
    try:
        # A savepoint: a failed read leaves the transaction, and the council's result, usable.
        with transaction.atomic():
            computed = _computed(evaluation, RunAudience.PUBLIC)
    except Unanswerable as exc:
        return {"code": exc.code}
    except (OperationalError, InterfaceError, SoftTimeLimitExceeded):
        raise  # passing: the whole evaluation fails and says to try again
    except Exception:
        logger.exception("the public's part of evaluation %s could not be computed", evaluation.pk)
        return {"code": "error"}
    return {key: value for key, value in computed.result.items() if key != "survey"}


def _computed(evaluation: Evaluation, audience: RunAudience) -> Computed:
    """The evaluation computed over the audience's events (`evaluation_data`)."""
    intervention = evaluation.intervention
    parameters = parameters_from_json(evaluation.parameters)
    if is_multi_site(intervention):
        return _compute_sites(evaluation, parameters, audience)
    chosen = tuple(evaluation.comparison_areas.order_by("code").values_list("pk", flat=True))
    how = "chosen"
    suggestion = None
    if chosen:
        comparison_ids = chosen
    else:
        how = "suggested"
        suggestion = comparison_suggest(
            intervention=intervention,
            windows=parameters.windows,
            sources=parameters.sources,
            category_ids=parameters.category_ids,
            k=parameters.suggest_k,
            audience=audience,
        )
        comparison_ids = suggestion.area_ids
    if not comparison_ids:
        raise Unanswerable(
            "no_comparison",
            "There is no comparison area: the intervention's area has no other area of its "
            "level to compare with.",
        )
    spatial = intervention.is_spatial and intervention.geometry is not None
    request = PanelRequest(
        intervention=intervention,
        windows=parameters.windows,
        sources=parameters.sources,
        category_ids=parameters.category_ids,
        comparison_ids=comparison_ids,
        buffer_m=parameters.buffer_m,
        ring_m=parameters.ring_m,
        spatial=spatial,
        audience=audience,
    )
    panel = counts_panel(request)
    keys = panel.zone_keys("treated", "control")
    if not any(panel.count(key, "before") + panel.count(key, "after") for key in keys):
        raise Unanswerable(
            "empty_windows",
            "No report or incident was counted in either window, in the intervention's area "
            "or its comparison areas: there is nothing to compare.",
        )
    did = did_estimate(panel, seed=evaluation.pk)
    areas = {area.pk: area for area in Area.objects.filter(pk__in=comparison_ids).defer("geometry")}
    result: dict[str, Any] = {
        "design": "spatial" if spatial else "area",
        **did,
        "comparison": {
            "how": how,
            "areas": [
                _area_json(areas[pk], suggestion.counts if suggestion else None)
                for pk in comparison_ids
            ],
            **(
                {"own_before_count": suggestion.own_count, "k": len(suggestion.area_ids)}
                if suggestion
                else {}
            ),
        },
        "windows": parameters.windows.as_json(),
        "sources": str(parameters.sources),
        "categories": _categories(parameters.category_ids, audience),
        "counts": _counts_table(panel),
        "latest_event": panel.latest_event.isoformat() if panel.latest_event else None,
    }
    if spatial:
        result["displacement"] = {
            **displacement_estimate(panel),
            "buffer_m": parameters.buffer_m,
            "ring_m": parameters.ring_m,
        }
    result["survey"], indicator_inputs = _survey_part(evaluation, audience)
    strength = design_strength(n_comparison_areas=len(comparison_ids), matched=how == "suggested")
    result["sms"] = {"level": strength.level, "reason": strength.reason}
    return Computed(
        method=METHOD_SPATIAL if spatial else METHOD_DID,
        result=result,
        sms_level=strength.level,
        inputs=[*panel_rows(panel), *(ring_rows(panel) if spatial else []), *indicator_inputs],
    )


def _compute_sites(
    evaluation: Evaluation, parameters: EvaluationParameters, audience: RunAudience
) -> Computed:
    """The multi-site design: each site's treated zone is a treated unit; the comparison units
    are the grid cells outside every treated zone and ring with the before-window counts
    closest to the sites' (`site_cells_suggest`); the displacement ring is the union of the
    sites' rings, against the rest of the intervention's area."""
    intervention = evaluation.intervention
    request = PanelRequest(
        intervention=intervention,
        windows=parameters.windows,
        sources=parameters.sources,
        category_ids=parameters.category_ids,
        comparison_ids=(),
        buffer_m=parameters.buffer_m,
        ring_m=parameters.ring_m,
        spatial=True,
        sites=True,
        audience=audience,
    )
    suggestion = site_cells_suggest(request, k=parameters.suggest_k)
    if suggestion.overlapping_sites:
        raise Unanswerable(
            "overlapping_sites",
            "The treated zones of some sites overlap: an event near both would count twice. "
            "Choose a smaller buffer, or draw the sites that close as one.",
        )
    if not suggestion.cells:
        raise Unanswerable(
            "no_comparison",
            "No grid cell outside the sites' treated zones and rings had a report or incident "
            "in the window before: there is no comparison to match the sites with.",
        )
    request = replace(request, cells=suggestion.cells)
    panel = counts_panel(request)
    keys = panel.zone_keys("treated", "control")
    if not any(panel.count(key, "before") + panel.count(key, "after") for key in keys):
        raise Unanswerable(
            "empty_windows",
            "No report or incident was counted in either window, at the sites or in the "
            "comparison cells: there is nothing to compare.",
        )
    did = did_estimate(panel, seed=evaluation.pk)
    n_sites = len(panel.zone_keys("treated"))
    result: dict[str, Any] = {
        "design": "sites",
        **did,
        "comparison": {
            "how": "matched_cells",
            "description": (
                f"Each of the {n_sites} sites' treated zones is a treated unit; the comparison "
                f"units are the {len(suggestion.cells)} cells of the {CELL_SIZE_M} m grid, "
                "outside every treated zone and ring, whose counts in the window before are "
                "closest on the log scale to the sites' (of "
                f"{suggestion.candidates} cells with any event before)."
            ),
            "units": {"treated": n_sites, "control": len(suggestion.cells)},
            "cell_size_m": CELL_SIZE_M,
            "k": parameters.suggest_k,
            "candidates": suggestion.candidates,
            "site_before_counts": {str(n): c for n, c in sorted(suggestion.site_counts.items())},
            "areas": [
                {
                    "code": f"cell-{col}-{row}",
                    "name_en": f"Grid cell {col}, {row}",
                    "name_el": f"Κελί πλέγματος {col}, {row}",
                    "before_count": suggestion.counts[(col, row)],
                }
                for col, row in suggestion.cells
            ],
        },
        "windows": parameters.windows.as_json(),
        "sources": str(parameters.sources),
        "categories": _categories(parameters.category_ids, audience),
        "counts": _counts_table(panel),
        "latest_event": panel.latest_event.isoformat() if panel.latest_event else None,
        "displacement": {
            **displacement_estimate(panel),
            "buffer_m": parameters.buffer_m,
            "ring_m": parameters.ring_m,
        },
    }
    result["survey"], indicator_inputs = _survey_part(evaluation, audience)
    # Several comparison units chosen for similar counts before: level 4 when there are at
    # least two (sms.py's rule), else 3.
    strength = design_strength(n_comparison_areas=len(suggestion.cells), matched=True)
    result["sms"] = {"level": strength.level, "reason": strength.reason}
    return Computed(
        method=METHOD_SITES,
        result=result,
        sms_level=strength.level,
        inputs=[*panel_rows(panel), *ring_rows(panel), *indicator_inputs],
    )


def evaluation_compute(*, evaluation_id: int) -> Evaluation | None:
    """Compute a queued evaluation and store its result, or `unanswered` with the reason; an
    evaluation no longer queued (already computed) is left as it is."""
    with transaction.atomic():
        evaluation = (
            # Its own row only, and not against inserts that refer to it: the computation takes
            # minutes, and a lock on the intervention's area (FOR UPDATE through the join)
            # would hold up every report submitted in that area meanwhile.
            Evaluation.objects.select_for_update(of=("self",), no_key=True)
            .select_related("intervention", "intervention__area", "requested_by")
            .filter(pk=evaluation_id)
            .first()
        )
        if evaluation is None or evaluation.status != EvaluationStatus.QUEUED:
            return evaluation
        read_at = timezone.now()
        try:
            # A savepoint: a failed read leaves the lock and the evaluation usable.
            with transaction.atomic():
                computed = _compute(evaluation)
        except Unanswerable as exc:
            evaluation.status = EvaluationStatus.UNANSWERED
            evaluation.message = exc.message
            evaluation.result = {"code": exc.code}
        except Exception:  # any other failure: said on the page, logged for the admins
            logger.exception("evaluation %s could not be computed", evaluation.pk)
            evaluation.status = EvaluationStatus.UNANSWERED
            evaluation.message = (
                "The evaluation could not be computed (an error, logged for the "
                "administrators). Try again; if it fails again, tell them."
            )
            evaluation.result = {"code": "error"}
        else:
            evaluation.status = EvaluationStatus.DONE
            evaluation.method = computed.method
            evaluation.result = computed.result
            evaluation.sms_level = computed.sms_level
            evaluation.inputs = inputs_json(computed.inputs)
            evaluation.message = ""
        evaluation.data_up_to = read_at
        evaluation.computed_at = timezone.now()
        evaluation.full_clean()
        evaluation.save()
        if evaluation.status == EvaluationStatus.DONE:
            # Read again under its lock: another version may have finished meanwhile (two
            # workers) and moved the intervention on; the status read minutes ago is stale.
            completed = (
                Intervention.objects.select_for_update()
                .filter(pk=evaluation.intervention_id, status=InterventionStatus.COMPLETED)
                .first()
            )
            if completed is not None:
                intervention_status_advance(intervention=completed, to=InterventionStatus.EVALUATED)
        return evaluation


@transaction.atomic
def evaluation_emmie_save(
    *, evaluation: Evaluation, by: User, texts: Mapping[str, str]
) -> Evaluation:
    """The analyst's words under the EMMIE headings (effect, mechanism, moderators,
    implementation, economics); headings not given are left as they are."""
    if not user_evaluates(by):
        raise PermissionDenied
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    fields = []
    for heading in EMMIE_HEADINGS:
        if heading in texts:
            setattr(locked, f"emmie_{heading}", texts[heading].strip())
            fields.append(f"emmie_{heading}")
    locked.full_clean()
    locked.save(update_fields=fields)
    return locked


def window_default(intervention: Intervention, *, today: date | None = None) -> dict[str, date]:
    """Windows to propose: the same number of days before the start and after the end (at
    most 180, and the window after ending yesterday at the latest)."""
    today = today or timezone.localdate()
    start = intervention.starts_on or today - timedelta(days=181)
    end = intervention.ends_on or start
    days = max(WINDOW_DAYS_MIN, min(180, (today - timedelta(days=1) - end).days))
    return {
        "before_start": start - timedelta(days=days),
        "before_end": start - timedelta(days=1),
        "after_start": end + timedelta(days=1),
        "after_end": end + timedelta(days=days),
    }
