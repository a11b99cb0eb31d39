"""The worked example of docs/surveys.md: its numbers are the platform's, and R's.

Sixteen respondents in two districts, raked to district and gender margins. The platform's
computation (`domain_statistics`, `wilson_95`) is run on their fine cells, the independent
reference of test_estimates.py respondent by respondent (least squares, and R's rake() sweeps);
both must agree, and docs/surveys.md must show their numbers as printed there.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveys.estimates import FineCells, domain_statistics, wilson_95
from surveys.weights import CellWeight, Design
from tests.surveys import test_estimates as reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "surveys.md"

# district, gender, group, y (one respondent a line; all in age band 25-34)
RESPONDENTS = """
A woman resident 75
A woman resident 50
A woman resident 100
A woman shop_owner 100
A woman shop_owner 75
A man resident 25
A man resident 50
A man resident 0
A man shop_owner 75
B woman resident 100
B woman resident 75
B woman shop_owner 50
B man resident 25
B man resident 50
B man shop_owner 50
B man shop_owner 25
"""
DISTRICTS = {"A": 6000.0, "B": 4000.0}
GENDERS = {"woman": 5200.0, "man": 4800.0}


def respondents() -> pd.DataFrame:
    rows = [line.split() for line in RESPONDENTS.strip().splitlines()]
    people = pd.DataFrame(rows, columns=["area", "gender", "group", "y"])
    people["y"] = people["y"].astype(float)
    people["id"] = range(len(people))
    w = np.ones(len(people))
    for _ in range(200):  # raking, respondent by respondent
        for column, margin in (("area", DISTRICTS), ("gender", GENDERS)):
            totals = pd.Series(w).groupby(people[column]).sum()
            w = w * people[column].map(lambda v, m=margin, t=totals: m[v] / t[v]).to_numpy()
    people["w"] = w
    return people


def reference_table() -> dict[tuple[str | None, str], tuple[float, float, float, float]]:
    people = respondents()
    dummies = reference.calibration_matrix(people, [["area"], ["gender"]])
    w, y = people["w"].to_numpy(), people["y"].to_numpy()
    table = {}
    for area in (None, "A", "B"):
        for group in ("", "resident", "shop_owner"):
            inside = np.ones(len(people), dtype=bool)
            if area:
                inside &= (people["area"] == area).to_numpy()
            if group:
                inside &= (people["group"] == group).to_numpy()
            mean = float(np.sum(w[inside] * y[inside]) / np.sum(w[inside]))
            se = float(np.sqrt(reference.r_calibrated_variance(w, y, inside, dummies)))
            kish = float(np.sum(w[inside]) ** 2 / np.sum(w[inside] ** 2))
            low, high = reference.reference_wilson(mean, se, kish)
            table[(area, group)] = (mean, se, float(low), float(high))
    return table


def test_the_platform_computes_the_worked_example_as_the_reference_does() -> None:
    people = respondents()
    profiles = sorted(set(zip(people["area"], people["gender"], strict=True)))
    weight = dict(zip(zip(people["area"], people["gender"], strict=True), people["w"], strict=True))
    counts = people.groupby(["area", "gender"]).size()
    areas = {"A": 1, "B": 2}
    the_design = Design(
        cells=[
            CellWeight(areas[a], g, "25-34", weight=weight[(a, g)], n=int(counts[(a, g)]))
            for a, g in profiles
        ],
        weighted=True,
        factors=[(0,), (1,)],
    )
    fine = people.groupby(["area", "gender", "group"])["y"].agg(["size", "mean", "var"])
    fine["m2"] = fine["var"].fillna(0.0) * (fine["size"] - 1)
    keys = list(fine.index)
    domains: dict[tuple[str | None, str], int] = {}
    pairs = [
        (f, domains.setdefault(key, len(domains)))
        for f, (a, _, g) in enumerate(keys)
        for key in ((a, g), (a, ""), (None, g), (None, ""))
    ]
    stats = domain_statistics(
        the_design,
        FineCells(
            profile=np.array([profiles.index((a, g)) for a, g, _ in keys], dtype=np.intp),
            n=fine["size"].to_numpy(float),
            mean=fine["mean"].to_numpy(float),
            m2=fine["m2"].to_numpy(float),
        ),
        np.array(pairs, dtype=np.intp),
        len(domains),
    )
    low, high = wilson_95(stats.mean, np.sqrt(stats.variance), stats.effective_n)
    expected = reference_table()
    for key, d in domains.items():
        mine = (stats.mean[d], np.sqrt(stats.variance[d]), low[d], high[d])
        assert mine == pytest.approx(expected[key], rel=1e-9, abs=1e-9), key


def test_the_docs_show_the_worked_example() -> None:
    text = DOCS.read_text()
    shown = re.findall(
        r"^\| (all|A|B) +\| (all|resident|shop_owner) +\| ([\d.]+) +\| ([\d.]+) +"
        r"\| ([\d.]+)–([\d.]+) +\|$",
        text,
        re.MULTILINE,
    )
    table = reference_table()
    assert len(shown) == len(table)
    for area, group, *numbers in shown:
        key = (None if area == "all" else area, "" if group == "all" else group)
        assert [float(x) for x in numbers] == pytest.approx(
            [round(v, 4) for v in table[key]], abs=1e-12
        ), key
