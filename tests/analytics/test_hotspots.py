"""Gi* against PySAL's reference implementation, esda.G_Local(transform="B", star=True), with the
same weights: the esda doctest fixture and generated grids of 1,200 cells with planted clusters."""

from typing import Any

import esda
import libpysal
import numpy as np
import pytest
from scipy import stats

from curim.analytics.hotspots import (
    CLASS_LABELS,
    benjamini_hochberg,
    contiguity_weights,
    distance_band_weights,
    gi_bin,
    gi_star,
    require_greek_grid_metres,
)

TOLERANCE = 1e-9
# A corner near Piraeus in EPSG:2100.
X0, Y0 = 470_000.0, 4_200_000.0
COLUMNS, ROWS, CELL_M = 40, 30, 250.0


def esda_z(values: np.ndarray, w: Any) -> np.ndarray:
    reference = esda.G_Local(values, w, transform="B", star=True, permutations=0)
    return np.asarray(reference.Zs)


# --- esda's doctest fixture (esda/getisord.py and esda/tests/test_getisord.py) ---------------

FIXTURE_POINTS = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)], float)
FIXTURE_VALUES = np.array([2, 3, 3.2, 5, 8, 7])
# Printed by esda's docstring for G_Local(y, w, transform='B', star=True).
FIXTURE_PUBLISHED_Z = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]


def test_the_esda_doctest_fixture() -> None:
    w = libpysal.weights.DistanceBand(FIXTURE_POINTS, threshold=15)
    # The same points moved into EPSG:2100 (distances unchanged).
    weights = distance_band_weights(FIXTURE_POINTS[:, 0] + X0, FIXTURE_POINTS[:, 1] + Y0, band_m=15)
    result = gi_star(FIXTURE_VALUES, weights)

    assert np.abs(result.z_scores - esda_z(FIXTURE_VALUES, w)).max() <= TOLERANCE
    np.testing.assert_allclose(result.z_scores, FIXTURE_PUBLISHED_Z, atol=1e-8)
    assert result.neighbourhood_sizes.tolist() == [3, 4, 2, 4, 5, 2]


# --- A generated grid of 40 × 30 squares of 250 m ---------------------------------------------


def square_grid() -> tuple[np.ndarray, np.ndarray]:
    """Cell centres, row by row (cell = row * COLUMNS + column, libpysal's lat2W order)."""
    rows, columns = np.divmod(np.arange(ROWS * COLUMNS), COLUMNS)
    return X0 + (columns + 0.5) * CELL_M, Y0 + (rows + 0.5) * CELL_M


def planted_counts(n_rows: int, n_columns: int, seed: int = 14) -> np.ndarray:
    """Poisson counts with a hot block (rows 5-9, columns 5-9) and a cold block (rows 20-25,
    columns 28-34) planted."""
    rng = np.random.default_rng(seed)
    grid = rng.poisson(4.0, size=(n_rows, n_columns)).astype(float)
    grid[5:10, 5:10] += rng.poisson(12.0, size=(5, 5))
    grid[20:26, 28:35] = rng.poisson(0.3, size=(6, 7))
    return grid.ravel()


def lattice_neighbours(w: Any) -> list[list[int]]:
    return [sorted(w.neighbors[i]) for i in range(w.n)]


@pytest.mark.parametrize("rook", [True, False], ids=["rook", "queen"])
def test_square_grid_contiguity_matches_esda(rook: bool) -> None:
    w = libpysal.weights.lat2W(ROWS, COLUMNS, rook=rook)
    values = planted_counts(ROWS, COLUMNS)
    weights = contiguity_weights(lattice_neighbours(w))
    result = gi_star(values, weights)

    assert len(values) >= 1000
    assert np.abs(result.z_scores - esda_z(values, w)).max() <= TOLERANCE
    # The contiguity is the one of the cell centres: rook within 1 cell, queen within √2 cells.
    x, y = square_grid()
    band = 1.01 * CELL_M if rook else 1.01 * CELL_M * np.sqrt(2)
    assert (weights != distance_band_weights(x, y, band_m=band)).nnz == 0
    # The planted clusters are found.
    classes = result.classes.reshape(ROWS, COLUMNS)
    assert (classes[6:9, 6:9] == 3).all()
    assert (classes[21:25, 29:34] < 0).mean() > 0.5


@pytest.mark.parametrize("band_m", [300.0, 600.0, 1000.0])
def test_square_grid_distance_band_matches_esda(band_m: float) -> None:
    x, y = square_grid()
    values = planted_counts(ROWS, COLUMNS, seed=int(band_m))
    w = libpysal.weights.DistanceBand(np.column_stack([x, y]), threshold=band_m)
    result = gi_star(values, distance_band_weights(x, y, band_m=band_m))

    assert np.abs(result.z_scores - esda_z(values, w)).max() <= TOLERANCE
    assert (result.classes.reshape(ROWS, COLUMNS)[6:9, 6:9] == 3).all()


def hexagon_neighbours(n_rows: int, n_columns: int) -> list[list[int]]:
    """The six neighbours of pointy-top hexagons whose odd rows are shifted half a cell right."""
    neighbours = []
    for row in range(n_rows):
        shift = row % 2
        for column in range(n_columns):
            candidates = [(row, column - 1), (row, column + 1)] + [
                (row + dr, column + dc) for dr in (-1, 1) for dc in (shift - 1, shift)
            ]
            neighbours.append(
                [r * n_columns + c for r, c in candidates if 0 <= r < n_rows and 0 <= c < n_columns]
            )
    return neighbours


def test_hexagonal_grid_contiguity_matches_esda() -> None:
    neighbours = hexagon_neighbours(ROWS, COLUMNS)
    w = libpysal.weights.W(dict(enumerate(neighbours)))
    values = planted_counts(ROWS, COLUMNS, seed=6)
    weights = contiguity_weights(neighbours)
    result = gi_star(values, weights)

    assert np.abs(result.z_scores - esda_z(values, w)).max() <= TOLERANCE
    # The lists are the hexagons' touching cells: centres one cell size apart.
    rows, columns = np.divmod(np.arange(ROWS * COLUMNS), COLUMNS)
    x = X0 + (columns + 0.5 * (rows % 2)) * CELL_M
    y = Y0 + rows * CELL_M * np.sqrt(3) / 2
    assert (weights != distance_band_weights(x, y, band_m=1.01 * CELL_M)).nnz == 0


def test_every_cell_is_its_own_neighbour() -> None:
    x, y = square_grid()
    weights = distance_band_weights(x, y, band_m=100.0)  # no other centre within 100 m

    assert (weights.diagonal() == 1).all()
    assert weights.nnz == len(x)


def test_weights_without_the_cell_itself_are_refused() -> None:
    w = libpysal.weights.lat2W(ROWS, COLUMNS, rook=True)
    weights = contiguity_weights(lattice_neighbours(w))
    weights.setdiag(0)
    weights.eliminate_zeros()

    with pytest.raises(ValueError, match="diagonal"):
        gi_star(planted_counts(ROWS, COLUMNS), weights)


def test_asymmetric_contiguity_is_refused() -> None:
    with pytest.raises(ValueError, match="symmetric"):
        contiguity_weights([[1], [], [1]])


def test_constant_values_are_refused() -> None:
    w = libpysal.weights.lat2W(3, 3)
    with pytest.raises(ValueError, match="same value"):
        gi_star(np.full(9, 2.0), contiguity_weights(lattice_neighbours(w)))


# --- Coordinates ---------------------------------------------------------------------------


def test_degrees_are_refused() -> None:
    longitudes = np.array([23.62, 23.63, 23.64])
    latitudes = np.array([37.94, 37.95, 37.96])

    with pytest.raises(ValueError, match="degrees"):
        distance_band_weights(longitudes, latitudes, band_m=250)
    with pytest.raises(ValueError, match="degrees"):
        require_greek_grid_metres(longitudes, latitudes)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([4_200_000.0, 4_200_250.0], [470_000.0, 470_000.0]),  # swapped
        ([2_630_000.0, 2_630_250.0], [4_570_000.0, 4_570_000.0]),  # Web Mercator
    ],
    ids=["swapped", "web-mercator"],
)
def test_other_metres_are_refused(x: list[float], y: list[float]) -> None:
    with pytest.raises(ValueError, match="EPSG:2100"):
        require_greek_grid_metres(x, y)


def test_greek_grid_metres_are_accepted() -> None:
    x, y = square_grid()
    require_greek_grid_metres(x, y)


# --- False discovery rate and classes ----------------------------------------------------------


def test_benjamini_hochberg_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=900), rng.uniform(0, 0.002, size=100), [0.5, 0.5]])
    rng.shuffle(p)

    np.testing.assert_allclose(
        benjamini_hochberg(p), stats.false_discovery_control(p, method="bh"), rtol=0, atol=1e-15
    )


def test_benjamini_hochberg_by_hand() -> None:
    # Sorted 0.01, 0.02, 0.03, 0.2 → 0.04, 0.04, 0.04, 0.2 (0.02 * 4 / 2 = 0.04 caps the first).
    assert benjamini_hochberg([0.2, 0.02, 0.01, 0.03]) == pytest.approx([0.2, 0.04, 0.04, 0.04])


def test_classes_are_gi_bin() -> None:
    z = np.array([3.0, 2.2, 1.7, 0.4, -1.7, -2.2, -3.0, 2.0])
    p = 2 * stats.norm.sf(np.abs(z))

    assert gi_bin(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3, 2]
    assert [CLASS_LABELS[c] for c in gi_bin(z, p)][:4] == ["hot-99", "hot-95", "hot-90", "none"]
    # Boundaries are significant: p exactly 0.05 is 95%.
    assert gi_bin([1.0, -1.0], [0.05, 0.01]).tolist() == [2, -3]
    # p exactly 0.10 is 90% (1 - 0.90 in floating point is just below 0.10).
    assert gi_bin([1.0, -1.0], [0.10, 0.10]).tolist() == [1, -1]


def test_classes_use_the_fdr_adjusted_p_values() -> None:
    w = libpysal.weights.lat2W(ROWS, COLUMNS, rook=False)
    weights = contiguity_weights(lattice_neighbours(w))
    # Pure noise: some uncorrected p-values fall below 0.10 by chance; few survive the FDR.
    values = np.random.default_rng(1).poisson(4.0, size=ROWS * COLUMNS)
    corrected = gi_star(values, weights)
    uncorrected = gi_star(values, weights, fdr_correction=False)

    assert corrected.classes_fdr_corrected
    assert (corrected.classes == gi_bin(corrected.z_scores, corrected.p_values_fdr)).all()
    assert (uncorrected.classes == gi_bin(uncorrected.z_scores, uncorrected.p_values)).all()
    assert np.count_nonzero(uncorrected.classes) > 50
    assert np.count_nonzero(corrected.classes) < np.count_nonzero(uncorrected.classes) / 5


def test_p_values_are_two_sided_normal() -> None:
    w = libpysal.weights.lat2W(ROWS, COLUMNS, rook=True)
    values = planted_counts(ROWS, COLUMNS)
    result = gi_star(values, contiguity_weights(lattice_neighbours(w)))
    reference = esda.G_Local(values, w, transform="B", star=True, permutations=0)

    # esda's p_norm is one-sided.
    np.testing.assert_allclose(result.p_values, 2 * reference.p_norm, rtol=1e-9)


def test_contiguity_listing_a_cell_itself_or_twice_stays_binary() -> None:
    weights = contiguity_weights([[0, 1, 1], [0], []])

    assert weights.toarray().tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
