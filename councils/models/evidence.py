"""What an agenda item or a recommendation rests on: the evidence links they share.

A link may name a filter of the risk map (its query parameters, kept as JSON and checked here),
an area, a survey wave and one of its indicators, and the Victim Support Unit's anonymised
statistics for a year. Pages turn them into links to the map, the dashboards and the figures.
"""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models.constraints import FieldCheckConstraint
from curim.areas.models import Area
from curim.areas.selectors import areas_public
from curim.core.geometry import GeometryError, bbox_from_text
from curim.reports.models import CategoryGroup
from curim.reports.selectors import ReportFilter, categories_for_moderators

# The risk map's and the list's query parameters (curim/reports/api/common.py), by name.
REPORT_FILTER_KEYS = ("group", "category", "area", "since", "until", "bbox")
REPORT_FILTER_VALUE_MAX = 500
_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
# The first year the unit's statistics can be asked for, and a bound far enough ahead.
STATISTICS_YEAR_MIN = 2000
STATISTICS_YEAR_MAX = 2100


def _codes(text: str) -> list[str]:
    return [code for code in text.split(",") if code]


def report_filter_validate(value: Any) -> None:
    """The filter is the map's: known parameters, each a text in the form the map sends it."""
    if not isinstance(value, dict):
        raise ValidationError(
            _("Give the report filter as the map's filters: names and their values."),
            code="report_filter",
        )
    unknown = sorted(str(key) for key in value if key not in REPORT_FILTER_KEYS)
    if unknown:
        raise ValidationError(
            _("%(names)s: not a filter of the map (group, category, area, since, until, bbox).")
            % {"names": ", ".join(name[:40] for name in unknown)},
            code="report_filter",
        )
    problems: list[ValidationError] = []
    for key in REPORT_FILTER_KEYS:
        text = value.get(key)
        if text is None:
            continue
        if not isinstance(text, str) or "\x00" in text or len(text) > REPORT_FILTER_VALUE_MAX:
            problems.append(
                ValidationError(
                    _("The filter %(name)s must be a text of at most %(max)d characters.")
                    % {"name": key, "max": REPORT_FILTER_VALUE_MAX},
                    code="report_filter",
                )
            )
            continue
        problem = _value_problem(key, text)
        if problem:
            problems.append(ValidationError(problem, code="report_filter"))
    since, until = value.get("since"), value.get("until")
    if not problems and since and until and since > until:
        problems.append(ValidationError(_("The filter's period ends before it starts.")))
    if problems:
        raise ValidationError(problems)


def _value_problem(key: str, text: str) -> str:
    if key == "group":
        wrong = [code for code in _codes(text) if code not in CategoryGroup.values]
        if wrong:
            return str(_("%(codes)s: not a group of reports.") % {"codes": ", ".join(wrong)[:100]})
    elif key in ("category", "area"):
        codes = _codes(text)
        if key == "area" and len(codes) > 1:
            return str(_("The filter names one area."))
        if not all(_CODE.match(code) for code in codes):
            return str(_("The filter %(name)s holds codes, separated by commas.") % {"name": key})
    elif key in ("since", "until"):
        try:
            date.fromisoformat(text)
        except ValueError:
            return str(_("The filter %(name)s is a date, YYYY-MM-DD.") % {"name": key})
    elif key == "bbox":
        try:
            bbox_from_text(text)
        except GeometryError as error:
            return str(error)
    return ""


def report_filter_unknown_codes(value: dict[str, str]) -> list[str]:
    """Codes of categories and areas the filter names that do not exist (a database read, so
    it belongs to `clean()`, not to the validator)."""
    unknown: list[str] = []
    categories = _codes(value.get("category", ""))
    if categories:
        known = set(
            categories_for_moderators().filter(slug__in=categories).values_list("slug", flat=True)
        )
        unknown += [code for code in categories if code not in known]
    area = value.get("area")
    if area and not areas_public().filter(code=area).exists():
        unknown.append(area)
    return unknown


def report_filter_of(value: dict[str, str]) -> ReportFilter:
    """The stored filter as the reports' selectors take it (the value has been validated)."""
    return ReportFilter(
        bbox=bbox_from_text(value["bbox"]) if value.get("bbox") else None,
        categories=tuple(_codes(value.get("category", ""))),
        groups=tuple(_codes(value.get("group", ""))),
        since=date.fromisoformat(value["since"]) if value.get("since") else None,
        until=date.fromisoformat(value["until"]) if value.get("until") else None,
        area=value.get("area") or None,
    )


class EvidenceLinks(models.Model):
    """The evidence fields of an agenda item or a recommendation (all optional)."""

    evidence_report_filter = models.JSONField(
        _("citizen reports (map filter)"),
        default=dict,
        blank=True,
        validators=[report_filter_validate],
        help_text=_(
            'The risk map\'s filters, e.g. {"group": "crime", "area": "piraeus-2", '
            '"since": "2023-01-01"}.'
        ),
    )
    evidence_area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence_survey = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("survey wave"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence_indicator = models.ForeignKey(
        "surveys.Indicator",
        verbose_name=_("survey indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence_statistics_year = models.PositiveSmallIntegerField(
        _("Victim Support Unit statistics of the year"), null=True, blank=True
    )

    class Meta:
        abstract = True
        constraints = [
            FieldCheckConstraint(
                field="evidence_survey",
                condition=models.Q(evidence_indicator__isnull=True)
                | models.Q(evidence_survey__isnull=False),
                name="%(app_label)s_%(class)s_indicator_with_wave",
                violation_error_message=_("An indicator is read in a wave: choose the wave too."),
            ),
            FieldCheckConstraint(
                field="evidence_statistics_year",
                condition=models.Q(evidence_statistics_year__isnull=True)
                | models.Q(
                    evidence_statistics_year__gte=STATISTICS_YEAR_MIN,
                    evidence_statistics_year__lte=STATISTICS_YEAR_MAX,
                ),
                name="%(app_label)s_%(class)s_statistics_year_range",
                violation_error_message=_("Give a year from 2000 on."),
            ),
        ]

    def evidence_clean(self) -> dict[str, str]:
        """Errors of the links that need the database, by field (for the model's `clean()`)."""
        errors: dict[str, str] = {}
        if isinstance(self.evidence_report_filter, dict):
            unknown = report_filter_unknown_codes(self.evidence_report_filter)
            if unknown:
                errors["evidence_report_filter"] = str(
                    _("No category or area has the code %(codes)s.")
                    % {"codes": ", ".join(code[:40] for code in unknown)}
                )
        year = self.evidence_statistics_year
        if year is not None and year > timezone.localdate().year:
            errors["evidence_statistics_year"] = str(_("That year has not begun yet."))
        return errors

    def has_evidence(self) -> bool:
        return bool(
            self.evidence_report_filter
            or self.evidence_area_id
            or self.evidence_survey_id
            or self.evidence_statistics_year
        )
