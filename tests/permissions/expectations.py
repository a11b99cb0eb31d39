"""Who gets what: the answer every URL gives each actor, for each method. Data only.

One row per URL name (`namespace:name`), grouped by app; a URL walked with more than one
object has a row per sample (`name[sample]`, see `walk.BY_NAME`). A row maps methods to
answers:

- a key is one method, or several separated by spaces ("GET HEAD"); `ELSE` stands for every
  method the row does not name, and a row without `ELSE` answers 405 to all of them;
- an answer is a status code or one of the redirects below, the same for every actor, or a
  dict from actors or groups of actors (world.py) to such answers; `OTHERS` is every actor the
  dict does not name. Each actor must be named once.

The Django admin's model pages are not written out one by one: `ADMIN_MODELS` says, for each
model, which admin-site actors hold each permission, and `admin_rows` turns that into rows for
its changelist, add, change, delete and history pages and the bare object URL. An explicit row
in `ROWS` takes precedence over a generated one.

A 500 is never right. Where a URL fails today the row says BUG_500, with a `# BUG` comment, so
that the day it is fixed the matrix says so and the row is corrected; a plain 500 is refused.
Other surprising answers carry a comment saying why they are what they are.
"""

from tests.permissions.world import (
    ACTORS,
    ADMIN,
    ANALYST,
    ANONYMOUS,
    CITIZEN,
    CITIZEN_TOKEN,
    COUNCIL_MEMBER,
    COUNCIL_SECRETARY,
    MODERATOR,
    OTHER_CITIZEN,
    SUPERUSER,
    VSU_STAFF,
    VSU_STAFF_ELSEWHERE,
    VSU_STAFF_UNENROLLED,
    VSU_SUPERVISOR,
    VSU_SUPERVISOR_TOKEN,
)

Answer = int | str | frozenset[int | str]  # a set: any of these, where the world decides
ByActor = dict[str | frozenset[str], Answer]  # keys: an actor, a group of actors, or OTHERS
Answers = Answer | ByActor
Row = dict[str, Answers]

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ELSE = "ELSE"
OTHERS = "OTHERS"

# Redirects, told apart by where they go.
LOGIN = "302 to log in"  # /accounts/login/
ADMIN_LOGIN = "302 to the admin's login"  # /admin/login/
ENROL = "302 to enrol a second factor"  # /accounts/2fa/setup/
VERIFY = "302 to the second factor"  # /accounts/2fa/verify/
REDIRECT = 302  # anywhere else: a form that did its work, a page that moved on


class Bug(int):
    """Today's answer, known to be wrong: a row says BUG_500 where a URL fails, and why."""


BUG_500 = Bug(500)

# Groups of actors.
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {ANONYMOUS}  # by a session, or by an API token
TOKEN_HOLDERS = frozenset({CITIZEN_TOKEN, VSU_SUPERVISOR_TOKEN})  # walk only the API
CITIZENS = frozenset({CITIZEN, OTHER_CITIZEN})
COUNCIL = frozenset({COUNCIL_MEMBER, COUNCIL_SECRETARY})
SURVEY_STAFF = frozenset({ANALYST, ADMIN})
INCIDENT_IMPORTERS = frozenset({ANALYST, ADMIN})  # bring the police's and municipality's files
ESTIMATE_READERS = COUNCIL | SURVEY_STAFF
INTERVENTION_READERS = COUNCIL | frozenset({ANALYST, ADMIN})  # read every intervention
INTERVENTION_RECORDERS = frozenset({COUNCIL_SECRETARY, ANALYST, ADMIN})  # record and edit them
ADMIN_SITE = frozenset({ANALYST, ADMIN, SUPERUSER})  # the Django admin opens to them
ADMINS = frozenset({ADMIN, SUPERUSER})
UNIT = frozenset({VSU_STAFF, VSU_STAFF_ELSEWHERE, VSU_STAFF_UNENROLLED, VSU_SUPERVISOR})
UNIT_VERIFIED = UNIT - {VSU_STAFF_UNENROLLED}  # members who passed the second factor
ON_THE_CASE = frozenset({VSU_STAFF, VSU_SUPERVISOR})  # the case's worker, the supervisor
OUTSIDE_THE_UNIT = SIGNED_IN - UNIT - TOKEN_HOLDERS  # the superuser too: no unit role
NOT_SUPERVISOR = SIGNED_IN - TOKEN_HOLDERS - {VSU_SUPERVISOR}

# Recurring answers.
LOGIN_FIRST: ByActor = {ANONYMOUS: LOGIN, OTHERS: 405}  # @login_required around a method check
# Unit pages: anonymous → log in, outsiders → 404, a member without a second factor → enrol.
UNIT_DOOR: ByActor = {ANONYMOUS: LOGIN, OUTSIDE_THE_UNIT: 404, VSU_STAFF_UNENROLLED: ENROL}
# A case's pages: the same, and a worker who is not on the case gets 404 too.
CASE_DOOR: ByActor = {**UNIT_DOOR, VSU_STAFF_ELSEWHERE: 404}
# Supervisor pages: role first, so every other member gets 404 even before the second factor.
SUPERVISOR_DOOR: ByActor = {ANONYMOUS: LOGIN, NOT_SUPERVISOR: 404}
# The unit's API: a session that passed the second factor (403 without one, and to every
# token, a supervisor's included), outsiders 404.
UNIT_API_DOOR: ByActor = {
    frozenset({ANONYMOUS, VSU_STAFF_UNENROLLED}) | TOKEN_HOLDERS: 403,
    OUTSIDE_THE_UNIT: 404,
}
NOT_ADMIN_SITE = EVERYONE - ADMIN_SITE
# The council's own pages: its members read; its secretary fills forms and presses buttons.
COUNCIL_READS: Row = {"GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404}, ELSE: LOGIN_FIRST}
SECRETARY_FORM: Row = {
    "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
    "POST": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 400, OTHERS: 404},
    ELSE: LOGIN_FIRST,
}
SECRETARY_BUTTON: Row = {
    "POST": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: REDIRECT, OTHERS: 404},
    ELSE: LOGIN_FIRST,
}
# The council secretary's forms: GET the form, POST (empty) says what is missing.
SECRETARY_FORM_NO_HEAD: Row = {
    "GET": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
    "POST": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 400, OTHERS: 404},
    ELSE: LOGIN_FIRST,
}

# Interventions: read by the council, analysts and admins; recorded by secretaries, analysts
# and admins (interventions/selectors.py).
INTERVENTION_READERS = COUNCIL | frozenset({ANALYST, ADMIN})
INTERVENTION_EDITORS = frozenset({COUNCIL_SECRETARY, ANALYST, ADMIN})
INTERVENTION_FORM: Row = {
    "GET HEAD": {ANONYMOUS: LOGIN, INTERVENTION_EDITORS: 200, OTHERS: 404},
    "POST": {ANONYMOUS: LOGIN, INTERVENTION_EDITORS: 400, OTHERS: 404},
    ELSE: LOGIN_FIRST,
}
INTERVENTION_BUTTON: Row = {
    "POST": {ANONYMOUS: LOGIN, INTERVENTION_EDITORS: REDIRECT, OTHERS: 404},
    ELSE: LOGIN_FIRST,
}

# URLs anonymous visitors may use, and why. Every other URL refuses them (401, 403, 404, 405,
# or a redirect to a login page): a test checks the rows below against this list.
PUBLIC = {
    "core:home": "the landing page",
    "core:healthz": "load balancers and monitoring",
    "accounts:login": "logging in",
    "accounts:logout": "logging out is harmless",
    "accounts:register": "citizens register themselves",
    "accounts:register_done": "after registering",
    "accounts:confirm": "the e-mailed confirmation link",
    "accounts:password_reset": "forgotten passwords",
    "accounts:password_reset_done": "forgotten passwords",
    "accounts:password_reset_confirm": "the e-mailed reset link",
    "accounts:password_reset_complete": "forgotten passwords",
    "set_language": "the language switcher",
    "javascript_catalog": "translations for scripts",
    "admin:login": "the admin's own login page",
    "admin:logout": "logging out is harmless",
    "api:token_create": "API clients log in",
    "api:area_list": "public boundaries for maps",
    "api:area_detail": "public boundaries for maps",
    "api:category_list": "the report categories",
    "api:report_list": "published reports (GET) and anonymous submission (POST)",
    "api:report_detail": "one published report",
    "api:report_tile": "the public risk map",
    "api:report_nearby": "the duplicate hint while submitting",
    "api:report_summary": "counts of published reports: what a dot of the public map holds",
    "api:report_export": "open data: published reports, public columns",
    "api:report_comments": "comments on published reports (GET; POST needs an account)",
    "reports:new": "anyone may report, anonymously",
    "reports:submitted": "the thank-you page",
    "reports:map": "the public risk map",
    "reports:list": "published reports, public fields only, with the map's filters",
    "reports:evaluate": "anyone may rate how safe a place feels",
    "surveys:list": "the surveys open to anyone",
    "surveys:respond": "anyone may answer an open survey, anonymously",
    "surveys:saved": "the respondent's own saved answers, found by the key in the link",
    "surveys:thanks": "the thank-you page",
    "surveys:results": "the survey's published results",
    "surveys:results_wave": "a wave's published results (a preview for the council otherwise)",
    "surveys:results_estimates_csv": "a wave's published estimates",
    "surveys:results_changes_csv": "a wave's published changes since its baseline",
    "api:indicator_list": "the estimates of waves whose results are published",
    "api:indicator_changes": "the changes between waves whose results are published",
    "api:survey_list": "the questions of open surveys",
    "api:survey_detail": "the questions of an open survey",
    "api:survey_response": "anyone may answer an open survey, anonymously",
    "api:evaluation_list": "average ratings per cell (GET) and anonymous rating (POST)",
    "reports:detail": "published reports; its reporter sees one in any status (404 otherwise)",
    "reports:photo": "photos of published reports; its reporter sees them in any status",
    "api_schema": "the OpenAPI description",
    "open311:discovery": "Open311 GeoReport v2 is public",
    "open311:services": "Open311 GeoReport v2 is public",
    "open311:service": "Open311 GeoReport v2 is public",
    "open311:requests": "public requests (GET); POST needs an api_key",
    "open311:request": "Open311 GeoReport v2 is public",
    "api_docs": "the API documentation",
    "victims:help": "victims of crime find the unit (with a quick-exit button)",
    "victims:support_request": "anyone may ask the Victim Support Unit to contact them",
    "victims:support_request_sent": "the thank-you page",
    "councils:home": "the council's public page: its members and meetings",
    "councils:meeting": "a meeting's public page: its public items and published summary",
    "councils:meeting_attachment": "a file of a public item of a public meeting",
    "councils:recommendations": "the council's public recommendations and their progress",
    "councils:recommendation": "one public recommendation, its action items and timeline",
    "councils:calendar": "the calendar of the council's public meetings (RFC 5545)",
    "councils:feed": "the Atom feed of the public recommendations' status and progress",
    "councils:open_data": "open data: everything public about the councils, CSV and JSON",
    "api:council_meeting_list": "the council's public meetings (GET; POST: the secretary)",
    "api:council_meeting_detail": "a public meeting and its public agenda items",
    "api:council_recommendation_list": "the public recommendations and their progress",
    "api:council_action_item_list": "the public recommendations' action items",
    "api:council_strategy_list": "the published strategies",
    "api:council_popolo": "the councils' organisations and memberships as Popolo JSON",
    "councils:strategy": "the published strategy, its objectives' standing (published waves only)",
    "councils:strategy_detail": "one published strategy, by its council and period",
    "api:analytics_hotspots": "the public hotspot layer of the risk map (public reports only)",
    "api:analytics_runs": "the latest public analyses (the council's to its figure readers)",
    # --- Analytics: the emerging hotspot layer and the risk index (public runs by default).
    "api:analytics_emerging": "the public emerging hotspot layer (public reports only)",
    "api:analytics_risk": "the public risk index per area (small counts hidden)",
    "api:analytics_risk_cells": "the public risk index per cell (public reports only)",
    # The risk tables' API (tests/analytics/test_run_tables_api.py): public runs, small counts
    # withheld; near repeats have no public run (a 404 for everybody without ?audience=council).
    "api:analytics_cyber": "the public cyber-threat trends (public reports, small counts withheld)",
    "api:analytics_forecasts": "the public forecasts (public reports only)",
    "api:analytics_near_repeat": "none public: a 404 (the council's with ?audience=council)",
    # --- Interventions: what the public reads (completed and evaluated ones, planned or
    # running ones marked public); a 404 for the others (tests/interventions/test_api_records.py).
    "api:intervention_list": "the public interventions for the map (GeoJSON)",
    "api:intervention_detail": "one public intervention (a 404 for one that is not public)",
    "api:intervention_photo": "photos of public interventions (a 404 for the others)",
    # --- Interventions: completed and evaluated ones, and planned ones marked public.
    "interventions:list": "the public interventions, listed and on a map",
    "interventions:detail": "a public intervention's page (a 404 for one not public)",
    "interventions:photo": "a public intervention's photos before and after",
    "interventions:evaluation": "a public intervention's finished evaluation (no small counts)",
    "api:intervention_evaluation": "a public intervention's latest finished evaluation",
}

ROWS: dict[str, Row] = {
    # --- The web shell ---------------------------------------------------------------------
    "core:home": {"GET HEAD": 200},
    # 200 or 503: whether a Celery worker (any on the broker) answers the health check's ping.
    "core:healthz": {"GET HEAD": frozenset({200, 503})},
    "set_language": {"GET HEAD POST PUT PATCH DELETE OPTIONS": REDIRECT},
    "javascript_catalog": {"GET HEAD OPTIONS": 200},
    # --- Accounts --------------------------------------------------------------------------
    # Django's class-based views take HEAD as GET, and PUT as POST where they have a form.
    "accounts:login": {
        "GET HEAD POST PUT OPTIONS": {ANONYMOUS: 200, OTHERS: REDIRECT},
        "PATCH DELETE": {ANONYMOUS: 405, OTHERS: REDIRECT},
    },
    "accounts:logout": {"POST": REDIRECT, "OPTIONS": 200},
    "accounts:register": {"GET POST": {ANONYMOUS: 200, OTHERS: REDIRECT}},
    "accounts:register_done": {"GET HEAD": 200},
    # Anyone holding the e-mailed link (made for a pending registration) sees the form.
    "accounts:confirm": {"GET POST": 200},
    "accounts:profile": {"GET HEAD": {ANONYMOUS: LOGIN, OTHERS: 200}, ELSE: LOGIN_FIRST},
    "accounts:twofactor_setup": {
        # Enrolled users are sent on to verify; the one member not enrolled sees the QR code.
        "GET POST": {ANONYMOUS: LOGIN, VSU_STAFF_UNENROLLED: 200, OTHERS: VERIFY},
        ELSE: LOGIN_FIRST,
    },
    "accounts:twofactor_verify": {
        # Already verified: on to `next`; an empty code re-shows the form (200, not 400).
        "GET": {ANONYMOUS: LOGIN, VSU_STAFF_UNENROLLED: ENROL, OTHERS: REDIRECT},
        "POST": {ANONYMOUS: LOGIN, VSU_STAFF_UNENROLLED: ENROL, OTHERS: 200},
        ELSE: LOGIN_FIRST,
    },
    # Only citizens delete their own account; staff accounts are disabled by an admin.
    "accounts:delete": {
        "GET POST": {ANONYMOUS: LOGIN, CITIZENS: 200, OTHERS: 403},
        ELSE: LOGIN_FIRST,
    },
    "accounts:password_change": {
        "GET HEAD POST PUT OPTIONS": {ANONYMOUS: LOGIN, OTHERS: 200},
        ELSE: LOGIN_FIRST,
    },
    "accounts:password_change_done": {
        "GET HEAD OPTIONS": {ANONYMOUS: LOGIN, OTHERS: 200},
        ELSE: LOGIN_FIRST,
    },
    "accounts:password_reset": {"GET HEAD POST PUT OPTIONS": 200},
    "accounts:password_reset_done": {"GET HEAD OPTIONS": 200},
    # A valid link moves its token into the session and redirects, whatever the method.
    "accounts:password_reset_confirm": {"GET HEAD POST PUT PATCH DELETE OPTIONS": REDIRECT},
    "accounts:password_reset_complete": {"GET HEAD OPTIONS": 200},
    # --- Citizen reports -------------------------------------------------------------------
    "reports:new": {"GET HEAD": 200},
    "reports:submitted": {"GET HEAD": 200},
    "reports:map": {"GET HEAD": 200},
    "reports:list": {"GET HEAD": 200},
    "reports:evaluate": {"GET HEAD": 200},
    "reports:mine": {"GET HEAD": {ANONYMOUS: LOGIN, OTHERS: 200}, ELSE: LOGIN_FIRST},
    "reports:detail": {"GET HEAD": 200},
    # Not published: only its own reporter opens its page (the moderators work on it in the
    # moderation pages); not found for anybody else.
    "reports:detail[unpublished]": {"GET HEAD": {CITIZEN: 200, OTHERS: 404}},
    "reports:photo": {"GET HEAD": 200},
    "reports:photo[unpublished]": {"GET HEAD": {frozenset({CITIZEN, MODERATOR}): 200, OTHERS: 404}},
    "reports:comment_create": {"POST": {ANONYMOUS: LOGIN, OTHERS: REDIRECT}, ELSE: LOGIN_FIRST},
    "reports:comment_create[unpublished]": {
        "POST": {ANONYMOUS: LOGIN, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "reports:confirm": {"POST": {ANONYMOUS: LOGIN, OTHERS: REDIRECT}, ELSE: LOGIN_FIRST},
    "reports:confirm[unpublished]": {"POST": {ANONYMOUS: LOGIN, OTHERS: 404}, ELSE: LOGIN_FIRST},
    "reports:follow": {"POST": {ANONYMOUS: LOGIN, OTHERS: REDIRECT}, ELSE: LOGIN_FIRST},
    "reports:follow[unpublished]": {"POST": {ANONYMOUS: LOGIN, OTHERS: 404}, ELSE: LOGIN_FIRST},
    "reports:comment_flag": {"POST": {ANONYMOUS: LOGIN, OTHERS: REDIRECT}, ELSE: LOGIN_FIRST},
    # Moderation: the queues answer 403 to other roles, a report or comment in them 404.
    "reports:moderation_queue": {
        "GET HEAD": {ANONYMOUS: LOGIN, MODERATOR: 200, OTHERS: 403},
        ELSE: LOGIN_FIRST,
    },
    "reports:moderation_detail": {
        "GET HEAD": {ANONYMOUS: LOGIN, MODERATOR: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # An empty form: the report's page again, with "Choose an action" on its field.
    "reports:moderation_act": {
        "POST": {ANONYMOUS: LOGIN, MODERATOR: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "reports:moderation_comments": {
        "GET HEAD": {ANONYMOUS: LOGIN, MODERATOR: 200, OTHERS: 403},
        ELSE: LOGIN_FIRST,
    },
    "reports:moderation_comment": {
        "POST": {ANONYMOUS: LOGIN, MODERATOR: REDIRECT, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # --- The citizen reports' API and Open311 ----------------------------------------------
    "api:category_list": {"GET HEAD OPTIONS": 200},
    # An empty POST is an incomplete report, from anyone.
    "api:report_list": {"GET HEAD OPTIONS": 200, "POST": 400},
    "api:report_nearby": {"GET HEAD": 400, "OPTIONS": 200},  # 400: no point given
    "api:report_summary": {"GET HEAD OPTIONS": 200},
    "api:report_export": {"GET HEAD": 200},
    "api:report_detail": {"GET HEAD OPTIONS": 200},
    "api:report_detail[unpublished]": {"GET HEAD": 404, "OPTIONS": 200},
    "api:report_comments": {
        "GET HEAD OPTIONS": 200,
        "POST": {ANONYMOUS: 401, OTHERS: 400},
        ELSE: {ANONYMOUS: 401, OTHERS: 405},
    },
    # The empty body is refused before the report is looked up: 400, as for a published one.
    "api:report_comments[unpublished]": {
        "GET HEAD": 404,
        "POST": {ANONYMOUS: 401, OTHERS: 400},
        "OPTIONS": 200,
        ELSE: {ANONYMOUS: 401, OTHERS: 405},
    },
    "api:evaluation_list": {"GET HEAD OPTIONS": 200, "POST": 400},
    "api:report_tile": {"GET HEAD": 200},
    "open311:discovery": {"GET HEAD": 200},
    "open311:services": {"GET HEAD": 200},
    "open311:service": {"GET HEAD": 200},
    "open311:requests": {"GET": 200, "POST": 403},  # 403: no api_key
    "open311:request": {"GET HEAD": 200},
    "open311:request[unpublished]": {"GET HEAD": 404},
    # --- Accounts' API, areas, the schema --------------------------------------------------
    "api:token_create": {"POST": 400, "OPTIONS": 200},
    # Token authentication only: a browser session is no token to revoke.
    "api:token_revoke": {
        "POST": {TOKEN_HOLDERS: 204, OTHERS: 401},
        "OPTIONS": {TOKEN_HOLDERS: 200, OTHERS: 401},
        ELSE: {TOKEN_HOLDERS: 405, OTHERS: 401},
    },
    "api:me": {
        "GET HEAD OPTIONS": {ANONYMOUS: 401, OTHERS: 200},
        ELSE: {ANONYMOUS: 401, OTHERS: 405},
    },
    "api:area_list": {"GET HEAD OPTIONS": 200},
    "api:area_detail": {"GET HEAD OPTIONS": 200},
    "api_schema": {"GET HEAD OPTIONS": 200},
    "api_docs": {"GET HEAD": 200},
    # --- Surveys ---------------------------------------------------------------------------
    "surveys:list": {"GET HEAD": 200},
    "surveys:respond": {"GET": 200, "POST": 400},  # 400: an empty questionnaire
    "surveys:respond[closed]": {"GET POST": 404},
    # Without the resume key of a saved response (the world has none), back to the survey.
    "surveys:saved": {"GET POST": REDIRECT},
    "surveys:saved[closed]": {"GET POST": 404},
    "surveys:thanks": {"GET HEAD": 200},
    "surveys:thanks[closed]": {"GET HEAD": 404},
    "surveys:dashboard": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # The council's dashboard and its CSVs: the council, analysts and admins (a 404 to others).
    "councils:dashboard": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_report_changes_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_report_counts_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_night_places_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_indicator_changes_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_victim_support_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_recommendations_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_overdue_actions_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_hot_cells_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_risk_areas_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_cyber_alerts_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_forecasts_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:dashboard_interventions_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # A meeting's agenda pack (PDF): the members of its council and its secretary only, for a
    # planned meeting too (its figures are taken at convening), a 404 to everybody else.
    "councils:meeting_pack": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:meeting_pack[held]": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # The secretary's export and import of recommendations: a secretary who sits on a council
    # (a 404 to everybody else, members included). The exports are GET only.
    "councils:recommendations_export_csv": {
        "GET": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:recommendations_export_xlsx": {
        "GET": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "analytics:incidents_import": {
        "GET": {ANONYMOUS: LOGIN, INCIDENT_IMPORTERS: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, INCIDENT_IMPORTERS: 400, OTHERS: 404},  # 400: no file
        ELSE: LOGIN_FIRST,
    },
    "councils:recommendations_import": {
        "GET": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 400, OTHERS: 404},  # 400: no file
        ELSE: LOGIN_FIRST,
    },
    "surveys:estimates_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "surveys:changes_csv": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # Published results are everybody's; an unpublished wave's are a preview for the council
    # and the survey staff, a 404 for everybody else.
    "surveys:results": {"GET HEAD": 200},
    # --- The council's public pages: the same for everyone (they read the public values of
    # councils.selectors only); a meeting that is only planned is not public, to members too.
    "councils:home": {"GET HEAD": 200},
    "councils:meeting": {"GET HEAD": 404},
    "councils:meeting[public]": {"GET HEAD": 200},
    # A closed item's file is nobody's on the public address; a public item's is everybody's.
    "councils:meeting_attachment": {"GET HEAD": 404},
    "councils:meeting_attachment[public]": {"GET HEAD": 200},
    "councils:recommendations": {"GET HEAD": 200},
    "councils:recommendation": {"GET HEAD": 200},
    "councils:calendar": {"GET HEAD": 200},
    "councils:feed": {"GET HEAD": 200},
    "councils:open_data": {"GET HEAD": 200},
    # --- The council's API: the public record for everybody; a member reads every meeting
    # of their council, and its secretary adds meetings and agenda items (councils/api/).
    "api:council_meeting_list": {
        "GET HEAD OPTIONS": 200,
        "POST": {ANONYMOUS: 401, COUNCIL_SECRETARY: 400, OTHERS: 403},  # 400: an empty body
    },
    # The planned meeting is the council's only; the held split one is public.
    "api:council_meeting_detail": {"GET HEAD": {COUNCIL: 200, OTHERS: 404}, "OPTIONS": 200},
    "api:council_meeting_detail[public]": {"GET HEAD OPTIONS": 200},
    # Refused with 403 to those who may see the meeting, 404 to those who may not.
    "api:council_agenda_item_create": {
        "POST": {ANONYMOUS: 401, COUNCIL_SECRETARY: 400, COUNCIL_MEMBER: 403, OTHERS: 404},
        "OPTIONS": {ANONYMOUS: 401, OTHERS: 200},
        ELSE: {ANONYMOUS: 401, OTHERS: 405},
    },
    "api:council_agenda_item_create[public]": {
        "POST": {ANONYMOUS: 401, COUNCIL_SECRETARY: 400, OTHERS: 403},
        "OPTIONS": {ANONYMOUS: 401, OTHERS: 200},
        ELSE: {ANONYMOUS: 401, OTHERS: 405},
    },
    "api:council_recommendation_list": {"GET HEAD OPTIONS": 200},
    "api:council_action_item_list": {"GET HEAD OPTIONS": 200},
    "api:council_strategy_list": {"GET HEAD OPTIONS": 200},
    "api:council_popolo": {"GET HEAD OPTIONS": 200},
    "councils:strategy": {"GET HEAD": 200},
    "councils:strategy_detail": {"GET HEAD": 200},
    # --- Analytics: the council's hotspot page for its figure readers (a 404 to others); the
    # API's public layer for everybody, its council layer (?audience=council) for the same
    # readers (tests/analytics/test_api.py). The world has no stored run: the layer is a 404.
    "analytics:overview": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "api:analytics_hotspots": {"GET HEAD": 404, "OPTIONS": 200},
    "api:analytics_runs": {"GET HEAD OPTIONS": 200},
    # --- Analytics: the emerging hotspot layer and the risk index, as the hotspot layer (no run
    # in the world: 404); the council's risk page for the figure readers, a 404 to others.
    "api:analytics_emerging": {"GET HEAD": 404, "OPTIONS": 200},
    "api:analytics_risk": {"GET HEAD": 404, "OPTIONS": 200},
    "api:analytics_risk_cells": {"GET HEAD": 404, "OPTIONS": 200},
    "analytics:risk": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # --- Analytics' "Run now": a POST by analysts and admins queues the nightly's analyses
    # (through the outbox, sent on commit) and goes back to /analytics/; a 404 to others.
    "analytics:run_now": {
        "POST": {ANONYMOUS: LOGIN, INCIDENT_IMPORTERS: REDIRECT, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # --- Analytics: the council's pages of cyber trends, forecasts and near repeats (its figure
    # readers; a 404 to others) and their API (tests/analytics/test_run_tables_api.py). The
    # world has no stored run: every answer of the API is a 404.
    "analytics:cyber": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "analytics:forecasts": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "analytics:near_repeat": {
        "GET HEAD": {ANONYMOUS: LOGIN, ESTIMATE_READERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "api:analytics_cyber": {"GET HEAD": 404, "OPTIONS": 200},
    "api:analytics_forecasts": {"GET HEAD": 404, "OPTIONS": 200},
    "api:analytics_near_repeat": {"GET HEAD": 404, "OPTIONS": 200},
    # --- Interventions: the API reads what the caller may read (the public: completed, evaluated
    # and announced ones; the council, analysts and admins: all); the planned one of the world
    # is not public. The exchange of files is for those who record interventions.
    "api:intervention_list": {"GET HEAD OPTIONS": 200},
    "api:intervention_detail": {"GET HEAD OPTIONS": 200},
    "api:intervention_detail[planned]": {
        "GET HEAD": {INTERVENTION_READERS: 200, OTHERS: 404},
        "OPTIONS": 200,
    },
    "api:intervention_photo": {"GET HEAD OPTIONS": 200},
    "api:intervention_photo[planned]": {
        "GET HEAD": {INTERVENTION_READERS: 200, OTHERS: 404},
        "OPTIONS": 200,
    },
    "interventions:export_csv": {
        "GET": {ANONYMOUS: LOGIN, INTERVENTION_RECORDERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "interventions:export_xlsx": {
        "GET": {ANONYMOUS: LOGIN, INTERVENTION_RECORDERS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "interventions:import": {
        "GET": {ANONYMOUS: LOGIN, INTERVENTION_RECORDERS: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, INTERVENTION_RECORDERS: 400, OTHERS: 404},  # 400: no file
        ELSE: LOGIN_FIRST,
    },
    # --- Interventions' evaluations (tests/interventions/test_evaluation_pages.py): analysts and
    # admins request one (an empty form is refused: 400) and write the EMMIE notes (an empty
    # POST saves nothing new and goes back to the result); a 404 to others. A completed
    # intervention's finished evaluation is everybody's, on its page and in the API.
    "interventions:evaluate": {
        "GET HEAD": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "interventions:evaluation": {"GET HEAD": 200},
    "interventions:evaluation_emmie": {
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: REDIRECT, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "api:intervention_evaluation": {"GET HEAD OPTIONS": 200},
    # Its input data (unit × period counts, small ones included): those who read every
    # intervention's full figures; a 404, not a log-in redirect, to everybody else.
    "interventions:evaluation_inputs": {"GET HEAD": {INTERVENTION_READERS: 200, OTHERS: 404}},
    # --- The council's own pages of meetings: its members read, its secretary writes; a 404
    # for everybody else. An empty form is refused (400); a button redirects to the meeting.
    "councils:manage_meetings": COUNCIL_READS,
    "councils:manage_meeting": COUNCIL_READS,
    "councils:manage_meeting_new": SECRETARY_FORM,
    "councils:manage_meeting_edit": SECRETARY_FORM,
    "councils:manage_meeting_cancel": SECRETARY_FORM,
    "councils:manage_meeting_convene": SECRETARY_BUTTON,
    "councils:manage_meeting_status": SECRETARY_BUTTON,
    "councils:manage_item_new": SECRETARY_FORM,
    "councils:manage_item_edit": SECRETARY_FORM,
    "councils:manage_item_delete": SECRETARY_BUTTON,
    "councils:manage_item_move": SECRETARY_BUTTON,
    # A citizens' proposal sent from an advisory meeting, put on the planned meeting's agenda.
    "councils:manage_item_from_proposal": SECRETARY_BUTTON,
    "councils:manage_decision_new": SECRETARY_FORM,
    # An item's files: the secretary attaches (an empty form: 400) and removes them; the
    # members download every file of their council's meetings, closed items' included.
    "councils:manage_item_attachments": SECRETARY_FORM,
    "councils:manage_attachment_delete": SECRETARY_BUTTON,
    "councils:manage_attachment": COUNCIL_READS,
    "councils:manage_attachment[public]": COUNCIL_READS,
    "councils:manage_attendance": SECRETARY_FORM,
    "councils:manage_attendance_not_recorded": SECRETARY_BUTTON,
    # Both texts of draft minutes may be empty (circulating asks for the text): saved, 302.
    "councils:manage_minutes": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: REDIRECT, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:manage_minutes_circulate": SECRETARY_BUTTON,
    "councils:manage_minutes_return": SECRETARY_BUTTON,
    "councils:manage_minutes_publish": SECRETARY_BUTTON,
    # Any member opens the approval; the service refuses all but the chair (a 400 that says so).
    "councils:manage_minutes_approve": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, COUNCIL: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:manage_minutes_comment": {
        "POST": {ANONYMOUS: LOGIN, COUNCIL: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # --- The council's own recommendation pages: its members read (a 404 to everybody else,
    # even where the recommendation is public); the secretary writes (400: an empty form); the
    # member who owns the world's action item posts its progress. Removing an item redirects.
    "councils:manage_recommendations": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:manage_recommendation": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:my_action_items": {
        "GET HEAD": {ANONYMOUS: LOGIN, COUNCIL: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:manage_recommendation_new": SECRETARY_FORM_NO_HEAD,
    "councils:manage_recommendation_edit": SECRETARY_FORM_NO_HEAD,
    "councils:manage_recommendation_status": SECRETARY_FORM_NO_HEAD,
    "councils:manage_action_item_new": SECRETARY_FORM_NO_HEAD,
    "councils:manage_action_item_edit": SECRETARY_FORM_NO_HEAD,
    "councils:manage_action_item_delete": {
        "GET": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, COUNCIL_SECRETARY: REDIRECT, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "councils:progress_update_new": {
        "GET": {ANONYMOUS: LOGIN, COUNCIL_MEMBER: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, COUNCIL_MEMBER: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "surveys:results_wave": {"GET HEAD": {ESTIMATE_READERS: 200, OTHERS: 404}},
    "surveys:results_wave[published]": {"GET HEAD": 200},
    "surveys:results_estimates_csv": {"GET HEAD": {ESTIMATE_READERS: 200, OTHERS: 404}},
    "surveys:results_estimates_csv[published]": {"GET HEAD": 200},
    "surveys:results_changes_csv": {"GET HEAD": {ESTIMATE_READERS: 200, OTHERS: 404}},
    "surveys:results_changes_csv[published]": {"GET HEAD": 200},
    # Survey staff are analysts and admins; the superuser holds neither role.
    "surveys:staff": {
        "GET HEAD": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "surveys:import": {
        "GET": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: 400, OTHERS: 404},  # 400: no file
        ELSE: LOGIN_FIRST,
    },
    # Each answer is a logged export: GET only (a HEAD would log an export nobody receives).
    "surveys:export": {
        "GET": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # Not ready (the wave is open): the page says why; a POST without an action is a 400.
    "surveys:publication": {
        "GET": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "surveys:margins": {
        "GET": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        # An empty form is refused: clearing every margin is its own action.
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    # Paper entry works on closed waves too.
    "surveys:paper": {
        "GET": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "surveys:paper[closed]": {
        "GET": {ANONYMOUS: LOGIN, SURVEY_STAFF: 200, OTHERS: 404},
        "POST": {ANONYMOUS: LOGIN, SURVEY_STAFF: 400, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "api:survey_list": {"GET HEAD OPTIONS": 200},
    "api:survey_detail": {"GET HEAD OPTIONS": 200},
    "api:survey_detail[closed]": {"GET HEAD": 404, "OPTIONS": 200},
    "api:survey_response": {"POST": 400, "OPTIONS": 200},
    "api:survey_response[closed]": {"POST": 404, "OPTIONS": 200},
    # Everybody reads the published waves' rows, the council and the survey staff every
    # wave's (tests/surveys/test_results.py); so for the changes.
    "api:indicator_list": {"GET HEAD OPTIONS": 200},
    "api:indicator_changes": {"GET HEAD OPTIONS": 200},
    # --- The Victim Support Unit: public pages ---------------------------------------------
    "victims:help": {"GET": 200},
    "victims:support_request": {"GET POST": 200},  # an empty form is shown again
    "victims:support_request_sent": {"GET": 200},
    # --- The Victim Support Unit: members' pages -------------------------------------------
    # The search is POSTed, so that a name typed into it never reaches a URL or an access log.
    "victims:cases": {"GET POST": {**UNIT_DOOR, UNIT_VERIFIED: 200}},
    "victims:case_new": {"GET POST": {**UNIT_DOOR, UNIT_VERIFIED: 200}},
    "victims:case": {"GET": {**CASE_DOOR, ON_THE_CASE: 200}},
    # Restricted: closed to the supervisor too, until they open it by break-glass.
    "victims:case[restricted]": {"GET": {**CASE_DOOR, VSU_SUPERVISOR: 404, VSU_STAFF: 200}},
    "victims:case_edit": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:case_status": {"POST": {**CASE_DOOR, ON_THE_CASE: 400}},
    "victims:case_close": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:case_reopen": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:session_new": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:consent_new": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:consent_withdraw": {"POST": {**CASE_DOOR, ON_THE_CASE: REDIRECT}},
    "victims:referral_new": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:referral_update": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:document_new": {"GET POST": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:document": {"GET": {**CASE_DOOR, ON_THE_CASE: 200}},
    "victims:intake": {"GET": {**UNIT_DOOR, UNIT_VERIFIED: 200}},
    "victims:intake_detail": {
        "GET": {**UNIT_DOOR, UNIT_VERIFIED: 200},
        "POST": {**UNIT_DOOR, UNIT_VERIFIED: 400},  # neither action chosen
    },
    "victims:services": {"GET": {**UNIT_DOOR, UNIT_VERIFIED: 200}},
    # --- The Victim Support Unit: supervisors' pages ---------------------------------------
    "victims:case_assign": {"GET POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:assignment_end": {"POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: REDIRECT}},
    # The case is not restricted: the supervisor is sent straight to it.
    "victims:break_glass": {"GET POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: REDIRECT}},
    "victims:break_glass[restricted]": {"GET POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:break_glass_review": {"POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: REDIRECT}},
    "victims:service_new": {"GET POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:service_edit": {"GET POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:dashboard": {"GET": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:audit": {"GET": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:person_export": {"GET": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    "victims:person_erase": {"GET POST": {**SUPERVISOR_DOOR, VSU_SUPERVISOR: 200}},
    # --- The Victim Support Unit's API -----------------------------------------------------
    "api:vsu_case_list": {
        "GET HEAD OPTIONS": {**UNIT_API_DOOR, UNIT_VERIFIED: 200},
        ELSE: {**UNIT_API_DOOR, UNIT_VERIFIED: 405},
    },
    "api:vsu_case_detail": {
        "GET HEAD": {**UNIT_API_DOOR, VSU_STAFF_ELSEWHERE: 404, ON_THE_CASE: 200},
        "OPTIONS": {**UNIT_API_DOOR, UNIT_VERIFIED: 200},  # describes the endpoint, no case
        ELSE: {**UNIT_API_DOOR, UNIT_VERIFIED: 405},
    },
    "api:vsu_case_detail[restricted]": {
        "GET HEAD": {
            **UNIT_API_DOOR,
            frozenset({VSU_STAFF_ELSEWHERE, VSU_SUPERVISOR}): 404,
            VSU_STAFF: 200,
        },
        "OPTIONS": {**UNIT_API_DOOR, UNIT_VERIFIED: 200},
        ELSE: {**UNIT_API_DOOR, UNIT_VERIFIED: 405},
    },
    "api:vsu_session_create": {
        "POST": {**UNIT_API_DOOR, VSU_STAFF_ELSEWHERE: 404, ON_THE_CASE: 400},
        "OPTIONS": {**UNIT_API_DOOR, UNIT_VERIFIED: 200},
        ELSE: {**UNIT_API_DOOR, UNIT_VERIFIED: 405},
    },
    # --- Interventions (interventions/views/records.py) ------------------------------------
    # The public reads the public ones; the council, analysts and admins read every one, on
    # the same pages. Secretaries, analysts and admins record them under manage/ (a 404 for
    # anybody else); an empty POST shows the form with its errors, and a button's POST goes
    # back to the intervention's page whatever it did.
    "interventions:list": {"GET HEAD": 200},
    "interventions:detail": {"GET HEAD": {INTERVENTION_READERS: 200, OTHERS: 404}},
    "interventions:detail[public]": {"GET HEAD": 200},
    "interventions:photo": {"GET HEAD": {INTERVENTION_READERS: 200, OTHERS: 404}},
    "interventions:photo[public]": {"GET HEAD": 200},
    "interventions:manage_list": {
        "GET HEAD": {ANONYMOUS: LOGIN, INTERVENTION_EDITORS: 200, OTHERS: 404},
        ELSE: LOGIN_FIRST,
    },
    "interventions:manage_new": INTERVENTION_FORM,
    "interventions:manage_edit": INTERVENTION_FORM,
    "interventions:manage_photos": INTERVENTION_FORM,
    "interventions:manage_session_new": INTERVENTION_FORM,
    "interventions:manage_session_edit": INTERVENTION_FORM,
    "interventions:manage_status": INTERVENTION_BUTTON,
    "interventions:manage_proposal_send": INTERVENTION_BUTTON,
    # --- The Django admin: the site's own pages --------------------------------------------
    "admin:index": {ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 200}},
    "admin:login": {
        "GET": {NOT_ADMIN_SITE: 200, ADMIN_SITE: REDIRECT},
        "HEAD POST PUT OPTIONS": 200,
    },
    # Not signed in to the admin: back to its index (which then asks to log in).
    "admin:logout": {
        "POST": REDIRECT,
        "OPTIONS": {NOT_ADMIN_SITE: REDIRECT, ADMIN_SITE: 200},
        ELSE: {NOT_ADMIN_SITE: REDIRECT, ADMIN_SITE: 405},
    },
    # The platform's own page (accounts:password_change), whose old password the lockout counts.
    "admin:password_change": {ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: REDIRECT}},
    "admin:password_change_done": {
        "GET HEAD OPTIONS": {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 200},
        ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 405},
    },
    # 403 without the query naming a model field to complete.
    "admin:autocomplete": {
        "GET HEAD": {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 403},
        "OPTIONS": {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 200},
        ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 405},
    },
    "admin:jsi18n": {
        "GET HEAD OPTIONS": {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 200},
        ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 405},
    },
    # Reports have no page of their own to be sent to.
    "admin:view_on_site": {ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 404}},
    "admin:<catch-all>": {ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, ADMIN_SITE: 404}},
}

# --- The Django admin's model pages ----------------------------------------------------------
NOBODY: frozenset[str] = frozenset()
SURVEY_BUILDERS = ADMIN_SITE  # analysts, admins and the superuser
INCIDENT_KEEPERS = ADMIN_SITE  # analysts, admins and the superuser
SU = frozenset({SUPERUSER})


class AdminModel:
    """Which admin-site actors may open (view or change), add, change and delete a model's rows.

    `saves_empty`: every field is read-only, so an empty POST to the change form saves (302).
    `add_post`: what an empty POST to the add form answers those who may add (a form with its
    errors, 200, unless the model's admin breaks).
    """

    def __init__(
        self,
        *,
        view: frozenset[str],
        add: frozenset[str] = NOBODY,
        change: frozenset[str] = NOBODY,
        delete: frozenset[str] = NOBODY,
        saves_empty: bool = False,
        add_post: Answer = 200,
    ) -> None:
        self.view, self.add, self.change, self.delete = view, add, change, delete
        self.saves_empty, self.add_post = saves_empty, add_post


ADMIN_MODELS: dict[str, AdminModel] = {
    # The superuser holds every permission, except where a model's admin takes one away.
    "auth_group": AdminModel(view=ADMINS, add=SU, change=SU, delete=SU),
    "knox_authtoken": AdminModel(view=SU, add=SU, change=SU, delete=SU),
    # Login records: read and cleared by admins, never written by hand.
    "axes_accessattempt": AdminModel(view=ADMINS, change=SU, delete=ADMINS, saves_empty=True),
    "axes_accesslog": AdminModel(view=ADMINS, change=SU, delete=SU, saves_empty=True),
    "axes_accessfailurelog": AdminModel(view=ADMINS, change=SU, delete=SU, saves_empty=True),
    "core_outboxtask": AdminModel(view=ADMINS, delete=SU),  # read-only, even for the superuser
    "accounts_user": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "areas_area": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "reports_category": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=SU),
    # What citizens make (reports, ratings, comments, "me too", follows) is never added in the
    # admin, not even by the superuser: their services place them and check who made them.
    "reports_report": AdminModel(view=ADMINS, change=ADMINS, delete=SU),
    "reports_placeevaluation": AdminModel(view=ADMINS, change=SU, delete=SU),
    "reports_comment": AdminModel(view=ADMINS, change=ADMINS, delete=SU),
    "reports_confirmation": AdminModel(view=ADMINS, change=SU, delete=SU, saves_empty=True),
    "reports_follow": AdminModel(view=ADMINS, change=SU, delete=SU, saves_empty=True),
    "reports_open311client": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=SU),
    # A wave with responses (and its questions) cannot be deleted, by anybody.
    "surveys_survey": AdminModel(view=SURVEY_BUILDERS, add=SURVEY_BUILDERS, change=SURVEY_BUILDERS),
    "surveys_question": AdminModel(
        view=SURVEY_BUILDERS, add=SURVEY_BUILDERS, change=SURVEY_BUILDERS
    ),
    "surveys_indicator": AdminModel(
        view=SURVEY_BUILDERS,
        add=SURVEY_BUILDERS,
        change=SURVEY_BUILDERS,
        delete=SURVEY_BUILDERS,
    ),
    # What came in and went out is read-only for everybody.
    "surveys_response": AdminModel(view=SURVEY_BUILDERS),
    "surveys_importbatch": AdminModel(view=SURVEY_BUILDERS),
    "surveys_exportrecord": AdminModel(view=SURVEY_BUILDERS),
    # The council (councils/admin/): admins keep the registry and the strategy whole, and
    # record and correct meetings, decisions, minutes and recommendations, which stay on
    # record (deleted by the superuser alone, and decisions and minutes by nobody); the
    # history the workflows write is read-only for everybody.
    "councils_council": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_organisation": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_membership": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_meeting": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=SU),
    "councils_agendaitem": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_decision": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS),
    "councils_minutes": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS),
    "councils_recommendation": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=SU),
    "councils_actionitem": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_strategy": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_objective": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "councils_recordchange": AdminModel(view=ADMINS),
    # Official incidents: analysts and admins keep the sources and their category mappings
    # (deleted by the superuser alone); the import log and the incidents, which only an import
    # writes, are read-only for everybody.
    "analytics_incidentsource": AdminModel(
        view=INCIDENT_KEEPERS, add=INCIDENT_KEEPERS, change=INCIDENT_KEEPERS, delete=SU
    ),
    "analytics_incidentimport": AdminModel(view=INCIDENT_KEEPERS),
    "analytics_officialincident": AdminModel(view=INCIDENT_KEEPERS),
    # The risk index's harm weights: admins keep them whole, analysts read and tune them.
    "analytics_categoryharm": AdminModel(
        view=SURVEY_BUILDERS, add=ADMINS, change=SURVEY_BUILDERS, delete=ADMINS
    ),
    # Interventions: admins keep the records, sessions (with their counts) and proposals whole;
    # photos are read and deleted (added on the staff's pages, stripped of metadata), and
    # evaluations read only (computed in the background), even by the superuser.
    "interventions_intervention": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "interventions_session": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "interventions_proposal": AdminModel(view=ADMINS, add=ADMINS, change=ADMINS, delete=ADMINS),
    "interventions_interventionphoto": AdminModel(view=ADMINS, delete=ADMINS),
    "interventions_evaluation": AdminModel(view=ADMINS),
}

ADMIN_PAGES = ("changelist", "add", "change", "delete", "history", "<object>")
GET_LIKE = "GET HEAD PUT PATCH DELETE OPTIONS"  # the admin's pages treat them all as GET


def _admin_answers(allowed: frozenset[str], answer: Answer) -> ByActor:
    refused = ADMIN_SITE - allowed
    answers: ByActor = {NOT_ADMIN_SITE: ADMIN_LOGIN}
    if allowed:
        answers[allowed] = answer
    if refused:
        answers[refused] = 403
    return answers


def admin_rows(model: str, rule: AdminModel) -> dict[str, Row]:
    """The rows of one model's admin pages; everybody outside the admin site is sent to log in."""
    post_change = REDIRECT if rule.saves_empty else 200
    return {
        f"admin:{model}_changelist": {ELSE: _admin_answers(rule.view, 200)},
        f"admin:{model}_history": {ELSE: _admin_answers(rule.view, 200)},
        f"admin:{model}_add": {
            GET_LIKE: _admin_answers(rule.add, 200),
            "POST": _admin_answers(rule.add, rule.add_post),
        },
        f"admin:{model}_change": {
            GET_LIKE: _admin_answers(rule.view, 200),
            "POST": _admin_answers(rule.change, post_change),
        },
        # An empty POST only shows the confirmation again.
        f"admin:{model}_delete": {ELSE: _admin_answers(rule.delete, 200)},
        # The bare object URL redirects to its change page, which then decides.
        f"admin:{model}_<object>": {ELSE: _admin_answers(ADMIN_SITE, REDIRECT)},
    }


def _admin_app(opens: frozenset[str]) -> Row:
    # An app's index opens to whoever may open one of its models; to other staff it is 404.
    return {ELSE: {NOT_ADMIN_SITE: ADMIN_LOGIN, opens: 200, ADMIN_SITE - opens: 404}}


ROWS.update(
    {
        # Accounts of the Victim Support Unit and superusers: only a superuser changes them.
        # Admins read them (a read-only page), and their history.
        "admin:accounts_user_change[unit member]": {
            GET_LIKE: _admin_answers(ADMINS, 200),
            "POST": _admin_answers(SU, 200),
        },
        "admin:accounts_user_change[superuser]": {
            GET_LIKE: _admin_answers(ADMINS, 200),
            "POST": _admin_answers(SU, 200),
        },
        "admin:accounts_user_delete[unit member]": {ELSE: _admin_answers(SU, 200)},
        "admin:accounts_user_delete[superuser]": {ELSE: _admin_answers(SU, 200)},
        "admin:accounts_user_history[unit member]": {ELSE: _admin_answers(ADMINS, 200)},
        "admin:accounts_user_history[superuser]": {ELSE: _admin_answers(ADMINS, 200)},
        # Setting a citizen's password is an admin's; a unit member's or superuser's is not.
        "admin:auth_user_password_change": {ELSE: _admin_answers(ADMINS, 200)},
        "admin:auth_user_password_change[unit member]": {ELSE: _admin_answers(SU, 200)},
        # The superuser's own row: one's own password is changed on the platform's page.
        "admin:auth_user_password_change[superuser]": {ELSE: _admin_answers(SU, REDIRECT)},
        # A wave without responses can be deleted by whoever builds waves.
        "admin:surveys_survey_delete[no responses]": {ELSE: _admin_answers(SURVEY_BUILDERS, 200)},
        "admin:surveys_question_delete[no responses]": {ELSE: _admin_answers(SURVEY_BUILDERS, 200)},
        "admin:app_list[auth]": _admin_app(ADMINS),
        "admin:app_list[knox]": _admin_app(SU),
        "admin:app_list[axes]": _admin_app(ADMINS),
        "admin:app_list[core]": _admin_app(ADMINS),
        "admin:app_list[accounts]": _admin_app(ADMINS),
        "admin:app_list[areas]": _admin_app(ADMINS),
        "admin:app_list[reports]": _admin_app(ADMINS),
        "admin:app_list[surveys]": _admin_app(SURVEY_BUILDERS),
        "admin:app_list[councils]": _admin_app(ADMINS),
        "admin:app_list[analytics]": _admin_app(INCIDENT_KEEPERS),
        "admin:app_list[interventions]": _admin_app(ADMINS),
    }
)


def expected_rows() -> dict[str, Row]:
    """Every row: the written ones, and those the admin models' rules make."""
    rows: dict[str, Row] = {}
    for model, rule in ADMIN_MODELS.items():
        rows.update(admin_rows(model, rule))
    rows.update(ROWS)
    return rows


# --- What nobody else may read ---------------------------------------------------------------
# Texts planted in the world (world.py) and the only actors any answer may show them to.
SHOWN_ONLY_TO: dict[str, frozenset[str]] = {
    # A report not yet published, and the contact address its reporter left.
    "UNPUBLISHED_TEXT": frozenset({CITIZEN, MODERATOR, ADMIN, SUPERUSER}),
    "CONTACT_EMAIL": frozenset({CITIZEN, MODERATOR, ADMIN, SUPERUSER}),
    # Each citizen's address: to themselves, moderators (as reporter) and admins.
    "CITIZEN_EMAIL": frozenset({CITIZEN, CITIZEN_TOKEN, MODERATOR, ADMIN, SUPERUSER}),
    "OTHER_CITIZEN_EMAIL": frozenset({OTHER_CITIZEN, MODERATOR, ADMIN, SUPERUSER}),
    # The victim: the worker on the case and the supervisor; an intake request: the unit.
    "VICTIM_NAME": ON_THE_CASE,
    "INTAKE_NAME": UNIT_VERIFIED,
    # An unpublished wave's survey estimates: the council and the survey staff (and the
    # superuser, in the admin).
    "INDICATOR_CODE": ESTIMATE_READERS | {SUPERUSER},
    # A closed agenda item, draft minutes, and a member's name they did not agree to show:
    # the council's members and the Django admin's users.
    "CLOSED_ITEM_TEXT": COUNCIL | ADMINS,
    "DRAFT_MINUTES_TEXT": COUNCIL | ADMINS,
    "COUNCIL_MEMBER_NAME": COUNCIL | ADMINS,
}
