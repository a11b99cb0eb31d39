"""Routes of the analytics API, included under /api/v1/ in the "api" namespace. These addresses
are a contract with outside clients: keep them."""

from django.urls import path

from curim.analytics.api import views

urlpatterns = [
    path("analytics/hotspots/", views.HotspotLayer.as_view(), name="analytics_hotspots"),
    path("analytics/runs/", views.RunList.as_view(), name="analytics_runs"),
    path("analytics/emerging/", views.EmergingLayer.as_view(), name="analytics_emerging"),
    path("analytics/risk/", views.RiskIndex.as_view(), name="analytics_risk"),
    path("analytics/risk/cells/", views.RiskCells.as_view(), name="analytics_risk_cells"),
    path("analytics/cyber/", views.CyberTrends.as_view(), name="analytics_cyber"),
    path("analytics/forecasts/", views.Forecasts.as_view(), name="analytics_forecasts"),
    path("analytics/near-repeat/", views.NearRepeat.as_view(), name="analytics_near_repeat"),
]
