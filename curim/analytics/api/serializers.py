"""The shapes of the analytics API's answers, for its OpenAPI description."""

from typing import Any

from rest_framework import serializers

from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources


class RunSerializer(serializers.Serializer[Any]):
    """A stored run, without its cells: what it computed, from which data, when."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=RunKind.choices)
    audience = serializers.ChoiceField(
        choices=RunAudience.choices,
        help_text="public: public reports only; council: every moderated report and the "
        "official incidents.",
    )
    time_of_day = serializers.SerializerMethodField(
        help_text="all, day or night, where the kind has one."
    )
    sources = serializers.ChoiceField(choices=Sources.choices)
    parameters = serializers.DictField(help_text="Everything needed to reproduce the run.")
    data_from = serializers.DateTimeField()
    data_up_to = serializers.DateTimeField(help_text="Exclusive.")
    computed_at = serializers.DateTimeField()
    summary = serializers.DictField(help_text="The run's figures that are not per cell.")

    def get_time_of_day(self, run: AnalysisRun) -> str | None:
        value = run.parameters.get("time_of_day")
        return None if value is None else str(value)


HOTSPOT_METHOD = "Getis-Ord Gi*"


class HotspotMetaSerializer(RunSerializer):
    method = serializers.SerializerMethodField()

    def get_method(self, run: AnalysisRun) -> str:
        return HOTSPOT_METHOD


class CellPropertiesSerializer(serializers.Serializer[dict[str, Any]]):
    cell = serializers.CharField(help_text="`column:row` of the cell in the grid.")
    x = serializers.FloatField(help_text="The whole cell's centre, EPSG:2100 metres.")
    y = serializers.FloatField(help_text="The whole cell's centre, EPSG:2100 metres.")
    count = serializers.IntegerField()
    z = serializers.FloatField(allow_null=True, help_text="Gi* z-score; null where undefined.")
    p = serializers.FloatField(allow_null=True, help_text="Two-sided p-value.")
    p_fdr = serializers.FloatField(allow_null=True, help_text="Benjamini-Hochberg adjusted.")
    # "class" is a Python keyword: declared below.


CellPropertiesSerializer._declared_fields["class"] = serializers.ChoiceField(
    choices=["hot-99", "hot-95", "hot-90", "none", "cold-90", "cold-95", "cold-99"]
)


class CellFeatureSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField()
    geometry = serializers.DictField(help_text="The clipped cell, a GeoJSON MultiPolygon, WGS 84.")
    properties = CellPropertiesSerializer()


class HotspotLayerSerializer(serializers.Serializer[dict[str, Any]]):
    """A GeoJSON FeatureCollection: one feature per cell of the run's grid, as cells.geojson."""

    type = serializers.CharField()
    features = CellFeatureSerializer(many=True)
    meta = HotspotMetaSerializer()


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    detail = serializers.CharField()
