"""The council's strategy in the admin: a strategy with its priorities, and each objective with
its measures (which link recommendations of the same council)."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from councils.models import Measure, Objective, Priority, Strategy
from councils.services.strategy import (
    measure_interventions_set,
    measure_recommendations_set,
    strategy_part_delete,
    strategy_part_save,
)
from curim.core.admin_forms import RefusalsOnTheForm


def _save_parts(formset: Any) -> None:
    formset.save(commit=False)  # what changed, for the admin's log; saved below
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        if not data:
            continue
        part = form.instance
        if data.get("DELETE"):
            if part.pk:
                strategy_part_delete(part=part)
            continue
        if form.has_changed() or part.pk is None:
            strategy_part_save(part=part)
        if "recommendations" in data:
            measure_recommendations_set(measure=part, recommendations=data["recommendations"])
        if "interventions" in data:
            measure_interventions_set(measure=part, interventions=data["interventions"])


class PriorityInline(admin.StackedInline[Priority, Strategy]):
    model = Priority
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(RefusalsOnTheForm, admin.ModelAdmin[Strategy]):
    list_display = ["title_en", "title_el", "council", "starts_year", "ends_year", "published"]
    list_filter = ["council", "published"]
    inlines = [PriorityInline]

    def save_model(
        self, request: HttpRequest, obj: Strategy, form: ModelForm[Strategy], change: bool
    ) -> None:
        strategy_part_save(part=obj)

    def delete_model(self, request: HttpRequest, obj: Strategy) -> None:
        strategy_part_delete(part=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_parts(formset)


class MeasureFormSet(BaseInlineFormSet[Measure, Objective, ModelForm[Measure]]):
    def clean(self) -> None:
        super().clean()
        if self.instance.priority_id is None:
            return
        council_id = self.instance.priority.strategy.council_id
        for form in self.forms:
            chosen = form.cleaned_data.get("recommendations") or []
            foreign = [r.reference for r in chosen if r.council_id != council_id]
            if foreign:
                raise ValidationError(
                    _("%(references)s: another council's recommendations.")
                    % {"references": ", ".join(foreign)}
                )


class MeasureInline(admin.StackedInline[Measure, Objective]):
    model = Measure
    formset = MeasureFormSet
    extra = 0
    filter_horizontal = ["recommendations", "interventions"]


@admin.register(Objective)
class ObjectiveAdmin(RefusalsOnTheForm, admin.ModelAdmin[Objective]):
    list_display = ["title_en", "title_el", "priority", "target_kind", "target_value"]
    list_filter = ["target_kind", "priority__strategy"]
    list_select_related = ["priority"]
    inlines = [MeasureInline]

    def save_model(
        self, request: HttpRequest, obj: Objective, form: ModelForm[Objective], change: bool
    ) -> None:
        strategy_part_save(part=obj)

    def delete_model(self, request: HttpRequest, obj: Objective) -> None:
        strategy_part_delete(part=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_parts(formset)
