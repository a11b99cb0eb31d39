"""Forms of the citizens' pages (the report and evaluation forms as drawn, comments, abuse
flags, the list's filters) and of the moderation queue."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from curim.core.date_inputs import DateInput, DateTimeInput
from curim.core.geometry import GeometryError, bbox_from_text
from curim.reports.models import (
    AUDIT_PARAMETERS,
    Category,
    CategoryGroup,
    CyberChannel,
    ForwardTo,
    Report,
    ReportStatus,
    TimeOfDay,
)
from curim.reports.selectors import ReportFilter, categories_for_moderators, categories_public
from curim.reports.services.workflow import TRANSITIONS

# The moderator's actions, in the order offered, with the status each leads to; "publish" and
# "reopen" are `report_publish` (from a report never or no longer shown), "forward" is
# `report_forward`, the others `report_transition`.
ACTIONS: dict[str, tuple[str, str | Promise]] = {
    "publish": (ReportStatus.PUBLISHED, _("Publish")),
    "reopen": (ReportStatus.PUBLISHED, _("Reopen")),
    "forward": (ReportStatus.FORWARDED, _("Forward")),
    "resolve": (ReportStatus.RESOLVED, _("Mark resolved")),
    "close": (ReportStatus.CLOSED, _("Close")),
    "reject": (ReportStatus.REJECTED, _("Reject")),
    "spam": (ReportStatus.SPAM, _("Mark as spam")),
    "restore": (ReportStatus.SUBMITTED, _("Not spam: back to the queue")),
}
# "Publish" is for a report not yet shown, "Reopen" for one that was resolved or closed.
_PUBLISH_FROM = {ReportStatus.SUBMITTED, ReportStatus.REJECTED}


def actions_for(report: Report) -> list[tuple[str, str | Promise]]:
    """The actions open to a report in its status (none for a merged duplicate)."""
    if report.duplicate_of_id is not None:
        return []
    allowed = TRANSITIONS.get(report.status, frozenset())
    return [
        (action, label)
        for action, (target, label) in ACTIONS.items()
        if target in allowed
        and (action != "publish" or report.status in _PUBLISH_FROM)
        and (action != "reopen" or report.status not in _PUBLISH_FROM)
    ]


class OptionDataSelect(forms.Select):
    """A select whose options carry `data-*` attributes, by value, for the page's script
    (a category's group, whether it needs a place, whether it may be public)."""

    def __init__(self, option_data: dict[str, dict[str, str]] | None = None) -> None:
        super().__init__()
        self.option_data = option_data or {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"] = {**option["attrs"], **self.option_data.get(str(option["value"]), {})}
        return option


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


SCALE: list[tuple[str, str]] = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]


class ReportEntryForm(forms.Form):
    """The fields of the report form as the page draws them (labels, hints, controls). The page
    posts them to the API, whose serializer and the submission service validate them; this form
    never validates anything."""

    category = forms.ChoiceField(label=_("What is it about?"))
    cyber_channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *CyberChannel.choices]
    )
    cyber_sender = forms.CharField(
        label=_("Sender, number or web address (optional)"), required=False, max_length=500
    )
    description = forms.CharField(
        label=_("What happened?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    occurred_at = forms.DateTimeField(
        label=_("When?"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Leave empty if it is happening now."),
    )
    severity = forms.ChoiceField(
        label=_("How serious is it? (1 = minor, 5 = very serious)"), choices=SCALE
    )
    feeling_unsafe = forms.ChoiceField(
        label=_("How unsafe does it make you feel? (1 = not at all, 5 = very)"), choices=SCALE
    )
    photos = forms.FileField(
        required=False,
        widget=PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "Location data and other metadata are removed from photos before they are stored."
        ),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail, if we may contact you (never published)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *, categories: list[dict[str, Any]], max_photos: int) -> None:
        super().__init__()
        grouped: list[tuple[str | Promise, Any]] = [("", _("Choose a category"))]
        for group, label in CategoryGroup.choices:
            members = [(c["slug"], c["name"]) for c in categories if c["group"] == group]
            if members:
                grouped.append((label, members))
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = grouped
        category.widget = OptionDataSelect(
            {
                c["slug"]: {
                    "data-group": c["group"],
                    "data-located": "1" if c["located"] else "0",
                    "data-public": "1" if c["public"] else "0",
                }
                for c in categories
            }
        )
        category.widget.choices = category.choices
        self.fields["photos"].label = _("Photos (up to %(max_photos)s)") % {
            "max_photos": max_photos
        }


class EvaluationEntryForm(forms.Form):
    """The fields of the place evaluation form as the page draws them; like ReportEntryForm,
    posted to the API, which validates them."""

    time_of_day = forms.ChoiceField(
        label=_("When?"), choices=TimeOfDay.choices, initial=TimeOfDay.DAY, widget=forms.RadioSelect
    )

    def __init__(self) -> None:
        super().__init__()
        questions = {"feeling": _("Overall, how safe does it feel?"), **AUDIT_PARAMETERS}
        for name, label in questions.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=SCALE)


class ModerationForm(forms.Form):
    """What the moderator decides about a report: only the actions its status allows, none
    chosen in advance; where to forward it, when that is one of them."""

    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an action."),
            "invalid_choice": _("That action is not open to this report in its status."),
        },
    )
    destination = forms.ChoiceField(
        label=_("Forward to"),
        required=False,
        help_text=_("Only when forwarding. The category's usual body is chosen first."),
    )
    department = forms.CharField(
        label=_("Department or office"),
        required=False,
        max_length=120,
        help_text=_("Only when forwarding, e.g. Technical services."),
    )
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen by moderators only."),
    )
    public_note = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the report's public page, e.g. when closing it."),
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = actions_for(report)
        cast(forms.ChoiceField, self.fields["action"]).choices = actions
        if "forward" in dict(actions):
            cast(forms.ChoiceField, self.fields["destination"]).choices = [
                ("", _("Choose a body")),
                *[(value, label) for value, label in ForwardTo.choices if value],
            ]
            self.fields["destination"].initial = report.category.forward_to
            self.fields["department"].initial = report.category.forward_department
        else:
            del self.fields["destination"], self.fields["department"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "forward" and not data.get("destination"):
            self.add_error("destination", _("Choose where to forward the report."))
        return data


class ReportEditForm(forms.Form):
    """A moderator's correction of what the public reads: the description and the category."""

    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Take out names, phone numbers, addresses or insults. The text before the edit "
            "is kept in the history for the audit, never shown to the public."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("Choose one of the categories listed.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the report's history, seen by moderators only."),
        error_messages={"required": _("Say why you edit the report.")},
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "edit")
        kwargs.setdefault(
            "initial", {"description": report.description, "category": report.category.slug}
        )
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Category], self.fields["category"])
        # The report's own category stays a choice when it is no longer in use, so that its
        # text can still be redacted.
        field.queryset = categories_for_moderators() | Category.objects.filter(
            pk=report.category_id
        )


class MergeSearchForm(forms.Form):
    """The search for the report a duplicate repeats (a GET form on the report's page)."""

    q = forms.CharField(
        label=_("Find the report it repeats"),
        required=False,
        max_length=100,
        help_text=_(
            "A reference (its first characters are enough) or words of the description. "
            "Without a search, the reports nearby are listed."
        ),
    )


class MergeForm(forms.Form):
    """The report a duplicate repeats, chosen among the ones listed; checked again on the
    server against every report the moderator may merge it into."""

    into = forms.UUIDField(
        label=_("Duplicate of report"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the report this one repeats."),
            "invalid": _("Choose one of the reports listed."),
        },
    )
    q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        targets: QuerySet[Report],
        choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)
        self.targets = targets  # what the server accepts, whatever the page listed
        self.offer(choices)

    def offer(self, choices: list[tuple[str, str]]) -> None:
        """The reports listed to choose from (the radios' choices)."""
        into = self.fields["into"]
        into.widget.choices = choices
        into.choices = choices  # type: ignore[attr-defined]  # read by the radios' template

    def clean_into(self) -> Report:
        target = self.targets.filter(public_id=self.cleaned_data["into"]).first()
        if target is None:
            raise forms.ValidationError(_("Choose one of the reports listed."))
        return target


def merge_choice_label(report: Report) -> str:
    """A report as a merge target: its short reference, category, date and first words."""
    return "{reference} · {category} · {date} · {text}".format(
        reference=str(report.public_id)[:8],
        category=report.category.name,
        date=formats.date_format(timezone.localtime(report.created_at), "SHORT_DATE_FORMAT"),
        text=Truncator(report.description).chars(80),
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

    mark_optional = False  # filters: every one may be left as it is

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
