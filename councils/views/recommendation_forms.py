"""Forms of the council's recommendation pages: a recommendation, its status, an action item,
and an owner's progress update. The services check the rules; these check the shapes."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from councils.models import (
    ActionItem,
    ActionItemStatus,
    Council,
    Decision,
    Organisation,
    Recommendation,
    RecommendationPriority,
    RecommendationStatus,
    limits,
)
from councils.models.texts import in_either_language
from councils.selectors.recommendations_internal import decisions_adopting, organisations_to_choose
from councils.selectors.scopes import memberships_current
from councils.services.actions import ACTION_ITEM_TRANSITIONS
from councils.services.recommendations import RECOMMENDATION_TRANSITIONS
from curim.accounts.models import User
from curim.core.date_inputs import DateInput
from interventions.selectors import interventions_to_link


def _up_to(n: int) -> StrOrPromise:
    return format_lazy(_("Up to {n} characters."), n=n)


def _text(label: StrOrPromise, limit: int, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=_up_to(limit),
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _title(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=limits.TITLE_MAX)


class OrganisationChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class InterventionChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class OrganisationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DecisionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        meeting = obj.agenda_item.meeting
        when = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
        return f"{when} · {in_either_language(meeting, 'title')} · {obj.agenda_item.title}"[:200]


class CouncilChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name or obj.email)


def _titled(cleaned: dict[str, Any], form: forms.Form) -> None:
    if not cleaned.get("title_en") and not cleaned.get("title_el"):
        form.add_error("title_en", _("Give the title in English or in Greek."))


class RecommendationForm(forms.Form):
    """A recommendation's wording and particulars. On a new one, the council (when the
    secretary keeps more than one) and, optionally, the decision that already adopted it."""

    council = CouncilChoice(label=_("Council"), queryset=Council.objects.none())
    title_en = _title(_("Title (English)"))
    title_el = _title(_("Title (Greek)"))
    text_en = _text(_("Text (English)"), limits.TEXT_MAX, 8)
    text_el = _text(_("Text (Greek)"), limits.TEXT_MAX, 8)
    rationale_en = _text(_("Rationale (English)"), limits.TEXT_MAX)
    rationale_el = _text(_("Rationale (Greek)"), limits.TEXT_MAX)
    addressees = OrganisationChoices(
        label=_("Addressed to"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=RecommendationPriority.choices,
        initial=RecommendationPriority.MEDIUM,
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    interventions = InterventionChoices(
        label=_("Interventions that carry it out"),
        queryset=interventions_to_link().none(),
        required=False,
        help_text=_("Social and spatial interventions recorded under Interventions."),
    )
    adopted_by = DecisionChoice(
        label=_("Adopted by the decision"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=_("Leave empty while the recommendation is only proposed."),
    )

    def __init__(
        self,
        *args: Any,
        councils: QuerySet[Council],
        recommendation: Recommendation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressees"].queryset = organisations_to_choose()  # type: ignore[attr-defined]
        self.fields["interventions"].queryset = interventions_to_link()  # type: ignore[attr-defined]
        if recommendation is not None:
            del self.fields["council"]
            del self.fields["adopted_by"]
            return
        chosen = list(councils)
        self.fields["council"].queryset = councils  # type: ignore[attr-defined]
        if len(chosen) == 1:
            self.fields["council"].initial = chosen[0].pk
            self.fields["council"].widget = forms.HiddenInput()
            self.fields["adopted_by"].queryset = decisions_adopting(chosen[0])  # type: ignore[attr-defined]
        else:
            self.fields["adopted_by"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
                agenda_item__meeting__council__in=councils
            ).select_related("agenda_item__meeting")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _titled(cleaned, self)
        return cleaned


def _status_choices(transitions: dict[str, frozenset[str]], choices: Any, now: str) -> list[Any]:
    allowed = transitions.get(now, frozenset())
    return [(value, label) for value, label in choices if value in allowed]


class RecommendationStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    note = _text(_("Note (public)"), limits.NOTE_MAX, 3)
    adopted_by = DecisionChoice(
        label=_("Adopted by the decision"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=_("Only when adopting: the council's decision."),
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = _status_choices(  # type: ignore[attr-defined]
            RECOMMENDATION_TRANSITIONS, RecommendationStatus.choices, recommendation.status
        )
        self.fields["note"].help_text = format_lazy(
            "{} {}",
            _("Needed to withdraw, to finish other than fully, and to reopen."),
            _up_to(limits.NOTE_MAX),
        )
        self.fields["adopted_by"].queryset = decisions_adopting(recommendation.council)  # type: ignore[attr-defined]


def owners_to_choose(council: Council) -> QuerySet[User]:
    """The people sitting on the council today: they may own an action item."""
    return User.objects.filter(
        pk__in=memberships_current().filter(council=council).values("person")
    ).order_by("display_name", "email")


class ActionItemForm(forms.Form):
    title_en = _title(_("Title (English)"))
    title_el = _title(_("Title (Greek)"))
    owner_organisation = OrganisationChoice(
        label=_("Owner organisation"), queryset=Organisation.objects.none()
    )
    owner_person = PersonChoice(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A member of the council, who posts the item's progress."),
    )
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    weight = forms.DecimalField(
        label=_("Weight"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text=ActionItem._meta.get_field("weight").help_text,
    )
    to_status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.RadioSelect)
    note = _text(_("Why the status changes"), limits.NOTE_MAX, 3)

    def __init__(
        self, *args: Any, council: Council, item: ActionItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations_to_choose()  # type: ignore[attr-defined]
        self.fields["owner_person"].queryset = owners_to_choose(council)  # type: ignore[attr-defined]
        if item is None:
            del self.fields["to_status"]
            del self.fields["note"]
            return
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            ("", _("Unchanged: %(status)s") % {"status": item.get_status_display()}),
            *_status_choices(ACTION_ITEM_TRANSITIONS, ActionItemStatus.choices, item.status),
        ]
        self.fields["note"].help_text = _("Needed to cancel the item.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _titled(cleaned, self)
        return cleaned


class ProgressUpdateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = _text(_("What was done"), limits.NOTE_MAX, 4)
    to_status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "An update moves the status by itself: any progress starts the item, full "
            "progress completes it. Choose here only to cancel it or take it up again."
        ),
    )
    note = _text(_("Why the status changes"), limits.NOTE_MAX, 3)

    def __init__(self, *args: Any, item: ActionItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            ("", _("Unchanged: %(status)s") % {"status": item.get_status_display()}),
            *_status_choices(ACTION_ITEM_TRANSITIONS, ActionItemStatus.choices, item.status),
        ]
        if item.status == ActionItemStatus.CANCELLED:
            # A cancelled item takes no updates until it is taken up again.
            for name in ("on", "percent"):
                self.fields[name].required = False


class DeleteForm(forms.Form):
    """Nothing to fill in: the button says it."""
