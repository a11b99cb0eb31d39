"""The Atom feed of recommendation updates (`/council/feed/`): each public status change and
each progress update of a public recommendation's action items, newest first, linking to the
recommendation's public page. Read from `councils.selectors.public` only.

An entry's Atom id is `urn:uuid:` and the public id of its status change or progress update:
it never changes when other updates come (a reader would show renumbered entries as new), nor
with the host the feed is read from."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from councils.models.choices import RecommendationStatus
from councils.selectors import PublicRecommendation, public_recommendations
from curim.core.days import day_start

# A feed reader shows this many entries; older updates stay on the recommendations' pages.
ENTRIES_MAX = 200


@dataclass(frozen=True)
class RecommendationUpdate:
    reference: str
    guid: str  # unique and stable: the entry's Atom id, from the record's public id
    title: str
    description: str
    at: datetime


def _label(status: str) -> str:
    return str(RecommendationStatus(status).label) if status in RecommendationStatus else status


def _updates_of(recommendation: PublicRecommendation) -> list[RecommendationUpdate]:
    reference = recommendation.reference
    title = recommendation.text("title")
    found = [
        RecommendationUpdate(
            reference=reference,
            guid=change.public_id.urn,
            title=_("%(reference)s %(title)s: %(status)s")
            % {"reference": reference, "title": title, "status": _label(change.to_status)},
            description=change.note,
            at=change.changed_at,
        )
        for change in recommendation.timeline
    ]
    for item in recommendation.action_items:
        for update in item.updates:
            found.append(
                RecommendationUpdate(
                    reference=reference,
                    guid=update.public_id.urn,
                    title=_("%(reference)s %(title)s: %(item)s at %(percent)d%%")
                    % {
                        "reference": reference,
                        "title": title,
                        "item": item.text("title"),
                        "percent": update.percent,
                    },
                    description=_("%(organisation)s reports %(percent)d%% done.")
                    % {"organisation": item.owner.text("name"), "percent": update.percent},
                    at=day_start(update.on),
                )
            )
    return found


class RecommendationUpdatesFeed(Feed[RecommendationUpdate, None]):
    feed_type = Atom1Feed
    title = gettext_lazy("Local Council for Crime Prevention: recommendation updates")
    subtitle = gettext_lazy(
        "Status changes and progress of the recommendations the council adopted in public."
    )
    link = reverse_lazy("councils:recommendations")

    def items(self) -> list[RecommendationUpdate]:
        updates = [u for r in public_recommendations() for u in _updates_of(r)]
        updates.sort(key=lambda update: (update.at, update.reference, update.guid), reverse=True)
        return updates[:ENTRIES_MAX]

    def item_title(self, item: RecommendationUpdate) -> str:
        return item.title

    def item_description(self, item: RecommendationUpdate) -> str:
        return item.description

    def item_link(self, item: RecommendationUpdate) -> str:
        return reverse("councils:recommendation", args=[item.reference])

    def item_guid(self, item: RecommendationUpdate) -> str:
        return item.guid

    def item_guid_is_permalink(self, item: RecommendationUpdate) -> bool:
        return False

    def item_pubdate(self, item: RecommendationUpdate) -> datetime:
        return item.at

    def item_updateddate(self, item: RecommendationUpdate) -> datetime:
        return item.at


recommendation_updates_feed = require_safe(RecommendationUpdatesFeed())
