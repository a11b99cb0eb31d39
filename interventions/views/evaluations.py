"""Pages of the interventions: evaluations."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
