"""The council's records and the interventions that carry them out: the recommendations an
intervention implements (for the intervention's page, registered with the interventions app
in `CouncilsConfig.ready`), the interventions of a recommendation (for its page) and those of
a strategy's measures (for the strategy's page)."""

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.models import AgendaItem, Council, Measure, Recommendation
from councils.models.texts import in_either_language
from councils.selectors.public import PublicStrategy
from councils.selectors.scopes import recommendations_visible_to, strategies_public
from curim.accounts.models import User
from interventions.selectors import (
    ImplementedRecord,
    InterventionHeadline,
    SentProposal,
    intervention_headlines,
    proposals_sent_to_council,
)

# A measure on the strategy's page: (priority's order, objective's order, measure's order).
MeasureNumber = tuple[int, int, int]


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


def measure_interventions(
    strategy: PublicStrategy, user: User | AnonymousUser
) -> dict[MeasureNumber, list[InterventionHeadline]]:
    """The interventions the measures of this published strategy point to, by measure, that
    this user may read (the interventions app decides: the public reads only public ones);
    three queries (four for a reader who does not read everything: the categories' publicity),
    one with no link, whatever the number of measures."""
    # The strategy's page shows the first published strategy of its council and period.
    published = (
        strategies_public()
        .filter(
            council__slug=strategy.council_slug,
            starts_year=strategy.starts_year,
            ends_year=strategy.ends_year,
        )
        .order_by("pk")
        .values("pk")[:1]
    )
    links = list(
        Measure.interventions.through.objects.filter(
            measure__objective__priority__strategy__in=published
        ).values_list(
            "measure__objective__priority__order",
            "measure__objective__order",
            "measure__order",
            "intervention__reference",
        )
    )
    if not links:
        return {}
    readable = {
        row.reference: row
        for row in intervention_headlines(user, references=[link[3] for link in links])
    }
    found: dict[MeasureNumber, list[InterventionHeadline]] = defaultdict(list)
    for priority, objective, measure, reference in sorted(links):
        if reference in readable:
            found[(priority, objective, measure)].append(readable[reference])
    return dict(found)


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


def proposals_waiting(council: Council) -> list[SentProposal]:
    """The citizens' proposals sent to this council (of interventions in its area) that are on
    no agenda yet."""
    on_agendas = AgendaItem.objects.filter(proposal__isnull=False).values_list(
        "proposal", flat=True
    )
    return proposals_sent_to_council(
        area_id=council.area_id, excluding={uid for uid in on_agendas if uid}
    )
