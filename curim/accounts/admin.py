"""Admin for accounts: staff accounts are created here, and roles are granted here."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from curim.accounts.models import TOTPDevice, User
from curim.accounts.roles import SHORT_SESSION_ROLES
from curim.accounts.services import user_staff_sync
from curim.accounts.twofactor import twofactor_reset
from curim.core.admin_forms import RefusalsOnTheForm

# Accounts only a superuser may change: the Victim Support Unit's, which read victims' cases.
GUARDED_ROLES = SHORT_SESSION_ROLES


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(RefusalsOnTheForm, BaseUserAdmin):  # type: ignore[type-arg]  # stubs expect AbstractUser
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_active",
        "is_staff",
        "role_list",
        "twofactor_on",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "display_name"]
    readonly_fields = [
        "public_id",
        "last_login",
        "date_joined",
        "email_confirmed_at",
        "is_staff",
        "twofactor_on",
    ]
    filter_horizontal = ["groups"]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Profile"), {"fields": ("display_name", "language")}),
        (
            _("Roles and access"),
            {"fields": ("is_active", "groups", "is_staff", "is_superuser", "twofactor_on")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "email_confirmed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    # The device itself has no admin page: its secret must never be shown again.
    actions = ["twofactor_reset_action"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users: QuerySet[User] = super().get_queryset(request)
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
        return users.prefetch_related("groups").annotate(twofactor_confirmed=Exists(confirmed))

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all()))

    @admin.display(description=_("two-factor authentication"), boolean=True)
    def twofactor_on(self, obj: User) -> bool:
        return bool(getattr(obj, "twofactor_confirmed", False))

    @admin.action(description=_("Reset two-factor authentication"), permissions=["change"])
    def twofactor_reset_action(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        reset = 0
        for user in queryset:
            if self.has_change_permission(request, user) and twofactor_reset(user=user):
                self.log_change(request, user, "Reset two-factor authentication.")
                reset += 1
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user; "
                "they set it up again when they next need it.",
                "Two-factor authentication was reset for %(count)d users; "
                "they set it up again when they next need it.",
                reset,
            )
            % {"count": reset},
            messages.SUCCESS,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")  # only a superuser makes another
        return fields

    def _guarded(self, request: HttpRequest, obj: Any) -> bool:
        # Only a superuser may change or remove a superuser, or a member of the Victim Support
        # Unit (password, e-mail, roles and two-factor reset included): otherwise an admin could
        # take over a unit account and read its cases. Membership, not the roles in force: a
        # deactivated account has none, and is one tick away from having them all back.
        return (
            obj is not None
            and not request.user.is_superuser
            and (
                obj.is_superuser
                or obj.groups.filter(name__in=[role.value for role in GUARDED_ROLES]).exists()
            )
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._guarded(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # One's own password is changed knowing the old one, on the platform's page (counted by
        # the login lockout): a stolen session must not set it here without it.
        if str(request.user.pk) == str(id):
            return redirect("accounts:password_change")
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._guarded(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            # Granting the unit's roles is a superuser's act, so no admin can grant them to
            # themselves.
            kwargs["queryset"] = Group.objects.exclude(name__in=[r.value for r in GUARDED_ROLES])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: forms.Form, change: bool) -> None:
        if not change:
            obj.email_confirmed_at = timezone.now()  # an admin vouches for staff addresses
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user_staff_sync(user=form.instance)
