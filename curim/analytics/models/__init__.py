"""The analytics records: official incidents and their imports, the grid, and the runs."""

from curim.analytics.models.grid import Grid, GridCell, GridShape
from curim.analytics.models.incidents import (
    CategoryMapping,
    IncidentImport,
    IncidentSource,
    OfficialIncident,
)
from curim.analytics.models.runs import AnalysisRun, CellResult, RunAudience, RunKind, Sources

__all__ = [
    "AnalysisRun",
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
