"""Forms of the citizens' pages (comments, abuse flags) and of the moderation queue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from curim.reports.models import ReportStatus


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
