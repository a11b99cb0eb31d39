"""Forms of the staff's pages of interventions. The services validate again; their errors are
put on these forms. The geometry is GeoJSON text, read only by curim.core.geometry."""

import json
import re
import uuid
from typing import Any, cast

from django import forms
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curim.areas.selectors import areas_public
from curim.core.date_inputs import DateInput
from curim.core.geometry import GEOMETRY_TEXT_MAX, GeometryError, geometry_from_text
from curim.reports.models import Category, Report
from interventions.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    ParticipantGroup,
    PhotoMoment,
    Session,
)
from interventions.models.sessions import PROPOSAL_MAX, SCHOOL_YEAR_MAX
from interventions.services.sessions import Attendance
from surveys.models import Indicator, Survey

REPORTS_MAX = 200
# A report is named by its public id, or by the first eight characters of it (as the admin and
# the e-mails show it).
_REPORT_ID = re.compile(r"^[0-9a-f]{8}(?:-?[0-9a-f]{4}){3}-?[0-9a-f]{12}$|^[0-9a-f]{8}$")


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return cast(forms.ModelChoiceField, form.fields[name])  # type: ignore[type-arg]


class ModelFormShowingAll(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose model's errors on fields it does not show are shown at the top."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            shown: dict[str, Any] = {}
            for name, texts in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                shown.setdefault(key, []).extend(texts)
            errors = ValidationError(shown)
        super()._update_errors(errors)  # type: ignore[misc]


class GeometryField(forms.CharField):
    """A point, line or polygon as GeoJSON text (the map writes it; it may be typed)."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "curim-geojson"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=GEOMETRY_TEXT_MAX, **kwargs)

    def clean(self, value: Any) -> GEOSGeometry | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return geometry_from_text(text)
        except GeometryError as exc:
            raise ValidationError(str(exc), code="invalid_geom") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, GEOSGeometry):
            coordinates = _lists(getattr(value, "coords", None))
            return json.dumps({"type": value.geom_type, "coordinates": coordinates})
        return value


def _lists(coords: Any) -> Any:
    return [_lists(c) for c in coords] if isinstance(coords, tuple | list) else coords


class InterventionForm(ModelFormShowingAll):
    geometry = GeometryField(
        label=_("Where: a point, a line or an area (GeoJSON)"),
        required=False,
        help_text=_(
            "Draw it on the map with the tools at its top left, or type GeoJSON in longitude "
            "and latitude. Required for a spatial intervention."
        ),
    )
    reports_given = forms.CharField(
        label=_("Reports that motivated it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        max_length=REPORTS_MAX * 40,
        help_text=_("Their public ids (or the first eight characters of one), one per line."),
    )

    class Meta:
        model = Intervention
        fields = [
            "title_en",
            "title_el",
            "description_en",
            "description_el",
            "kind",
            "starts_on",
            "ends_on",
            "budget",
            "funder",
            "organisation",
            "target_group",
            "target_description",
            "categories",
            "indicator",
            "area",
            "geometry",
            "public",
            "evidence_en",
            "evidence_el",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_el": forms.Textarea(attrs={"rows": 4}),
            "evidence_en": forms.Textarea(attrs={"rows": 3}),
            "evidence_el": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = _choice(self, "categories")
        categories.queryset = Category.objects.filter(is_active=True).order_by("group", "pk")
        indicator = _choice(self, "indicator")
        indicator.queryset = Indicator.objects.all()
        area = _choice(self, "area")
        area.queryset = areas_public()
        if self.instance.pk and not self.is_bound:
            self.initial["reports_given"] = "\n".join(
                str(public_id)
                for public_id in self.instance.reports.values_list("public_id", flat=True)
            )

    def clean_reports_given(self) -> list[int]:
        text = self.cleaned_data.get("reports_given") or ""
        names = [line.strip().lower() for line in text.splitlines() if line.strip()]
        if len(names) > REPORTS_MAX:
            raise ValidationError(gettext("Name at most %(max)d reports.") % {"max": REPORTS_MAX})
        found: list[int] = []
        unknown: list[str] = []
        for name in dict.fromkeys(names):
            if not _REPORT_ID.match(name):
                unknown.append(name[:40])
                continue
            if len(name) == 8:
                matches = list(
                    Report.objects.filter(public_id__startswith=name).values_list("pk", flat=True)[
                        :2
                    ]
                )
            else:
                matches = list(
                    Report.objects.filter(public_id=uuid.UUID(name)).values_list("pk", flat=True)
                )
            if len(matches) != 1:
                unknown.append(name[:40])
            else:
                found.append(matches[0])
        if unknown:
            raise ValidationError(
                gettext("No single report has this id: %(ids)s") % {"ids": ", ".join(unknown)}
            )
        return found


class InterventionFilterForm(forms.Form):
    mark_optional = False
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *InterventionStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *InterventionKind.choices]
    )
    area = forms.ModelChoiceField(
        label=_("District or neighbourhood"),
        required=False,
        queryset=areas_public(),
        empty_label=_("Anywhere"),
    )


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=InterventionStatus.choices)


class PhotosForm(forms.Form):
    moment = forms.ChoiceField(
        label=_("Taken"), choices=PhotoMoment.choices, widget=forms.RadioSelect
    )
    photos = forms.FileField(
        label=_("Photos"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP. Their metadata (where and when, the camera) is removed."),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)


STUDENT_YEARS = range(1, SCHOOL_YEAR_MAX + 1)
OTHER_GROUPS = [group for group in ParticipantGroup if group != ParticipantGroup.STUDENTS]


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class SessionForm(ModelFormShowingAll):
    """A session, with how many took part from each group (students by school year: only
    counts, nothing about a person) and, for an advisory meeting, the proposals heard."""

    mark_optional = False
    proposals = forms.CharField(
        label=_("Proposals heard (one per line)"),
        required=False,
        max_length=PROPOSAL_MAX * 20,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added to the proposals already recorded."),
    )

    class Meta:
        model = Session
        fields = [
            "held_on",
            "place_kind",
            "place_name",
            "area",
            "facilitator",
            "notes",
            "survey_before",
            "survey_after",
        ]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, advisory: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = _choice(self, "area")
        area.queryset = areas_public()
        for name in ("survey_before", "survey_after"):
            survey = _choice(self, name)
            survey.queryset = Survey.objects.all()
        if not advisory:
            del self.fields["proposals"]
        counts: dict[tuple[str, int | None], int] = {}
        if self.instance.pk:
            counts = {
                (row.group, row.school_year): row.count for row in self.instance.participants.all()
            }
        for year in STUDENT_YEARS:
            name = f"students_{year}"
            self.fields[name] = _count_field(
                gettext("Students, school year %(year)d") % {"year": year}
            )
            self.initial.setdefault(name, counts.get((ParticipantGroup.STUDENTS, year)))
        self.fields["students"] = _count_field(_("Students, school year not known"))
        self.initial.setdefault("students", counts.get((ParticipantGroup.STUDENTS, None)))
        for group in OTHER_GROUPS:
            self.fields[f"group_{group.value}"] = _count_field(group.label)
            self.initial.setdefault(f"group_{group.value}", counts.get((group.value, None)))

    def count_names(self) -> list[str]:
        return [
            *(f"students_{year}" for year in STUDENT_YEARS),
            "students",
            *(f"group_{group.value}" for group in OTHER_GROUPS),
        ]

    def attendance(self) -> list[Attendance]:
        data = self.cleaned_data
        rows = [
            Attendance(ParticipantGroup.STUDENTS, data[f"students_{year}"] or 0, year)
            for year in STUDENT_YEARS
        ]
        rows.append(Attendance(ParticipantGroup.STUDENTS, data["students"] or 0))
        rows += [Attendance(group, data[f"group_{group.value}"] or 0) for group in OTHER_GROUPS]
        return [row for row in rows if row.count]

    def proposal_texts(self) -> list[str]:
        text = self.cleaned_data.get("proposals") or ""
        texts = [line.strip() for line in text.splitlines() if line.strip()]
        if any(len(line) > PROPOSAL_MAX for line in texts):
            raise ValidationError(
                {
                    "proposals": gettext("A proposal is at most %(max)d characters.")
                    % {"max": PROPOSAL_MAX}
                }
            )
        return texts
