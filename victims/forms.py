"""Forms of the unit's pages and of the public support request."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from curim.accounts.models import User
from curim.areas.models import Area
from curim.core.date_inputs import DateInput, DateTimeInput, TimeInput
from victims.models import (
    Channel,
    ClosureOutcome,
    ConsentScope,
    OffenceType,
    Profession,
    ReferralOutcome,
    ReferralStatus,
    RiskLevel,
    Service,
    Source,
    Status,
    SupportKind,
    limits,
)
from victims.models.choices import CONTACT_CHANNELS
from victims.selectors import unit_members
from victims.services.intake import REQUEST_CHANNELS

BLANK: list[tuple[str, Any]] = [("", "—")]


def up_to(n: int) -> StrOrPromise:
    """The help text of a free-text field: how much it takes."""
    return format_lazy(_("Up to {n} characters."), n=n)


def long_text(label: StrOrPromise, limit: int, rows: int) -> forms.CharField:
    """A free-text area with its length limit, said on the form too."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=up_to(limit),
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _districts() -> Any:
    return Area.objects.filter(level=Area.Level.DISTRICT).order_by("code")


class DistrictChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WorkerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name_for_display} <{obj.email}>"


class CaseFilterForm(forms.Form):
    mark_optional = False  # filters: every one may be left as it is
    q = forms.CharField(label=_("Reference"), required=False, max_length=20)
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + Status.choices, required=False)
    offence_type = forms.ChoiceField(
        label=_("Offence type"), choices=BLANK + OffenceType.choices, required=False
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=BLANK + RiskLevel.choices, required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=BLANK + Source.choices, required=False)
    worker = WorkerChoice(label=_("Case worker"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = unit_members().distinct()  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=limits.NAME_MAX)
    phone = forms.CharField(label=_("Phone"), max_length=limits.PHONE_MAX, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=limits.EMAIL_MAX, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    address = forms.CharField(label=_("Address"), max_length=limits.ADDRESS_MAX, required=False)
    no_sms = forms.BooleanField(label=_("No SMS"), required=False)
    no_voicemail = forms.BooleanField(label=_("No voicemail"), required=False)
    calls_from = forms.TimeField(
        label=_("Calls not before"),
        required=False,
        widget=TimeInput(),
    )
    calls_until = forms.TimeField(
        label=_("Calls not after"),
        required=False,
        widget=TimeInput(),
        help_text=_("For example 18:00 for “never call after 18:00”."),
    )
    contact_notes = long_text(_("Other safe-contact notes"), limits.CONTACT_NOTES_MAX, rows=2)

    def clean_date_of_birth(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("calls_from"), data.get("calls_until")
        if start and end and start >= end:
            self.add_error("calls_until", _("The end of the calling window must follow its start."))
        return data

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "phone": data["phone"],
            "email": data["email"],
            "date_of_birth": data["date_of_birth"],
            "address": data["address"],
            "safe_contact": {
                "no_sms": data["no_sms"],
                "no_voicemail": data["no_voicemail"],
                "calls_from": data["calls_from"].strftime("%H:%M") if data["calls_from"] else "",
                "calls_until": data["calls_until"].strftime("%H:%M") if data["calls_until"] else "",
                "notes": data["contact_notes"],
            },
        }

    @classmethod
    def initial_from(cls, person: Any) -> dict[str, Any]:
        prefs = person.safe_contact or {}
        return {
            "full_name": person.full_name,
            "phone": person.phone,
            "email": person.email,
            "date_of_birth": person.date_of_birth,
            "address": person.address,
            "no_sms": prefs.get("no_sms", False),
            "no_voicemail": prefs.get("no_voicemail", False),
            "calls_from": prefs.get("calls_from") or None,
            "calls_until": prefs.get("calls_until") or None,
            "contact_notes": prefs.get("notes", ""),
        }


class CaseForm(forms.Form):
    intake_date = forms.DateField(label=_("Intake date"), widget=DateInput())
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    referring_organisation = forms.CharField(
        label=_("Referring organisation"), max_length=limits.NAME_MAX, required=False
    )
    offence_type = forms.ChoiceField(label=_("Offence type"), choices=OffenceType.choices)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )
    district = DistrictChoice(label=_("District"), queryset=Area.objects.none(), required=False)
    summary = long_text(_("Intake summary"), limits.NOTES_MAX, rows=4)
    restricted = forms.BooleanField(
        label=_("Restricted"),
        required=False,
        help_text=_(
            "Only the assigned workers see a restricted case; supervisors open it by "
            "break-glass access."
        ),
    )
    profession = forms.ChoiceField(
        label=_("Your profession on this case"), choices=Profession.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()  # type: ignore[attr-defined]
        self.fields["intake_date"].initial = timezone.localdate()

    def clean_intake_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["intake_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The intake date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == Source.ORGANISATION and not data.get("referring_organisation"):
            self.add_error("referring_organisation", _("Name the organisation that referred."))
        return data


class CaseDetailsForm(forms.Form):
    offence_type = forms.ChoiceField(label=_("Offence type"), choices=OffenceType.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    district = DistrictChoice(label=_("District"), queryset=Area.objects.none(), required=False)
    referring_organisation = forms.CharField(
        label=_("Referring organisation"), max_length=limits.NAME_MAX, required=False
    )
    summary = long_text(_("Intake summary"), limits.NOTES_MAX, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("Move to"),
        choices=[(s.value, s.label) for s in (Status.INTAKE, Status.ASSESSMENT, Status.ACTIVE)],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=limits.REASON_MAX,
        help_text=up_to(limits.REASON_MAX),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ClosureOutcome.choices)
    notes = long_text(_("Closing notes"), limits.NOTES_MAX, rows=3)


class AssignForm(forms.Form):
    worker = WorkerChoice(label=_("Case worker"), queryset=User.objects.none())
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = unit_members().distinct()  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    held_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)
    notes = long_text(_("Notes"), limits.NOTES_MAX, rows=6)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("Consent to"), choices=ConsentScope.choices)
    service = forms.ModelChoiceField(
        label=_("Service (for a referral)"), queryset=Service.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel (for contact)"),
        choices=BLANK + [(c.value, c.label) for c in CONTACT_CHANNELS],
        required=False,
    )
    given_at = forms.DateTimeField(
        label=_("Given"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("When the person agreed; now if left empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["given_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    reason = long_text(_("Reason for the referral"), limits.REASON_MAX, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True)  # type: ignore[attr-defined]


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=BLANK + ReferralOutcome.choices, required=False
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE_MAX)
    file = forms.FileField(label=_("File"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.REASON_MAX,
        help_text=up_to(limits.REASON_MAX),
    )


class EraseForm(ReasonForm):
    confirm = forms.CharField(
        label=_("Type ERASE to confirm"), max_length=10, help_text=_("This cannot be undone.")
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip().upper() != "ERASE":
            raise forms.ValidationError(_("Type ERASE to confirm."))
        return value


class IntakeOpenForm(forms.Form):
    offence_type = forms.ChoiceField(label=_("Offence type"), choices=OffenceType.choices)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )
    district = DistrictChoice(label=_("District"), queryset=Area.objects.none(), required=False)
    profession = forms.ChoiceField(
        label=_("Your profession on this case"), choices=Profession.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()  # type: ignore[attr-defined]


class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = [
            "name_en",
            "name_el",
            "kind",
            "phone",
            "email",
            "address",
            "website",
            "notes",
            "is_active",
        ]
        help_texts = {"notes": up_to(limits.REASON_MAX)}


class AuditFilterForm(forms.Form):
    mark_optional = False  # filters: every one may be left as it is
    case = forms.CharField(label=_("Case reference"), required=False, max_length=20)
    user = forms.CharField(label=_("User (e-mail)"), required=False, max_length=254)
    break_glass = forms.BooleanField(label=_("Break-glass only"), required=False)


class SupportRequestForm(forms.Form):
    name = forms.CharField(
        label=_("How should we address you?"),
        max_length=200,
        help_text=_("A first name is enough."),
    )
    channel = forms.ChoiceField(
        label=_("How may we contact you?"),
        choices=[(c.value, c.label) for c in REQUEST_CHANNELS],
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    safe_times = forms.CharField(
        label=_("When is it safe to contact you?"),
        max_length=500,
        required=False,
        help_text=_("For example: weekdays before 14:00; never leave a voice message."),
    )
    message = forms.CharField(
        label=_("Anything you would like us to know (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agree = forms.BooleanField(label=_("I agree to the two statements above."))
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)
