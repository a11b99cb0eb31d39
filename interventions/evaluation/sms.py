"""The Maryland Scientific Methods Scale level an evaluation's design reaches, and EMMIE's headings.

Levels as Sherman et al. (1997) define them, in Farrington et al.'s (2002) wording:
1. a correlation at one point in time (after only, with or without a comparison);
2. before and after, without a comparison condition;
3. before and after, in the intervention area and a comparison area (difference-in-differences);
4. before and after, in several comparison areas matched to the intervention area (here: chosen
   for similar pre-period counts, which stands for controlling other variables); a single matched
   area, or several unmatched ones, stay at level 3;
5. random assignment of areas to the intervention and to comparison.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from interventions.evaluation.errors import EvaluationInputError


@dataclass(frozen=True)
class SMSLevel:
    level: int  # 1 … 5
    reason: StrPromise  # one sentence


def sms_level(
    *,
    has_before: bool,
    has_comparison: bool,
    n_comparison_areas: int = 0,
    matched: bool = False,
    randomised: bool = False,
) -> SMSLevel:
    """The level of a design, with the sentence that says why (see the module's text)."""
    if n_comparison_areas < 0:
        raise EvaluationInputError("negative", "The number of comparison areas cannot be negative.")
    if not has_comparison and (n_comparison_areas > 0 or matched or randomised):
        raise EvaluationInputError(
            "no_comparison",
            "Comparison areas, matching or randomisation need a comparison group.",
        )
    if randomised:
        return SMSLevel(5, _("Areas were randomly assigned to the intervention and to comparison."))
    if not has_before:
        return SMSLevel(
            1, _("Measured only after the intervention: a correlation at one point in time.")
        )
    if not has_comparison:
        return SMSLevel(
            2, _("Measured before and after, with no comparison area to rule out other causes.")
        )
    if n_comparison_areas >= 2 and matched:
        return SMSLevel(
            4,
            _(
                "Measured before and after against several comparison areas matched on "
                "their counts before the intervention."
            ),
        )
    return SMSLevel(
        3,
        _(
            "Measured before and after against comparison, without several matched "
            "comparison areas."
        ),
    )


@dataclass(frozen=True)
class Heading:
    key: str
    label: StrPromise
    question: StrPromise


# EMMIE (Johnson, Tilley & Bowers 2015): what an evaluation should report beyond the effect.
EMMIE: tuple[Heading, ...] = (
    Heading("effect", _("Effect"), _("Did it work, by how much and with what uncertainty?")),
    Heading("mechanism", _("Mechanism"), _("How is it thought to have worked?")),
    Heading("moderators", _("Moderators"), _("Where, when and for whom does it work?")),
    Heading("implementation", _("Implementation"), _("What did it take to put in place?")),
    Heading("economics", _("Economics"), _("What did it cost, and what did it save?")),
)
