"""Pages of the interventions: exchange."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
