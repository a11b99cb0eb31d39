"""Pages and the API show the nightly's analysis: a run with other parameters, or over another
grid, started later by an analyst (or anybody), is stored and findable but does not replace
the page's layer; a run of the nightly's own spec over its grid is the nightly's, whoever
started it."""

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from curim.accounts.roles import Role
from curim.analytics.models import Grid, GridShape, RunAudience, RunKind
from curim.analytics.selectors.runs import latest_run, latest_runs_visible_to
from curim.analytics.services.cyber_runs import cyber_nightly_specs, cyber_spec_is_nightly
from curim.analytics.services.emerging_runs import (
    emerging_nightly_specs,
    emerging_spec_is_nightly,
)
from curim.analytics.services.forecast_runs import (
    forecast_nightly_specs,
    forecast_spec_is_nightly,
)
from curim.analytics.services.grid import grid_is_nightly, grid_lay_out
from curim.analytics.services.hotspot_runs import hotspots_run
from curim.analytics.services.near_repeat_runs import (
    near_repeat_nightly_specs,
    near_repeat_spec_is_nightly,
)
from curim.analytics.services.nightly import hotspots_nightly
from curim.analytics.services.risk_runs import risk_nightly_specs, risk_spec_is_nightly
from curim.analytics.specs import hotspot_nightly_specs, hotspot_spec_is_nightly
from curim.areas.models import Area
from curim.reports.models import Report
from tests.factories import user_with_role

HOT = (23.6465, 37.9425)


@pytest.mark.django_db
def test_an_analyst_s_run_with_other_parameters_or_grid_does_not_replace_the_layer(
    make_report: Callable[..., Report],
) -> None:
    make_report(at=HOT, occurred_at=timezone.now() - timedelta(days=3))
    tomorrow = timezone.localdate() + timedelta(days=1)
    nightly = {run.parameters["time_of_day"]: run for run in hotspots_nightly(today=tomorrow)[1:]}
    council_all = hotspot_nightly_specs(tomorrow)[1]
    assert council_all.audience == RunAudience.COUNCIL
    assert council_all.time_of_day == "all"
    grid = nightly["all"].grid
    assert grid is not None
    assert nightly["all"].parameters["nightly"] is True

    wider = hotspots_run(grid=grid, spec=dataclasses.replace(council_all, band_m=800))
    municipality = Area.objects.get(level=Area.Level.MUNICIPALITY)
    coarse = hotspots_run(
        grid=grid_lay_out(municipality=municipality, cell_size_m=500), spec=council_all
    )
    for ad_hoc in (wider, coarse):
        assert ad_hoc.parameters["nightly"] is False
        assert ad_hoc.computed_at > nightly["all"].computed_at
    assert latest_run(RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="all") == nightly["all"]
    assert (
        latest_run(RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="night") == (nightly["night"])
    )
    # Still findable by who asks for them.
    assert latest_run(
        RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="all", nightly_only=False
    ) in (wider, coarse)
    analyst = user_with_role(Role.ANALYST, email="analyst@example.org")
    listed = latest_runs_visible_to(analyst)
    assert nightly["all"] in listed
    assert wider not in listed
    assert coarse not in listed
    # The nightly's own spec over its grid, started by anybody, is the nightly's run.
    assert hotspots_run(grid=grid, spec=council_all) == nightly["all"]


def test_each_kind_knows_its_nightly_spec() -> None:
    today = timezone.localdate()
    predicates: list[tuple[list[object], Callable[..., bool], dict[str, object]]] = [
        (list(hotspot_nightly_specs(today)), hotspot_spec_is_nightly, {"fdr_q": 0.1}),
        (list(emerging_nightly_specs(today)), emerging_spec_is_nightly, {"slices": 24}),
        (list(near_repeat_nightly_specs(today)), near_repeat_spec_is_nightly, {"seed": 7}),
        (list(risk_nightly_specs(today)), risk_spec_is_nightly, {"weights": {"likelihood": 1.0}}),
        (list(cyber_nightly_specs(today)), cyber_spec_is_nightly, {"weeks": 26}),
        (list(forecast_nightly_specs(today)), forecast_spec_is_nightly, {"h": 4}),
    ]
    for specs, is_nightly, other in predicates:
        for spec in specs:
            assert is_nightly(spec), spec
            assert not is_nightly(dataclasses.replace(spec, **other)), spec  # type: ignore[type-var]
    assert grid_is_nightly(Grid(shape=GridShape.SQUARE, cell_size_m=250))
    assert not grid_is_nightly(Grid(shape=GridShape.HEXAGON, cell_size_m=250))
    assert not grid_is_nightly(Grid(shape=GridShape.SQUARE, cell_size_m=500))
