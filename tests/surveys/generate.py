"""A generated wave: respondents, profiles and answers drawn by a seeded random generator.

Shared by the correctness tests (which keep the raw arrays for the reference computation) and
the refresh tests.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from curim.areas.models import Area
from surveys.models import (
    Answer,
    Choice,
    Indicator,
    IndicatorItem,
    Question,
    Response,
    Section,
    Survey,
)
from tests.factories import area_create

GROUPS = ["resident", "shop_owner", "employee"]
GENDERS = ["woman", "man", "other"]
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
# code: (kind, low, high); single-choice scores are 1..5 under codes c1..c5.
ITEMS = {
    "safe_day": ("likert", 1, 5),
    "safe_night": ("likert", 1, 5),
    "afraid": ("likert", 1, 7),
    "trust_police": ("single", 1, 5),
    "meetings": ("number", 0, 12),
}
# indicator: (method, threshold, [(item, reverse)])
INDICATORS = {
    "perception": ("mean", None, [("safe_day", False), ("safe_night", False), ("afraid", True)]),
    "trust": ("share", 75.0, [("trust_police", False), ("safe_day", False)]),
    "participation": ("mean", None, [("meetings", False)]),
}


@dataclass
class Wave:
    survey: Survey
    districts: list[Area]
    people: pd.DataFrame  # one row per response: id, status, area, group, gender, age
    answers: pd.DataFrame  # one row per answer: response, item, value


def build_wave(
    seed: int,
    n: int = 700,
    *,
    districts: list[Area] | None = None,
    follows: Survey | None = None,
    lift: float = 0.0,
) -> Wave:
    """A wave of n responses; a follow-up (`follows`) shares the earlier wave's `districts`,
    and `lift` is the chance that an answer moves one point up its scale."""
    rng = np.random.default_rng(seed)
    if districts is None:
        city = area_create(code=f"city-{seed}")
        districts = [
            area_create(code=f"d{seed}-{i}", level="district", parent=city) for i in range(3)
        ]
    survey = Survey.objects.create(
        code=f"wave-{seed}", title_en=f"Wave {seed}", title_el=f"Κύμα {seed}", follows=follows
    )
    section = Section.objects.create(survey=survey, title_en="S", title_el="Σ")
    questions = {}
    for code, (kind, low, high) in ITEMS.items():
        fields: dict[str, Any] = {}
        if kind == "likert":
            fields = {"scale_min": low, "scale_max": high}
        elif kind == "number":
            fields = {"number_min": low, "number_max": high}
        questions[code] = Question.objects.create(
            survey=survey,
            section=section,
            code=code,
            kind=kind,
            text_en=code,
            text_el=code,
            **fields,
        )
    choices = {
        value: Choice.objects.create(
            question=questions["trust_police"],
            code=f"c{value}",
            label_en=str(value),
            label_el=str(value),
            score=float(value),
        )
        for value in range(1, 6)
    }
    for code, (method, threshold, items) in INDICATORS.items():
        indicator, _ = Indicator.objects.get_or_create(
            code=code,
            defaults={"name_en": code, "name_el": code, "method": method, "threshold": threshold},
        )
        for item, reverse in items:
            IndicatorItem.objects.get_or_create(
                indicator=indicator, question_code=item, defaults={"reverse": reverse}
            )

    people = pd.DataFrame(
        {
            "status": rng.choice(["complete", "in_progress"], size=n, p=[0.93, 0.07]),
            # District 2 is small, so that some of its cells fall under k.
            "area": rng.choice([0, 1, 2], size=n, p=[0.55, 0.4, 0.05]),
            "group": rng.choice(GROUPS, size=n, p=[0.7, 0.2, 0.1]),
            "gender": rng.choice(GENDERS, size=n, p=[0.49, 0.48, 0.03]),
            "age": rng.choice(AGES, size=n),
        }
    )
    responses = Response.objects.bulk_create(
        Response(
            survey=survey,
            status=row.status,
            source="web",
            group=row.group,
            area=districts[row.area],
            gender=row.gender,
            age_band=row.age,
        )
        for row in people.itertuples()
    )
    people["id"] = [r.pk for r in responses]

    rows = []
    for response in responses:
        for code, (kind, low, high) in ITEMS.items():
            if rng.random() < 0.1:  # a skipped item
                continue
            if kind == "number":
                value = float(np.round(rng.uniform(low, high), 2))
            else:
                value = float(rng.integers(low, high + 1))
                if lift and value < high and rng.random() < lift:
                    value += 1
            rows.append({"response": response.pk, "item": code, "value": value})
    answers = pd.DataFrame(rows)
    Answer.objects.bulk_create(
        Answer(
            response_id=row.response,
            question=questions[row.item],
            choice=choices[int(row.value)] if row.item == "trust_police" else None,
            number=None if row.item == "trust_police" else row.value,
        )
        for row in answers.itertuples()
    )
    return Wave(survey, districts, people, answers)
