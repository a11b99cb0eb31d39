"""The URLconf. Anonymous visitors are refused everywhere but tests/permissions/expectations.py's
PUBLIC; every URL has a row there, for every role and method."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from curim.accounts import api as accounts_api
from curim.areas import api as areas_api
from curim.core import views as core_views

api_v1 = [
    path("auth/token/", accounts_api.TokenCreateView.as_view(), name="token_create"),
    path("auth/token/revoke/", accounts_api.TokenDeleteView.as_view(), name="token_revoke"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("areas/", areas_api.AreaList.as_view(), name="area_list"),
    path("areas/<slug:code>/", areas_api.AreaDetail.as_view(), name="area_detail"),
    path("", include("curim.reports.api.urls")),
    path("", include("surveys.api_urls")),
    path("", include("victims.api_urls")),
    path("", include("councils.api.urls")),
    path("", include("curim.analytics.api.urls")),
    path("", include("interventions.api.urls")),
]

urlpatterns = [
    # First: the API is what clients call most (a submission's path is found without walking
    # every page's patterns); no page's pattern starts with "api/v1/".
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", include("curim.core.urls")),
    path("accounts/", include("curim.accounts.urls")),
    path("", include("curim.reports.urls")),
    path("", include("surveys.urls")),
    path("", include("victims.urls")),
    path("", include("councils.urls")),
    path("", include("curim.analytics.urls")),
    path("", include("interventions.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("curim.reports.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The API's reference, drawn from the schema on the design system (curim/core/api_reference.py).
    path("api/docs/", core_views.api_docs, name="api_docs"),
]
