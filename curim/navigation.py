"""The site's navigation (a template context processor): what each visitor sees depends on roles.

It links the pages of every app, so it lives in the project package beside urls.py, not in
curim.core, which imports no app (tests/test_dependencies.py).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from curim.accounts.roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    roles: frozenset[Role] | None = None  # None: everyone


# Any signed-in user, whatever their roles.
AUTHENTICATED = frozenset(Role)


def _items() -> list[NavItem]:
    return [
        NavItem(_("Home"), reverse("core:home")),
        NavItem(_("Report a risk"), reverse("reports:new")),
        NavItem(_("Risk map"), reverse("reports:map")),
        NavItem(_("Rate a place"), reverse("reports:evaluate")),
        NavItem(_("Surveys"), reverse("surveys:list")),
        NavItem(_("Crime prevention council"), reverse("councils:home")),
        NavItem(_("My reports"), reverse("reports:mine"), AUTHENTICATED),
        NavItem(_("Moderation"), reverse("reports:moderation_queue"), frozenset({Role.MODERATOR})),
        NavItem(
            _("Survey indicators"),
            reverse("surveys:dashboard"),
            frozenset({Role.ANALYST, Role.ADMIN, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}),
        ),
        NavItem(
            _("Council dashboard"),
            reverse("councils:dashboard"),
            frozenset({Role.ANALYST, Role.ADMIN, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}),
        ),
        NavItem(
            _("Council meetings"),
            reverse("councils:manage_meetings"),
            frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}),
        ),
        NavItem(_("Survey data"), reverse("surveys:staff"), frozenset({Role.ANALYST, Role.ADMIN})),
        NavItem(
            _("Victim support"),
            reverse("victims:cases"),
            frozenset({Role.VSU_STAFF, Role.VSU_SUPERVISOR}),
        ),
        NavItem(_("API"), reverse("api_docs")),
        NavItem(_("Administration"), reverse("admin:index"), frozenset({Role.ADMIN})),
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    roles: frozenset[Role] = user_roles(user) if user is not None else frozenset()
    if user is not None and user.is_superuser:
        roles = roles | {Role.ADMIN}
    signed_in = user is not None and user.is_authenticated
    items = [
        item
        for item in _items()
        if item.roles is None or item.roles & roles or (item.roles is AUTHENTICATED and signed_in)
    ]
    current = request.path
    return {
        "nav_items": [
            {"label": item.label, "url": item.url, "current": item.url == current} for item in items
        ],
        "role_names": {role.value for role in user_roles(user)} if user is not None else set(),
    }
