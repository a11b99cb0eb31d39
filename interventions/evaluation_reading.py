"""An evaluation as people read it: the plain sentence on whether it worked (never more than
the interval says), what the design's Maryland level means, and the counts table as each
reader may see it. Reads nothing from the database but the evaluation given.

Whose figures: those who read every intervention read the council's (every moderated report
at its exact place, official incidents when chosen); everybody else reads the result's public
part only (`public_view`, `result_as_read`: public reports at their public places, so that no
zone places a report more finely than its privacy cell), or no figure where there is none.

Small counts: where the public sees counts, a count from 1 to PUBLIC_MIN_COUNT − 1 is withheld
(None), as the analytics' public figures withhold them (`curim.analytics.selectors.layers`);
a zone's total is withheld when it is small too, and a period's count is never shown to the
public (a total and all but one period would give the last one back).

Differences: where several zones make one group (the sites of a multi-site design, the
comparison areas or cells), the public reads the group's total (the displacement figures' counts)
and each zone's count. A single withheld zone would be the total less the others, so when any
zone of a group is withheld in a window, every zone of that group is withheld in that window
(and the comparison's before-window counts with it): the total stays, the breakdown goes.

Data the public never sees: a result that counts official incidents, or whose public part
counted a category kept from the public since (`Category.may_be_public` off, at the time it is
read), gives the public no count and no figure at all (`counts_public_data`). Which categories
are kept from the public is read by the caller
(`interventions.selectors.evaluation_hidden_from`).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from curim.analytics.models import Sources
from curim.analytics.selectors.layers import PUBLIC_MIN_COUNT
from interventions.models import Evaluation, EvaluationStatus

SMS_MEANING: dict[int, StrOrPromise] = {
    1: gettext_lazy("Level 1 of 5: measured at one point in time. It shows a link, not an effect."),
    2: gettext_lazy(
        "Level 2 of 5: measured before and after, with nothing to compare with. Other causes "
        "of a change cannot be ruled out."
    ),
    3: gettext_lazy(
        "Level 3 of 5: measured before and after, here and in comparison areas. Changes that "
        "touched both are ruled out; differences between the areas are not."
    ),
    4: gettext_lazy(
        "Level 4 of 5: measured before and after, here and in several comparison areas "
        "matched on their counts before. The usual minimum for saying what works."
    ),
    5: gettext_lazy(
        "Level 5 of 5: areas were assigned to the intervention at random. The strongest design."
    ),
}

WDQ_MEANING: dict[str, StrOrPromise] = {
    "diffusion_exceeds_effect": gettext_lazy(
        "The benefit spread to the surroundings, by more than the effect in the area itself."
    ),
    "diffusion": gettext_lazy("Some of the benefit spread to the surroundings."),
    "no_displacement": gettext_lazy("Nothing moved to the surroundings."),
    "displacement": gettext_lazy("Some of the problem moved to the surroundings."),
    "displacement_exceeds_effect": gettext_lazy(
        "More of the problem moved to the surroundings than the area gained."
    ),
    "no_reduction": gettext_lazy(
        "The area did not improve relative to its comparison: displacement is not read."
    ),
    "undefined": gettext_lazy("It cannot be computed on these counts (a zero before)."),
}

# The methods as the evaluations store them (interventions/services/evaluations.py, METHOD_*: the
# API gives them as they are) and as the pages name them, in the reader's language.
METHOD_NAMES: dict[str, StrOrPromise] = {
    "Poisson difference-in-differences (area and period fixed effects)": gettext_lazy(
        "Poisson difference-in-differences (area and period fixed effects)"
    ),
    "Poisson difference-in-differences (area and period fixed effects); weighted displacement "
    "difference and quotient": gettext_lazy(
        "Poisson difference-in-differences (area and period fixed effects); weighted "
        "displacement difference and quotient"
    ),
    "Poisson difference-in-differences over sites and matched grid cells (unit and period "
    "fixed effects); weighted displacement difference and quotient": gettext_lazy(
        "Poisson difference-in-differences over sites and matched grid cells (unit and period "
        "fixed effects); weighted displacement difference and quotient"
    ),
}


def method_name(method: str) -> str:
    """An evaluation's method in the reader's language (a method of an older release as it
    was stored)."""
    return str(METHOD_NAMES.get(method, method))


UNCLEAR = "unclear"
FEWER = "fewer"
MORE = "more"


@dataclass(frozen=True)
class Verdict:
    code: str  # "fewer", "more" or "unclear"
    sentence: str


def _whole_percent(percent: float) -> str:
    """A percent change's size to the nearest whole number (half up), in the reader's format:
    Django's `number_format` cuts the decimals off (39.6 would read "39")."""
    return number_format(math.floor(abs(percent) + 0.5), 0)


def verdict(result: dict[str, Any]) -> Verdict:
    """Whether it worked, in a sentence that says no more than the 95% interval: a change only
    when the whole interval is on one side of no change."""
    low, high = result.get("ci_low"), result.get("ci_high")
    percent = result.get("percent_change")
    if low is None or high is None or percent is None or low <= 0 <= high:
        return Verdict(
            UNCLEAR,
            # A format string (its "95%%" read by xgettext as a format either way), formatted.
            _(
                "No clear change: the 95%% interval includes no change at all, so these "
                "counts cannot tell whether the intervention made a difference."
            )
            % {},
        )
    if high < 0:
        return Verdict(
            FEWER,
            _(
                "Clearly fewer reports than the comparison areas predict: about %(percent)s%% "
                "fewer after the intervention."
            )
            % {"percent": _whole_percent(percent)},
        )
    return Verdict(
        MORE,
        _(
            "Clearly more reports than the comparison areas predict: about %(percent)s%% more "
            "after the intervention (more reporting can be a sign of trust as well as of more "
            "problems)."
        )
        % {"percent": _whole_percent(percent)},
    )


def shown(count: int | None, *, reads_all: bool) -> int | None:
    """A count as this reader sees it: None where the public would see 1 … k − 1."""
    if count is None or reads_all:
        return count
    return None if 0 < count < PUBLIC_MIN_COUNT else count


def _small(count: int | None) -> bool:
    return count is not None and 0 < int(count) < PUBLIC_MIN_COUNT


def _any_small(counts: Iterable[int | None]) -> bool:
    return any(_small(count) for count in counts)


WINDOWS = ("before", "after")


# The zones that split the intervention's own area in a spatial or multi-site design, and the
# displacement figures' names for their totals.
OWN_AREA_ROLES = {"treated": "treated", "ring": "buffer", "ring_control": "buffer_control"}
SPATIAL_DESIGNS = ("spatial", "sites")


def own_area_broken(result: dict[str, Any], *, reads_all: bool) -> set[tuple[str, str]]:
    """The (role, window) pairs of the own area's zones the public does not read. A spatial or
    multi-site design splits the intervention's area into the treated zone (the sites), the
    ring and the ring's control, and in a multi-site design the chosen cells that lie in it:
    their counts add up to the area's, which the public reads elsewhere (the reports' summary
    of a district over the windows' days). So when the treated total, the ring or the ring's
    control is 1 or 2 in a window, all three are withheld in that window, in the counts table
    and among the displacement figures' counts; the area less the others would give it back.
    In a multi-site design a cell of 1 or 2 (which withholds every cell in that window,
    `broken_groups`) withholds the three too: the cells may lie in the area (they are chosen
    anywhere in the municipality), and the area less the three would give their sum back."""
    if reads_all or result.get("design") not in SPATIAL_DESIGNS:
        return set()
    totals: dict[tuple[str, str], int] = defaultdict(int)
    present = set()
    cells: dict[str, list[int | None]] = defaultdict(list)
    for row in result.get("counts", []):
        if row["role"] in OWN_AREA_ROLES:
            present.add(row["role"])
            for window in WINDOWS:
                totals[(row["role"], window)] += int(row.get(window) or 0)
        elif row["role"] == "control" and result.get("design") == "sites":
            for window in WINDOWS:
                cells[window].append(row.get(window))
    return {
        (role, window)
        for window in WINDOWS
        if _any_small(totals[(r, window)] for r in present) or _any_small(cells[window])
        for role in present
    }


def broken_groups(result: dict[str, Any], *, reads_all: bool) -> set[tuple[str, str]]:
    """The (role, window) pairs whose zone-by-zone counts the public does not read: a group of
    several zones of which one is withheld in that window (the group's total, which the public
    reads, less the others would give it back), and the own area's zones of a spatial design
    (`own_area_broken`)."""
    if reads_all:
        return set()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in result.get("counts", []):
        groups[row["role"]].append(row)
    return {
        (role, window)
        for role, rows in groups.items()
        for window in WINDOWS
        if len(rows) > 1 and _any_small(row.get(window) for row in rows)
    } | own_area_broken(result, reads_all=reads_all)


def _shown_in_group(
    count: int | None, *, role: str, window: str, broken: set[tuple[str, str]], reads_all: bool
) -> int | None:
    if (role, window) in broken:
        return None
    return shown(count, reads_all=reads_all)


def counts_rows(result: dict[str, Any], *, reads_all: bool) -> list[dict[str, Any]]:
    """The counts per zone and window, small ones withheld from the public (with the rest of
    their group, `broken_groups`); the periods' counts for those who read everything only."""
    broken = broken_groups(result, reads_all=reads_all)
    rows = []
    for row in result.get("counts", []):
        found = {
            "zone": row["zone"],
            "role": row["role"],
            "code": row["code"],
            "name": _zone_name(row),
            **{
                window: _shown_in_group(
                    row.get(window),
                    role=row["role"],
                    window=window,
                    broken=broken,
                    reads_all=reads_all,
                )
                for window in WINDOWS
            },
        }
        if reads_all:
            found["periods_before"] = row.get("periods_before", [])
            found["periods_after"] = row.get("periods_after", [])
        rows.append(found)
    return rows


def _zone_name(row: dict[str, Any]) -> str:
    """The zone's name: a spatial intervention's zones by what they are, areas by name."""
    if row["zone"] == "treated" and row.get("code") == "treated":
        return _("Treated zone (around what was done)")
    if row["zone"] == "ring":
        return _("Displacement ring")
    if row["zone"] == "ring_control":
        return _("Rest of %(area)s (the ring's control)") % {"area": _bilingual(row)}
    return _bilingual(row)


def _bilingual(row: dict[str, Any]) -> str:
    first, second = ("name_el", "name_en") if _is_greek() else ("name_en", "name_el")
    return str(row.get(first) or row.get(second) or row.get("code", ""))


def displacement_shown(result: dict[str, Any], *, reads_all: bool) -> dict[str, Any] | None:
    """The WDQ and WDD figures; the eight counts behind them withheld from the public where
    small, and the own area's three with one another (`own_area_broken`)."""
    found = result.get("displacement")
    if not found:
        return None
    broken = {
        (OWN_AREA_ROLES[role], window)
        for role, window in own_area_broken(result, reads_all=reads_all)
    }
    counts = {
        name: [
            None if (name, window) in broken else shown(int(n), reads_all=reads_all)
            for window, n in zip(WINDOWS, pair, strict=False)
        ]
        for name, pair in found.get("counts", {}).items()
    }
    return {**found, "counts": counts}


def rests_on_small_counts(result: dict[str, Any]) -> bool:
    """Whether a count the estimates rest on is one the public never sees (1 … k − 1): the
    estimates would give it back (with one period per window the DiD is a ratio of the totals;
    the WDD is their sum and its variance their total), so the public gets neither.

    Every zone's count is checked, in every design. Several sites against many cells too:
    there the point estimate rests on the groups' totals only, but the cluster-robust interval
    and the randomization p-value rest on how each total splits between the units, so a reader
    who knows a total (the displacement figures give it) tries each split of the withheld
    units' counts and keeps the one that gives the published interval
    (tests/interventions/test_evaluation_sites.py plays it)."""
    counts = [row.get(window) for row in result.get("counts", []) for window in ("before", "after")]
    for pair in (result.get("displacement") or {}).get("counts", {}).values():
        counts += list(pair)
    return _any_small(counts)


WITHHELD_SENTENCE = gettext_lazy(
    "The figures are not shown to the public: they rest on counts of 1 or 2 reports, which "
    "the platform never publishes."
)
KEPT_FROM_PUBLIC_SENTENCE = gettext_lazy(
    "The figures are not shown to the public: the evaluation counts reports or incidents the "
    "public never sees (categories kept from the public, or official incidents), or it has no "
    "figures counted from public reports at their public places (computed before the platform "
    "counted them, too few to answer, or an error while counting them)."
)


@dataclass(frozen=True)
class CategoryPublicity:
    """Which categories the public may see, as read now: the codes of those that may be
    public, and whether any is kept from it."""

    public: frozenset[str]
    any_kept: bool


def counts_public_data(result: dict[str, Any], publicity: CategoryPublicity) -> bool:
    """Whether the result counts only what the public may see: citizen reports (never official
    incidents) of categories that may all be public now. No category named counts every
    category; a code no category has now (renamed, deleted) is taken as kept, as is a result
    that says neither what it counted nor from which sources."""
    if result.get("sources") != Sources.REPORTS:
        return False
    codes = result.get("categories")
    if not isinstance(codes, list):
        return False
    if not codes:  # every category
        return not publicity.any_kept
    return set(codes) <= publicity.public


# What every reader reads of the council's result where the public's part does not say it:
# the windows and sources asked for, the survey's part (read under the survey's own rule).
DESIGN_KEYS = ("design", "windows", "sources", "categories", "survey")


def public_view(result: dict[str, Any]) -> dict[str, Any] | None:
    """The result as the public reads it: the evaluation computed from public data only
    (`result["public"]`: `interventions.services.evaluations.public_result`, public reports at
    their public places, its comparison and design level its own), with the council's survey
    part (`DESIGN_KEYS`), never the council's figures, which count exact places. None when
    there is no such part: the result counts official incidents, was stored before the
    public's part was computed, or the public's data alone could not answer."""
    part = result.get("public")
    if not isinstance(part, dict) or "code" in part:
        return None
    view = {key: result[key] for key in DESIGN_KEYS if key in result}
    return {**view, **part, "public": part}


def result_as_read(result: dict[str, Any], *, reads_all: bool) -> dict[str, Any]:
    """The result this reader reads: the council's whole for those who read everything, the
    public's view for everybody else (`public_view`), or, where there is none, its design alone
    (the figures are then withheld: `interventions.selectors.evaluation_hidden_from`)."""
    if reads_all:
        return result
    view = public_view(result)
    if view is not None:
        return view
    design = {key: result[key] for key in DESIGN_KEYS if key in result}
    return {**design, "comparison": {"how": (result.get("comparison") or {}).get("how")}}


def level_read(evaluation: Evaluation, result: dict[str, Any], *, reads_all: bool) -> int | None:
    """The design's Maryland level this reader reads: the council's, or for everybody else the
    level of the public's own design (`result` as read, `result_as_read`: its comparison was
    matched on public data, and a multi-site design's level follows from how many cells had
    an event)."""
    if reads_all:
        return evaluation.sms_level
    level = (result.get("sms") or {}).get("level")
    return level if isinstance(level, int) else None


def dates_read(
    evaluation: Evaluation, *, reads_all: bool
) -> tuple[datetime | None, datetime | None]:
    """When the figures this reader reads were counted, (data up to, computed at): the
    evaluation's own, or for the public those of its part when the part was computed after
    the evaluation (`interventions.services.evaluation_backfill`: it counts the public reports
    of that later day, and keeps the day in the part)."""
    result = evaluation.result if isinstance(evaluation.result, dict) else {}
    part = result.get("public")
    if not reads_all and isinstance(part, dict) and "code" not in part:
        later = part.get("data_up_to"), part.get("computed_at")
        if isinstance(later[0], str) and isinstance(later[1], str):
            return parse_datetime(later[0]), parse_datetime(later[1])
    return evaluation.data_up_to, evaluation.computed_at


@dataclass(frozen=True)
class Reading:
    evaluation: Evaluation
    done: bool
    verdict: Verdict | None
    sms_meaning: StrOrPromise
    comparison_names: list[str]
    method_name: str
    withheld: bool = False
    # Withheld because the result counts what the public never sees (`counts_public_data`).
    kept_from_public: bool = False
    # The result this reader reads (`result_as_read`): what the page's figures come from.
    result: dict[str, Any] = field(default_factory=dict)
    # When its figures were computed (`dates_read`).
    computed_at: datetime | None = None

    @property
    def kept_from_public_sentence(self) -> StrOrPromise:
        """What the public reads instead of figures kept from it (the API's `verdict_text`)."""
        return KEPT_FROM_PUBLIC_SENTENCE

    @property
    def withheld_sentence(self) -> StrOrPromise:
        """What the public reads instead of figures resting on small counts (the API's)."""
        return WITHHELD_SENTENCE


def reading(evaluation: Evaluation, *, reads_all: bool, hidden: bool) -> Reading:
    """The evaluation as this reader reads it: the public's figures withheld when they rest on
    small counts, or when `hidden` (the reader is the public and the result counts what the
    public never sees: `interventions.selectors.evaluation_hidden_from`)."""
    result = result_as_read(evaluation.result or {}, reads_all=reads_all)
    done = evaluation.status == EvaluationStatus.DONE
    kept = done and not reads_all and hidden
    # A hidden result names no comparison area or cell either: a design's cells are chosen
    # among those with events, so their names would say where the hidden events were.
    areas = result.get("comparison", {}).get("areas", []) if done and not kept else []
    names = [_bilingual(area) for area in areas]
    return Reading(
        evaluation=evaluation,
        done=done,
        verdict=verdict(result) if done else None,
        # The design's level rests on the events too (`published_result`).
        sms_meaning=""
        if kept
        else SMS_MEANING.get(level_read(evaluation, result, reads_all=reads_all) or 0, ""),
        comparison_names=names,
        method_name=method_name(evaluation.method),
        withheld=kept or (done and not reads_all and rests_on_small_counts(result)),
        kept_from_public=kept,
        result=result,
        computed_at=dates_read(evaluation, reads_all=reads_all)[1],
    )


def _is_greek() -> bool:
    return (get_language() or "en").startswith("el")


def comparison_shown(result: dict[str, Any], *, reads_all: bool) -> dict[str, Any]:
    """The comparison as this reader reads it: the before-window count of each comparison area
    or cell and of each site, withheld from the public all together when one of them is (or
    when their group's counts are withheld, `broken_groups`)."""
    comparison = dict(result.get("comparison", {}))
    broken = broken_groups(result, reads_all=reads_all)
    areas = comparison.get("areas", [])
    # A spatial design's areas are counted whole: the own area's count holds the treated zone,
    # the ring and the ring's control, and a comparison area's count less its row gives what of
    # the ring's zone falls in it. The public reads the zones' counts, not these.
    spatial = result.get("design") == "spatial"
    areas_hidden = not reads_all and (
        spatial
        or ("control", "before") in broken
        or _any_small(a.get("before_count") for a in areas)
    )
    comparison["areas"] = [
        {
            **area,
            **(
                {
                    "before_count": None
                    if areas_hidden
                    else shown(area["before_count"], reads_all=reads_all)
                }
                if "before_count" in area
                else {}
            ),
        }
        for area in areas
    ]
    if "site_before_counts" in comparison:
        sites = comparison["site_before_counts"]
        sites_hidden = not reads_all and (
            ("treated", "before") in broken or _any_small(sites.values())
        )
        comparison["site_before_counts"] = {
            site: None if sites_hidden else shown(n, reads_all=reads_all)
            for site, n in sites.items()
        }
    if "own_before_count" in comparison:
        comparison["own_before_count"] = (
            None
            if spatial and not reads_all
            else shown(comparison["own_before_count"], reads_all=reads_all)
        )
    return comparison


def published_result(
    evaluation: Evaluation, *, reads_all: bool, hidden: bool, survey_readable: bool
) -> dict[str, Any]:
    """A finished evaluation as the API gives it to this reader: the estimates, the design,
    the comparison, the windows, the counts per area and window (small ones withheld from the
    public, the periods' counts for those who read everything only), the displacement figures
    of a spatial one, and the survey's indicator changes when the reader may read both waves.
    `hidden`: the reader is the public and the result counts what the public never sees; then
    no count and no figure is given (`withheld_reason` "kept_from_public")."""
    result = result_as_read(evaluation.result or {}, reads_all=reads_all)
    hidden = hidden and not reads_all
    comparison = comparison_shown(result, reads_all=reads_all)
    displacement = displacement_shown(result, reads_all=reads_all)
    counts = [
        {key: value for key, value in row.items() if key != "name"}
        for row in counts_rows(result, reads_all=reads_all)
    ]
    inference = result.get("inference")
    sms_level = level_read(evaluation, result, reads_all=reads_all)
    sms_reason = (result.get("sms") or {}).get("reason", "")
    small = not reads_all and rests_on_small_counts(result)
    if small and isinstance(inference, dict):
        # The figures are withheld: so is what the inference found (whether the interval is
        # open, how many assignments there were: they rest on the withheld counts too).
        inference = {"method": inference.get("method")}
    if hidden:
        # Nothing that rests on the events: not the counts, nor which areas or cells were
        # compared (a design's cells are chosen among those with events), nor the inference
        # (randomization or cluster-robust follows from how many areas had events), nor the
        # design's level (a multi-site design's follows from how many cells had events); how
        # the comparison was chosen and the method stay.
        comparison, counts = {"how": comparison.get("how")}, []
        displacement = None
        inference, sms_level, sms_reason = None, None, ""
    survey = result.get("survey") or {}
    found = verdict(result)
    withheld = hidden or small
    data_up_to, computed_at = dates_read(evaluation, reads_all=reads_all)
    shown_figures = {
        "estimate": result.get("estimate"),
        "ci_low": result.get("ci_low"),
        "ci_high": result.get("ci_high"),
        "rate_ratio": result.get("rate_ratio"),
        "rate_ratio_ci": result.get("rate_ratio_ci"),
        "percent_change": result.get("percent_change"),
        "percent_ci": result.get("percent_ci"),
        "p_value": result.get("p_value"),
        "verdict": found.code,
        "verdict_text": found.sentence,
        "wdq": displacement["wdq"] if displacement else None,
        "wdd": displacement["wdd"] if displacement else None,
    }
    if withheld:
        shown_figures = dict.fromkeys(shown_figures)
        sentence = KEPT_FROM_PUBLIC_SENTENCE if hidden else WITHHELD_SENTENCE
        shown_figures.update(verdict="withheld", verdict_text=str(sentence))
    return {
        "reference": evaluation.intervention.reference,
        "version": evaluation.version,
        "method": evaluation.method,
        **shown_figures,
        "withheld": withheld,
        "withheld_reason": "kept_from_public" if hidden else "small_counts" if small else None,
        "inference": inference,
        "sms_level": sms_level,
        "sms_reason": sms_reason,
        "comparison": comparison,
        "windows": result.get("windows"),
        "sources": result.get("sources"),
        "categories": result.get("categories", []),
        "counts": counts,
        "counts_withheld_below": 1 if reads_all else PUBLIC_MIN_COUNT,
        "displacement_counts": displacement["counts"] if displacement else None,
        "survey": survey if survey_readable else {"indicators": [], "message": "not published"},
        "data_up_to": data_up_to.isoformat() if data_up_to else None,
        "computed_at": computed_at.isoformat() if computed_at else None,
        "emmie": {
            heading: getattr(evaluation, f"emmie_{heading}")
            for heading in ("effect", "mechanism", "moderators", "implementation", "economics")
        },
    }
