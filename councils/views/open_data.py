"""The open-data export (`/council/open-data.zip`): everything public about the councils, each
table as CSV and as JSON, and the published strategies as nested JSON. Read from
`councils.selectors.public` only, so it holds what the public pages show and nothing more."""

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from councils.api.popolo import popolo_document
from councils.selectors import (
    PublicRecommendation,
    PublicStrategy,
    public_agendas,
    public_councils,
    public_meetings,
    public_members,
    public_minutes_of,
    public_organisations,
    public_recommendations,
    public_strategies,
)
from curim.core.spreadsheet import formula_defused

Row = dict[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return formula_defused(str(value))


def _csv(columns: tuple[str, ...], rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(row[name]) for name in columns] for row in rows)
    return out.getvalue()


def _json(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def _meeting_tables() -> dict[str, tuple[tuple[str, ...], list[Row]]]:
    meetings = public_meetings()
    ids = [meeting.id for meeting in meetings]
    agendas = public_agendas(ids)
    minutes = public_minutes_of(ids)
    items: list[Row] = []
    decisions: list[Row] = []
    for meeting_id in ids:
        for item in agendas[meeting_id]:
            items.append(
                {
                    "meeting_id": meeting_id,
                    "order": item.order,
                    "title": item.title,
                    "text": item.text,
                    "kind": item.kind,
                    "presenter_guest": item.presenter_guest,
                    "presenter_organisation": item.presenter_organisation.public_id
                    if item.presenter_organisation
                    else None,
                    "presenter_name": item.presenter_name,
                    "follows_up": item.follows_up,
                }
            )
            decisions += [
                {"meeting_id": meeting_id, "item_order": item.order, **asdict(decision)}
                for decision in item.decisions
            ]
    meeting_rows = [
        {
            **{k: v for k, v in asdict(meeting).items() if k != "location"},
            "longitude": meeting.location.x if meeting.location else None,
            "latitude": meeting.location.y if meeting.location else None,
        }
        for meeting in meetings
    ]
    return {
        "meetings": (
            (
                "id",
                "council_slug",
                "title_en",
                "title_el",
                "kind",
                "starts_at",
                "ends_at",
                "place",
                "longitude",
                "latitude",
                "online_url",
                "status",
                "visibility",
                "cancellation_reason",
            ),
            meeting_rows,
        ),
        "agenda_items": (_AGENDA_COLUMNS, items),
        "decisions": (_DECISION_COLUMNS, decisions),
        "minutes": (
            ("meeting_id", "public_summary", "approved_at", "published_at"),
            [asdict(found) for found in minutes.values()],
        ),
    }


_AGENDA_COLUMNS = (
    "meeting_id",
    "order",
    "title",
    "text",
    "kind",
    "presenter_guest",
    "presenter_organisation",
    "presenter_name",
    "follows_up",
)
_DECISION_COLUMNS = (
    "meeting_id",
    "item_order",
    "text",
    "outcome",
    "votes_for",
    "votes_against",
    "votes_abstain",
)


def _recommendation_tables(
    recommendations: list[PublicRecommendation],
) -> dict[str, tuple[tuple[str, ...], list[Row]]]:
    rows: list[Row] = []
    actions: list[Row] = []
    updates: list[Row] = []
    changes: list[Row] = []
    for r in recommendations:
        rows.append(
            {
                "reference": r.reference,
                "council_slug": r.council_slug,
                "title_en": r.title_en,
                "title_el": r.title_el,
                "text_en": r.text_en,
                "text_el": r.text_el,
                "rationale_en": r.rationale_en,
                "rationale_el": r.rationale_el,
                "priority": r.priority,
                "due_on": r.due_on,
                "status": r.status,
                "adopted_in_meeting_id": r.adopted_in_meeting_id,
                "adopted_on": r.adopted_on,
                "progress_percent": r.progress.percent,
                "progress_rule": str(r.progress.rule),
                "addressees": ";".join(str(o.public_id) for o in r.addressees),
            }
        )
        for number, item in enumerate(r.action_items, start=1):
            actions.append(
                {
                    "id": item.id,
                    "recommendation": r.reference,
                    "number": number,
                    "title_en": item.title_en,
                    "title_el": item.title_el,
                    "owner_organisation": item.owner.public_id,
                    "due_on": item.due_on,
                    "weight": item.weight,
                    "status": item.status,
                }
            )
            updates += [
                {
                    "id": update.public_id,
                    "recommendation": r.reference,
                    "action_item": item.id,  # stable, unlike the number (a due date moves it)
                    "on": update.on,
                    "percent": update.percent,
                }
                for update in item.updates
            ]
        changes += [
            {
                "id": change.public_id,
                "recommendation": r.reference,
                "from_status": change.from_status,
                "to_status": change.to_status,
                "note": change.note,
                "changed_at": change.changed_at,
            }
            for change in r.timeline
        ]
    return {
        "recommendations": (tuple(_RECOMMENDATION_COLUMNS), rows),
        "action_items": (
            (
                "id",
                "recommendation",
                "number",
                "title_en",
                "title_el",
                "owner_organisation",
                "due_on",
                "weight",
                "status",
            ),
            actions,
        ),
        "progress_updates": (
            ("id", "recommendation", "action_item", "on", "percent"),
            updates,
        ),
        "status_changes": (
            ("id", "recommendation", "from_status", "to_status", "note", "changed_at"),
            changes,
        ),
    }


_RECOMMENDATION_COLUMNS = (
    "reference",
    "council_slug",
    "title_en",
    "title_el",
    "text_en",
    "text_el",
    "rationale_en",
    "rationale_el",
    "priority",
    "due_on",
    "status",
    "adopted_in_meeting_id",
    "adopted_on",
    "progress_percent",
    "progress_rule",
    "addressees",
)


def _strategy_rows(strategies: Iterable[PublicStrategy]) -> list[Row]:
    """One row per objective, with its priority and strategy (the JSON has them nested)."""
    return [
        {
            "council_slug": strategy.council_slug,
            "strategy": strategy.title_en or strategy.title_el,
            "starts_year": strategy.starts_year,
            "ends_year": strategy.ends_year,
            "priority_order": priority.order,
            "priority": priority.title_en or priority.title_el,
            "objective_order": objective.order,
            "objective": objective.title_en or objective.title_el,
            "target_kind": objective.target_kind,
            "baseline_year": objective.baseline_year,
            "baseline_value": objective.baseline_value,
            "target_year": objective.target_year,
            "target_value": objective.target_value,
            "measures": ";".join(m.title_en or m.title_el for m in objective.measures),
            "recommendations": ";".join(
                reference for m in objective.measures for reference in m.recommendations
            ),
        }
        for strategy in strategies
        for priority in strategy.priorities
        for objective in priority.objectives
    ]


_STRATEGY_COLUMNS = (
    "council_slug",
    "strategy",
    "starts_year",
    "ends_year",
    "priority_order",
    "priority",
    "objective_order",
    "objective",
    "target_kind",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "measures",
    "recommendations",
)


def open_data_tables() -> dict[str, tuple[tuple[str, ...], list[Row]]]:
    """Every public table, by file name (without extension): its columns and rows."""
    members = [
        {
            "id": member.public_id,
            "council_slug": member.council_slug,
            "organisation": member.organisation.public_id,
            "position": member.position,
            "starts_on": member.starts_on,
            "ends_on": member.ends_on,
            "name": member.name,
        }
        for member in public_members(past_too=True)
    ]
    strategies = public_strategies()
    return {
        "councils": (
            (
                "slug",
                "name_en",
                "name_el",
                "area_code",
                "purpose_en",
                "purpose_el",
                "term_starts_on",
                "term_ends_on",
                "quorum",
            ),
            [asdict(council) for council in public_councils()],
        ),
        "organisations": (
            ("public_id", "name_en", "name_el", "sector"),
            [asdict(organisation) for organisation in public_organisations()],
        ),
        "memberships": (
            ("id", "council_slug", "organisation", "position", "starts_on", "ends_on", "name"),
            members,
        ),
        **_meeting_tables(),
        **_recommendation_tables(public_recommendations()),
        "strategy_objectives": (_STRATEGY_COLUMNS, _strategy_rows(strategies)),
    }


def open_data_archive() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, (columns, rows) in open_data_tables().items():
            zipped.writestr(f"{name}.csv", _csv(columns, rows))
            zipped.writestr(f"{name}.json", _json([{k: row[k] for k in columns} for row in rows]))
        zipped.writestr("strategies.json", _json([asdict(s) for s in public_strategies()]))
        zipped.writestr("popolo.json", _json(popolo_document()))
    return archive.getvalue()


@require_safe
def open_data_zip(request: HttpRequest) -> HttpResponse:
    """Everything public about the councils, as one ZIP of CSV and JSON files."""
    response = HttpResponse(open_data_archive(), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="council-open-data-{stamp}.zip"'
    return response
