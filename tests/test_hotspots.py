"""Hot spots: Getis-Ord Gi* pinned by a hand-worked example, and FDR-controlled calls."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from scipy import sparse, stats
from shapely.geometry import box

from profiles.analysis.hotspots import (
    area_hotspots,
    classify,
    contiguity_weights,
    gi_star,
    grid_hotspots,
    grid_weights,
)
from profiles.periods import Month
from tests.factories import add_episodes, add_locations

JUNE = Month.parse("2024-06")


def test_gi_star_on_a_line_of_five_areas_worked_by_hand():
    # x = 0 0 10 0 0, each area's neighbours are itself and the areas either side.
    # mean 2, S = sqrt(100/5 - 4) = 4.
    # middle: W=3, S1=3, sum wx = 10 -> (10 - 6) / (4 * sqrt((15 - 9) / 4)) = 4 / 4.89898 = 0.8165
    # ends:   W=2, S1=2, sum wx = 0  -> (0 - 4)  / (4 * sqrt((10 - 4) / 4)) = -0.8165
    # second: W=3, sum wx = 10 -> 0.8165
    w = np.zeros((5, 5))
    for i in range(5):
        for j in (i - 1, i, i + 1):
            if 0 <= j < 5:
                w[i, j] = 1
    z = gi_star(np.array([0, 0, 10, 0, 0]), sparse.csr_matrix(w))
    assert z == pytest.approx([-0.8165, 0.8165, 0.8165, 0.8165, -0.8165], abs=1e-4)


def test_gi_star_is_zero_when_nothing_stands_out():
    w = sparse.identity(4, format="csr")
    assert gi_star(np.array([3, 3, 3, 3]), w).tolist() == [0, 0, 0, 0]


def test_benjamini_hochberg_decides_the_calls():
    # p = 0.01, 0.04, 0.03, 0.5: BH q = 0.04, 0.0533, 0.0533, 0.5
    p = np.array([0.01, 0.04, 0.03, 0.5])
    z = stats.norm.isf(p / 2) * np.array([1, 1, -1, 1])
    got = classify(z, alpha=0.05)
    assert got["q_value"].round(4).tolist() == [0.04, 0.0533, 0.0533, 0.5]
    assert got["hotspot"].tolist() == ["hot", "none", "none", "none"]
    assert classify(z, alpha=0.06)["hotspot"].tolist() == ["hot", "hot", "cold", "none"]


def test_grid_weights_link_a_cell_to_its_eight_touching_cells():
    xs, ys = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    w = grid_weights(xs.ravel() + 700, ys.ravel() + 800, reach_cells=1.5)
    assert np.asarray(w.sum(axis=1)).ravel().tolist() == [4, 6, 4, 6, 9, 6, 4, 6, 4]
    rook = grid_weights(xs.ravel(), ys.ravel(), reach_cells=1.0)
    assert np.asarray(rook.sum(axis=1)).ravel().tolist() == [3, 4, 3, 4, 5, 4, 3, 4, 3]


def _reports(con, prefix, points, *, day="2024-06-15", role="missing_from", lsoa=None, precision_m=10.0):
    add_episodes(con, [dict(incident_id=f"{prefix}{i}", person=f"{prefix}P{i}", reported_at=f"{day} 12:00")
                       for i in range(len(points))])
    add_locations(con, [dict(incident_id=f"{prefix}{i}", role=role, easting=float(x), northing=float(y),
                             lsoa_code=lsoa, precision_m=precision_m) for i, (x, y) in enumerate(points)])


def test_a_block_of_busy_cells_is_a_hot_spot_and_a_lone_report_is_not(con, settings):
    origin = 380000.0
    # May reports in two far corners set the study area: a 20 x 20 grid of 500 m cells
    _reports(con, "C", [(origin + 250, origin + 250), (origin + 9750, origin + 9750)], day="2024-05-01")
    # June: 6 reports in each of the 3 x 3 cells around (5000, 5000), one lone report far off
    block = [(origin + 4250 + 500 * i, origin + 4250 + 500 * j) for i in range(3) for j in range(3)] * 6
    _reports(con, "H", block)
    _reports(con, "L", [(origin + 8250, origin + 1250)])
    cells = grid_hotspots(con, settings, JUNE, role="missing_from").set_index("cell_id")
    centre = f"E{int(origin) + 4500}N{int(origin) + 4500}"
    assert cells.loc[centre, ["incidents", "neighbourhood_incidents", "hotspot"]].tolist() == [6, 54, "hot"]
    hot = cells[cells["hotspot"] == "hot"]
    assert len(hot) >= 9 and hot["incidents"].sum() == 54
    assert cells.loc[f"E{int(origin) + 8000}N{int(origin) + 1000}", "hotspot"] == "none"
    assert cells.index[0] == centre  # hottest first
    everything = grid_hotspots(con, settings, JUNE, all_cells=True)
    assert len(everything) == 400 and everything["incidents"].sum() == 55


def test_found_points_make_their_own_hot_spots(con, settings):
    _reports(con, "F", [(390100.0, 400100.0)] * 5, role="found")
    _reports(con, "M", [(380100.0, 400100.0)] * 5, role="missing_from")
    found = grid_hotspots(con, settings, JUNE, role="found")
    assert found["incidents"].sum() == 5 and set(found["cell_id"]) == {"E390000N400000"}


def test_imprecise_points_are_left_out(con, settings):
    _reports(con, "P", [(380100.0, 400100.0)] * 3, precision_m=2500.0)
    assert grid_hotspots(con, settings, JUNE).empty


def _squares(n=5, size=100.0, gap=0.0):
    return gpd.GeoDataFrame(
        {"code": [f"L{i}{j}" for i in range(n) for j in range(n)],
         "name": [f"Area {i}{j}" for i in range(n) for j in range(n)]},
        geometry=[box(i * (size + gap), j * (size + gap), i * (size + gap) + size, j * (size + gap) + size)
                  for i in range(n) for j in range(n)],
        crs=27700,
    )


def test_contiguity_counts_corners_and_bridges_slivers():
    w = contiguity_weights(_squares(3, gap=0.4).geometry)
    assert np.asarray(w.sum(axis=1)).ravel().tolist() == [4, 6, 4, 6, 9, 6, 4, 6, 4]


def test_lsoa_hot_spots_over_given_areas(con, settings):
    areas = _squares(7)
    for k, code in enumerate(["L22", "L23", "L32", "L33", "L24", "L34", "L42", "L43", "L44"]):
        _reports(con, f"A{k}", [(0.0, 0.0)] * 4, lsoa=code)
    result = area_hotspots(con, settings, JUNE, level="lsoa", areas=areas).set_index("code")
    assert len(result) == 49 and result["incidents"].sum() == 36
    assert result.loc["L33", ["name", "incidents", "neighbourhood_incidents", "hotspot"]].tolist() == [
        "Area 33", 4, 36, "hot"
    ]
    assert result.loc["L00", "hotspot"] in ("none", "cold")


def test_lsoa_hot_spots_without_boundaries_say_what_to_do(con, settings):
    from profiles.analysis.places_common import MissingDataError

    with pytest.raises(MissingDataError, match="reference import"):
        area_hotspots(con, settings, JUNE, level="lsoa")
