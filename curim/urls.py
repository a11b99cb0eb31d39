"""The URLconf. Anonymous visitors are refused everywhere but tests/test_permissions.py's PUBLIC."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from curim.accounts import api as accounts_api
from curim.areas import api as areas_api
from curim.reports import api as reports_api

api_v1 = [
    path("auth/token/", accounts_api.TokenCreateView.as_view(), name="token_create"),
    path("auth/token/revoke/", accounts_api.TokenDeleteView.as_view(), name="token_revoke"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("areas/", areas_api.AreaList.as_view(), name="area_list"),
    path("areas/<slug:code>/", areas_api.AreaDetail.as_view(), name="area_detail"),
    path("categories/", reports_api.CategoryList.as_view(), name="category_list"),
    path("reports/", reports_api.ReportListCreate.as_view(), name="report_list"),
    path("reports/nearby/", reports_api.ReportNearby.as_view(), name="report_nearby"),
    path("reports/export.csv", reports_api.reports_csv, name="report_export"),
    path("reports/<uuid:public_id>/", reports_api.ReportDetail.as_view(), name="report_detail"),
    path(
        "reports/<uuid:public_id>/comments/",
        reports_api.ReportComments.as_view(),
        name="report_comments",
    ),
    path("evaluations/", reports_api.EvaluationListCreate.as_view(), name="evaluation_list"),
    path("tiles/reports/<int:z>/<int:x>/<int:y>.pbf", reports_api.report_tile, name="report_tile"),
]

urlpatterns = [
    path("", include("curim.core.urls")),
    path("accounts/", include("curim.accounts.urls")),
    path("", include("curim.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("open311/v2/", include("curim.reports.open311_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
