"""No withheld count comes back by difference: the public reads a group's total (the sites
together, the comparison cells or areas together) and each zone's count, so when one zone of a
group is withheld every zone of that group is withheld in that window, and the comparison's
before-window counts with it. The reading is checked on every result of a small world of
counts: for each group and window, the public's total less the zones it reads never pins down a
count of 1 or 2."""

import itertools
from typing import Any

from interventions.evaluation_reading import (
    comparison_shown,
    counts_rows,
    displacement_shown,
)
from tests.interventions.evaluation_world import evaluation_of

K = 3  # curim.analytics.selectors.layers.PUBLIC_MIN_COUNT


def _result(sites: list[tuple[int, int]], cells: list[tuple[int, int]]) -> dict[str, Any]:
    def row(role: str, code: str, before: int, after: int) -> dict[str, Any]:
        return {"zone": code, "role": role, "code": code, "before": before, "after": after}

    rows = [row("treated", f"site-{n}", b, a) for n, (b, a) in enumerate(sites)]
    rows += [row("control", f"cell-{n}", b, a) for n, (b, a) in enumerate(cells)]
    rows += [row("ring", "ring", 30, 25), row("ring_control", "ring_control", 90, 95)]
    total = {
        role: [sum(r[w] for r in rows if r["role"] == role) for w in ("before", "after")]
        for role in ("treated", "control")
    }
    return {
        "design": "sites",
        "counts": rows,
        "comparison": {
            "areas": [{"code": f"cell-{n}", "before_count": b} for n, (b, _) in enumerate(cells)],
            "site_before_counts": {str(n): b for n, (b, _) in enumerate(sites)},
        },
        "displacement": {
            "counts": {
                "treated": total["treated"],
                "control": total["control"],
                "buffer": [30, 25],
                "buffer_control": [90, 95],
            },
            "wdq": {"value": 0.1},
            "wdd": {"estimate": -3.0},
        },
    }


def _residual_pins_a_small_count(total: int | None, shown: list[int | None]) -> bool:
    """Whether a group's total, less the zones shown, narrows a withheld count down: some of
    the group's zones withheld but not all (each withheld one is then known to be 1 or 2, and
    their sum is the residual). With every zone withheld, a zone can hold any count."""
    hidden = [n for n in shown if n is None]
    return total is not None and bool(hidden) and (len(hidden) < len(shown) or len(shown) == 1)


def _leaks(result: dict[str, Any]) -> list[str]:
    rows = counts_rows(result, reads_all=False)
    totals = displacement_shown(result, reads_all=False)
    assert totals is not None
    comparison = comparison_shown(result, reads_all=False)
    found = []
    for role, name in (("treated", "treated"), ("control", "control")):
        for index, window in enumerate(("before", "after")):
            shown = [r[window] for r in rows if r["role"] == role]
            if _residual_pins_a_small_count(totals["counts"][name][index], shown):
                found.append(f"{role} {window} rows")
    before_cells = [a["before_count"] for a in comparison["areas"]]
    if _residual_pins_a_small_count(totals["counts"]["control"][0], before_cells):
        found.append("comparison cells before")
    before_sites = list(comparison["site_before_counts"].values())
    if _residual_pins_a_small_count(totals["counts"]["treated"][0], before_sites):
        found.append("sites before")
    return found


def test_no_withheld_count_comes_back_by_difference() -> None:
    values = (0, 1, 2, 3, 7)
    pairs: list[tuple[int, int]] = list(itertools.product(values, values))
    checked = 0
    for site_a, site_b in itertools.product(pairs, pairs[::4]):
        for cell_a, cell_b in itertools.product(pairs[::3], pairs[::2]):
            cells = [cell_a, cell_b, (4, 3)]
            result = _result([site_a, site_b], cells)
            assert _leaks(result) == [], (site_a, site_b, cells)
            checked += 1
    assert checked > 10_000


def test_a_group_without_a_small_count_is_read_zone_by_zone() -> None:
    result = _result([(5, 4), (8, 0)], [(3, 10), (0, 4), (7, 3)])
    rows = counts_rows(result, reads_all=False)
    assert [(r["before"], r["after"]) for r in rows[:5]] == [
        (5, 4),
        (8, 0),
        (3, 10),
        (0, 4),
        (7, 3),
    ]
    comparison = comparison_shown(result, reads_all=False)
    assert [a["before_count"] for a in comparison["areas"]] == [3, 0, 7]
    assert comparison["site_before_counts"] == {"0": 5, "1": 8}


def test_one_small_cell_withholds_its_group_in_that_window_only() -> None:
    result = _result([(5, 4), (8, 6)], [(1, 10), (9, 4), (7, 3)])
    rows = counts_rows(result, reads_all=False)
    cells = [(r["before"], r["after"]) for r in rows if r["role"] == "control"]
    assert cells == [(None, 10), (None, 4), (None, 3)]
    # The cells may lie in the intervention's district, whose count the public reads: the
    # district's own zones go with them in that window (own_area_broken).
    sites = [(r["before"], r["after"]) for r in rows if r["role"] == "treated"]
    assert sites == [(None, 4), (None, 6)]
    shown = displacement_shown(result, reads_all=False)
    assert shown is not None
    assert shown["counts"]["control"] == [17, 17]
    assert shown["counts"]["treated"] == [None, 10]
    assert shown["counts"]["buffer"] == [None, 25]
    comparison = comparison_shown(result, reads_all=False)
    assert [a["before_count"] for a in comparison["areas"]] == [None, None, None]
    # Those who read everything read every count.
    assert [r["before"] for r in counts_rows(result, reads_all=True)][2:5] == [1, 9, 7]
    assert [a["before_count"] for a in comparison_shown(result, reads_all=True)["areas"]] == [
        1,
        9,
        7,
    ]


def test_the_api_reads_the_same() -> None:
    from interventions.evaluation_reading import published_result

    result = _result([(5, 4), (2, 6)], [(3, 10), (9, 4), (7, 3)])
    evaluation = evaluation_of(result)
    public = published_result(evaluation, reads_all=False, hidden=False, survey_readable=False)
    assert [r["before"] for r in public["counts"] if r["role"] == "treated"] == [None, None]
    assert public["comparison"]["site_before_counts"] == {"0": None, "1": None}
    assert public["displacement_counts"]["treated"] == [7, 10]


def test_a_spatial_design_s_whole_area_counts_are_the_council_s_only() -> None:
    """In a spatial design the own area's count holds the treated zone, the ring and the ring's
    control (and a comparison area's count less its row gives what of the ring falls in it):
    the public reads the zones' counts, not the whole areas'."""
    result = {
        "design": "spatial",
        "counts": [
            {"zone": "treated", "role": "treated", "code": "treated", "before": 2, "after": 4},
            {"zone": "ring", "role": "ring", "code": "ring", "before": 10, "after": 9},
            {"zone": "rc", "role": "ring_control", "code": "p5", "before": 28, "after": 30},
            {"zone": "c1", "role": "control", "code": "p1", "before": 30, "after": 25},
        ],
        "comparison": {"areas": [{"code": "p1", "before_count": 31}], "own_before_count": 40},
    }
    public = comparison_shown(result, reads_all=False)
    assert public["own_before_count"] is None
    assert [a["before_count"] for a in public["areas"]] == [None]
    council = comparison_shown(result, reads_all=True)
    assert council["own_before_count"] == 40
    assert [a["before_count"] for a in council["areas"]] == [31]


def test_a_hidden_sites_result_gives_the_public_no_count_no_cell_and_no_figure() -> None:
    # A result that counts what the public never sees (evaluation_hidden_from): a sites
    # design's comparison cells are chosen among cells with events, so their codes, like the
    # counts and the displacement figures, would say where those events were.
    from interventions.evaluation_reading import published_result, reading

    result = _result([(5, 4), (20, 16)], [(30, 10), (9, 40), (70, 30)])
    result["inference"] = {"method": "randomization", "assignments": 10, "note": "open"}
    evaluation = evaluation_of(result)
    public = published_result(evaluation, reads_all=False, hidden=True, survey_readable=False)
    assert public["withheld_reason"] == "kept_from_public"
    assert public["counts"] == []
    assert public["comparison"] == {"how": None}
    assert public["displacement_counts"] is None
    assert (public["wdq"], public["wdd"]) == (None, None)
    assert public["inference"] is None  # randomization follows from how many units had events
    assert public["sms_level"] is None
    assert "cell-" not in str(public)
    assert reading(evaluation, reads_all=False, hidden=True).comparison_names == []
    # Those who read everything read it all.
    council = published_result(evaluation, reads_all=True, hidden=True, survey_readable=False)
    assert council["withheld_reason"] is None
    assert len(council["counts"]) == len(result["counts"])
    assert reading(evaluation, reads_all=True, hidden=True).comparison_names


def _spatial_result(
    treated: tuple[int, int], ring: tuple[int, int], ring_control: tuple[int, int]
) -> dict[str, Any]:
    def row(zone: str, role: str, pair: tuple[int, int]) -> dict[str, Any]:
        return {"zone": zone, "role": role, "code": zone, "before": pair[0], "after": pair[1]}

    return {
        "design": "spatial",
        "counts": [
            row("treated", "treated", treated),
            row("ring", "ring", ring),
            row("rc", "ring_control", ring_control),
            row("c1", "control", (40, 38)),
        ],
        "comparison": {"areas": [{"code": "c1", "before_count": 40}], "own_before_count": 0},
        "displacement": {
            "counts": {
                "treated": list(treated),
                "control": [40, 38],
                "buffer": list(ring),
                "buffer_control": list(ring_control),
            },
            "wdq": {"value": 0.1},
            "wdd": {"estimate": -3.0},
        },
    }


def test_no_withheld_count_of_the_own_area_comes_back_from_the_area_s_total() -> None:
    """A spatial design splits the intervention's district into the treated zone, the ring
    and the ring's control, and the public reads the district's count over the same days
    elsewhere (`/api/v1/reports/summary/?area=…&since=…&until=…`): the district less the zones
    it reads, from the counts table or the displacement figures, never pins down a count of 1
    or 2, in a small world of counts."""
    values = (0, 1, 2, 3, 7)
    pairs = list(itertools.product(values, values))
    checked = 0
    for treated, ring, ring_control in itertools.product(pairs, pairs[::2], pairs[::3]):
        result = _spatial_result(treated, ring, ring_control)
        rows = {r["role"]: r for r in counts_rows(result, reads_all=False)}
        totals = displacement_shown(result, reads_all=False)
        assert totals is not None
        for index, window in enumerate(("before", "after")):
            district = treated[index] + ring[index] + ring_control[index]
            shown = []
            for role, name in (
                ("treated", "treated"),
                ("ring", "buffer"),
                ("ring_control", "buffer_control"),
            ):
                from_rows, from_totals = rows[role][window], totals["counts"][name][index]
                assert from_rows == from_totals, (role, window)  # one reading, two places
                shown.append(from_rows)
            assert not _residual_pins_a_small_count(district, shown), (treated, ring, ring_control)
            checked += 1
    assert checked > 1000
    # No small count: every zone is read.
    result = _spatial_result((8, 3), (0, 5), (30, 28))
    assert [r["before"] for r in counts_rows(result, reads_all=False)] == [8, 0, 30, 40]
    # One small zone: the three of the own area go in that window only; the council reads all.
    result = _spatial_result((8, 3), (2, 5), (30, 28))
    assert [(r["before"], r["after"]) for r in counts_rows(result, reads_all=False)] == [
        (None, 3),
        (None, 5),
        (None, 28),
        (40, 38),
    ]
    assert [r["before"] for r in counts_rows(result, reads_all=True)] == [8, 2, 30, 40]


def test_a_multi_site_design_s_own_area_is_withheld_together_too() -> None:
    # The sites' total, the ring and the ring's control: a ring of 2 takes the sites with it.
    result = _result([(5, 4), (8, 6)], [(9, 10), (9, 4), (7, 3)])
    result["counts"] = [
        {**row, "before": 2} if row["role"] == "ring" else row for row in result["counts"]
    ]
    result["displacement"]["counts"]["buffer"] = [2, 25]
    rows = counts_rows(result, reads_all=False)
    assert [r["before"] for r in rows if r["role"] in ("treated", "ring", "ring_control")] == [
        None
    ] * 4
    assert [r["after"] for r in rows if r["role"] == "treated"] == [4, 6]
    totals = displacement_shown(result, reads_all=False)
    assert totals is not None
    assert totals["counts"]["treated"] == [None, 10]
    assert totals["counts"]["buffer_control"] == [None, 95]
    assert totals["counts"]["control"] == [25, 17]  # the cells are read on their own
    assert comparison_shown(result, reads_all=False)["site_before_counts"] == {
        "0": None,
        "1": None,
    }


def _district_pins_a_small_count(district: int, true: list[int], shown: list[int | None]) -> bool:
    """Whether the district's count less the zones shown gives back a count of 1 or 2: a
    residual of 1 or 2, or one zone withheld alone whose count is 1 or 2."""
    hidden = [n for n, seen in zip(true, shown, strict=True) if seen is None]
    residual = district - sum(seen for seen in shown if seen is not None)
    assert residual == sum(hidden)
    return 0 < residual < K or (len(hidden) == 1 and 0 < hidden[0] < K)


def test_a_cell_in_the_district_does_not_come_back_from_the_district_s_total() -> None:
    """A multi-site design's cells are chosen anywhere in the municipality, so one may lie in
    the intervention's own district: the district's count (public, from the reports' summary)
    is then the sites, the ring, the ring's control and that cell. Over a small world of
    counts, the district less what the public reads never gives back a count of 1 or 2."""
    values = (0, 1, 2, 3, 7)
    pairs = list(itertools.product(values, values))
    checked = 0
    for site, own_cell, ring in itertools.product(pairs, pairs, pairs[::3]):
        result = _result([site, (5, 4)], [own_cell, (6, 5), (4, 3)])
        result["counts"] = [
            {**row, "before": ring[0], "after": ring[1]} if row["role"] == "ring" else row
            for row in result["counts"]
        ]
        result["displacement"]["counts"]["buffer"] = list(ring)
        rows = counts_rows(result, reads_all=False)
        totals = displacement_shown(result, reads_all=False)
        assert totals is not None
        by_code = {row["code"]: row for row in rows}
        for index, window in enumerate(("before", "after")):
            true = [site[index] + (5, 4)[index], ring[index], (90, 95)[index], own_cell[index]]
            shown = [
                totals["counts"]["treated"][index],
                by_code["ring"][window],
                by_code["ring_control"][window],
                by_code["cell-0"][window],
            ]
            assert totals["counts"]["buffer"][index] == shown[1]
            assert totals["counts"]["buffer_control"][index] == shown[2]
            assert not _district_pins_a_small_count(sum(true), true, shown), (
                site,
                own_cell,
                ring,
                window,
            )
            checked += 1
    assert checked > 1000
