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


# --- Cyber trends, forecasts, near repeat (curim/analytics/selectors/run_tables.py) ----------


class RunMetaSerializer(serializers.Serializer[Any]):
    """The run a table was read from: what it counted, from which data, when, its seed."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=RunKind.choices)
    audience = serializers.ChoiceField(choices=RunAudience.choices)
    sources = serializers.ChoiceField(choices=Sources.choices)
    parameters = serializers.DictField(help_text="Everything needed to reproduce the run.")
    seed = serializers.IntegerField(allow_null=True)
    data_from = serializers.DateTimeField()
    data_up_to = serializers.DateTimeField(help_text="Exclusive.")
    computed_at = serializers.DateTimeField()


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
    total = serializers.IntegerField()
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
    n_events = serializers.IntegerField()
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
