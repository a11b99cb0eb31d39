"""The interventions API, under /api/v1/: `interventions/` (GeoJSON), `interventions/<reference>/`
and `interventions/<reference>/evaluation/`. These addresses are a contract: keep them."""

from interventions.api import evaluation, records

urlpatterns = [*records.urlpatterns, *evaluation.urlpatterns]
