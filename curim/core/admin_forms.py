"""A service's refusal of an admin's save shown on the form itself, with what was typed kept.

The admin's saves call the services (`save_model`, `save_related`, `save_formset`), which may
refuse what the admin's own form let through: a row changed or removed meanwhile, a workflow's
rule the form does not know. The site answers any refusal by undoing the POST and sending the
user back with a message (`curim.accounts.admin_site.refusals_shown`), which empties a form
whose text may have been long (minutes, a recommendation). An admin with this mixin renders the
form again instead, as for its own errors: the same POST, read a second time, whose form now
carries the refusal, so that nothing is saved and every typed value stays.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

REFUSAL = "_curim_admin_refusal"  # the request's attribute the second reading finds it in
FROM_INLINES = "_curim_from_inlines"  # set on a refusal raised while the inlines were saved


def messages_undone_from_here(request: HttpRequest) -> Callable[[], None]:
    """A function that drops the messages queued from now on: what a POST said before it was
    refused and undone ("The API key is …" of a key never kept)."""
    said = messages.get_messages(request)
    queued = len(getattr(said, "_queued_messages", ()))

    def undo() -> None:
        if hasattr(said, "_queued_messages"):
            del said._queued_messages[queued:]

    return undo


class RefusalsOnTheForm(admin.ModelAdmin):  # type: ignore[type-arg]  # mixed into typed admins
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        undo_messages = messages_undone_from_here(request)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, REFUSAL):
                raise  # the site says it (a refusal on the second reading cannot save anyway)
            # The first reading's writes were undone with its transaction (Django's own, inside
            # the site's), and so is what it said; the second finds the form invalid and saves
            # nothing.
            undo_messages()
            setattr(request, REFUSAL, refusal)
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except PermissionDenied:
                # What the service refused made the row one this account may no longer change
                # (minutes approved meanwhile, a meeting held): the site says the refusal on
                # the page the POST came from, as without this mixin.
                raise refusal from None

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        try:
            super().save_related(request, form, formsets, change)
        except ValidationError as refusal:
            # An inline's refusal names the inline row's fields, not the form's: said on the
            # form as a whole, not on a field of the same name.
            setattr(refusal, FROM_INLINES, True)
            raise

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        form: type[ModelForm[Any]] = super().get_form(request, obj, change=change, **kwargs)
        refusal: ValidationError | None = getattr(request, REFUSAL, None)
        if refusal is None:
            return form
        return _refused(form, refusal)


def _refused(form: type[ModelForm[Any]], refusal: ValidationError) -> type[ModelForm[Any]]:
    """`form`, whose validation ends with `refusal`: each message on its field where the form
    has that field, on the form as a whole otherwise."""

    class Refused(form):  # type: ignore[valid-type, misc]  # a form class made at run time
        def clean(self) -> dict[str, Any] | None:
            cleaned: dict[str, Any] | None = super().clean()
            errors = (
                refusal.message_dict
                if hasattr(refusal, "error_dict") and not getattr(refusal, FROM_INLINES, False)
                else {NON_FIELD_ERRORS: refusal.messages}
            )
            for name, texts in errors.items():
                self.add_error(name if name in self.fields else None, texts)
            return cleaned

    Refused.__name__ = form.__name__
    return Refused
