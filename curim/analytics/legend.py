"""What a hotspot class means, in words a resident understands: the legends of the maps and the
table of hot cells say it the same way."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Hot first, as the legends list them.
HOTSPOT_CLASSES: tuple[tuple[str, Promise], ...] = (
    ("hot-99", _("Many more reports than expected nearby (99% confidence)")),
    ("hot-95", _("More reports than expected nearby (95% confidence)")),
    ("hot-90", _("More reports than expected nearby (90% confidence)")),
    ("none", _("No clear difference from the rest of the area")),
    ("cold-90", _("Fewer reports than expected nearby (90% confidence)")),
    ("cold-95", _("Fewer reports than expected nearby (95% confidence)")),
    ("cold-99", _("Many fewer reports than expected nearby (99% confidence)")),
)
HOTSPOT_CLASS_NAMES = dict(HOTSPOT_CLASSES)
