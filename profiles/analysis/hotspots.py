"""Hot spots: Getis-Ord Gi* over a regular grid or over small areas, with FDR control.

Gi* (Getis and Ord 1992; Ord and Getis 1995) asks of every cell whether it and its
neighbours together hold more reports than chance would put there. For cell i with
binary weights w_ij (1 for i itself and each neighbour j, else 0), n cells, counts x:

    x̄ = Σx / n,   S = sqrt(Σx² / n − x̄²),   W_i = Σ_j w_ij,   S1_i = Σ_j w_ij²
    Gi*_i = (Σ_j w_ij x_j − x̄ W_i) / (S · sqrt((n · S1_i − W_i²) / (n − 1)))

Gi* is a z-score; its two-sided p-value comes from the normal distribution. Testing
thousands of cells at once would call many hot spots by chance, so the p-values are
adjusted by Benjamini-Hochberg: a cell is a hot spot when its adjusted p-value (q) is at
most ``settings.sites.hotspot_fdr_alpha`` and Gi* > 0 (a cold spot when Gi* < 0).

Areas: a grid of ``settings.sites.hotspot_cell_m`` metre BNG cells (neighbours: cells
whose centres are within ``settings.sites.hotspot_neighbour_distance_m``), covering the
force area when its boundary is loaded (else the box around every located point), or
LSOAs / wards from the imported boundaries (neighbours: areas that touch, queen
contiguity).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import shapely
from scipy import sparse, stats

from profiles.analysis.clusters import check_role
from profiles.analysis.places_common import MissingDataError, require_tables
from profiles.config import Settings
from profiles.db import query_df
from profiles.errors import InvalidValue, MisperError
from profiles.periods import Period

AREA_LEVELS = ("lsoa", "ward")

GRID_COLUMNS: tuple[str, ...] = (
    "cell_id", "easting", "northing", "cell_m", "incidents", "neighbourhood_incidents",
    "gi_z", "p_value", "q_value", "hotspot",
)
AREA_COLUMNS: tuple[str, ...] = (
    "level", "code", "name", "incidents", "neighbourhood_incidents", "gi_z", "p_value", "q_value", "hotspot",
)


def gi_star(values: np.ndarray, weights: sparse.spmatrix) -> np.ndarray:
    """Getis-Ord Gi* z-scores of ``values`` under ``weights`` (n x n, self-weights included).

    All zeros (or all equal values) give z = 0 everywhere: nothing stands out.
    """
    x = np.asarray(values, dtype=float)
    n = x.size
    if n < 2:
        return np.zeros(n)
    w = sparse.csr_matrix(weights, dtype=float)
    mean = x.mean()
    s = np.sqrt(max((x**2).mean() - mean**2, 0.0))
    if s == 0:
        return np.zeros(n)
    wi = np.asarray(w.sum(axis=1)).ravel()
    s1 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    lag = w @ x
    denom = s * np.sqrt(np.maximum(n * s1 - wi**2, 0.0) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denom > 0, (lag - mean * wi) / denom, 0.0)
    return z


def classify(z: np.ndarray, *, alpha: float) -> pd.DataFrame:
    """``gi_z, p_value, q_value, hotspot`` ('hot' | 'cold' | 'none') with Benjamini-Hochberg q."""
    z = np.asarray(z, dtype=float)
    p = 2 * stats.norm.sf(np.abs(z))
    q = stats.false_discovery_control(p, method="bh") if p.size else p
    hotspot = np.where(q <= alpha, np.where(z > 0, "hot", np.where(z < 0, "cold", "none")), "none")
    return pd.DataFrame({"gi_z": np.round(z, 4), "p_value": p, "q_value": q, "hotspot": hotspot})


def grid_weights(cell_x: np.ndarray, cell_y: np.ndarray, *, reach_cells: float) -> sparse.csr_matrix:
    """Binary weights between grid cells whose centres are at most ``reach_cells`` cells apart
    (the cell itself included)."""
    cell_x = np.asarray(cell_x, dtype=np.int64)
    cell_y = np.asarray(cell_y, dtype=np.int64)
    n = len(cell_x)
    r = int(np.floor(reach_cells))
    # one integer key per cell, looked up by binary search for each neighbour offset
    span = np.int64(2 * (r + 1) + (cell_y.max() - cell_y.min() if n else 0) + 1)
    keys = (cell_x - (cell_x.min() if n else 0) + r + 1) * span + (cell_y - (cell_y.min() if n else 0) + r + 1)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    rows, cols = [], []
    for dx in range(-r, r + 1):
        for dy in range(-r, r + 1):
            if dx * dx + dy * dy > reach_cells**2:
                continue
            target = keys + dx * span + dy
            pos = np.minimum(np.searchsorted(sorted_keys, target), max(n - 1, 0))
            hit = sorted_keys[pos] == target if n else np.zeros(0, bool)
            rows.append(np.flatnonzero(hit))
            cols.append(order[pos[hit]])
    rows_a = np.concatenate(rows) if rows else np.zeros(0, int)
    cols_a = np.concatenate(cols) if cols else np.zeros(0, int)
    return sparse.csr_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(n, n))


def contiguity_weights(geometries, *, snap_m: float = 1.0) -> sparse.csr_matrix:
    """Binary queen-contiguity weights (areas sharing any boundary point, itself included).

    Generalised boundaries leave slivers between neighbours: areas within ``snap_m``
    metres of each other count as touching.
    """
    geoms = np.asarray(list(geometries), dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=snap_m)
    n = len(geoms)
    w = sparse.csr_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    w.data[:] = 1.0
    return w


def _study_cells(con, settings: Settings, counts: pd.DataFrame, cell_m: float) -> pd.DataFrame:
    """The grid cells of the study area: inside the force outline if loaded, else the box of all points."""
    outline = _force_outline(con, settings)
    if outline is not None:
        minx, miny, maxx, maxy = outline.bounds
    elif not counts.empty:
        minx, maxx = counts["cell_x"].min() * cell_m, (counts["cell_x"].max() + 1) * cell_m
        miny, maxy = counts["cell_y"].min() * cell_m, (counts["cell_y"].max() + 1) * cell_m
    else:
        return pd.DataFrame({"cell_x": [], "cell_y": []}, dtype="int64")
    xs = np.arange(np.floor(minx / cell_m), np.ceil(maxx / cell_m), dtype=np.int64)
    ys = np.arange(np.floor(miny / cell_m), np.ceil(maxy / cell_m), dtype=np.int64)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    cells = pd.DataFrame({"cell_x": gx.ravel(), "cell_y": gy.ravel()})
    if outline is not None:
        inside = shapely.contains_xy(outline, (cells["cell_x"] + 0.5) * cell_m, (cells["cell_y"] + 0.5) * cell_m)
        cells = cells[inside]
    return cells.reset_index(drop=True)


def _force_outline(con, settings: Settings):
    try:
        from profiles.geo.boundaries import force_outline
    except ImportError:  # pragma: no cover - geography package absent
        return None
    try:
        frame = force_outline(con, settings.force.pfa_code)
    except duckdb.CatalogException:
        return None
    if frame.empty:
        return None
    geom = frame.geometry.iloc[0]
    return None if geom is None or geom.is_empty else geom


def grid_hotspots(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    period: Period,
    *,
    role: str = "missing_from",
    cell_m: float | None = None,
    neighbour_distance_m: float | None = None,
    all_cells: bool = False,
) -> pd.DataFrame:
    """Gi* hot spots of ``role`` points of episodes reported in ``period`` over a BNG grid.

    Columns (``GRID_COLUMNS``): cell_id ("E<easting>N<northing>" of the south-west
    corner), easting, northing (south-west corner, metres), cell_m, incidents (points in
    the cell), neighbourhood_incidents (in the cell and its neighbours), gi_z, p_value,
    q_value (Benjamini-Hochberg), hotspot ('hot' | 'cold' | 'none'). Rows: cells with an
    incident or a hot/cold call (every study cell when ``all_cells``), hottest first.
    """
    require_tables(con, "episodes", "episode_locations")
    cfg = settings.sites
    cell_m = float(cell_m or cfg.hotspot_cell_m)
    reach_m = float(neighbour_distance_m or cfg.hotspot_neighbour_distance_m)
    if cell_m <= 0 or reach_m < 0:
        raise MisperError("hot spots: cell size must be positive and neighbour distance not negative")
    counts = query_df(
        con,
        "reports/places_grid_counts.sql",
        {"role": check_role(role), "cell_m": cell_m, **period.params(), "max_precision_m": float(cfg.cluster_max_precision_m)},
    )
    cells = _study_cells(con, settings, counts, cell_m)
    if cells.empty:
        return pd.DataFrame(columns=list(GRID_COLUMNS))
    cells = cells.merge(counts[["cell_x", "cell_y", "incidents"]], on=["cell_x", "cell_y"], how="left")
    cells["incidents"] = cells["incidents"].fillna(0).astype(int)
    w = grid_weights(cells["cell_x"].to_numpy(), cells["cell_y"].to_numpy(), reach_cells=reach_m / cell_m)
    x = cells["incidents"].to_numpy()
    result = pd.concat([cells, classify(gi_star(x, w), alpha=cfg.hotspot_fdr_alpha)], axis=1)
    result["neighbourhood_incidents"] = (w @ x).astype(int)
    result["easting"] = (result["cell_x"] * cell_m).round().astype(int)
    result["northing"] = (result["cell_y"] * cell_m).round().astype(int)
    result["cell_id"] = "E" + result["easting"].astype(str) + "N" + result["northing"].astype(str)
    result["cell_m"] = cell_m
    if not all_cells:
        result = result[(result["incidents"] > 0) | (result["hotspot"] != "none")]
    result = result.sort_values(["gi_z", "incidents", "cell_id"], ascending=[False, False, True])
    return result.loc[:, list(GRID_COLUMNS)].reset_index(drop=True)


def area_hotspots(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Period, *, role: str = "missing_from",
    level: str = "lsoa", areas=None,
) -> pd.DataFrame:
    """Gi* hot spots of ``role`` points over LSOAs or wards (queen contiguity).

    ``areas``: a GeoDataFrame with ``code``, ``name`` and geometry in EPSG:27700; by
    default the imported boundaries of ``level`` (``profiles.geo.boundaries.load_boundaries``),
    narrowed to the force's local authorities when the lookup is loaded. Points count
    in the area the geocoder assigned them (episode_locations.lsoa_code / ward_code).

    Columns (``AREA_COLUMNS``): level, code, name, incidents, neighbourhood_incidents,
    gi_z, p_value, q_value, hotspot. Every area is a row, hottest first.
    """
    if level not in AREA_LEVELS:
        raise InvalidValue("unit", f"expected grid or one of {', '.join(AREA_LEVELS)}, got '{level}'")
    require_tables(con, "episodes", "episode_locations")
    if areas is None:
        areas = _force_areas(con, settings, level)
    if areas is None or len(areas) == 0:
        raise MissingDataError(
            f"No {level.upper()} boundaries in the database: run `misper reference import` with the "
            f"boundary files, or use the grid unit."
        )
    counts = query_df(
        con,
        "reports/places_area_counts.sql",
        {"role": check_role(role), "level": level, **period.params(),
         "max_precision_m": float(settings.sites.cluster_max_precision_m)},
    )
    frame = pd.DataFrame({"level": level, "code": areas["code"].to_numpy(), "name": areas["name"].to_numpy()})
    frame = frame.merge(counts, on="code", how="left")
    frame["incidents"] = frame["incidents"].fillna(0).astype(int)
    w = contiguity_weights(areas.geometry.to_numpy())
    x = frame["incidents"].to_numpy()
    result = pd.concat([frame, classify(gi_star(x, w), alpha=settings.sites.hotspot_fdr_alpha)], axis=1)
    result["neighbourhood_incidents"] = (w @ x).astype(int)
    result = result.sort_values(["gi_z", "incidents", "code"], ascending=[False, False, True])
    return result.loc[:, list(AREA_COLUMNS)].reset_index(drop=True)


def _force_areas(con, settings: Settings, level: str):
    from profiles.geo.boundaries import load_boundaries

    try:
        areas = load_boundaries(con, level)
    except duckdb.CatalogException:
        return None
    if areas.empty:
        return areas
    outline = _force_outline(con, settings)
    if outline is not None:
        inside = shapely.contains_xy(outline, *np.array(
            [(p.x, p.y) for p in areas.geometry.representative_point()]).T)
        areas = areas[inside]
    return areas.reset_index(drop=True)
