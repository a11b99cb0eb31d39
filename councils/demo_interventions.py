"""The demo council's records linked to the demo interventions (`interventions/demo.py`), so
that the demo walks the whole loop: a recommendation adopted at a meeting, the interventions
that carry it out, their measured effect; and the strategy's measures point to them.

Run by `manage.py councils_demo_load` after both demos (`make run` loads the interventions
first); it sets the links each time, so loading again changes nothing, and without the demo
interventions it links nothing. Invented data, as the rest of the demo.
"""

from django.db import transaction

from councils.demo_records import RECOMMENDATIONS, SLUG
from councils.models import Measure, Recommendation
from councils.services.recommendations import recommendation_interventions_set
from councils.services.strategy import measure_interventions_set
from curim.accounts.models import User
from interventions.selectors import interventions_to_link

# A demo recommendation (its key in councils/demo_records.py) → the English titles of the demo
# interventions that carry it out.
LINKS: dict[str, tuple[str, ...]] = {
    "lighting": (
        "New street lighting on Notara Street",
        "New street lighting on Ypsilantou Street",
    ),
    "bullying": (
        "Awareness sessions on bullying and cyber-threats",
        "Students trained on the CURiM app",
    ),
    "shop_watch": ("Shop owners trained against repeated targeted crime",),
    # Safe places for young people to meet: the renovated playgrounds of the 5th district.
    "sports_nights": ("Renovation of eight playgrounds in the 5th district",),
    "mediators": (
        "Advisory meeting with the residents of the 5th district",
        "Advisory meeting on safety around the port",
    ),
}


@transaction.atomic
def council_interventions_demo_link(*, by: User) -> int:
    """Link the demo recommendations and the measures that carry them to the demo
    interventions; returns how many recommendations have interventions."""
    titles = {title for found in LINKS.values() for title in found}
    interventions = {i.title_en: i for i in interventions_to_link().filter(title_en__in=titles)}
    if not interventions:
        return 0
    linked = 0
    for key, wanted in LINKS.items():
        recommendation = Recommendation.objects.filter(
            council__slug=SLUG, title_en=RECOMMENDATIONS[key].title_en
        ).first()
        found = [interventions[title] for title in wanted if title in interventions]
        if recommendation is None or not found:
            continue
        recommendation_interventions_set(recommendation=recommendation, by=by, interventions=found)
        linked += 1
    measures = Measure.objects.filter(objective__priority__strategy__council__slug=SLUG)
    for measure in measures.prefetch_related("recommendations__interventions"):
        carried = {
            intervention.pk: intervention
            for recommendation in measure.recommendations.all()
            for intervention in recommendation.interventions.all()
        }
        measure_interventions_set(measure=measure, interventions=carried.values())
    return linked
