"""Maps with geopandas over the imported boundaries (EPSG:27700), as embedded PNG.

Two kinds, by audience:

- ``point_map`` (police): local authority outlines, every go-missing point, hot-spot
  grid cells and the ranked sites numbered as in the sites table;
- ``area_map`` (partner, public): incidents per area as shaded classes, with every
  count below the suppression threshold in one "fewer than N" class and no points at
  all, so no children's home (or anyone) can be placed.

Both carry the boundary attribution as a figure note. Without boundaries in the
database there is nothing to draw on: the callers leave the map out and say so.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from profiles.reports.charts import drawing, to_png_data_uri
from profiles.disclosure import is_small_count
from profiles.reports.objects import Figure

_BLUES = ("#f0f0f0", "#c6dbef", "#6baed6", "#2171b5", "#08306b")


def _frame(ax, bounds: Sequence[float]) -> None:
    xmin, ymin, xmax, ymax = bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.03 + 200
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _scale_bar(ax, bounds: Sequence[float]) -> None:
    """A scale bar in the lower right: a round number of kilometres near a fifth of the width."""
    xmin, ymin, xmax, ymax = bounds
    target = (xmax - xmin) / 5
    km = next((k for k in (1, 2, 5, 10, 20, 50, 100) if k * 1000 >= target * 0.6), 100)
    length = km * 1000
    x0, y0 = xmax - length, ymin - (ymax - ymin) * 0.01
    ax.plot([x0, x0 + length], [y0, y0], color="#0b0c0c", linewidth=2.5, solid_capstyle="butt")
    ax.text(x0 + length / 2, y0 + (ymax - ymin) * 0.012, f"{km} km", ha="center", va="bottom", fontsize=7)


def _area_names(ax, labels: gpd.GeoDataFrame | None) -> None:
    """Each local authority's name at a point inside it (white halo, readable on any shade)."""
    if labels is None or not len(labels) or "name" not in labels.columns:
        return
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for name, point in zip(labels["name"], labels.geometry.representative_point()):
        ax.text(point.x, point.y, str(name), ha="center", va="center", fontsize=6.5, color="#0b0c0c",
                path_effects=halo)


def point_map(
    *,
    id: str,
    caption: str,
    areas: gpd.GeoDataFrame,
    points: pd.DataFrame,
    hot_cells: pd.DataFrame,
    sites: pd.DataFrame,
    notes: tuple[str, ...] = (),
    names: gpd.GeoDataFrame | None = None,
) -> Figure:
    """Police map (``names``: the local authorities whose names are written on it). ``points``: easting, northing; ``hot_cells``: easting, northing (south-west
    corner), cell_m; ``sites``: easting, northing, rank (numbers drawn beside the marker)."""
    with drawing(7.0, 6.0) as (fig, ax):
        areas.boundary.plot(ax=ax, color="#505a5f", linewidth=0.6)
        for row in hot_cells.itertuples(index=False):
            ax.add_patch(Rectangle((row.easting, row.northing), row.cell_m, row.cell_m,
                                   facecolor="#d4351c", alpha=0.35, edgecolor="none"))
        if len(points):
            ax.scatter(points["easting"], points["northing"], s=2, color="#1d4f91", alpha=0.35, linewidths=0)
        for row in sites.itertuples(index=False):
            ax.scatter([row.easting], [row.northing], s=28, color="#ffdd00", edgecolors="#0b0c0c", linewidths=0.8, zorder=5)
            ax.annotate(str(row.rank), (row.easting, row.northing), xytext=(4, 4), textcoords="offset points",
                        fontsize=7, fontweight="bold", zorder=6)
        bounds = areas.total_bounds if len(areas) else _points_bounds(points)
        _frame(ax, bounds)
        _area_names(ax, names if names is not None else areas)
        _scale_bar(ax, bounds)
        handles = [
            Patch(facecolor="#1d4f91", alpha=0.5, label="Go-missing point"),
            Patch(facecolor="#d4351c", alpha=0.35, label="Hot spot cell (Gi*, FDR controlled)"),
            Patch(facecolor="#ffdd00", edgecolor="#0b0c0c", label="Ranked site (number = rank)"),
        ]
        ax.legend(handles=handles, loc="lower left", frameon=True, fontsize=7)
    alt = (
        f"Map of the force area's local authorities showing {len(points):,} go-missing points, "
        f"{len(hot_cells)} hot-spot grid cells and the {len(sites)} highest-ranked sites, numbered as in the "
        "sites table."
    )
    return Figure(id=id, caption=caption, alt=alt, png_data_uri=to_png_data_uri(fig), notes=notes)


def _points_bounds(points: pd.DataFrame) -> np.ndarray:
    if points.empty:
        return np.array([0, 0, 1000, 1000])
    return np.array([points["easting"].min(), points["northing"].min(), points["easting"].max(), points["northing"].max()])


def count_classes(counts: Sequence[float], threshold: int) -> tuple[list[int], list[str]]:
    """Class index per area and the class labels: none, fewer than ``threshold``, then three
    classes above it split at the terciles of the larger counts."""
    values = np.asarray(counts, dtype=float)
    big = values[values >= threshold]
    if big.size:
        q1, q2 = np.quantile(big, [1 / 3, 2 / 3], method="inverted_cdf")
        q1, q2 = int(q1), int(max(q2, q1))
    else:
        q1 = q2 = threshold
    labels = ["None", f"Fewer than {threshold}", f"{threshold} to {q1}", f"{q1 + 1} to {q2}", f"More than {q2}"]
    classes = []
    for v in values:
        if v <= 0:
            classes.append(0)
        elif is_small_count(v, threshold):
            classes.append(1)
        elif v <= q1:
            classes.append(2)
        elif v <= q2:
            classes.append(3)
        else:
            classes.append(4)
    return classes, labels


def area_map(
    *,
    id: str,
    caption: str,
    areas: gpd.GeoDataFrame,
    counts: dict[str, int],
    threshold: int,
    area_word: str = "area",
    notes: tuple[str, ...] = (),
    names: gpd.GeoDataFrame | None = None,
) -> Figure:
    """Partner/public map: incidents per area in classes; small counts share one class;
    ``names``: the local authorities whose names are written on it."""
    values = [int(counts.get(code, 0)) for code in areas["code"]]
    classes, labels = count_classes(values, threshold)
    shaded = areas.assign(_class=classes)
    with drawing(7.0, 6.0) as (fig, ax):
        cmap = ListedColormap(list(_BLUES))
        shaded.plot(ax=ax, column="_class", cmap=cmap, vmin=0, vmax=len(_BLUES) - 1, edgecolor="#505a5f", linewidth=0.4)
        _frame(ax, areas.total_bounds)
        _area_names(ax, names)
        _scale_bar(ax, areas.total_bounds)
        used = sorted(set(classes))
        handles = [Patch(facecolor=_BLUES[i], edgecolor="#505a5f", label=labels[i]) for i in used]
        ax.legend(handles=handles, title="Incidents", loc="lower left", frameon=True, fontsize=7, title_fontsize=7)
    per_class = {labels[i]: classes.count(i) for i in used}
    alt = (
        f"Map of {len(areas)} {area_word}s shaded by incidents: "
        + "; ".join(f"{n} {area_word}(s) {label.lower()}" for label, n in per_class.items())
        + ". No individual locations are shown."
    )
    return Figure(id=id, caption=caption, alt=alt, png_data_uri=to_png_data_uri(fig), notes=notes)
