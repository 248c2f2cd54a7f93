"""Hot spots over the real Greater Manchester LSOA boundaries (../shared/geo, ONS, OGL v3)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from profiles.analysis.hotspots import area_hotspots, contiguity_weights
from profiles.periods import Month
from tests.conftest import require_shared
from tests.factories import add_episodes, add_locations


@pytest.fixture(scope="module")
def lsoas():
    path = require_shared("geo", "gm_lsoa_geography", "gm_lsoa_generalised.geojson")
    frame = gpd.read_file(path).to_crs(27700).rename(columns={"area_code": "code", "area_name": "name"})
    return frame[["code", "name", "geometry"]]


def test_every_real_lsoa_has_neighbours(lsoas):
    w = contiguity_weights(lsoas.geometry.to_numpy())
    neighbours = np.asarray(w.sum(axis=1)).ravel() - 1  # less the area itself
    assert len(lsoas) == 1702
    assert neighbours.min() >= 1 and 4 <= np.median(neighbours) <= 8


def test_a_busy_lsoa_and_its_neighbours_are_a_hot_spot(con, settings, lsoas):
    w = contiguity_weights(lsoas.geometry.to_numpy())
    centre = int(np.flatnonzero(lsoas["name"] == "Bolton 005A")[0])
    ring = w[centre].indices
    rows = []
    for k, idx in enumerate(ring):
        rows += [dict(incident_id=f"R{k}-{j}", person=f"P{k}-{j}", reported_at="2024-06-10 10:00",
                      lsoa=lsoas["code"].iat[idx]) for j in range(8)]
    add_episodes(con, [{k: v for k, v in r.items() if k != "lsoa"} for r in rows])
    add_locations(con, [dict(incident_id=r["incident_id"], role="missing_from", easting=0.0, northing=0.0,
                             lsoa_code=r["lsoa"]) for r in rows])
    result = area_hotspots(con, settings, Month.parse("2024-06"), areas=lsoas).set_index("code")
    assert result.loc[lsoas["code"].iat[centre], "hotspot"] == "hot"
    assert (result["hotspot"] == "hot").sum() >= len(ring)
    assert result["incidents"].sum() == len(rows)
