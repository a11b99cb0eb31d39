"""The Maryland Scientific Methods Scale level of a design, and EMMIE's headings."""

import pytest

from interventions.evaluation.errors import EvaluationInputError
from interventions.evaluation.sms import EMMIE, sms_level


@pytest.mark.parametrize(
    ("design", "level"),
    [
        ({"has_before": False, "has_comparison": False}, 1),
        ({"has_before": False, "has_comparison": True, "n_comparison_areas": 3}, 1),
        ({"has_before": True, "has_comparison": False}, 2),
        ({"has_before": True, "has_comparison": True, "n_comparison_areas": 1}, 3),
        ({"has_before": True, "has_comparison": True, "n_comparison_areas": 1, "matched": True}, 3),
        ({"has_before": True, "has_comparison": True, "n_comparison_areas": 5}, 3),
        ({"has_before": True, "has_comparison": True, "n_comparison_areas": 2, "matched": True}, 4),
        (
            {
                "has_before": True,
                "has_comparison": True,
                "n_comparison_areas": 4,
                "matched": True,
                "randomised": True,
            },
            5,
        ),
        ({"has_before": False, "has_comparison": True, "randomised": True}, 5),
    ],
)
def test_levels(design: dict[str, bool | int], level: int) -> None:
    result = sms_level(**design)  # type: ignore[arg-type]
    assert result.level == level
    assert str(result.reason).endswith(".")


def test_each_level_has_its_own_reason() -> None:
    reasons = {
        str(sms_level(has_before=False, has_comparison=False).reason),
        str(sms_level(has_before=True, has_comparison=False).reason),
        str(sms_level(has_before=True, has_comparison=True, n_comparison_areas=1).reason),
        str(
            sms_level(
                has_before=True, has_comparison=True, n_comparison_areas=2, matched=True
            ).reason
        ),
        str(sms_level(has_before=True, has_comparison=True, randomised=True).reason),
    }
    assert len(reasons) == 5


@pytest.mark.parametrize(
    "design",
    [
        {"has_before": True, "has_comparison": False, "n_comparison_areas": 2},
        {"has_before": True, "has_comparison": False, "randomised": True},
        {"has_before": True, "has_comparison": False, "matched": True},
        {"has_before": True, "has_comparison": True, "n_comparison_areas": -1},
    ],
)
def test_contradictory_designs_are_refused(design: dict[str, bool | int]) -> None:
    with pytest.raises(EvaluationInputError):
        sms_level(**design)  # type: ignore[arg-type]


def test_emmie_headings() -> None:
    assert [h.key for h in EMMIE] == [
        "effect",
        "mechanism",
        "moderators",
        "implementation",
        "economics",
    ]
