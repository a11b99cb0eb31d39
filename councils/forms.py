"""Forms of the council's own pages of meetings: a meeting, its agenda items, decisions,
attendance and minutes. The services validate again; their errors are put on these forms."""

from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from councils.models import (
    AgendaItem,
    AttendanceStatus,
    Council,
    Decision,
    DecisionOutcome,
    Meeting,
    Membership,
    Minutes,
    Visibility,
    limits,
)
from curim.areas.selectors import areas_public
from curim.core.date_inputs import DateTimeInput


class CouncilModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose model's errors on fields it does not show (the meeting of an item,
    the item of a decision) are shown at the top of the form, not lost in a ValueError."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            shown: dict[str, Any] = {}
            for name, texts in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                shown.setdefault(key, []).extend(texts)
            errors = ValidationError(shown)
        super()._update_errors(errors)  # type: ignore[misc]


def membership_label(membership: Membership) -> str:
    person = membership.person.name_for_display
    return f"{person}, {membership.get_position_display()} ({membership.organisation.name})"


class MembershipChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Membership) -> str:
        return membership_label(obj)


class MeetingForm(CouncilModelForm):
    council = forms.ModelChoiceField(queryset=Council.objects.none(), label=_("Council"))
    online_url = forms.URLField(
        label=_("online meeting link"),
        required=False,
        max_length=limits.URL_MAX,
        assume_scheme="https",
    )

    class Meta:
        model = Meeting
        fields = [
            "title_en",
            "title_el",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "visibility",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args: Any, councils: QuerySet[Council] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if councils is None:  # an existing meeting stays with its council
            del self.fields["council"]
        else:
            council = cast(forms.ModelChoiceField, self.fields["council"])  # type: ignore[type-arg]
            council.queryset = councils
            council.initial = councils.first()
        visibility = cast(forms.ChoiceField, self.fields["visibility"])
        visibility.choices = Visibility.choices  # without the empty choice

    def _post_clean(self) -> None:
        if "council" in self.fields and self.cleaned_data.get("council") is not None:
            self.instance.council = self.cleaned_data["council"]
        super()._post_clean()  # type: ignore[misc]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.NOTE_MAX,
        help_text=_("Members see the reason; so does the public if the meeting was announced."),
    )


class AgendaItemForm(CouncilModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "text",
            "kind",
            "public",
            "presenter_membership",
            "presenter_name",
            "evidence_report_filter",
            "evidence_area",
            "evidence_survey",
            "evidence_indicator",
            "evidence_statistics_year",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "evidence_report_filter": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        presenter = self.fields["presenter_membership"]
        self.fields["presenter_membership"] = MembershipChoiceField(
            queryset=Membership.objects.filter(council=meeting.council_id).select_related(
                "person", "organisation"
            ),
            required=False,
            label=presenter.label,
            help_text=presenter.help_text,
        )
        cast(forms.ModelChoiceField, self.fields["evidence_area"]).queryset = areas_public()  # type: ignore[type-arg]
        self.fields["evidence_report_filter"].required = False

    def clean_evidence_report_filter(self) -> Any:
        return self.cleaned_data.get("evidence_report_filter") or {}


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=limits.TITLE_MAX,
        help_text=_("What the file is, as members (and the public, for a public item) see it."),
    )
    file = forms.FileField(label=_("File"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, office document (ODT, ODS, ODP, DOCX, XLSX, PPTX), picture (PNG, JPEG), "
            "CSV (UTF-8) or text, at most %(mb)d MB."
        ) % {"mb": limits.ATTACHMENT_MAX_BYTES // (1024 * 1024)}


class DecisionForm(CouncilModelForm):
    class Meta:
        model = Decision
        fields = ["text", "outcome", "votes_for", "votes_against", "votes_abstain"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "outcome": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = cast(forms.ChoiceField, self.fields["outcome"])
        outcome.choices = DecisionOutcome.choices


class MinutesForm(CouncilModelForm):
    class Meta:
        model = Minutes
        fields = ["text", "public_summary"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 12}),
            "public_summary": forms.Textarea(attrs={"rows": 5}),
        }


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment on the draft"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.COMMENT_MAX,
        validators=[MaxLengthValidator(limits.COMMENT_MAX)],
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What needs rework (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.NOTE_MAX,
    )


class DecisionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Decision) -> str:
        return _decision_label(obj)


def _decision_label(decision: Decision) -> str:
    """The meeting (its title and local day, in the page's language), the agenda item and the
    decision's words: a chair reads which decision they name before approving."""
    meeting = decision.agenda_item.meeting
    when = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    text = Truncator(decision.text).chars(DECISION_LABEL_CHARS)
    return f"{meeting.title} ({when}), {decision.agenda_item}: {text}"


DECISION_LABEL_CHARS = 200


class ApproveForm(forms.Form):
    """The decision approving the minutes: radios, none chosen at first, each in full (a select
    cut the decisions short on a phone and chose the first one by itself)."""

    decision = DecisionChoiceField(
        queryset=Decision.objects.none(),
        label=_("The decision of a later meeting that approves these minutes"),
        help_text=_("The adopted decisions of this council's later meetings."),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision that approves these minutes.")},
    )

    def __init__(self, *args: Any, decisions: QuerySet[Decision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(DecisionChoiceField, self.fields["decision"]).queryset = decisions


class AttendanceForm(forms.Form):
    """One status per member sitting on the day, and who represented those represented."""

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        proxies = [("", _("Nobody"))] + [(str(m.public_id), membership_label(m)) for m in members]
        for membership in members:
            key = membership.public_id.hex
            # The summary above the form names the member: every row's label is the same.
            required = _("Say whether %(member)s attended.") % {
                "member": membership_label(membership)
            }
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=_("Their attendance"),
                choices=[("", _("Choose")), *AttendanceStatus.choices],
                error_messages={"required": required},
            )
            self.fields[f"proxy_{key}"] = forms.ChoiceField(
                label=_("Represented by"), choices=proxies, required=False
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """Each member's name and position, with their two fields."""
        return [
            (
                membership_label(m),
                self[f"status_{m.public_id.hex}"],
                self[f"proxy_{m.public_id.hex}"],
            )
            for m in self.members
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for membership in self.members:
            key = membership.public_id.hex
            status, proxy = data.get(f"status_{key}"), data.get(f"proxy_{key}")
            if status == AttendanceStatus.REPRESENTED and not proxy:
                self.add_error(f"proxy_{key}", _("Name the member who represented them."))
            elif proxy and status and status != AttendanceStatus.REPRESENTED:
                self.add_error(
                    f"proxy_{key}", _("Name a representative only for a member represented.")
                )
            elif proxy == str(membership.public_id):
                self.add_error(f"proxy_{key}", _("A member cannot represent themselves."))
        return data

    def entries(self) -> list[tuple[Membership, str, Membership | None]]:
        by_id = {str(m.public_id): m for m in self.members}
        return [
            (
                m,
                self.cleaned_data[f"status_{m.public_id.hex}"],
                by_id.get(self.cleaned_data.get(f"proxy_{m.public_id.hex}") or ""),
            )
            for m in self.members
        ]
