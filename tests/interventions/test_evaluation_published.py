"""An evaluation as the API gives it (`published_result`), field by field, to each reader: the
council (everything), the public when nothing is withheld, the public when a count the figures
rest on is 1 or 2, and the public when the result counts what the public never sees. Whole
answers are compared, so that a field shown to one reader and not another, or a field missing
for the council, fails here whatever else the other tests read. Then the plain sentence, word
for word, and which results count public data only (`counts_public_data`)."""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import translation

from interventions.evaluation_reading import (
    KEPT_FROM_PUBLIC_SENTENCE,
    WITHHELD_SENTENCE,
    CategoryPublicity,
    counts_public_data,
    published_result,
    verdict,
)
from interventions.models import Evaluation
from tests.interventions.evaluation_world import evaluation_of

METHOD = "Poisson difference-in-differences (area and period fixed effects)"
FEWER = (
    "Clearly fewer reports than the comparison areas predict: about 39% fewer after the "
    "intervention."
)
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _row(zone: str, role: str, code: str, pair: tuple[int, int]) -> dict[str, Any]:
    return {
        "zone": zone,
        "role": role,
        "code": code,
        "name_en": code,
        "name_el": code,
        "before": pair[0],
        "after": pair[1],
        "periods_before": [pair[0], 0],
        "periods_after": [0, pair[1]],
    }


def _spatial_result(treated: tuple[int, int]) -> dict[str, Any]:
    """A spatial evaluation's stored result: the treated zone's counts given."""
    return {
        "design": "spatial",
        "estimate": -0.5,
        "ci_low": -0.9,
        "ci_high": -0.1,
        "se": 0.2,
        "rate_ratio": 0.61,
        "rate_ratio_ci": [0.41, 0.9],
        "percent_change": -39.3,
        "percent_ci": [-59.3, -9.5],
        "p_value": 0.02,
        "inference": {
            "method": "cluster",
            "small_sample": "statsmodels",
            "n_assignments": None,
            "exact": None,
            "seed": None,
            "note": "",
        },
        "sms": {"level": 3, "reason": "Measured before and after against comparison."},
        "comparison": {
            "how": "chosen",
            "areas": [{"code": "p1", "name_en": "D1", "name_el": "Δ1", "before_count": 40}],
            "own_before_count": 140,
        },
        "windows": {"days": 180, "periods_per_window": 2},
        "sources": "reports",
        "categories": ["graffiti"],
        "counts": [
            _row("treated", "treated", "treated", treated),
            _row("ring", "ring", "ring", (20, 19)),
            _row("ring_control", "ring_control", "p5", (110, 112)),
            _row("control:p1", "control", "p1", (40, 41)),
        ],
        "displacement": {
            "counts": {
                "treated": list(treated),
                "control": [40, 41],
                "buffer": [20, 19],
                "buffer_control": [110, 112],
            },
            "wdq": {"value": 0.1, "interpretation": "diffusion"},
            "wdd": {"estimate": -3.0, "se": 5.0},
        },
        "survey": {"indicators": [{"code": "fear", "change": -4.0}], "message": ""},
    }


def _evaluation(result: dict[str, Any]) -> Evaluation:
    return evaluation_of(
        result,
        version=2,
        method=METHOD,
        sms_level=3,
        data_up_to=WHEN,
        computed_at=WHEN,
        emmie_effect="It worked.",
    )


EMMIE = {
    "effect": "It worked.",
    "mechanism": "",
    "moderators": "",
    "implementation": "",
    "economics": "",
}


def _common(result: dict[str, Any]) -> dict[str, Any]:
    """The fields every reader reads as stored."""
    return {
        "reference": "INT-2026-001",
        "version": 2,
        "method": METHOD,
        "windows": result["windows"],
        "sources": "reports",
        "categories": ["graffiti"],
        "data_up_to": WHEN.isoformat(),
        "computed_at": WHEN.isoformat(),
        "emmie": EMMIE,
    }


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    return {
        name: result[name]
        for name in (
            "estimate",
            "ci_low",
            "ci_high",
            "rate_ratio",
            "rate_ratio_ci",
            "percent_change",
            "percent_ci",
            "p_value",
        )
    } | {"wdq": result["displacement"]["wdq"], "wdd": result["displacement"]["wdd"]}


def _public_rows(result: dict[str, Any], withheld_before: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "zone": row["zone"],
            "role": row["role"],
            "code": row["code"],
            "before": None if row["role"] in withheld_before else row["before"],
            "after": row["after"],
        }
        for row in result["counts"]
    ]


def _read_whole(result: dict[str, Any]) -> dict[str, Any]:
    """The figures, the sentence, the inference and the design's level, as stored: what the
    council reads, and the public where nothing is withheld."""
    return {
        **_figures(result),
        "verdict": "fewer",
        "verdict_text": FEWER,
        "withheld": False,
        "withheld_reason": None,
        "inference": result["inference"],
        "sms_level": 3,
        "sms_reason": "Measured before and after against comparison.",
    }


# A spatial design's areas are counted whole: their counts are the council's.
PUBLIC_COMPARISON = {
    "how": "chosen",
    "areas": [{"code": "p1", "name_en": "D1", "name_el": "Δ1", "before_count": None}],
    "own_before_count": None,
}


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_the_council_reads_every_field_as_stored() -> None:
    result = _spatial_result((2, 5))  # a small count: the council reads it all the same
    answer = published_result(
        _evaluation(result), reads_all=True, hidden=True, survey_readable=True
    )
    assert answer == {
        **_common(result),
        **_read_whole(result),
        "comparison": result["comparison"],
        # The zones' names are the page's; the API gives their codes.
        "counts": [
            {key: value for key, value in row.items() if not key.startswith("name")}
            for row in result["counts"]
        ],
        "counts_withheld_below": 1,
        "displacement_counts": result["displacement"]["counts"],
        "survey": result["survey"],
    }


def test_the_public_reads_the_figures_and_the_zones_counts_when_none_is_small() -> None:
    result = _spatial_result((10, 5))
    stored = copy.deepcopy(result)
    answer = published_result(
        _evaluation(result), reads_all=False, hidden=False, survey_readable=False
    )
    assert answer == {
        **_common(result),
        **_read_whole(result),
        "comparison": PUBLIC_COMPARISON,
        "counts": _public_rows(result, withheld_before=set()),
        "counts_withheld_below": 3,
        "displacement_counts": result["displacement"]["counts"],
        "survey": {"indicators": [], "message": "not published"},
    }
    assert result == stored  # the stored result is read, never changed


def test_the_public_reads_no_figure_that_rests_on_a_small_count() -> None:
    result = _spatial_result((2, 5))
    answer = published_result(
        _evaluation(result), reads_all=False, hidden=False, survey_readable=True
    )
    own_area = {"treated", "ring", "ring_control"}
    assert answer == {
        **_common(result),
        **dict.fromkeys(_figures(result)),
        "verdict": "withheld",
        "verdict_text": str(WITHHELD_SENTENCE),
        "withheld": True,
        "withheld_reason": "small_counts",
        "inference": {"method": "cluster"},
        "sms_level": 3,
        "sms_reason": "Measured before and after against comparison.",
        "comparison": PUBLIC_COMPARISON,
        # The district's own zones go together in the window of the small count.
        "counts": _public_rows(result, withheld_before=own_area),
        "counts_withheld_below": 3,
        "displacement_counts": {
            "treated": [None, 5],
            "control": [40, 41],
            "buffer": [None, 19],
            "buffer_control": [None, 112],
        },
        "survey": result["survey"],
    }


def test_the_public_reads_nothing_that_rests_on_events_it_never_sees() -> None:
    result = _spatial_result((10, 5))
    answer = published_result(
        _evaluation(result), reads_all=False, hidden=True, survey_readable=False
    )
    assert answer == {
        **_common(result),
        **dict.fromkeys(_figures(result)),
        "verdict": "withheld",
        "verdict_text": str(KEPT_FROM_PUBLIC_SENTENCE),
        "withheld": True,
        "withheld_reason": "kept_from_public",
        "inference": None,
        "sms_level": None,
        "sms_reason": "",
        "comparison": {"how": "chosen"},
        "counts": [],
        "counts_withheld_below": 3,
        "displacement_counts": None,
        "survey": {"indicators": [], "message": "not published"},
    }


@pytest.mark.parametrize(
    ("low", "high", "percent", "sentence", "number"),
    [
        (
            -0.9,
            -0.1,
            -39.6,
            "Clearly fewer reports than the comparison areas predict: about 40% fewer after "
            "the intervention.",
            "40",
        ),
        (
            0.1,
            2.9,
            1234.4,
            "Clearly more reports than the comparison areas predict: about 1234% more after "
            "the intervention (more reporting can be a sign of trust as well as of more "
            "problems).",
            "1234",  # no thousands separator: USE_THOUSAND_SEPARATOR is off
        ),
        (
            0.1,
            2.9,
            12.5,
            "Clearly more reports than the comparison areas predict: about 13% more after "
            "the intervention (more reporting can be a sign of trust as well as of more "
            "problems).",
            "13",
        ),
        # An interval that includes or touches no change, or is open, says no more than "no
        # clear change".
        (-0.9, 0.1, -39.6, None, None),
        (-0.1, 0.9, 39.6, None, None),
        (-0.9, 0.0, -39.6, None, None),
        (0.0, 0.9, 39.6, None, None),
        (None, -0.1, -39.6, None, None),
        (-0.9, None, -39.6, None, None),
    ],
)
def test_the_sentence_says_the_change_rounded_and_never_more_than_the_interval(
    low: float | None,
    high: float | None,
    percent: float,
    sentence: str | None,
    number: str | None,
) -> None:
    found = verdict({"ci_low": low, "ci_high": high, "percent_change": percent})
    if sentence is None:
        assert found.code == "unclear"
        assert found.sentence == (
            "No clear change: the 95% interval includes no change at all, so these counts "
            "cannot tell whether the intervention made a difference."
        )
    else:
        assert found.code == ("fewer" if percent < 0 else "more")
        assert found.sentence == sentence
    with translation.override("el"):
        greek = verdict({"ci_low": low, "ci_high": high, "percent_change": percent}).sentence
    assert greek != found.sentence
    if number is not None:
        assert f"περίπου {number}%" in greek


def test_a_result_of_every_public_category_named_is_public_data() -> None:
    publicity = CategoryPublicity(public=frozenset({"graffiti", "vandalism"}), any_kept=True)
    named = {"sources": "reports", "categories": ["graffiti", "vandalism"]}
    assert counts_public_data(named, publicity)
    assert counts_public_data({**named, "categories": ["graffiti"]}, publicity)
    assert not counts_public_data({**named, "categories": ["graffiti", "kept"]}, publicity)
    assert not counts_public_data({**named, "categories": []}, publicity)  # every category
    assert not counts_public_data({**named, "sources": "both"}, publicity)
