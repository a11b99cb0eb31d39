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
