"""The interventions API: records."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
