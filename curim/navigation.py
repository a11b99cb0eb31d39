"""The site's navigation (a template context processor): what each visitor sees depends on roles.

It links the pages of every app, so it lives in the project package beside urls.py, not in
curim.core, which imports no app (tests/test_dependencies.py).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from councils.selectors import councils_of
from curim.accounts.roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    roles: frozenset[Role] | None = None  # None: everyone
    # These roles (a council role) open the page only with a seat on a council today: a role
    # without a seat would lead to pages that show nothing, or a 404.
    seated_roles: frozenset[Role] = frozenset()


COUNCIL_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY})


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
        NavItem(_("Interventions"), reverse("interventions:list")),
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
            frozenset({Role.ANALYST, Role.ADMIN}),
            seated_roles=COUNCIL_ROLES,
        ),
        NavItem(
            _("Hotspots"),
            reverse("analytics:overview"),
            frozenset({Role.ANALYST, Role.ADMIN, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}),
        ),
        NavItem(
            _("Council meetings"),
            reverse("councils:manage_meetings"),
            seated_roles=COUNCIL_ROLES,
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
    seated: bool | None = None  # asked of the database once, and only when it matters

    def shown(item: NavItem) -> bool:
        nonlocal seated
        if item.roles is None and not item.seated_roles:
            return True
        if item.roles is not None and (
            item.roles & roles or (item.roles is AUTHENTICATED and signed_in)
        ):
            return True
        if item.seated_roles & roles and user is not None:
            if seated is None:
                seated = councils_of(user).exists()
            return seated
        return False

    items = [item for item in _items() if shown(item)]
    current = request.path
    return {
        "nav_items": [
            {"label": item.label, "url": item.url, "current": item.url == current} for item in items
        ],
        "role_names": {role.value for role in user_roles(user)} if user is not None else set(),
    }
