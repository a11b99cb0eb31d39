"""The analytics records: official incidents and their imports, the grid, and the runs."""

from curim.analytics.models.grid import Grid, GridCell, GridShape
from curim.analytics.models.harm import DEFAULT_HARM_WEIGHT, CategoryHarm
from curim.analytics.models.incidents import (
    CategoryMapping,
    IncidentImport,
    IncidentSource,
    OfficialIncident,
)
from curim.analytics.models.runs import AnalysisRun, CellResult, RunAudience, RunKind, Sources

__all__ = [
    "DEFAULT_HARM_WEIGHT",
    "AnalysisRun",
    "CategoryHarm",
    "CategoryMapping",
    "CellResult",
    "Grid",
    "GridCell",
    "GridShape",
    "IncidentImport",
    "IncidentSource",
    "OfficialIncident",
    "RunAudience",
    "RunKind",
    "Sources",
]
