"""Reads of the official incident sources and their import log, for the people who import:
analysts and admins. Anybody else gets nothing (a 404 on the pages)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from curim.accounts.models import User
from curim.accounts.roles import Role, user_roles
from curim.analytics.models import IncidentImport, IncidentSource

INCIDENT_IMPORTERS = frozenset({Role.ANALYST, Role.ADMIN})
RECENT_IMPORTS = 20


def may_import_incidents(user: User | AnonymousUser) -> bool:
    return bool(user_roles(user) & INCIDENT_IMPORTERS)


def incident_sources_for(user: User | AnonymousUser) -> QuerySet[IncidentSource]:
    if not may_import_incidents(user):
        return IncidentSource.objects.none()
    return IncidentSource.objects.prefetch_related("category_mappings__category").order_by("slug")


def incident_imports_for(user: User | AnonymousUser) -> QuerySet[IncidentImport]:
    if not may_import_incidents(user):
        return IncidentImport.objects.none()
    return IncidentImport.objects.select_related("source", "imported_by").order_by("-imported_at")[
        :RECENT_IMPORTS
    ]
