"""What a hotspot class means, in words a resident understands: the legends of the maps and the
table of hot cells say it the same way."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Hot first, as the legends list them. The "%" is a percent sign, not a placeholder: each
# string says so to xgettext, so that its Greek may put the sign where Greek puts it.
HOTSPOT_CLASSES: tuple[tuple[str, Promise], ...] = (
    # xgettext:no-python-format
    ("hot-99", _("Many more reports than expected nearby (99% confidence)")),
    # xgettext:no-python-format
    ("hot-95", _("More reports than expected nearby (95% confidence)")),
    # xgettext:no-python-format
    ("hot-90", _("More reports than expected nearby (90% confidence)")),
    ("none", _("No clear difference from the rest of the area")),
    # xgettext:no-python-format
    ("cold-90", _("Fewer reports than expected nearby (90% confidence)")),
    # xgettext:no-python-format
    ("cold-95", _("Fewer reports than expected nearby (95% confidence)")),
    # xgettext:no-python-format
    ("cold-99", _("Many fewer reports than expected nearby (99% confidence)")),
)
HOTSPOT_CLASS_NAMES = dict(HOTSPOT_CLASSES)

# The patterns of an emerging hot spot map, hot first, in words a resident understands (ArcGIS's
# names in brackets on the method page). templates/analytics/_emerging_legend.html lists them.
EMERGING_CATEGORIES: tuple[tuple[str, Promise], ...] = (
    ("new-hot", _("New hot spot: a hot spot this month for the first time")),
    ("consecutive-hot", _("Consecutive hot spot: hot in the last few months only")),
    ("intensifying-hot", _("Intensifying hot spot: hot most months, and getting hotter")),
    ("persistent-hot", _("Persistent hot spot: hot most months, no clear trend")),
    ("diminishing-hot", _("Diminishing hot spot: hot most months, but cooling")),
    ("sporadic-hot", _("Sporadic hot spot: hot on and off, never cold")),
    ("oscillating-hot", _("Oscillating hot spot: hot now, cold in some earlier months")),
    ("historical-hot", _("Historical hot spot: hot most months before, not now")),
    ("none", _("No pattern over the months")),
    ("new-cold", _("New cold spot: a cold spot this month for the first time")),
    ("consecutive-cold", _("Consecutive cold spot: cold in the last few months only")),
    ("intensifying-cold", _("Intensifying cold spot: cold most months, and getting colder")),
    ("persistent-cold", _("Persistent cold spot: cold most months, no clear trend")),
    ("diminishing-cold", _("Diminishing cold spot: cold most months, but less so")),
    ("sporadic-cold", _("Sporadic cold spot: cold on and off, never hot")),
    ("oscillating-cold", _("Oscillating cold spot: cold now, hot in some earlier months")),
    ("historical-cold", _("Historical cold spot: cold most months before, not now")),
)
EMERGING_CATEGORY_NAMES = dict(EMERGING_CATEGORIES)

# The bands of a risk index map, highest first (curim/analytics/services/risk_runs.py: BANDS).
RISK_BANDS: tuple[tuple[str, Promise], ...] = (
    ("q5", _("Highest risk (index 80 to 100)")),
    ("q4", _("High (60 to 80)")),
    ("q3", _("Middle (40 to 60)")),
    ("q2", _("Low (20 to 40)")),
    ("q1", _("Lowest risk (index below 20)")),
    ("none", _("Not enough data for an index")),
)
RISK_BAND_NAMES = dict(RISK_BANDS)
