"""The council's records and the interventions that carry them out: the recommendations an
intervention implements (for the intervention's page, registered with the interventions app
in `CouncilsConfig.ready`), and the interventions of a recommendation (for its page)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.models import AgendaItem, Recommendation
from councils.models.texts import in_either_language
from councils.selectors.scopes import recommendations_visible_to
from curim.accounts.models import User
from interventions.selectors import ImplementedRecord, SentProposal, proposals_sent_to_council


def recommendation_intervention_ids(reference: str) -> list[int]:
    """The ids of the interventions linked to a recommendation (each reader then sees only
    those the interventions app lets them read)."""
    if "\x00" in reference:
        return []
    return list(
        Recommendation.interventions.through.objects.filter(
            recommendation__reference=reference[:30]
        ).values_list("intervention_id", flat=True)
    )


def recommendations_implemented_by(
    intervention: Model, user: User | AnonymousUser
) -> list[ImplementedRecord]:
    """The recommendations this user may read that the intervention carries out, with the
    meeting that adopted each: the intervention's page leads back to the council's decision."""
    found = (
        recommendations_visible_to(user)
        .filter(interventions=intervention.pk)
        .select_related("adopted_by__agenda_item__meeting")
        .order_by("reference")
    )
    records = []
    for recommendation in found:
        adopted = ""
        decision = recommendation.adopted_by
        if decision is not None:
            meeting = decision.agenda_item.meeting
            adopted = _("Adopted at the meeting of %(when)s") % {
                "when": date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
            }
        records.append(
            ImplementedRecord(
                label=_("Recommendation %(reference)s") % {"reference": recommendation.reference},
                title=in_either_language(recommendation, "title"),
                url=reverse("councils:recommendation", args=[recommendation.reference]),
                adopted=adopted,
            )
        )
    return records


def proposals_waiting() -> list[SentProposal]:
    """The citizens' proposals sent to the council that are on no agenda yet."""
    on_agendas = AgendaItem.objects.filter(proposal__isnull=False).values_list(
        "proposal", flat=True
    )
    return proposals_sent_to_council(excluding={uid for uid in on_agendas if uid})
