"""Public API of areas: boundaries as GeoJSON, for maps and for filtering by area."""

from typing import Any

from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from curim.areas.models import Area
from curim.areas.selectors import areas_public


class AreaSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    parent = serializers.SlugRelatedField[Area](slug_field="code", read_only=True)

    class Meta:
        model = Area
        geo_field = "geometry"
        id_field = "code"
        fields = ["code", "level", "parent", "name_en", "name_el", "approximate"]


class AreaList(generics.ListAPIView[Area]):
    """All areas as a GeoJSON FeatureCollection."""

    permission_classes = [AllowAny]
    serializer_class = AreaSerializer
    pagination_class = None
    filterset_fields = ["level"]

    def get_queryset(self) -> Any:
        return areas_public()


class AreaDetail(generics.RetrieveAPIView[Area]):
    permission_classes = [AllowAny]
    serializer_class = AreaSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return areas_public()
