"""A recommendation's progress: the rule (councils.progress) against an independent pandas and
numpy computation from the stored rows, for weights unset, partly set and all set, no items,
items without updates and cancelled items; the rule is said with the number."""

import random
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone, translation

from councils.models import ActionItem, ActionItemStatus, ProgressUpdate, Recommendation
from councils.progress import ItemProgress, Rule, progress_of
from councils.selectors import recommendation_progress, recommendations_progress
from councils.services.actions import action_item_transition, progress_update_add
from tests.councils.factories import (
    action_item_with,
    council_create,
    recommendation_adopted,
    secretary_of,
)

pytestmark = pytest.mark.django_db


def expected_from_rows(recommendation: Recommendation) -> float | None:
    """The documented rule, computed with pandas from the tables themselves."""
    items = pd.DataFrame(
        list(
            ActionItem.objects.filter(recommendation=recommendation).values(
                "id", "weight", "status"
            )
        ),
        columns=["id", "weight", "status"],
    )
    items = items[items["status"] != ActionItemStatus.CANCELLED]
    if items.empty:
        return None
    updates = pd.DataFrame(
        list(
            ProgressUpdate.objects.filter(action_item__in=items["id"].tolist()).values(
                "action_item_id", "on", "created_at", "id", "percent"
            )
        ),
        columns=["action_item_id", "on", "created_at", "id", "percent"],
    )
    latest = (
        updates.sort_values(["on", "created_at", "id"]).groupby("action_item_id")["percent"].last()
    )
    percent = items["id"].map(latest).fillna(0).astype(float).to_numpy()
    weights = items["weight"].astype(float).to_numpy()  # Decimal or None → float or NaN
    return reference_mean(percent, weights)


def reference_mean(percent: np.ndarray, weights: np.ndarray) -> float:
    given = ~np.isnan(weights)
    if not given.any():
        return float(np.mean(percent))
    filled = np.where(given, weights, weights[given].mean())
    if filled.sum() == 0:
        return float(np.mean(percent))
    return float(np.average(percent, weights=filled))


@pytest.mark.parametrize(
    ("weights", "percents", "rule"),
    [
        ((None, None, None), ((20, 60), (100,), ()), Rule.PLAIN_MEAN),
        (("1", "3", "0.5"), ((20, 60), (100,), (10,)), Rule.WEIGHTED_MEAN),
        (("2", None, "4", None), ((50,), (100,), (), (30, 20)), Rule.WEIGHTED_MEAN_IMPUTED),
        (("0", "0"), ((50,), (100,)), Rule.PLAIN_MEAN_ZERO_WEIGHTS),
        (("0", None), ((50,), (100,)), Rule.PLAIN_MEAN_ZERO_WEIGHTS),
        ((None,), ((),), Rule.PLAIN_MEAN),
        (("5",), ((75,),), Rule.WEIGHTED_MEAN),
    ],
)
def test_the_progress_follows_the_documented_rule(
    weights: tuple[str | None, ...], percents: tuple[tuple[int, ...], ...], rule: Rule
) -> None:
    recommendation = recommendation_adopted(council_create())
    for weight, updates in zip(weights, percents, strict=True):
        action_item_with(recommendation, weight=weight, percents=updates)
    progress = recommendation_progress(recommendation)
    assert progress.rule == rule
    assert progress.percent == pytest.approx(expected_from_rows(recommendation), abs=1e-9)
    assert progress.items == len(weights)
    assert progress.without_update == sum(1 for updates in percents if not updates)


def test_no_items_means_no_progress_not_zero() -> None:
    recommendation = recommendation_adopted(council_create())
    progress = recommendation_progress(recommendation)
    assert progress.percent is None
    assert progress.rule == Rule.NO_ITEMS
    assert expected_from_rows(recommendation) is None


def test_cancelled_items_are_left_out() -> None:
    recommendation = recommendation_adopted(council_create())
    action_item_with(recommendation, weight="1", percents=(80,))
    cancelled = action_item_with(recommendation, weight="9", percents=(0,))
    action_item_transition(
        item=cancelled,
        to_status=ActionItemStatus.CANCELLED,
        by=secretary_of(recommendation.council),
        note="Not needed",
    )
    progress = recommendation_progress(recommendation)
    assert progress.percent == pytest.approx(80) == expected_from_rows(recommendation)
    assert progress.cancelled == 1
    assert progress.items == 1
    only = recommendation_adopted(council_create())
    lone = action_item_with(only, percents=(10,))
    action_item_transition(
        item=lone, to_status=ActionItemStatus.CANCELLED, by=secretary_of(only.council), note="x"
    )
    assert recommendation_progress(only).percent is None


def test_the_latest_update_is_the_last_dated_not_the_last_written() -> None:
    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation, percents=(30, 70))
    progress_update_add(
        item=item,
        by=secretary_of(recommendation.council),
        on=timezone.localdate() - timedelta(days=30),
        percent=5,
    )
    assert recommendation_progress(recommendation).percent == pytest.approx(70)
    assert expected_from_rows(recommendation) == pytest.approx(70)


def test_the_rule_agrees_with_numpy_on_random_items() -> None:
    randomly = random.Random(13)  # noqa: S311  # reproducible cases, not secrets
    for _ in range(500):
        n = randomly.randint(1, 8)
        items = [
            ItemProgress(
                percent=randomly.choice([None, *range(0, 101, 5)]),
                weight=randomly.choice([None, Decimal(0), Decimal("0.5"), Decimal(1), Decimal(3)]),
                cancelled=randomly.random() < 0.15,
            )
            for _ in range(n)
        ]
        in_force = [item for item in items if not item.cancelled]
        progress = progress_of(items)
        if not in_force:
            assert progress.percent is None
            continue
        percent = np.array([float(item.percent or 0) for item in in_force])
        weights = np.array([np.nan if i.weight is None else float(i.weight) for i in in_force])
        assert progress.percent == pytest.approx(reference_mean(percent, weights), abs=1e-9)


def test_every_recommendation_of_a_list_in_one_query(django_assert_num_queries: object) -> None:
    council = council_create()
    recommendations = [recommendation_adopted(council) for _ in range(3)]
    for recommendation in recommendations:
        action_item_with(recommendation, weight="1", percents=(10, 20))
        action_item_with(recommendation, percents=(50,))
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = recommendations_progress([r.pk for r in recommendations])
    assert {pk: p.percent for pk, p in found.items()} == {
        r.pk: pytest.approx(expected_from_rows(r)) for r in recommendations
    }


def test_the_rule_is_said_next_to_the_number_in_english_and_greek() -> None:
    recommendation = recommendation_adopted(council_create())
    action_item_with(recommendation, weight="2", percents=(50,))
    action_item_with(recommendation, weight="4", percents=())
    action_item_with(recommendation, percents=(100,))
    progress = recommendation_progress(recommendation)
    with translation.override("en"):
        english = progress.explanation()
    with translation.override("el"):
        greek = progress.explanation()
    assert "weighted" in english
    assert "3.00" in english
    assert "0%" in english
    assert "1 item without any update counts as 0%." in english
    assert "σταθμισμένος με τα βάρη τους" in greek
    assert greek != english
    assert "3,00" in greek
    assert "0%" in greek
    assert "%" not in english.replace("0%", "")  # every placeholder was filled


def test_the_example_of_the_docs() -> None:
    # docs/councils.md: 50 % (weight 2), 0 % without updates (weight 4), 100 % (no weight).
    progress = progress_of(
        [
            ItemProgress(percent=50, weight=Decimal(2)),
            ItemProgress(percent=None, weight=Decimal(4)),
            ItemProgress(percent=100, weight=None),
        ]
    )
    assert progress.imputed_weight == Decimal(3)
    assert progress.percent == pytest.approx(400 / 9)
    assert progress.rule == Rule.WEIGHTED_MEAN_IMPUTED
