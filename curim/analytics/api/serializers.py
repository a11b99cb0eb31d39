"""The shapes of the analytics API's answers, for its OpenAPI description."""

from typing import Any

from rest_framework import serializers

from curim.analytics.emerging import CATEGORY_CODES
from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.selectors.runs import public_parameters, public_summary


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
    parameters = serializers.SerializerMethodField(
        help_text="Everything needed to reproduce the run (a public run's data watermark "
        "without the time of the latest change)."
    )
    data_from = serializers.DateTimeField()
    data_up_to = serializers.DateTimeField(help_text="Exclusive.")
    computed_at = serializers.DateTimeField()
    summary = serializers.SerializerMethodField(
        help_text="The run's figures that are not per cell. A public run's keeps its single "
        "values and its lists of slices, weeks and bands only: its figures per area or series "
        "are in the kind's own endpoint, small counts withheld."
    )

    def get_parameters(self, run: AnalysisRun) -> dict[str, Any]:
        return public_parameters(run) if run.audience == RunAudience.PUBLIC else run.parameters

    def get_summary(self, run: AnalysisRun) -> dict[str, Any]:
        return public_summary(run) if run.audience == RunAudience.PUBLIC else run.summary

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


# --- Cyber trends, forecasts, near repeat (curim/analytics/selectors/run_tables.py) ----------


class RunMetaSerializer(serializers.Serializer[Any]):
    """The run a table was read from: what it counted, from which data, when, its seed."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=RunKind.choices)
    audience = serializers.ChoiceField(choices=RunAudience.choices)
    sources = serializers.ChoiceField(choices=Sources.choices)
    parameters = serializers.SerializerMethodField(
        help_text="Everything needed to reproduce the run (a public run's data watermark "
        "without the time of the latest change)."
    )
    seed = serializers.IntegerField(allow_null=True)
    data_from = serializers.DateTimeField()
    data_up_to = serializers.DateTimeField(help_text="Exclusive.")
    computed_at = serializers.DateTimeField()

    def get_parameters(self, run: AnalysisRun) -> dict[str, Any]:
        return public_parameters(run) if run.audience == RunAudience.PUBLIC else run.parameters


class CyberWeekSerializer(serializers.Serializer[dict[str, Any]]):
    week = serializers.DateField(help_text="The Monday the week starts on (Athens).")
    count = serializers.IntegerField(
        allow_null=True, help_text="Reports in the week; null where withheld from the public."
    )


class CyberAlertSerializer(serializers.Serializer[dict[str, Any]]):
    week = serializers.DateField()
    count = serializers.IntegerField()
    p = serializers.FloatField(
        allow_null=True,
        help_text="P(a count at least this high) under the baseline; null where withheld.",
    )
    baseline_mean = serializers.FloatField(
        allow_null=True, help_text="Mean of the baseline weeks; null where withheld."
    )
    distribution = serializers.ChoiceField(choices=["poisson", "negative-binomial", "none"])


class CyberTrendSerializer(serializers.Serializer[dict[str, Any]]):
    direction = serializers.ChoiceField(choices=["up", "down", "flat", "insufficient"])
    recent_total = serializers.IntegerField(allow_null=True)
    previous_total = serializers.IntegerField(allow_null=True)
    rate_ratio = serializers.FloatField(allow_null=True)
    p = serializers.FloatField(allow_null=True)


class CyberSeriesSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(help_text="The category's code.")
    channel = serializers.CharField(help_text='The channel\'s code; "" when not given.')
    total = serializers.IntegerField(
        allow_null=True, help_text="Null where a week is withheld (it would give the week back)."
    )
    weeks = CyberWeekSerializer(many=True)
    alerts = CyberAlertSerializer(many=True)
    trend = CyberTrendSerializer()


class CyberTrendsSerializer(serializers.Serializer[dict[str, Any]]):
    weeks = serializers.ListField(child=serializers.DateField())
    baseline_weeks = serializers.IntegerField()
    alert_alpha = serializers.FloatField()
    alert_min_count = serializers.IntegerField()
    trend_weeks = serializers.IntegerField()
    trend_alpha = serializers.FloatField()
    min_series_total = serializers.IntegerField(
        help_text="Series with fewer reports in the shown weeks are left out (public: 3)."
    )
    min_count_shown = serializers.IntegerField(
        help_text="Smaller counts above 0 are withheld (null); 0: none withheld."
    )
    suppressed_series = serializers.IntegerField()
    series = CyberSeriesSerializer(many=True)
    run = RunMetaSerializer()


class ForecastValuesSerializer(serializers.Serializer[dict[str, Any]]):
    week_starts = serializers.ListField(child=serializers.DateField())
    mean = serializers.ListField(child=serializers.FloatField())
    lower_80 = serializers.ListField(child=serializers.FloatField())
    upper_80 = serializers.ListField(child=serializers.FloatField())
    lower_95 = serializers.ListField(child=serializers.FloatField())
    upper_95 = serializers.ListField(child=serializers.FloatField())


class ModelBacktestSerializer(serializers.Serializer[dict[str, Any]]):
    model = serializers.CharField()
    metrics = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="mase, relative_mase (MASE over seasonal naive's), mae, coverage_80, "
        "coverage_95, mase_h1 … mase_hH, n_origins.",
    )


class ForecastSeriesSerializer(serializers.Serializer[dict[str, Any]]):
    district = serializers.CharField(
        help_text='A district\'s code, or "other districts" / "whole municipality" (pooled).'
    )
    group = serializers.CharField()
    pooled_districts = serializers.ListField(child=serializers.CharField())
    total = serializers.IntegerField(allow_null=True, help_text="Null where withheld.")
    mean_weekly = serializers.FloatField(allow_null=True, help_text="Null where withheld.")
    not_forecast = serializers.CharField(allow_null=True)
    chosen_model = serializers.CharField(allow_null=True)
    models_dropped = serializers.ListField(child=serializers.CharField())
    seasonal_period = serializers.IntegerField(allow_null=True)
    nb_dispersion = serializers.FloatField(allow_null=True)
    forecast = ForecastValuesSerializer(allow_null=True)
    backtest = ModelBacktestSerializer(many=True)


class PooledSerializer(serializers.Serializer[dict[str, Any]]):
    # "label" is a Field attribute: declared below.
    group = serializers.CharField()
    districts = serializers.ListField(child=serializers.CharField())


PooledSerializer._declared_fields["label"] = serializers.CharField(
    help_text='"other districts" or "whole municipality": the series the districts were pooled '
    "into."
)


class ProspectiveRowSerializer(serializers.Serializer[dict[str, Any]]):
    method = serializers.ChoiceField(choices=["prospective", "last_period", "retrospective_kde"])
    area_share = serializers.FloatField()
    periods = serializers.IntegerField()
    periods_without_events = serializers.IntegerField()
    hit_rate = serializers.FloatField(allow_null=True)
    pai = serializers.FloatField(allow_null=True)
    pei_star = serializers.FloatField(allow_null=True)


class ProspectiveBacktestSerializer(serializers.Serializer[dict[str, Any]]):
    rows = ProspectiveRowSerializer(many=True)
    events = serializers.IntegerField()
    end_day = serializers.FloatField()
    coming_week = serializers.DictField(
        help_text="week_start, and cells: per method and area share, the cells chosen."
    )


class ForecastsSerializer(serializers.Serializer[dict[str, Any]]):
    history_weeks = serializers.IntegerField()
    horizon_weeks = serializers.IntegerField()
    levels = serializers.ListField(child=serializers.FloatField())
    min_mean_weekly = serializers.FloatField()
    series = ForecastSeriesSerializer(many=True)
    pooled = PooledSerializer(many=True)
    prospective_backtest = ProspectiveBacktestSerializer(
        allow_null=True, help_text="The council's only: null for the public."
    )
    run = RunMetaSerializer()


class ClusterSerializer(serializers.Serializer[dict[str, Any]]):
    space_m = serializers.FloatField()
    time_days = serializers.FloatField()
    ratio = serializers.FloatField()
    observed = serializers.IntegerField()
    expected = serializers.FloatField()


class NearRepeatSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=["computed", "too few events"])
    group = serializers.CharField()
    n_events = serializers.IntegerField(help_text="Events of the group in the period.")
    n_events_analysed = serializers.IntegerField(
        help_text="Events tested: all of them, or a seeded uniform sample of max_events."
    )
    min_events = serializers.IntegerField()
    seed = serializers.IntegerField(allow_null=True)
    n_permutations = serializers.IntegerField()
    closed = serializers.ChoiceField(choices=["left", "right"])
    space_edges_m = serializers.ListField(child=serializers.FloatField())
    time_edges_days = serializers.ListField(child=serializers.FloatField())
    space_bands = serializers.ListField(
        child=serializers.CharField(), help_text="Rows: the intervals counted, e.g. [0, 100) m."
    )
    time_bands = serializers.ListField(child=serializers.CharField(), help_text="Columns.")
    observed = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))
    expected = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    ratio = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True))
    )
    p = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    n_close_pairs = serializers.IntegerField(allow_null=True)
    alpha = serializers.FloatField()
    cluster = ClusterSerializer(allow_null=True)
    run = RunMetaSerializer()
