"""URLs of the analytics pages (the council's, analysts' and admins')."""

from django.urls import path

from curim.analytics import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.overview, name="overview"),
]
