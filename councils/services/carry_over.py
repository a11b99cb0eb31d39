"""The draft agenda carries over by itself what the council must follow up
(`councils.selectors.carry_over`): a recommendation adopted at the previous meeting, and a
recommendation whose action items are overdue.

Runs when a meeting is scheduled or changed while planned, when a recommendation is adopted
(onto the council's next planned meeting), and every night (overdue items change with the
day). Only a planned meeting's agenda moves: once convened, the members have it.

- One item per recommendation, of kind information, at the end of the agenda, marked
  `carried_over`; its title and text are written in the language active at the time (the
  secretary's, or the site's at night) and brought up to date at each run.
- An item the secretary edits becomes theirs and is left alone; one they take off is not put
  back (`Meeting.carry_over_declined`); a recommendation the agenda already follows up by hand
  gets no second item.
- A carried item that no longer has a reason (the overdue items were done) is taken off again.
- Privacy: the item is public only when the meeting is not closed and the recommendation is
  public (adopted by a public decision, `recommendations_public`); a recommendation that is not
  public is not carried onto a public meeting at all (a public meeting has no closed items:
  make it split to follow such a recommendation up).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.models import (
    AgendaItem,
    AgendaItemKind,
    Council,
    Meeting,
    MeetingStatus,
    Visibility,
)
from councils.selectors.carry_over import CarryOver, carry_over_for, next_planned_meeting
from councils.selectors.scopes import recommendations_public
from councils.services.agenda_numbering import agenda_renumber


def _wording(carry: CarryOver) -> tuple[str, str]:
    recommendation = carry.recommendation
    title = _("Follow-up of %(reference)s: %(title)s") % {
        "reference": recommendation.reference,
        "title": recommendation.title,
    }
    lines = []
    if carry.adopted_at is not None:
        lines.append(
            _("Adopted at the previous meeting, of %(day)s.")
            % {"day": date_format(timezone.localdate(carry.adopted_at.starts_at), "DATE_FORMAT")}
        )
    if carry.overdue:
        lines.append(_("Action items overdue:"))
        for item in carry.overdue:
            lines.append(
                _("- %(title)s (%(organisation)s), due %(day)s")
                % {
                    "title": item.title,
                    "organisation": item.owner_organisation.name if item.owner_organisation else "",
                    "day": date_format(item.due_on, "DATE_FORMAT") if item.due_on else "",
                }
            )
    return title[: AgendaItem._meta.get_field("title").max_length], "\n".join(lines)


@transaction.atomic
def agenda_carry_over(*, meeting: Meeting, today: date | None = None) -> int:
    """Bring the meeting's carried-over items up to date; returns how many items changed."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        return 0
    wanted = {
        carry.recommendation.pk: carry
        for carry in carry_over_for(meeting, today)
        if carry.recommendation.pk not in meeting.carry_over_declined
    }
    public = set(recommendations_public().filter(pk__in=wanted).values_list("pk", flat=True))
    items = list(meeting.agenda_items.order_by("order"))
    by_hand = {item.recommendation_id for item in items if not item.carried_over}
    changed = 0
    following: dict[int, AgendaItem] = {}
    for item in items:
        stale = item.carried_over and (
            item.recommendation_id not in wanted
            or item.recommendation_id in by_hand  # the secretary has since put it on
            or (meeting.visibility == Visibility.PUBLIC and item.recommendation_id not in public)
        )
        if stale and not item.decisions.exists() and not item.attachments.exists():
            item.delete()
            changed += 1
        elif item.recommendation_id is not None and not stale:
            following.setdefault(item.recommendation_id, item)
    last = max((item.order for item in items), default=0)
    for pk, carry in wanted.items():
        item_public = meeting.visibility != Visibility.CLOSED and pk in public
        if meeting.visibility == Visibility.PUBLIC and not item_public:
            continue
        found = following.get(pk)
        if found is not None and not found.carried_over:
            continue  # the secretary follows it up already
        title, text = _wording(carry)
        if found is None:
            last += 1
            found = AgendaItem(
                meeting=meeting,
                order=last,
                kind=AgendaItemKind.INFORMATION,
                recommendation=carry.recommendation,
                carried_over=True,
            )
        elif (found.title, found.text, found.public) == (title, text, item_public):
            continue
        found.title, found.text, found.public = title, text, item_public
        found.full_clean()
        found.save()
        changed += 1
    agenda_renumber(meeting)
    return changed


def agenda_carry_over_next(*, council_id: int, today: date | None = None) -> int:
    """Carry over onto the council's next planned meeting, if one is set."""
    meeting = next_planned_meeting(council_id)
    return 0 if meeting is None else agenda_carry_over(meeting=meeting, today=today)


def agendas_carry_over(*, today: date | None = None) -> int:
    """The nightly run: every council's next planned meeting (overdue items change daily)."""
    return sum(
        agenda_carry_over_next(council_id=council_id, today=today)
        for council_id in Council.objects.values_list("pk", flat=True)
    )
