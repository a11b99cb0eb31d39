"""Pages of the analytics, under /analytics/."""

from django.urls import path

from curim.analytics.views import incident_import

app_name = "analytics"

urlpatterns = [
    path(
        "analytics/incidents/import/",
        incident_import.incident_import_page,
        name="incidents_import",
    ),
]
