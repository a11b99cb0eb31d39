"""The council API's views. Thin: reads through `councils.selectors`, writes through
`councils.services.meetings`.

Who reads what:
- everybody (no login) reads the public record, through `councils.selectors.public` only;
- a member of a council also reads that council's meetings whatever their state, and all
  their agenda items, closed ones included, and its recommendations that are not public with
  their action items (`councils.selectors.scopes`, `councils.api.members`);
- the council's secretary (`councils_kept_by`) adds meetings and agenda items.
A meeting the caller may not see is a 404.
"""

import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from councils.api import serializers as shapes
from councils.api.members import members_action_items, members_recommendations
from councils.api.popolo import popolo_document
from councils.models import Council, Meeting
from councils.selectors import (
    PublicMeeting,
    agenda_items_visible_to,
    councils_kept_by,
    councils_of,
    meetings_visible_to,
    public_agenda,
    public_meeting,
    public_meetings,
    public_minutes,
    public_recommendations,
    public_strategies,
)
from councils.services.meetings import agenda_item_add, meeting_create
from curim.accounts.models import User

# Model field → the API field a client sent, for the errors `full_clean` raises.
_FIELD_OF = {"title_en": "title", "__all__": "non_field_errors"}


def _errors(error: DjangoValidationError) -> dict[str, Any]:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {_FIELD_OF.get(name, name): messages for name, messages in error.message_dict.items()}


# --- Meetings ------------------------------------------------------------------------------------
def _members_meetings(user: User | AnonymousUser) -> QuerySet[Meeting]:
    """The meetings of the councils the user sits on, in any state (the rest is public)."""
    return meetings_visible_to(user).filter(council__in=councils_of(user).values("pk"))


def _from_public(meeting: PublicMeeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "council": meeting.council_slug,
        "title": meeting.text("title"),
        "title_en": meeting.title_en,
        "title_el": meeting.title_el,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "status": meeting.status,
        "visibility": meeting.visibility,
    }


def _from_record(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "council": meeting.council.slug,
        "title": meeting.title,
        "title_en": meeting.title_en,
        "title_el": meeting.title_el,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "status": meeting.status,
        "visibility": meeting.visibility,
    }


def _detail(user: User | AnonymousUser, meeting_id: uuid.UUID) -> dict[str, Any]:
    """A meeting with its agenda, as the user may read it; NotFound when they may not."""
    minutes = public_minutes(meeting_id)
    summary = minutes.public_summary if minutes else None
    record = _members_meetings(user).select_related("council").filter(pk=meeting_id).first()
    if record is not None:
        items = agenda_items_visible_to(user).filter(meeting=record).order_by("order")
        agenda = [
            {"order": i.order, "title": i.title, "text": i.text, "kind": i.kind, "public": i.public}
            for i in items
        ]
        return {**_from_record(record), "agenda_items": agenda, "minutes_summary": summary}
    public = public_meeting(meeting_id)
    if public is None:
        raise NotFound
    agenda = [
        {"order": i.order, "title": i.title, "text": i.text, "kind": i.kind, "public": True}
        for i in public_agenda(meeting_id)
    ]
    return {**_from_public(public), "agenda_items": agenda, "minutes_summary": summary}


def _signed_in(request: Request) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated
    return user


def _council_for(user: User, slug: str | None) -> Council:
    """The council a secretary's new meeting belongs to: the one they keep, or, when they keep
    several, the one they name."""
    kept = list(councils_kept_by(user).order_by("slug"))
    if not kept:
        raise PermissionDenied(_("Only a council's secretary adds its meetings."))
    if slug:
        for council in kept:
            if council.slug == slug:
                return council
        raise serializers.ValidationError(
            {"council": [_("You keep the records of no council with this code.")]}
        )
    if len(kept) > 1:
        raise serializers.ValidationError(
            {
                "council": [
                    _("You keep the records of several councils: say which (%(codes)s).")
                    % {"codes": ", ".join(council.slug for council in kept)}
                ]
            }
        )
    return kept[0]


class MeetingList(APIView):
    """The council's meetings: the public ones for everybody, and every meeting of a
    member's own councils. A secretary adds a planned meeting (POST)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=shapes.MeetingSerializer(many=True))
    def get(self, request: Request) -> Response:
        own = list(_members_meetings(request.user).select_related("council"))
        own_ids = {meeting.id for meeting in own}
        meetings = [_from_record(meeting) for meeting in own] + [
            _from_public(meeting) for meeting in public_meetings() if meeting.id not in own_ids
        ]
        meetings.sort(key=lambda meeting: (meeting["starts_at"], str(meeting["id"])))
        return Response(shapes.MeetingSerializer(meetings, many=True).data)

    @extend_schema(
        request=shapes.MeetingCreateSerializer,
        responses={201: shapes.MeetingDetailSerializer},
        description=(
            "Add a planned meeting (the council's secretary only). `title` is the English "
            "title, `title_el` the Greek. The meeting belongs to the council whose records the "
            "secretary keeps; one who keeps several names it in `council` (its slug). Errors "
            "are a 400 keyed by field; nothing is saved."
        ),
    )
    def post(self, request: Request) -> Response:
        user = _signed_in(request)
        if not councils_kept_by(user).exists():
            raise PermissionDenied(_("Only a council's secretary adds its meetings."))
        body = shapes.MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        council = _council_for(user, data.get("council"))
        try:
            meeting = meeting_create(
                council=council,
                by=user,
                title_en=data["title"],
                title_el=data["title_el"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                visibility=data["visibility"],
                place=data["place"],
                online_url=data["online_url"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from None
        detail = _detail(user, meeting.id)
        return Response(shapes.MeetingDetailSerializer(detail).data, status=status.HTTP_201_CREATED)


class MeetingDetail(APIView):
    """One meeting with its agenda: public items for everybody, all items for the members of
    its council; a 404 for a meeting the caller may not see."""

    permission_classes = [AllowAny]

    @extend_schema(responses=shapes.MeetingDetailSerializer)
    def get(self, request: Request, meeting_id: uuid.UUID) -> Response:
        return Response(shapes.MeetingDetailSerializer(_detail(request.user, meeting_id)).data)


class AgendaItemCreate(APIView):
    """Add an item at the end of a planned or convened meeting's agenda (its council's
    secretary only)."""

    # Signed in (401 otherwise); then 404 for a meeting the caller may not see, 403 for one
    # they may see but whose agenda they do not keep.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=shapes.AgendaItemCreateSerializer,
        responses={201: shapes.AgendaItemSerializer},
    )
    def post(self, request: Request, meeting_id: uuid.UUID) -> Response:
        user = _signed_in(request)
        meeting = (
            Meeting.objects.filter(council__in=councils_kept_by(user).values("pk"))
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None:
            if meetings_visible_to(user).filter(pk=meeting_id).exists():
                raise PermissionDenied(_("Only the council's secretary changes its agenda."))
            raise NotFound
        body = shapes.AgendaItemCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        fields = {"title": data["title"], "text": data["text"]}
        if "kind" in data:
            fields["kind"] = data["kind"]
        try:
            item = agenda_item_add(meeting=meeting, by=user, public=data["public"], **fields)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from None
        answer = {
            "order": item.order,
            "title": item.title,
            "text": item.text,
            "kind": item.kind,
            "public": item.public,
        }
        return Response(shapes.AgendaItemSerializer(answer).data, status=status.HTTP_201_CREATED)


# --- Recommendations, action items, the strategy ----------------------------------------------
class RecommendationList(APIView):
    """Recommendations adopted in public, with their derived progress and public timeline; a
    member also reads their councils' others (proposals, those adopted in closed session)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=shapes.RecommendationSerializer(many=True))
    def get(self, request: Request) -> Response:
        found: list[Any] = [*members_recommendations(request.user), *public_recommendations()]
        return Response(shapes.RecommendationSerializer(found, many=True).data)


class ActionItemList(APIView):
    """The action items of public recommendations (and, for a member, of their councils'
    others): owner organisation, due date, status and progress updates (day and percent)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=shapes.ActionItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        items = members_action_items(request.user) + [
            {
                "recommendation": recommendation.reference,
                "title_en": item.title_en,
                "title_el": item.title_el,
                "owner": item.owner,
                "due_on": item.due_on,
                "weight": item.weight,
                "status": item.status,
                "updates": item.updates,
            }
            for recommendation in public_recommendations()
            for item in recommendation.action_items
        ]
        return Response(shapes.ActionItemSerializer(items, many=True).data)


class StrategyList(APIView):
    """Published strategies, whole: priorities, objectives and measures."""

    permission_classes = [AllowAny]

    @extend_schema(responses=shapes.StrategySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(shapes.StrategySerializer(public_strategies(), many=True).data)


class PopoloExport(APIView):
    """The councils, the organisations on them and their memberships as Popolo JSON
    (https://www.popoloproject.com/): a person's name only where the member agreed to it."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="v1_council_popolo_retrieve", responses=shapes.PopoloSerializer)
    def get(self, request: Request) -> Response:
        return Response(popolo_document())
