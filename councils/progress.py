"""A recommendation's progress, derived from its action items: the number and the rule used.

Each action item in force (not cancelled) counts with its latest progress update, or 0% when
it has none yet: no reported progress is no progress. The recommendation's progress is then

- a plain mean of the items, when no item has a weight;
- a weighted mean  Σ wᵢ·pᵢ / Σ wᵢ, when every item has one;
- when only some have a weight, the items without one are given the mean of the weights that
  were set, w̄ = Σ_{set} wⱼ / (number set), and the weighted mean is taken: the importance the
  council declared among the weighted items is kept, an item nobody weighed counts as an
  average one, and setting one more weight moves the number a little instead of switching
  the rule;
- a plain mean, when the weights (given or imputed) add up to zero: they then say nothing.

No item in force: no progress (None), and the rule says why. docs/councils.md gives the reasons.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Rule(StrEnum):
    NO_ITEMS = "no_items"
    PLAIN_MEAN = "plain_mean"
    WEIGHTED_MEAN = "weighted_mean"
    WEIGHTED_MEAN_IMPUTED = "weighted_mean_imputed"
    PLAIN_MEAN_ZERO_WEIGHTS = "plain_mean_zero_weights"


@dataclass(frozen=True)
class ItemProgress:
    """What the rule needs of one action item."""

    percent: int | None  # the latest update's; None: no update yet
    weight: Decimal | None
    cancelled: bool = False


@dataclass(frozen=True)
class Progress:
    percent: float | None
    rule: Rule
    items: int  # the items in force, which the number is made of
    without_weight: int = 0
    without_update: int = 0
    cancelled: int = 0
    imputed_weight: Decimal | None = None

    def explanation(self) -> str:
        """The rule in words, in the current language, to show next to the number."""
        n = self.items
        if self.rule == Rule.NO_ITEMS:
            text = _("No action items in force: there is no progress to show.")
        elif self.rule == Rule.PLAIN_MEAN:
            text = ngettext(
                "The latest progress of its %(n)d action item (no weights set).",
                "The mean of the latest progress of its %(n)d action items (no weights set).",
                n,
            ) % {"n": n}
        elif self.rule == Rule.WEIGHTED_MEAN:
            text = ngettext(
                "The latest progress of its %(n)d action item.",
                "The mean of the latest progress of its %(n)d action items, weighted by "
                "their weights.",
                n,
            ) % {"n": n}
        elif self.rule == Rule.WEIGHTED_MEAN_IMPUTED:
            text = ngettext(
                "The mean of the latest progress of its %(n)d action items, weighted by their "
                "weights; %(m)d item without a weight counts at the mean of the weights set "
                "(%(w)s).",
                "The mean of the latest progress of its %(n)d action items, weighted by their "
                "weights; %(m)d items without a weight count at the mean of the weights set "
                "(%(w)s).",
                self.without_weight,
            ) % {
                "n": n,
                "m": self.without_weight,
                "w": number_format(self.imputed_weight or 0, decimal_pos=2),
            }
        else:
            text = ngettext(
                "The latest progress of its %(n)d action item (its weight is zero, so it is "
                "not used).",
                "The mean of the latest progress of its %(n)d action items (their weights add "
                "up to zero, so they are not used).",
                n,
            ) % {"n": n}
        notes = [text]
        if self.without_update:
            notes.append(
                ngettext(
                    "%(k)d item without any update counts as 0%%.",
                    "%(k)d items without any update count as 0%%.",
                    self.without_update,
                )
                % {"k": self.without_update}
            )
        if self.cancelled:
            notes.append(
                ngettext(
                    "%(c)d cancelled item is left out.",
                    "%(c)d cancelled items are left out.",
                    self.cancelled,
                )
                % {"c": self.cancelled}
            )
        return " ".join(notes)


def progress_of(items: Sequence[ItemProgress]) -> Progress:
    """The recommendation's progress from its action items (see the module's docstring)."""
    in_force = [item for item in items if not item.cancelled]
    cancelled = len(items) - len(in_force)
    if not in_force:
        return Progress(percent=None, rule=Rule.NO_ITEMS, items=0, cancelled=cancelled)
    percents = [Decimal(item.percent or 0) for item in in_force]
    without_update = sum(1 for item in in_force if item.percent is None)
    given = [item.weight for item in in_force if item.weight is not None]
    without_weight = len(in_force) - len(given)

    def result(percent: Decimal, rule: Rule, imputed: Decimal | None = None) -> Progress:
        return Progress(
            percent=float(percent),
            rule=rule,
            items=len(in_force),
            without_weight=without_weight,
            without_update=without_update,
            cancelled=cancelled,
            imputed_weight=imputed,
        )

    plain_mean = sum(percents, Decimal(0)) / len(percents)
    if not given:
        return result(plain_mean, Rule.PLAIN_MEAN)
    imputed = sum(given, Decimal(0)) / len(given)
    weights = [imputed if item.weight is None else item.weight for item in in_force]
    total = sum(weights, Decimal(0))
    if total == 0:
        return result(plain_mean, Rule.PLAIN_MEAN_ZERO_WEIGHTS)
    weighted = sum((w * p for w, p in zip(weights, percents, strict=True)), Decimal(0)) / total
    if without_weight:
        return result(weighted, Rule.WEIGHTED_MEAN_IMPUTED, imputed)
    return result(weighted, Rule.WEIGHTED_MEAN)
