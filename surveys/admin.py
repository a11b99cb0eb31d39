"""Admin for building survey waves and indicators, and reading responses (never editing them)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

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
from surveys.services import survey_copy


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

    @admin.action(description=_("Copy as a new draft wave (same questions, no responses)"))
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
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ["code", "survey", "section", "position", "kind", "required"]
    list_filter = ["survey", "kind", "required"]
    search_fields = ["code", "text_en", "text_el"]
    list_select_related = ["survey", "section"]
    inlines = [ChoiceInline]

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        if obj is not None and obj.survey.has_responses():
            return False
        return super().has_delete_permission(request, obj)


class IndicatorItemInline(admin.TabularInline[IndicatorItem, Indicator]):
    model = IndicatorItem
    extra = 0
    fields = ["question_code", "reverse"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ["code", "name_en", "method", "threshold", "higher_is_better", "position"]
    inlines = [IndicatorItemInline]


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
