"""The shapes of the analytics API's answers, for its OpenAPI description."""

from typing import Any

from rest_framework import serializers

from curim.analytics.emerging import CATEGORY_CODES
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


EMERGING_METHOD = "Emerging hot spots: Getis-Ord Gi* per slice and a Mann-Kendall trend"


class EmergingMetaSerializer(RunSerializer):
    method = serializers.SerializerMethodField()

    def get_method(self, run: AnalysisRun) -> str:
        return EMERGING_METHOD


class EmergingPropertiesSerializer(serializers.Serializer[dict[str, Any]]):
    cell = serializers.CharField(help_text="`column:row` of the cell in the grid.")
    x = serializers.FloatField(help_text="The whole cell's centre, EPSG:2100 metres.")
    y = serializers.FloatField(help_text="The whole cell's centre, EPSG:2100 metres.")
    count = serializers.IntegerField(
        allow_null=True,
        help_text="Events over all slices; null in the public layer where it is 1 or 2.",
    )
    category = serializers.ChoiceField(
        choices=list(CATEGORY_CODES),
        help_text="The pattern (ArcGIS's categories); `none` where no pattern was found.",
    )
    z_last_slice = serializers.FloatField(allow_null=True, help_text="Gi* z of the last slice.")
    tau = serializers.FloatField(allow_null=True, help_text="Kendall's tau-b of the z-series.")
    trend_z = serializers.FloatField(allow_null=True, help_text="Mann-Kendall z.")
    trend_p = serializers.FloatField(allow_null=True, help_text="Mann-Kendall p-value.")
    hot_slices = serializers.IntegerField(help_text="Slices the cell was a significant hot spot.")
    cold_slices = serializers.IntegerField(help_text="Slices it was a significant cold spot.")


class EmergingFeatureSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField()
    geometry = serializers.DictField(help_text="The clipped cell, a GeoJSON MultiPolygon, WGS 84.")
    properties = EmergingPropertiesSerializer()


class EmergingLayerSerializer(serializers.Serializer[dict[str, Any]]):
    """A GeoJSON FeatureCollection: one feature per cell of the run's grid."""

    type = serializers.CharField()
    features = EmergingFeatureSerializer(many=True)
    meta = EmergingMetaSerializer()


RISK_METHOD = "Risk index: likelihood (empirical Bayes rate), impact (harm), perception"


class RiskMetaSerializer(RunSerializer):
    method = serializers.SerializerMethodField()

    def get_method(self, run: AnalysisRun) -> str:
        return RISK_METHOD


class RiskFiguresSerializer(serializers.Serializer[dict[str, Any]]):
    """One area's (or cell's) index and everything it is made of; null marks a missing value."""

    incidents = serializers.IntegerField(
        allow_null=True, help_text="Events counted; null in public outputs where it is 1 or 2."
    )
    suppressed = serializers.BooleanField(help_text="The count (and raw rate) are hidden.")
    population = serializers.FloatField(allow_null=True)
    area_km2 = serializers.FloatField(allow_null=True)
    likelihood_basis = serializers.CharField(
        help_text="per 1,000 residents, per km² (no residents) or none."
    )
    raw_rate = serializers.FloatField(allow_null=True, help_text="Count / exposure.")
    likelihood = serializers.FloatField(
        allow_null=True, help_text="The empirical Bayes (Marshall) smoothed rate."
    )
    shrinkage_weight = serializers.FloatField(
        allow_null=True, help_text="Weight of the area's own rate (1 keeps it, 0 the mean)."
    )
    impact = serializers.FloatField(allow_null=True, help_text="Mean harm weight per incident.")
    night_unsafe_mean = serializers.FloatField(
        allow_null=True, help_text="Night-time 'feeling unsafe', 1-5."
    )
    night_unsafe_n = serializers.IntegerField()
    fear_share = serializers.FloatField(allow_null=True, help_text="Survey fear of crime, 0-1.")
    fear_n = serializers.IntegerField()
    perception = serializers.FloatField(allow_null=True, help_text="0-1.")
    likelihood_score = serializers.FloatField(allow_null=True, help_text="0-100 percentile.")
    impact_score = serializers.FloatField(allow_null=True, help_text="0-100 percentile.")
    perception_score = serializers.FloatField(allow_null=True, help_text="0-100 percentile.")
    weights_used = serializers.DictField(
        child=serializers.FloatField(), help_text="Renormalised over the components used."
    )
    components_used = serializers.ListField(child=serializers.CharField())
    index = serializers.FloatField(allow_null=True, help_text="0-100.")
    rank = serializers.IntegerField(allow_null=True, help_text="1 = highest index.")


class RiskAreaSerializer(RiskFiguresSerializer):
    area = serializers.CharField(help_text="The area's code.")
    name = serializers.CharField()


class HarmWeightSerializer(serializers.Serializer[dict[str, Any]]):
    category = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField()


class RiskIndexSerializer(serializers.Serializer[dict[str, Any]]):
    component_weights = serializers.DictField(
        child=serializers.FloatField(), help_text="likelihood, impact, perception as set."
    )
    harm_weights = HarmWeightSerializer(many=True)
    min_count_shown = serializers.IntegerField(help_text="Smaller counts (above 0) are null.")
    districts = RiskAreaSerializer(many=True)
    neighbourhoods = RiskAreaSerializer(many=True)
    meta = RiskMetaSerializer()


class RiskCellPropertiesSerializer(RiskFiguresSerializer):
    cell = serializers.CharField(help_text="`column:row` of the cell in the grid.")
    x = serializers.FloatField(help_text="The whole cell's centre, EPSG:2100 metres.")
    y = serializers.FloatField(help_text="The whole cell's centre, EPSG:2100 metres.")
    band = serializers.ChoiceField(
        choices=["q1", "q2", "q3", "q4", "q5", "none"],
        help_text="q1 (index below 20) … q5 (80 or more); none without an index.",
    )


class RiskCellFeatureSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField()
    geometry = serializers.DictField(help_text="The clipped cell, a GeoJSON MultiPolygon, WGS 84.")
    properties = RiskCellPropertiesSerializer()


class RiskCellLayerSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField()
    features = RiskCellFeatureSerializer(many=True)
    meta = RiskMetaSerializer()
