"""Maps carry the local authorities' names and a scale bar (issue 13, point 6; the plain
words of the partner and public editions are tested in tests/test_board_pack.py)."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
from shapely.geometry import box

matplotlib.use("Agg")

from profiles.reports import maps  # noqa: E402
from profiles.reports.charts import new_figure  # noqa: E402

def test_maps_name_the_local_authorities_and_carry_a_scale_bar():
    lads = gpd.GeoDataFrame({"code": ["E08000001", "E08000010"], "name": ["Bolton", "Wigan"]},
                            geometry=[box(360000, 400000, 375000, 415000), box(375000, 400000, 390000, 415000)],
                            crs="EPSG:27700")
    ax = new_figure(7.0, 6.0).add_subplot()
    maps._area_names(ax, lads)
    maps._scale_bar(ax, lads.total_bounds)
    texts = [t.get_text() for t in ax.texts]
    assert "Bolton" in texts and "Wigan" in texts
    bar = next(t for t in texts if t.endswith(" km"))
    assert bar == "5 km"  # a round length near a fifth of the 30 km width
    line = ax.lines[-1].get_xdata()
    assert line[1] - line[0] == 5000
