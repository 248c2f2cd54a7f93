"""Boundaries and point-in-polygon area assignment.

Boundaries are stored in DuckDB (``ref_boundaries``) as WKB in EPSG:27700, one row per
feature per source; there is no DuckDB spatial extension, so shapely does the geometry.
Several files may supply one level (e.g. LSOAs generalised and super-generalised):
each level's sources are ranked by detail (vertices per feature on the codes they
share) and a point takes the area of the most detailed source that covers it. A
coarser source only fills codes the finer ones lack (e.g. UK wards outside the force).

The police force area comes from the local authority (every LAD lies in one force;
the LAD -> PFA map is derived at import by largest overlap), which is more exact than
the ultra-generalised force outline; points in no LAD polygon fall back to the outline.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from profiles.db import query_df

LEVELS = ("pfa", "lad", "ward", "lsoa", "msoa")
#: Output column for each level.
AREA_COLUMNS = {"pfa": "force_area", "lad": "lad_code", "ward": "ward_code", "lsoa": "lsoa_code"}


def polygonal(geom):
    """A valid (Multi)Polygon: make_valid, keeping only the polygon parts.

    Repairs known defects such as the self-intersecting Hampshire ring in the ONS
    police force area file.
    """
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.unary_union(parts)


def read_boundary_file(path, info: dict) -> gpd.GeoDataFrame:
    """One boundary file as ``code, name, geometry`` in EPSG:27700, one row per code, valid."""
    frame = gpd.read_file(path, layer=info.get("layer"), engine="pyogrio")
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        frame = frame.set_crs(4326 if (abs(minx) <= 180 and abs(maxy) <= 90) else 27700)
    frame = frame.to_crs(27700)
    out = gpd.GeoDataFrame(
        {
            "code": frame[info["code_col"]].astype(str),
            "name": frame[info["name_col"]].astype(str) if info.get("name_col") else None,
        },
        geometry=[polygonal(g) for g in frame.geometry],
        crs=27700,
    )
    out = out[out.geometry.notna()]
    if out["code"].duplicated().any():  # several features per code: dissolve
        out = out.dissolve(by="code", aggfunc="first").reset_index()
        out["geometry"] = [polygonal(g) for g in out.geometry]
    return out


def rank_sources(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, int]:
    """Detail rank (1 = most detailed) of the sources of one level.

    Compares the mean vertex count of features on the codes each source shares with
    another source (all its features when it shares none).
    """
    codes = {sid: set(layer["code"]) for sid, layer in layers.items()}
    score = {}
    for sid, layer in layers.items():
        others = set().union(*(c for s, c in codes.items() if s != sid)) if len(layers) > 1 else set()
        shared = layer[layer["code"].isin(others)] if others else layer
        if shared.empty:
            shared = layer
        score[sid] = float(shapely.get_num_coordinates(shared.geometry.values).mean())
    order = sorted(layers, key=lambda sid: (-score[sid], sid))
    return {sid: i + 1 for i, sid in enumerate(order)}


def lad_to_pfa(lads: gpd.GeoDataFrame, pfas: gpd.GeoDataFrame) -> pd.DataFrame:
    """For each LAD the force area with the largest share of its area."""
    if lads.empty or pfas.empty:
        return pd.DataFrame(columns=["lad_code", "pfa_code", "overlap_share"])
    pieces = gpd.overlay(lads[["code", "geometry"]].rename(columns={"code": "lad_code"}),
                         pfas[["code", "geometry"]].rename(columns={"code": "pfa_code"}),
                         how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.geometry.area
    lad_area = lads.set_index("code").geometry.area
    best = pieces.sort_values("area", ascending=False).drop_duplicates("lad_code")
    best["overlap_share"] = best["area"].values / lad_area.reindex(best["lad_code"]).values
    return best[["lad_code", "pfa_code", "overlap_share"]].reset_index(drop=True)


@dataclass
class _Layer:
    codes: np.ndarray
    tree: STRtree


class AreaIndex:
    """Point-in-polygon lookup over the boundaries in ``ref_boundaries``.

    Build once per batch (``AreaIndex(con)``); :meth:`assign` is vectorised.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        rows = query_df(con, "geo/boundaries_for_index.sql")
        self.layers: dict[str, list[_Layer]] = {}
        for (level, _rank), group in rows.groupby(["level", "detail_rank"], sort=True):
            geoms = shapely.from_wkb(group["geom_wkb"].map(bytes).values)
            self.layers.setdefault(level, []).append(_Layer(group["code"].to_numpy(), STRtree(geoms)))
        lad_pfa = query_df(con, "geo/lad_pfa.sql")
        self.lad_pfa = dict(zip(lad_pfa["lad_code"], lad_pfa["pfa_code"]))

    @property
    def empty(self) -> bool:
        return not self.layers

    def _level(self, level: str, points: np.ndarray, valid: np.ndarray) -> np.ndarray:
        out = np.full(len(points), None, dtype=object)
        todo = valid.copy()
        for layer in self.layers.get(level, []):
            idx = np.flatnonzero(todo)
            if idx.size == 0:
                break
            hit_in, hit_tree = layer.tree.query(points[idx], predicate="within")
            if hit_in.size == 0:
                continue
            # a point on a shared edge may hit two polygons: keep the first
            first = np.unique(hit_in, return_index=True)[1]
            rows = idx[hit_in[first]]
            out[rows] = layer.codes[hit_tree[first]]
            todo[rows] = False
        return out

    def assign(self, easting, northing) -> pd.DataFrame:
        """``force_area, lad_code, ward_code, lsoa_code`` for each point (None where outside)."""
        e = np.asarray(easting, dtype=float)
        n = np.asarray(northing, dtype=float)
        valid = ~(np.isnan(e) | np.isnan(n))
        points = shapely.points(np.where(valid, e, 0.0), np.where(valid, n, 0.0))
        out = pd.DataFrame(index=range(len(e)))
        for level in ("lad", "ward", "lsoa"):
            out[AREA_COLUMNS[level]] = self._level(level, points, valid)
        pfa = np.array([self.lad_pfa.get(code) if code is not None else None for code in out["lad_code"]],
                       dtype=object)
        missing = valid & pd.isna(pfa)
        if missing.any():
            pfa_pip = self._level("pfa", points, missing)
            pfa = np.where(missing, pfa_pip, pfa)
        out["force_area"] = pfa
        return out[["force_area", "lad_code", "ward_code", "lsoa_code"]]


def load_boundaries(con: duckdb.DuckDBPyConnection, level: str, *, codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """The boundaries of one level (``pfa``, ``lad``, ``ward``, ``lsoa``, ``msoa``) for maps and
    hot spots: ``code, name, geometry`` in EPSG:27700, the most detailed version of each code.

    ``codes`` narrows to those areas (e.g. the LSOAs of one force).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown boundary level {level!r}; expected one of {', '.join(LEVELS)}")
    rows = query_df(con, "geo/boundaries_of_level.sql", {"level": level, "codes": codes})
    geoms = shapely.from_wkb(rows["geom_wkb"].map(bytes).values) if len(rows) else []
    return gpd.GeoDataFrame({"code": rows["code"], "name": rows["name"]}, geometry=list(geoms), crs=27700)


def force_outline(con: duckdb.DuckDBPyConnection, pfa_code: str) -> gpd.GeoDataFrame:
    """The force area as the union of its local authorities (or its own outline)."""
    lads = query_df(con, "geo/lads_of_force.sql", {"pfa_code": pfa_code})["lad_code"].tolist()
    if lads:
        frame = load_boundaries(con, "lad", codes=lads)
        if not frame.empty:
            return gpd.GeoDataFrame({"code": [pfa_code]}, geometry=[frame.union_all()], crs=27700)
    return load_boundaries(con, "pfa", codes=[pfa_code])
