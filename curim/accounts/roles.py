"""The roles of the platform, as Django groups, and the permissions each group holds.

The groups are created by a data migration; `ROLE_PERMISSIONS` is what the migrations must
produce, and a test compares the two. docs/architecture.md shows the same matrix in prose.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.accounts.models import User


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    MODERATOR = "moderator", _("Moderator")
    COUNCIL_MEMBER = "council_member", _("Council member")
    COUNCIL_SECRETARY = "council_secretary", _("Council secretary")
    VSU_STAFF = "vsu_staff", _("Victim Support Unit staff")
    VSU_SUPERVISOR = "vsu_supervisor", _("Victim Support Unit supervisor")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


# In the Django admin, admins and analysts build survey waves and indicators (all four
# permissions each) and read what came in and went out.
SURVEY_BUILDING = ("survey", "section", "question", "choice", "indicator", "indicatoritem")
SURVEY_ADMIN_PERMISSIONS = frozenset(
    {
        *(
            f"surveys.{verb}_{model}"
            for model in SURVEY_BUILDING
            for verb in ("view", "add", "change", "delete")
        ),
        "surveys.view_response",
        "surveys.view_answer",
        "surveys.view_importbatch",
        "surveys.view_exportrecord",
    }
)

# In the Django admin, admins keep the council's registry (councils, organisations, members,
# the strategy) whole, record its meetings, decisions, minutes, recommendations and action
# items (the workflows' own rules still apply), and read what the workflows write.
COUNCIL_ADMIN_PERMISSIONS = frozenset(
    {
        *(
            f"councils.{verb}_{model}"
            for model in (
                "council",
                "organisation",
                "membership",
                "agendaitem",
                "attendance",
                "actionitem",
                "strategy",
                "priority",
                "objective",
                "measure",
            )
            for verb in ("view", "add", "change", "delete")
        ),
        *(
            f"councils.{verb}_{model}"
            for model in ("meeting", "decision", "minutes", "recommendation")
            for verb in ("view", "add", "change")
        ),
        "councils.view_agendaattachment",
        "councils.add_agendaattachment",
        "councils.delete_agendaattachment",
        "councils.view_minutescomment",
        "councils.view_recommendationstatuschange",
        "councils.view_progressupdate",
        "councils.view_recordchange",
        "councils.view_referencesequence",
    }
)

# In the Django admin, analysts and admins keep the official incident sources and their category
# mappings, and read the import log and the incidents (which only an import writes).
ANALYTICS_ADMIN_PERMISSIONS = frozenset(
    {
        *(
            f"analytics.{verb}_{model}"
            for model in ("incidentsource", "categorymapping")
            for verb in ("view", "add", "change")
        ),
        "analytics.view_incidentimport",
        "analytics.view_officialincident",
    }
)

# The risk index's harm weights per category: admins keep them whole, analysts read and tune
# them (a category gets its row from an admin).
ADMIN_HARM_PERMISSIONS = frozenset(
    f"analytics.{verb}_categoryharm" for verb in ("view", "add", "change", "delete")
)
ANALYST_HARM_PERMISSIONS = frozenset(
    {"analytics.view_categoryharm", "analytics.change_categoryharm"}
)

# In the Django admin, admins keep the interventions whole (their records, sessions with the
# participant counts, and the proposals heard), delete photos (added on the staff's pages, where
# they are stripped of metadata) and read the evaluations (computed in the background).
INTERVENTION_ADMIN_PERMISSIONS = frozenset(
    {
        *(
            f"interventions.{verb}_{model}"
            for model in ("intervention", "session", "participants", "proposal")
            for verb in ("view", "add", "change", "delete")
        ),
        "interventions.view_interventionphoto",
        "interventions.delete_interventionphoto",
        "interventions.view_evaluation",
    }
)

# Django permissions ("app_label.codename") per role. Roles whose work arrives with later
# features hold none yet; their access is granted by role membership in the selectors.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.CITIZEN: frozenset(),
    Role.MODERATOR: frozenset(),
    Role.COUNCIL_MEMBER: frozenset(),
    Role.COUNCIL_SECRETARY: frozenset(),
    Role.VSU_STAFF: frozenset(),
    Role.VSU_SUPERVISOR: frozenset(),
    Role.ANALYST: SURVEY_ADMIN_PERMISSIONS | ANALYTICS_ADMIN_PERMISSIONS | ANALYST_HARM_PERMISSIONS,
    Role.ADMIN: frozenset(
        {
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.delete_user",
            "auth.view_group",
            "areas.view_area",
            "areas.add_area",
            "areas.change_area",
            "areas.delete_area",
            "core.view_outboxtask",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accessfailurelog",
            "axes.view_accesslog",
            "reports.view_category",
            "reports.add_category",
            "reports.change_category",
            "reports.view_report",
            "reports.change_report",
            "reports.view_reportevent",
            "reports.view_reportphoto",
            "reports.view_placeevaluation",
            "reports.view_comment",
            "reports.change_comment",
            "reports.view_commentflag",
            "reports.view_confirmation",
            "reports.view_follow",
            "reports.view_open311client",
            "reports.add_open311client",
            "reports.change_open311client",
            *SURVEY_ADMIN_PERMISSIONS,
            *COUNCIL_ADMIN_PERMISSIONS,
            *ANALYTICS_ADMIN_PERMISSIONS,
            *ADMIN_HARM_PERMISSIONS,
            *INTERVENTION_ADMIN_PERMISSIONS,
        }
    ),
}

# Roles that open the Django admin (each sees only the models its permissions name): admins,
# and analysts, who build survey waves and indicators there.
ADMIN_SITE_ROLES = frozenset({Role.ADMIN, Role.ANALYST})

# Roles whose sessions end after settings.VSU_IDLE_MINUTES without activity (victims' files).
SHORT_SESSION_ROLES = frozenset({Role.VSU_STAFF, Role.VSU_SUPERVISOR})

# Roles that only admins grant; a citizen registers and gets CITIZEN alone.
STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


def user_roles(user: User | AnonymousUser) -> frozenset[Role]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    names = getattr(user, "_role_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user.__dict__["_role_names"] = names  # per-request cache; the user object is short-lived
    return frozenset(Role(name) for name in names if name in Role.values)


def user_has_role(user: User | AnonymousUser, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def role_holder(*roles: Role) -> User:
    """An account holding these roles and nothing else: unsaved, no person, never logged in. For
    figures computed on a body's behalf as any holder of the roles reads them (a council's
    agenda pack, whoever convened the meeting), through selectors that decide by role. A
    selector that looks the person up (a seat, an owner) finds nobody."""
    holder = User(is_active=True)
    holder.__dict__["_role_names"] = frozenset(role.value for role in roles)
    return holder
