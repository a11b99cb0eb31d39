"""Pages of the interventions: evaluations.

- `/interventions/manage/<reference>/evaluate/` (analysts and admins; a 404 to others): the
  windows, sources, categories, comparison areas (none ticked: the platform suggests them) and,
  for a spatial intervention, the buffer; a valid request queues the evaluation and goes to it.
- `/interventions/<reference>/evaluations/<version>/`: the result; the latest finished version
  for whoever may read the intervention, every version (earlier finished ones, queued and
  unanswered ones) only for those who read every intervention (`evaluation_readable`), with
  the EMMIE form for analysts; the public's counts withhold small ones.
- `/interventions/<reference>/evaluations/<version>/inputs.csv`: the data the version was
  computed from, for those who read every intervention's full figures; a 404 to others.
- `/interventions/manage/<reference>/evaluations/<version>/emmie/` (POST, analysts and admins):
  the EMMIE texts.
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import interventions.converters  # noqa: F401  (registers <intervention_ref:…>)
from curim.accounts.models import User
from curim.analytics.models import Sources
from curim.areas.models import Area
from curim.core.date_inputs import DateInput
from curim.reports.models import Category
from interventions.evaluation_data import (
    SUGGESTED_AREAS,
    comparison_candidates,
    evaluation_readable,
)
from interventions.evaluation_inputs import inputs_csv, inputs_filename
from interventions.evaluation_reading import (
    WDQ_MEANING,
    counts_rows,
    displacement_shown,
    reading,
    result_as_read,
)
from interventions.models import Evaluation, Intervention
from interventions.models.evaluations import EMMIE_HEADINGS, EMMIE_MAX
from interventions.selectors import (
    evaluation_hidden_from,
    evaluation_inputs_get,
    intervention_get,
    survey_readable,
    user_evaluates,
    user_reads_all,
)
from interventions.services.evaluations import (
    BUFFER_M_MAX,
    BUFFER_M_MIN,
    COMPARISON_MAX,
    DEFAULT_BUFFER_M,
    DEFAULT_RING_M,
    PERIODS_MAX,
    PERIODS_MIN,
    RING_M_MAX,
    RING_M_MIN,
    SUGGEST_MIN,
    evaluation_emmie_save,
    evaluation_request,
    window_default,
)

EVALUATE_TEMPLATE = "interventions/evaluate.html"
RESULT_TEMPLATE = "interventions/evaluation.html"
# The service's names for the form's fields.
SERVICE_FIELDS = {"category_ids": "categories"}


class NamedChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class EvaluationForm(forms.Form):
    before_start = forms.DateField(
        label=gettext_lazy("Window before: first day"), widget=DateInput()
    )
    before_end = forms.DateField(label=gettext_lazy("Window before: last day"), widget=DateInput())
    after_start = forms.DateField(label=gettext_lazy("Window after: first day"), widget=DateInput())
    after_end = forms.DateField(
        label=gettext_lazy("Window after: last day"),
        widget=DateInput(),
        help_text=gettext_lazy("The two windows have the same number of days."),
    )
    periods = forms.IntegerField(
        label=gettext_lazy("Periods in each window"),
        min_value=PERIODS_MIN,
        max_value=PERIODS_MAX,
        initial=6,
        help_text=gettext_lazy(
            "Each window is cut into this many periods of whole days, as equal as the days "
            "allow (6: about months)."
        ),
    )
    sources = forms.ChoiceField(
        label=gettext_lazy("What to count"),
        choices=Sources.choices,
        initial=Sources.REPORTS,
        widget=forms.RadioSelect,
    )
    categories = NamedChoices(
        queryset=Category.objects.none(),
        label=gettext_lazy("Report categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "None ticked: every category. The public sees the figures only when every category "
            "counted may be public and only citizen reports are counted."
        ),
    )
    comparison_areas = NamedChoices(
        queryset=Area.objects.none(),
        label=gettext_lazy("Comparison areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "None ticked: the platform suggests the areas whose counts before were closest to "
            "this area's (as many as below), and says so on the result."
        ),
    )
    suggest_k = forms.IntegerField(
        label=gettext_lazy("How many areas to suggest"),
        min_value=SUGGEST_MIN,
        max_value=COMPARISON_MAX,
        initial=SUGGESTED_AREAS,
        # xgettext:no-python-format
        help_text=gettext_lazy(
            "With one intervention area and n comparison areas, the smallest p-value the "
            "permutation test can give is 1/(n + 1): below 20 areas, no change can be shown "
            "at 95%."
        ),
    )
    buffer_m = forms.IntegerField(
        label=gettext_lazy("Treated zone around a point or line (metres)"),
        min_value=BUFFER_M_MIN,
        max_value=BUFFER_M_MAX,
        initial=DEFAULT_BUFFER_M,
    )
    ring_m = forms.IntegerField(
        label=gettext_lazy("Displacement ring beyond the treated zone (metres)"),
        min_value=RING_M_MIN,
        max_value=RING_M_MAX,
        initial=DEFAULT_RING_M,
        help_text=gettext_lazy(
            "Where the problem could move to: 300 makes a ring from 100 to 400 metres around "
            "a point."
        ),
    )

    def __init__(self, *args: Any, intervention: Intervention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = cast(NamedChoices, self.fields["categories"])
        categories.queryset = Category.objects.filter(is_active=True).order_by("group", "position")
        areas = cast(NamedChoices, self.fields["comparison_areas"])
        areas.queryset = Area.objects.filter(
            pk__in=[area.pk for area in comparison_candidates(intervention)]
        ).defer("geometry")
        if not intervention.is_spatial:
            del self.fields["buffer_m"]
            del self.fields["ring_m"]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _for_evaluating(request: HttpRequest, reference: str) -> Intervention:
    if not user_evaluates(request.user):
        raise Http404
    return intervention_get(user=request.user, reference=reference)


def _initial(intervention: Intervention) -> dict[str, Any]:
    return {
        **window_default(intervention),
        "categories": list(intervention.categories.all()),
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluate(request: HttpRequest, reference: str) -> HttpResponse:
    intervention = _for_evaluating(request, reference)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None,
        intervention=intervention,
        initial=_initial(intervention),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parameters = {
            "before_start": data["before_start"],
            "before_end": data["before_end"],
            "after_start": data["after_start"],
            "after_end": data["after_end"],
            "periods": data["periods"],
            "sources": data["sources"],
            "category_ids": [category.pk for category in data["categories"]],
            "buffer_m": data.get("buffer_m", DEFAULT_BUFFER_M),
            "ring_m": data.get("ring_m", DEFAULT_RING_M),
            "suggest_k": data["suggest_k"],
        }
        try:
            evaluation = evaluation_request(
                intervention=intervention,
                by=_user(request),
                parameters=parameters,
                comparison_area_ids=[area.pk for area in data["comparison_areas"]],
            )
        except ValidationError as exc:
            for field, found in exc.message_dict.items():
                name = SERVICE_FIELDS.get(field, field)
                form.add_error(name if name in form.fields else None, found)
        else:
            messages.success(
                request,
                _("Evaluation %(version)d is queued; this page shows it when it is computed.")
                % {"version": evaluation.version},
            )
            return redirect(
                "interventions:evaluation", reference=reference, version=evaluation.version
            )
    return render(
        request,
        EVALUATE_TEMPLATE,
        {"intervention": intervention, "form": form, "evaluations": _list(intervention)},
        status=400 if form.errors else 200,
    )


def _list(intervention: Intervention) -> QuerySet[Evaluation]:
    return intervention.evaluations.defer("inputs").order_by("-version")


EMMIE_LABELS = {
    "effect": gettext_lazy("Effect: did it work, by how much?"),
    "mechanism": gettext_lazy("Mechanism: how is it thought to have worked?"),
    "moderators": gettext_lazy("Moderators: where, when and for whom does it work?"),
    "implementation": gettext_lazy("Implementation: what did it take?"),
    "economics": gettext_lazy("Economics: what did it cost, and save?"),
}


def _windows(result: dict[str, Any]) -> dict[str, date]:
    windows = result.get("windows") or {}
    try:
        return {
            f"{name}_{end}": date.fromisoformat(windows[name][end])
            for name in ("before", "after")
            for end in ("start", "end")
        }
    except (KeyError, TypeError, ValueError):
        return {}


def _bilingual(row: dict[str, Any]) -> str:
    greek = (get_language() or "en").startswith("el")
    first, second = ("name_el", "name_en") if greek else ("name_en", "name_el")
    return str(row.get(first) or row.get(second) or row.get("code", ""))


class EmmieForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for heading in EMMIE_HEADINGS:
            self.fields[heading] = forms.CharField(
                label=EMMIE_LABELS[heading],
                required=False,
                max_length=EMMIE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )


def _result_page(
    request: HttpRequest,
    intervention: Intervention,
    evaluation: Evaluation,
    emmie: EmmieForm | None = None,
) -> HttpResponse:
    reads_all = user_reads_all(request.user)
    evaluates = user_evaluates(request.user)
    if evaluates and emmie is None:
        emmie = EmmieForm(
            initial={heading: getattr(evaluation, f"emmie_{heading}") for heading in EMMIE_HEADINGS}
        )
    # The public reads the figures counted from public data (`result_as_read`), and no count of
    # a result that counts what it never sees.
    result = result_as_read(evaluation.result or {}, reads_all=reads_all)
    hidden = evaluation_hidden_from(result, reads_all=reads_all)
    displacement = None if hidden else displacement_shown(result, reads_all=reads_all)
    context = {
        "intervention": intervention,
        "evaluation": evaluation,
        "reading": reading(evaluation, reads_all=reads_all, hidden=hidden),
        "counts": [] if hidden else counts_rows(result, reads_all=reads_all),
        "displacement": displacement,
        "wdq_meaning": WDQ_MEANING.get(displacement["wdq"]["interpretation"], "")
        if displacement
        else "",
        "windows": _windows(result),
        "indicators": [
            {**row, "name": _bilingual(row)}
            for row in result.get("survey", {}).get("indicators", [])
        ]
        if survey_readable(request.user, result)
        else [],
        "reads_all": reads_all,
        "emmie_form": emmie if evaluates else None,
        "emmie_rows": [
            (EMMIE_LABELS[heading], getattr(evaluation, f"emmie_{heading}"))
            for heading in EMMIE_HEADINGS
        ],
    }
    status = 400 if emmie is not None and emmie.errors else 200
    return render(request, RESULT_TEMPLATE, context, status=status)


@require_http_methods(["GET", "HEAD"])
def evaluation_page(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    intervention = intervention_get(user=request.user, reference=reference)
    evaluation = evaluation_readable(user=request.user, intervention=intervention, version=version)
    return _result_page(request, intervention, evaluation)


@never_cache
@require_safe
def evaluation_inputs(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    """The stored input data as CSV; no log-in redirect: whoever may not read it gets a 404."""
    evaluation = evaluation_inputs_get(user=request.user, reference=reference, version=version)
    response = HttpResponse(inputs_csv(evaluation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{inputs_filename(evaluation)}"'
    return response


@never_cache
@login_required
@require_POST
def evaluation_emmie(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    intervention = _for_evaluating(request, reference)
    evaluation = evaluation_readable(user=request.user, intervention=intervention, version=version)
    form = EmmieForm(request.POST)
    if form.is_valid():
        try:
            evaluation_emmie_save(evaluation=evaluation, by=_user(request), texts=form.cleaned_data)
        except ValidationError as exc:
            for field, found in exc.message_dict.items():
                name = field.removeprefix("emmie_")
                form.add_error(name if name in form.fields else None, found)
        else:
            messages.success(request, _("The EMMIE notes are saved."))
            return redirect("interventions:evaluation", reference=reference, version=version)
    return _result_page(request, intervention, evaluation, emmie=form)


urlpatterns = [
    path("interventions/manage/<intervention_ref:reference>/evaluate/", evaluate, name="evaluate"),
    path(
        "interventions/manage/<intervention_ref:reference>/evaluations/<int:version>/emmie/",
        evaluation_emmie,
        name="evaluation_emmie",
    ),
    path(
        "interventions/<intervention_ref:reference>/evaluations/<int:version>/",
        evaluation_page,
        name="evaluation",
    ),
    path(
        "interventions/<intervention_ref:reference>/evaluations/<int:version>/inputs.csv",
        evaluation_inputs,
        name="evaluation_inputs",
    ),
]
