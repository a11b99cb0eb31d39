"""Reads of the stored runs: the latest run of a kind for an audience, which audience a user
reads, and a hotspot run's cells as `cells.geojson`. Pages and the API read runs only here;
they never compute."""

import json
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser

from curim.accounts.models import User
from curim.accounts.roles import user_has_role
from curim.analytics.models import AnalysisRun, RunAudience, RunKind
from curim.analytics.outputs import CellRow, cells_geojson
from curim.analytics.run_keys import NIGHTLY
from curim.core.replica import read_connection
from curim.reports.selectors import COUNCIL_FIGURE_READERS


def analytics_audience_for(user: User | AnonymousUser) -> RunAudience:
    """The council's runs (every moderated report, official incidents) for the council's
    figure readers; the public's for everybody else, anonymous visitors included."""
    if user_has_role(user, *COUNCIL_FIGURE_READERS):
        return RunAudience.COUNCIL
    return RunAudience.PUBLIC


def audiences_visible_to(user: User | AnonymousUser) -> tuple[RunAudience, ...]:
    if analytics_audience_for(user) == RunAudience.COUNCIL:
        return (RunAudience.PUBLIC, RunAudience.COUNCIL)
    return (RunAudience.PUBLIC,)


def latest_run(
    kind: RunKind | str,
    audience: RunAudience | str,
    *,
    time_of_day: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    nightly_only: bool = True,
) -> AnalysisRun | None:
    """The run of this kind and audience over the latest data (of those, the last written or
    found again: `confirmed_at`), or None. A run is written whole in one transaction, so every
    stored run is finished.
    Only runs of the nightly's spec over the nightly's grid (`nightly` in their parameters,
    `run_keys.py`), unless `nightly_only` is False: an analyst's run with other parameters or
    another grid never replaces a page's layer. `time_of_day` narrows to runs whose
    parameters say so (hotspots: all, day, night); `parameters` to runs whose parameters
    contain these (JSON containment, `@>`)."""
    runs = AnalysisRun.objects.filter(kind=kind, audience=audience)
    if nightly_only:
        runs = runs.filter(**{f"parameters__{NIGHTLY}": True})
    if time_of_day is not None:
        runs = runs.filter(parameters__time_of_day=time_of_day)
    if parameters:
        runs = runs.filter(parameters__contains=dict(parameters))
    return runs.order_by("-data_up_to", "-confirmed_at", "-pk").first()


def run_readable_by(
    user: User | AnonymousUser,
    kind: RunKind | str,
    audience: RunAudience | str,
    *,
    time_of_day: str | None = None,
) -> AnalysisRun | None:
    """The latest nightly run of the kind for the audience (as `latest_run`), when the user may
    read that audience: the council's runs for its figure readers only, the public's for
    everybody. None otherwise, so a page or endpoint that forgot its own check shows nothing.
    Pages and the API read runs through this."""
    if audience == RunAudience.COUNCIL and analytics_audience_for(user) != RunAudience.COUNCIL:
        return None
    return latest_run(kind, audience, time_of_day=time_of_day)


def latest_runs_visible_to(user: User | AnonymousUser) -> list[AnalysisRun]:
    """The latest nightly run (as `latest_run`) of each kind, audience and time of day the user
    may read: one query."""
    runs = (
        AnalysisRun.objects.filter(
            audience__in=audiences_visible_to(user), **{f"parameters__{NIGHTLY}": True}
        )
        .order_by(
            "kind", "audience", "parameters__time_of_day", "-data_up_to", "-confirmed_at", "-pk"
        )
        .distinct("kind", "audience", "parameters__time_of_day")
    )
    return list(runs)


# One query whatever the number of cells: the results with their cells' geometry and centre.
_CELLS_SQL = """
SELECT ST_AsGeoJSON(ST_Transform(c.geometry, 4326), 6), c."column", c."row",
       ST_X(c.centre), ST_Y(c.centre), r.count, r.z, r.p, r.p_fdr, r.label
FROM analytics_cellresult r JOIN analytics_gridcell c ON c.id = r.cell_id
WHERE r.run_id = %s
ORDER BY c.index
"""


def hotspot_cells_geojson(run: AnalysisRun) -> dict[str, Any]:
    """The run's cells as `cells.geojson` (curim/analytics/outputs.py), from its CellResults."""
    with read_connection(AnalysisRun).cursor() as cursor:
        cursor.execute(_CELLS_SQL, [run.pk])
        rows = cursor.fetchall()
    return cells_geojson(
        CellRow(
            geometry=json.loads(geometry),
            code=f"{column}:{row}",
            x=x,
            y=y,
            count=count,
            z=z,
            p=p,
            p_fdr=p_fdr,
            label=label,
        )
        for geometry, column, row, x, y, count, z, p, p_fdr, label in rows
    )


# A public run's summary as the public reads it beside the layers: single values (how many
# cells, events, hot cells) and the lists that name its slices, weeks and bands. Its figures per
# area, series or week are read through `selectors/layers.py` and `selectors/run_tables.py`,
# which withhold small counts; the raw summary would give them back.
PUBLIC_SUMMARY_LISTS = ("slices", "undefined_slices", "weeks", "bands")
# The time of the latest change of a public report would tell when one was moderated or edited.
PRIVATE_WATERMARK_FIELDS = ("reports_changed_at",)


def public_summary(run: AnalysisRun) -> dict[str, Any]:
    return {
        key: value
        for key, value in run.summary.items()
        if key in PUBLIC_SUMMARY_LISTS or not isinstance(value, list | dict)
    }


def public_parameters(run: AnalysisRun) -> dict[str, Any]:
    parameters = dict(run.parameters)
    watermark = parameters.get("data_watermark")
    if isinstance(watermark, dict):
        parameters["data_watermark"] = {
            key: value for key, value in watermark.items() if key not in PRIVATE_WATERMARK_FIELDS
        }
    return parameters
