"""Forms of the citizens' pages (comments, abuse flags, the list's filters) and of the
moderation queue."""

from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from curim.core.date_inputs import DateInput
from curim.core.geometry import GeometryError, bbox_from_text
from curim.reports.models import CategoryGroup, ReportStatus
from curim.reports.selectors import ReportFilter, categories_public


class ModerationForm(forms.Form):
    ACTIONS = [
        ("publish", _("Publish")),
        ("reject", _("Reject")),
        ("spam", _("Mark as spam")),
        ("forward", _("Forward")),
        ("resolve", _("Mark resolved")),
        ("close", _("Close")),
        ("reopen", _("Reopen")),
    ]
    # The status each action leads to; "publish" and "reopen" are `report_publish`, and
    # "forward" is `report_forward`.
    TARGET = {
        "reject": ReportStatus.REJECTED,
        "spam": ReportStatus.SPAM,
        "resolve": ReportStatus.RESOLVED,
        "close": ReportStatus.CLOSED,
    }

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public_note = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the report's public page, e.g. when closing it."),
    )


class MergeForm(forms.Form):
    into = forms.UUIDField(
        label=_("Duplicate of report"), help_text=_("The id of the report this one repeats.")
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comments are public but never show your name. Be respectful."),
    )


class CommentFlagForm(forms.Form):
    # The page sends no reason today; a client that does gets the model's limit, not a cut.
    reason = forms.CharField(required=False, max_length=500)


class ReportListFilterForm(forms.Form):
    """The filters of the public list of reports: those of the API's list, with the same names,
    so that the map can link here with its own query (a cell's box, the period)."""

    group = forms.ChoiceField(label=_("Group"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    area = forms.ChoiceField(label=_("District"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    bbox = forms.CharField(label=_("Part of the map"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, str | Promise]] = [("", _("All"))]
        districts = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code")
        choices: dict[str, list[tuple[str, str | Promise]]] = {
            "group": everything + list(CategoryGroup.choices),
            "category": everything + [(c.slug, c.name) for c in categories_public()],
            "area": everything + [(a.code, a.name) for a in districts],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def clean_bbox(self) -> object:
        text = self.cleaned_data["bbox"]
        if not text:
            return None
        try:
            return bbox_from_text(text)
        except GeometryError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def criteria(self) -> ReportFilter:
        data = self.cleaned_data
        return ReportFilter(
            bbox=data.get("bbox"),
            categories=(data["category"],) if data.get("category") else (),
            groups=(data["group"],) if data.get("group") else (),
            since=data.get("since"),
            until=data.get("until"),
            area=data.get("area") or None,
        )
