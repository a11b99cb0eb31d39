"""Pages of the interventions: records."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
