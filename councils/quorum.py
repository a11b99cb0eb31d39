"""Whether a meeting was quorate: the rule, apart from the reading of the records.

The members who count are those whose membership covers the day of the meeting, in any
position but observer. The quorum is the council's own number when it has set one, otherwise a
majority of those members (half of them, rounded down, plus one). Members present count, and
so do members represented by another member (the proxy carries their seat). A meeting whose
attendance was not recorded has no answer: `reached` is None, never False.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class QuorumRule(StrEnum):
    COUNCIL_NUMBER = "council_number"
    MAJORITY = "majority"


@dataclass(frozen=True)
class Quorum:
    members: int
    required: int
    attending: int | None  # None: attendance not recorded (or not yet)
    rule: QuorumRule

    @property
    def reached(self) -> bool | None:
        return None if self.attending is None else self.attending >= self.required

    def explanation(self) -> str:
        if self.rule == QuorumRule.COUNCIL_NUMBER:
            return ngettext(
                "The council's quorum: %(required)d member.",
                "The council's quorum: %(required)d members.",
                self.required,
            ) % {"required": self.required}
        return _(
            "A majority of the %(members)d members on the day: %(required)d (observers "
            "not counted)."
        ) % {"members": self.members, "required": self.required}


def quorum_of(*, members: int, council_quorum: int | None, attending: int | None) -> Quorum:
    if council_quorum is not None:
        return Quorum(members, council_quorum, attending, QuorumRule.COUNCIL_NUMBER)
    return Quorum(members, members // 2 + 1, attending, QuorumRule.MAJORITY)
