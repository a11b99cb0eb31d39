"""Population margins typed by analysts as lines of `district,gender,age_band,population`.

A blank field means "any": `piraeus-1,,,32000` is a district's margin (raking); a line with all
three is a full cell (post-stratification). The lines replace the wave's margins, all or none
(`surveys.services.margins`); at least one line is needed, since removing every margin is a
separate, explicit action.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from curim.areas.models import Area
from surveys.models import AgeBand, Gender, Survey
from surveys.selectors import margins_of

WHOLE = re.compile(r"[0-9]{1,10}")
MAX_POPULATION = 2_000_000_000


@dataclass(frozen=True)
class MarginLine:
    area: Area | None
    gender: str
    age_band: str
    population: int


def margins_text(survey: Survey) -> str:
    return "\n".join(
        f"{m.area.code if m.area else ''},{m.gender},{m.age_band},{m.population}"
        for m in margins_of(survey)
    )


def margins_parse(text: str) -> tuple[list[MarginLine], list[str]]:
    """The lines, or errors naming the line number."""
    districts = {a.code: a for a in Area.objects.filter(level=Area.Level.DISTRICT)}
    lines: list[MarginLine] = []
    errors: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) != 4:
            errors.append(_("Line %(n)d: give four fields separated by commas.") % {"n": number})
            continue
        code, gender, age_band, population = parts
        problem = None
        if code and code not in districts:
            problem = _("no district has the code %(code)s") % {"code": code}
        elif gender and gender not in Gender.values:
            problem = _("the gender must be one of %(v)s") % {"v": ", ".join(Gender.values)}
        elif age_band and age_band not in AgeBand.values:
            problem = _("the age band must be one of %(v)s") % {"v": ", ".join(AgeBand.values)}
        elif sum(bool(field) for field in (code, gender, age_band)) == 2:
            problem = _("name one of district, gender and age band, or all three")
        elif not (code or gender or age_band):
            problem = _("name a district, a gender or an age band")
        elif not WHOLE.fullmatch(population) or not 0 < int(population) <= MAX_POPULATION:
            problem = _("the population must be a whole number above 0")
        elif (code, gender, age_band) in seen:
            problem = _("this group is given twice")
        if problem:
            errors.append(_("Line %(n)d: %(problem)s.") % {"n": number, "problem": problem})
            continue
        seen.add((code, gender, age_band))
        lines.append(MarginLine(districts.get(code), gender, age_band, int(population)))
    full = [line for line in lines if line.area and line.gender and line.age_band]
    if full and len(full) != len(lines):
        errors.append(_("Give either full cells (all three fields) or single margins, not both."))
    if not lines and not errors:
        errors.append(
            _(
                "Give at least one line. To remove every margin of the wave, use "
                "“Remove all margins” below."
            )
        )
    return lines, errors
