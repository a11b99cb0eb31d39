"""The navigation of the web shell: what each visitor sees depends on their roles."""

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


def _items() -> list[NavItem]:
    return [
        NavItem(_("Home"), reverse("core:home")),
        NavItem(_("API"), reverse("api_docs")),
        NavItem(_("Administration"), reverse("admin:index"), frozenset({Role.ADMIN})),
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    roles = user_roles(request.user) if hasattr(request, "user") else frozenset()
    if getattr(request, "user", None) is not None and request.user.is_superuser:
        roles = roles | {Role.ADMIN}
    items = [item for item in _items() if item.roles is None or item.roles & roles]
    current = request.path
    return {
        "nav_items": [
            {"label": item.label, "url": item.url, "current": item.url == current} for item in items
        ]
    }
