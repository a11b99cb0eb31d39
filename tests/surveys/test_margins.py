"""Population margins as analysts type them: every line read, every bad line named with what is
wrong, and the text the page shows reads back as the margins it came from."""

import pytest
from django.utils import translation

from curim.areas.models import Area
from surveys.margins import MarginLine, margins_parse, margins_text
from surveys.models import Survey
from surveys.services.margins import margins_replace


def parsed(text: str) -> tuple[list[MarginLine], list[str]]:
    with translation.override("en"):
        return margins_parse(text)


@pytest.mark.django_db
def test_each_bad_line_is_named_with_what_is_wrong_and_every_good_line_is_read(
    piraeus: None,
) -> None:
    text = "\n".join(
        [
            "piraeus-1,,,32000",
            "",  # blank lines are skipped, not the end of the text
            "atlantis,,,5",
            ",child,,5",
            ",,17-,5",
            "piraeus-1,man,,5",
            ",,,5",
            ",woman,,0",
            ",man,,2000000001",
            ",woman,,1",  # the smallest population
            ",man,,2000000000",  # the largest
            "piraeus-1,,,7",
            "a,b,c",
            ",,65+,12",  # read after a line of three fields
            "  piraeus-2 , , , 300 ",  # spaces around fields are not part of them
        ]
    )
    lines, errors = parsed(text)
    assert errors == [
        "Line 3: no district has the code atlantis.",
        "Line 4: the gender must be one of woman, man, other.",
        "Line 5: the age band must be one of 18-24, 25-34, 35-44, 45-54, 55-64, 65+.",
        "Line 6: name one of district, gender and age band, or all three.",
        "Line 7: name a district, a gender or an age band.",
        "Line 8: the population must be a whole number above 0.",
        "Line 9: the population must be a whole number above 0.",
        "Line 12: this group is given twice.",
        "Line 13: give four fields separated by commas.",
    ]
    district = {area.code: area for area in Area.objects.filter(level=Area.Level.DISTRICT)}
    assert lines == [
        MarginLine(district["piraeus-1"], "", "", 32000),
        MarginLine(None, "woman", "", 1),
        MarginLine(None, "man", "", 2_000_000_000),
        MarginLine(None, "", "65+", 12),
        MarginLine(district["piraeus-2"], "", "", 300),
    ]


@pytest.mark.django_db
def test_full_cells_and_single_margins_do_not_mix_and_nothing_is_not_a_set_of_margins(
    piraeus: None,
) -> None:
    not_both = "Give either full cells (all three fields) or single margins, not both."
    assert parsed("piraeus-1,man,25-34,5\n,woman,,3")[1] == [not_both]
    full, errors = parsed("piraeus-1,man,25-34,5\npiraeus-1,woman,25-34,3")
    assert errors == []
    assert [line.gender for line in full] == ["man", "woman"]
    # The same group twice is refused whatever the kind of line.
    assert parsed("piraeus-1,man,25-34,5\npiraeus-1,man,25-34,3")[1] == [
        "Line 2: this group is given twice."
    ]
    nothing = (
        "Give at least one line. To remove every margin of the wave, use “Remove all margins” "
        "below."
    )
    assert parsed(" \n\n")[1] == [nothing]
    # Lines that are all wrong say what is wrong with them, and only that.
    assert parsed("atlantis,,,5")[1] == ["Line 1: no district has the code atlantis."]


@pytest.mark.django_db
def test_the_page_shows_the_margins_as_lines_that_read_back_as_the_same_margins(
    wave: Survey, piraeus: None
) -> None:
    typed = "piraeus-2,,,300\n,woman,,1\npiraeus-1,,,32000\n,,65+,12\n,man,,2000000000"
    lines, errors = parsed(typed)
    assert not errors
    margins_replace(survey=wave, lines=lines)
    # The districts' margins by code, then those of all districts by gender and age band.
    shown = margins_text(wave)
    assert shown == "piraeus-1,,,32000\npiraeus-2,,,300\n,,65+,12\n,man,,2000000000\n,woman,,1"
    again, errors = parsed(shown)
    assert not errors
    assert sorted(again, key=repr) == sorted(lines, key=repr)
