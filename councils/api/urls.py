"""Routes of the council API, included under /api/v1/ in the "api" namespace. These addresses
are a contract with outside clients: keep them."""

from django.urls import path

from councils.api import views

urlpatterns = [
    path("council/meetings/", views.MeetingList.as_view(), name="council_meeting_list"),
    path(
        "council/meetings/<uuid:meeting_id>/",
        views.MeetingDetail.as_view(),
        name="council_meeting_detail",
    ),
    path(
        "council/meetings/<uuid:meeting_id>/agenda-items/",
        views.AgendaItemCreate.as_view(),
        name="council_agenda_item_create",
    ),
    path(
        "council/recommendations/",
        views.RecommendationList.as_view(),
        name="council_recommendation_list",
    ),
    path("council/action-items/", views.ActionItemList.as_view(), name="council_action_item_list"),
    path("council/strategies/", views.StrategyList.as_view(), name="council_strategy_list"),
    path("council/popolo.json", views.PopoloExport.as_view(), name="council_popolo"),
]
