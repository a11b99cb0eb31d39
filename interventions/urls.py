"""Pages of the interventions, under /interventions/: the public list, map and pages; the
staff's records (`/interventions/manage/`), evaluations and exchange of files."""

from interventions.views import evaluations, exchange, records

app_name = "interventions"

urlpatterns = [*records.urlpatterns, *evaluations.urlpatterns, *exchange.urlpatterns]
