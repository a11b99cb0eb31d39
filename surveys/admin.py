"""Admin for building survey waves and indicators, and reading responses (never editing them).

Questions, choices, indicators and their items are saved and deleted through the services,
which ask for a rebuild of the estimates they feed.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curim.core.admin_forms import RefusalsOnTheForm
from surveys.models import (
    Answer,
    Choice,
    ExportRecord,
    ImportBatch,
    Indicator,
    IndicatorItem,
    Question,
    Response,
    Section,
    Survey,
)
from surveys.services.questionnaire import (
    choice_delete,
    choice_save,
    indicator_delete,
    indicator_item_delete,
    indicator_item_save,
    indicator_save,
    question_delete,
    question_save,
    survey_copy,
)


def _inline_save(
    formset: BaseModelFormSet[Any, Any],
    *,
    save: Callable[[Any], object],
    delete: Callable[[Any], None],
) -> None:
    """An inline formset's rows, saved and deleted one by one through a service."""
    changed = formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(obj)
    for obj in changed:
        save(obj)
    formset.save_m2m()


class SectionInline(admin.TabularInline[Section, Survey]):
    model = Section
    extra = 0
    fields = ["position", "title_en", "title_el"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ["code", "title_en", "status", "uses_invitations", "follows", "created_at"]
    list_filter = ["status", "uses_invitations"]
    search_fields = ["code", "title_en", "title_el"]
    inlines = [SectionInline]
    actions = ["copy_as_new_wave"]

    @admin.action(
        description=gettext_lazy("Copy as a new draft wave (same questions, no responses)")
    )
    def copy_as_new_wave(self, request: HttpRequest, queryset: Any) -> None:
        for survey in queryset:
            copy = survey_copy(survey=survey)
            self.message_user(
                request, _("Copied %(from)s to %(to)s.") % {"from": survey.code, "to": copy.code}
            )

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        # A wave with responses is kept; responses are PROTECTed anyway.
        if obj is not None and obj.has_responses():
            return False
        return super().has_delete_permission(request, obj)


class ChoiceInline(admin.TabularInline[Choice, Question]):
    model = Choice
    extra = 0
    fields = ["position", "code", "label_en", "label_el", "score"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # For an inline, obj is the question being edited.
        if isinstance(obj, Question) and obj.survey.has_responses():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(RefusalsOnTheForm, admin.ModelAdmin[Question]):
    list_display = ["code", "survey", "section", "position", "kind", "required"]
    list_filter = ["survey", "kind", "required"]
    search_fields = ["code", "text_en", "text_el"]
    list_select_related = ["survey", "section"]
    inlines = [ChoiceInline]

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        if obj is not None and obj.survey.has_responses():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: Question, form: ModelForm[Question], change: bool
    ) -> None:
        question_save(question=obj)

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        question_delete(question=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        for question in queryset.order_by("pk"):  # in key order, as every action takes rows
            question_delete(question=question)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _inline_save(
            formset,
            save=lambda choice: choice_save(choice=choice),
            delete=lambda choice: choice_delete(choice=choice),
        )


class IndicatorItemInline(admin.TabularInline[IndicatorItem, Indicator]):
    model = IndicatorItem
    extra = 0
    fields = ["question_code", "reverse"]


@admin.register(Indicator)
class IndicatorAdmin(RefusalsOnTheForm, admin.ModelAdmin[Indicator]):
    list_display = ["code", "name_en", "method", "threshold", "higher_is_better", "position"]
    inlines = [IndicatorItemInline]

    def save_model(
        self, request: HttpRequest, obj: Indicator, form: ModelForm[Indicator], change: bool
    ) -> None:
        indicator_save(indicator=obj)

    def delete_model(self, request: HttpRequest, obj: Indicator) -> None:
        indicator_delete(indicator=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Indicator]) -> None:
        for indicator in queryset.order_by("pk"):  # in key order, as every action takes rows
            indicator_delete(indicator=indicator)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _inline_save(
            formset,
            save=lambda item: indicator_item_save(item=item),
            delete=lambda item: indicator_item_delete(item=item),
        )


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Responses come from respondents and imports; the admin reads them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerInline(admin.TabularInline[Answer, Response]):
    model = Answer
    extra = 0
    can_delete = False
    fields = readonly_fields = ("question", "number", "choice", "area", "text")

    def has_add_permission(self, request: HttpRequest, obj: Response | None = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "survey", "status", "source", "group", "area", "created_at"]
    list_filter = ["survey", "status", "source", "group"]
    list_select_related = ["survey", "area"]
    inlines = [AnswerInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["filename", "survey", "rows", "imported_by", "created_at"]


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "survey", "user", "file_format", "rows"]
    list_filter = ["survey", "file_format"]
