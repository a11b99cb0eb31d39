"""The walk: every pattern of the URLconf, with its converters filled from the world.

Each endpoint is one row of the expectation table. A URL whose answer depends on the object in
it is walked once per sample (`name[sample]`, e.g. a published and an unpublished report).
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.http import urlsafe_base64_encode

from curim.accounts.tokens import email_confirmation_token
from curim.reports.models import Report
from tests.permissions.world import World

Value = Callable[[World], Any]


def obj(key: str, attribute: str = "pk") -> Value:
    return lambda world: getattr(world[key], attribute)


def literal(text: str) -> Value:
    return lambda world: text


# Converter values by keyword, where one object serves every URL with that keyword.
BY_KEYWORD: dict[str, Value] = {
    "case_id": obj("case"),
    "worker_id": lambda world: world.users["vsu_staff"].public_id,
    "consent_id": obj("consent"),
    "referral_id": obj("referral"),
    "document_id": obj("document"),
    "request_id": obj("intake"),
    "service_id": obj("service"),
    "glass_id": obj("glass"),
    "person_id": obj("person"),
    "fmt": literal("json"),
    "file_format": literal("csv"),
}

_REPORT = {"public_id": obj("report", "public_id")}
_UNPUBLISHED = {"public_id": obj("report_unpublished", "public_id")}
_WAVE = {"code": obj("survey", "code")}
_CLOSED_WAVE = {"code": obj("survey_closed", "code")}
_PLANNED = {"meeting_id": obj("meeting")}
_HELD = {"meeting_id": obj("meeting_held")}

# A token carries the second it was made: two calls a second apart differ. One token per user
# and state, so the path walked and the values checked are the same link.
_TOKENS: dict[tuple[object, ...], str] = {}


def _token(generator: Any, user: Any) -> str:
    key = (id(generator), user.pk, user.password, user.last_login, user.email)
    if key not in _TOKENS:
        _TOKENS[key] = generator.make_token(user)
    return _TOKENS[key]


# Converter values by URL name; `name[sample]` walks the URL once more with other objects.
BY_NAME: dict[str, dict[str, Value]] = {
    "accounts:confirm": {
        # A citizen who registered and has not chosen a password yet, with a valid link.
        "user_id": obj("unconfirmed", "public_id"),
        "token": lambda world: _token(email_confirmation_token, world["unconfirmed"]),
    },
    "accounts:password_reset_confirm": {
        "uidb64": lambda world: urlsafe_base64_encode(str(world["plain_user"].public_id).encode()),
        "token": lambda world: _token(default_token_generator, world["plain_user"]),
    },
    "reports:detail": _REPORT,
    "reports:detail[unpublished]": _UNPUBLISHED,
    "reports:photo": {"public_id": obj("photo", "public_id")},
    "reports:photo[unpublished]": {"public_id": obj("photo_unpublished", "public_id")},
    "reports:comment_create": _REPORT,
    "reports:comment_create[unpublished]": _UNPUBLISHED,
    "reports:confirm": _REPORT,
    "reports:confirm[unpublished]": _UNPUBLISHED,
    "reports:follow": _REPORT,
    "reports:follow[unpublished]": _UNPUBLISHED,
    "reports:comment_flag": {"public_id": obj("comment", "public_id")},
    "reports:moderation_comment": {"public_id": obj("comment", "public_id")},
    "reports:moderation_detail": _UNPUBLISHED,
    "reports:moderation_act": _UNPUBLISHED,
    "api:report_detail": _REPORT,
    "api:report_detail[unpublished]": _UNPUBLISHED,
    "api:report_comments": _REPORT,
    "api:report_comments[unpublished]": _UNPUBLISHED,
    "api:area_detail": {"code": obj("area", "code")},
    "api:report_tile": {"z": literal("14"), "x": literal("9267"), "y": literal("6309")},
    "open311:service": {"code": obj("category", "slug"), "fmt": literal("json")},
    "open311:request": {"request_id": obj("report", "public_id"), "fmt": literal("json")},
    "open311:request[unpublished]": {
        "request_id": obj("report_unpublished", "public_id"),
        "fmt": literal("json"),
    },
    "surveys:respond": _WAVE,
    "surveys:respond[closed]": _CLOSED_WAVE,
    "surveys:saved": _WAVE,
    "surveys:saved[closed]": _CLOSED_WAVE,
    "surveys:thanks": _WAVE,
    "surveys:thanks[closed]": _CLOSED_WAVE,
    "surveys:paper": _WAVE,
    "surveys:paper[closed]": _CLOSED_WAVE,
    "surveys:import": _WAVE,
    "surveys:export": {**_WAVE, "file_format": literal("csv")},
    "surveys:margins": _WAVE,
    "surveys:publication": _WAVE,
    # An open wave's results are a preview for the council and the survey staff; the closed
    # wave's are published.
    "surveys:results_wave": _WAVE,
    "surveys:results_wave[published]": _CLOSED_WAVE,
    "surveys:results_estimates_csv": _WAVE,
    "surveys:results_estimates_csv[published]": _CLOSED_WAVE,
    "surveys:results_changes_csv": _WAVE,
    "surveys:results_changes_csv[published]": _CLOSED_WAVE,
    "api:survey_detail": _WAVE,
    "api:survey_detail[closed]": _CLOSED_WAVE,
    "api:survey_response": _WAVE,
    "api:survey_response[closed]": _CLOSED_WAVE,
    # A restricted case of the same worker: closed to the supervisor but by break-glass.
    "victims:case[restricted]": {"case_id": obj("case_restricted")},
    "victims:break_glass[restricted]": {"case_id": obj("case_restricted")},
    "api:vsu_case_detail[restricted]": {"case_id": obj("case_restricted")},
    # The planned meeting is not public yet; the held split one is, with its public item.
    "councils:meeting": {"meeting_id": obj("meeting")},
    "councils:meeting[public]": {"meeting_id": obj("meeting_held")},
    "councils:meeting_pack": {"meeting_id": obj("meeting")},
    "councils:meeting_pack[held]": {"meeting_id": obj("meeting_held")},
    "councils:recommendation": {"reference": obj("recommendation", "reference")},
    # A completed intervention (public) and a planned one (not public), each with a photo.
    "api:intervention_detail": {"reference": obj("intervention_public", "reference")},
    "api:intervention_detail[planned]": {"reference": obj("intervention", "reference")},
    "api:intervention_photo": {"public_id": obj("interventionphoto_public", "public_id")},
    "api:intervention_photo[planned]": {"public_id": obj("interventionphoto", "public_id")},
    "api:council_meeting_detail": {"meeting_id": obj("meeting")},
    "api:council_meeting_detail[public]": {"meeting_id": obj("meeting_held")},
    "api:council_agenda_item_create": {"meeting_id": obj("meeting")},
    "api:council_agenda_item_create[public]": {"meeting_id": obj("meeting_held")},
    "councils:strategy_detail": {
        "council_slug": obj("council", "slug"),
        "starts_year": obj("strategy", "starts_year"),
        "ends_year": obj("strategy", "ends_year"),
    },
    # The council's own pages: the planned meeting's agenda, the held meeting's attendance,
    # decisions and draft minutes.
    **{
        f"councils:manage_{name}": _PLANNED
        for name in (
            "meeting",
            "meeting_edit",
            "meeting_cancel",
            "meeting_convene",
            "meeting_status",
            "item_new",
        )
    },
    **{
        f"councils:manage_{name}": {**_PLANNED, "order": literal("1")}
        for name in ("item_edit", "item_delete", "item_move")
    },
    "councils:manage_decision_new": {**_HELD, "order": literal("1")},
    "councils:manage_item_from_proposal": {
        **_PLANNED,
        "proposal_id": obj("proposal_sent", "public_id"),
    },
    "councils:manage_item_attachments": {**_PLANNED, "order": literal("1")},
    "councils:manage_attachment_delete": {
        **_PLANNED,
        "order": literal("1"),
        "attachment_id": obj("attachment", "public_id"),
    },
    # A closed item's file, to the members only; the held meeting's public one.
    "councils:manage_attachment": {**_PLANNED, "attachment_id": obj("attachment", "public_id")},
    "councils:manage_attachment[public]": {
        **_HELD,
        "attachment_id": obj("attachment_public", "public_id"),
    },
    "councils:meeting_attachment": {
        **_PLANNED,
        "attachment_id": obj("attachment", "public_id"),
    },
    "councils:meeting_attachment[public]": {
        **_HELD,
        "attachment_id": obj("attachment_public", "public_id"),
    },
    **{
        f"councils:manage_{name}": _HELD
        for name in (
            "attendance",
            "attendance_not_recorded",
            "minutes",
            "minutes_circulate",
            "minutes_return",
            "minutes_approve",
            "minutes_publish",
            "minutes_comment",
        )
    },
    # The council's own pages: the world's recommendation and its action item, owned by the
    # council member.
    **{
        f"councils:{name}": {"reference": obj("recommendation", "reference")}
        for name in (
            "manage_recommendation",
            "manage_recommendation_edit",
            "manage_recommendation_status",
            "manage_action_item_new",
        )
    },
    **{
        f"councils:{name}": {
            "reference": obj("recommendation", "reference"),
            "item_id": obj("actionitem"),
        }
        for name in ("manage_action_item_edit", "manage_action_item_delete")
    },
    "councils:progress_update_new": {"item_id": obj("actionitem")},
    # An intervention's evaluations: the world's completed intervention, its finished version 1.
    "interventions:evaluate": {"reference": obj("intervention_evaluated", "reference")},
    "interventions:evaluation": {
        "reference": obj("intervention_evaluated", "reference"),
        "version": literal("1"),
    },
    "interventions:evaluation_emmie": {
        "reference": obj("intervention_evaluated", "reference"),
        "version": literal("1"),
    },
    "interventions:evaluation_inputs": {
        "reference": obj("intervention_evaluated", "reference"),
        "version": literal("1"),
    },
    "api:intervention_evaluation": {"reference": obj("intervention_evaluated", "reference")},
    "admin:view_on_site": {
        "content_type_id": lambda world: ContentType.objects.get_for_model(Report).pk,
        "object_id": obj("report"),
    },
    "admin:app_list[auth]": {"app_label": literal("auth")},
    "admin:app_list[knox]": {"app_label": literal("knox")},
    "admin:app_list[axes]": {"app_label": literal("axes")},
    "admin:app_list[core]": {"app_label": literal("core")},
    "admin:app_list[accounts]": {"app_label": literal("accounts")},
    "admin:app_list[areas]": {"app_label": literal("areas")},
    "admin:app_list[reports]": {"app_label": literal("reports")},
    "admin:app_list[surveys]": {"app_label": literal("surveys")},
    "admin:app_list[councils]": {"app_label": literal("councils")},
    "admin:app_list[analytics]": {"app_label": literal("analytics")},
    "admin:app_list[interventions]": {"app_label": literal("interventions")},
    "admin:<catch-all>": {"url": literal("no/such/page/")},
    # Interventions: the planned one is not public; the completed one is. The advisory
    # meeting has the session and its proposal.
    "interventions:detail": {"reference": obj("intervention", "reference")},
    "interventions:detail[public]": {"reference": obj("intervention_public", "reference")},
    "interventions:photo": {"public_id": obj("interventionphoto", "public_id")},
    "interventions:photo[public]": {"public_id": obj("interventionphoto_public", "public_id")},
    **{
        f"interventions:manage_{name}": {"reference": obj("intervention", "reference")}
        for name in ("edit", "status", "photos", "session_new")
    },
    "interventions:manage_session_edit": {
        "reference": obj("intervention_advisory", "reference"),
        "session_id": obj("session"),
    },
    "interventions:manage_proposal_send": {"public_id": obj("proposal", "public_id")},
    # A wave with responses cannot be deleted; one without can.
    "admin:surveys_survey_delete[no responses]": {"object_id": obj("survey_closed")},
    "admin:surveys_question_delete[no responses]": {"object_id": obj("question_closed")},
}

# The user admin's pages, once for each kind of account they can be about.
for _page in ("change", "delete", "history"):
    for _sample, _key in (("unit member", "user_unit"), ("superuser", "user_superuser")):
        BY_NAME[f"admin:accounts_user_{_page}[{_sample}]"] = {"object_id": obj(_key)}
for _sample, _key in (("unit member", "user_unit"), ("superuser", "user_superuser")):
    BY_NAME[f"admin:auth_user_password_change[{_sample}]"] = {"id": obj(_key)}
BY_NAME["admin:auth_user_password_change"] = {"id": obj("user")}

ADMIN_OBJECT = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/")


@dataclass(frozen=True)
class Endpoint:
    key: str  # the row of the expectation table: "namespace:name" or "namespace:name[sample]"
    name: str  # the URL name, or "<route>" for an unnamed pattern
    route: str
    callback: Callable[..., Any]
    keywords: tuple[str, ...]

    def path(self, world: World) -> str:
        values = {k: str(v(world)) for k, v in self.values().items()}
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], self.route)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
        return "/" + path.replace("^", "").replace("$", "")

    def values(self) -> dict[str, Value]:
        named = BY_NAME.get(self.key) or BY_NAME.get(self.name, {})
        values: dict[str, Value] = {}
        for keyword in self.keywords:
            if keyword in named:
                values[keyword] = named[keyword]
            elif keyword == "object_id" and (match := ADMIN_OBJECT.match(self.route)):
                values[keyword] = obj(match.group(2))
            else:
                values[keyword] = BY_KEYWORD[keyword]
        return values


def _route(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    assert isinstance(pattern, RegexPattern)
    return pattern.regex.pattern


def _keywords(route: str) -> tuple[str, ...]:
    return tuple(re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route))


def _patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        route = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, route, entry


def _unnamed(namespace: str, route: str) -> str:
    if route.endswith("(?P<url>.*)$"):
        return f"{namespace}<catch-all>"
    if match := ADMIN_OBJECT.match(route):
        return f"{namespace}{match.group(1)}_{match.group(2)}_<object>"
    return f"{namespace}<{route}>"


def endpoints() -> list[Endpoint]:
    found = []
    for namespace, route, pattern in _patterns(get_resolver().url_patterns):
        name = f"{namespace}{pattern.name}" if pattern.name else _unnamed(namespace, route)
        keywords = _keywords(route)
        samples = [k for k in BY_NAME if k.startswith(name + "[")]
        keys = ([] if _only_samples(name, samples) else [name]) + samples
        for key in keys:
            found.append(Endpoint(key, name, route, pattern.callback, keywords))
    return found


def _only_samples(name: str, samples: list[str]) -> bool:
    # admin:app_list has no default: each app label is a sample of its own.
    return bool(samples) and name not in BY_NAME and name == "admin:app_list"
