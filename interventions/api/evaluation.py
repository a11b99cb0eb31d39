"""The interventions API: evaluation."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
