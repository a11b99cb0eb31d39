"""The data an evaluation was computed from, as it is stored with the result and exported: one
tidy long table whose `table` column says which input a row is (docs/interventions/evaluation.md,
"Reproducing an evaluation").

- `panel`: the difference-in-differences' cells, one per unit × period, with its count and the
  treated and post flags (the units the estimator dropped, all zero, are listed too);
- `ring`: the displacement ring's and its control's counts per period (spatial designs);
- `indicator`: each district's survey estimate and standard error in the waves compared.

Stored as rows of these columns when the evaluation is computed, never re-read at export time:
the export of a version gives that version's data even after reports change.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from curim.core.record_tables import table_file, text_out
from interventions.evaluation_data import (
    RING,
    RING_CONTROL,
    CountsPanel,
    DistrictEstimates,
    WindowName,
)
from interventions.models import Evaluation

INPUTS_FORMAT = 1
COLUMNS = (
    "table",
    "unit",
    "role",
    "window",
    "period",
    "treated",
    "post",
    "count",
    "indicator",
    "survey",
    "estimate",
    "se",
)
WINDOWS: tuple[WindowName, WindowName] = ("before", "after")


def _cells(panel: CountsPanel, table: str, keys: Sequence[str]) -> list[dict[str, Any]]:
    treated = set(panel.zone_keys("treated"))
    roles = {zone.key: zone.role for zone in panel.zones}
    periods = panel.windows.periods
    return [
        {
            "table": table,
            "unit": key,
            "role": roles[key],
            "window": window,
            "period": w * periods + p,
            "treated": int(key in treated) if table == "panel" else None,
            "post": w,
            "count": panel.count(key, window, p),
        }
        for key in keys
        for w, window in enumerate(WINDOWS)
        for p in range(periods)
    ]


def panel_rows(panel: CountsPanel) -> list[dict[str, Any]]:
    """The DiD's cells: every treated and control unit × period (periods 0 … P−1 before,
    P … 2P−1 after), as `did_estimate` gives them to the estimator."""
    return _cells(panel, "panel", panel.zone_keys("treated", "control"))


def ring_rows(panel: CountsPanel) -> list[dict[str, Any]]:
    """The displacement ring's and its control's counts per period (WDD and WDQ)."""
    keys = [key for key in (RING, RING_CONTROL) if key in {zone.key for zone in panel.zones}]
    return _cells(panel, "ring", keys)


def indicator_rows(
    *, indicator: str, estimates: DistrictEstimates, treated: str, surveys: tuple[str, str]
) -> list[dict[str, Any]]:
    """Each district's estimate and standard error of one indicator in both waves."""
    return [
        {
            "table": "indicator",
            "unit": district,
            "role": "treated" if district == treated else "comparison",
            "window": window,
            "indicator": indicator,
            "survey": surveys[w],
            "estimate": estimates[district][w][0],
            "se": estimates[district][w][1],
        }
        for district in sorted(estimates)
        for w, window in enumerate(WINDOWS)
    ]


def inputs_json(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the evaluation stores in `inputs`."""
    return {"format": INPUTS_FORMAT, "columns": list(COLUMNS), "rows": [dict(r) for r in rows]}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return text_out(value) if isinstance(value, str) else value


def inputs_csv(evaluation: Evaluation) -> bytes:
    """The evaluation's stored input rows as CSV (UTF-8 with a BOM), text cells defused."""
    stored = evaluation.inputs or {}
    columns = [str(c) for c in stored.get("columns", COLUMNS)]
    rows = [[_cell(row.get(column)) for column in columns] for row in stored.get("rows", [])]
    return table_file(
        columns=columns, rows=rows, sheet_name="inputs", file_format="csv", decimal=float
    )


def inputs_filename(evaluation: Evaluation) -> str:
    return f"evaluation-{evaluation.intervention.reference}-v{evaluation.version}-inputs.csv"
