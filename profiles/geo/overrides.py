"""Analysts' positions for episode locations (overrides): they win over every cascade step.

Used by the pipeline step (profiles/geo/episodes.py) and by any frame geocoded with
``incident_id`` and ``role`` columns (profiles/geo/cascade.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from profiles.config import Settings
from profiles.db import query_df, registered, run_sql
from profiles.errors import InputError
from profiles.geo.boundaries import AreaIndex
from profiles.geo.crs import bng_to_wgs84, classify_coordinates, wgs84_to_bng

ROLES = ("missing_from", "found")
#: An analyst's position: fully trusted, precise to about a building.
OVERRIDE_CONFIDENCE = 1.0
OVERRIDE_PRECISION_M = 10.0


def _to_bng(x: float, y: float, where: str) -> tuple[float, float]:
    kind = classify_coordinates(pd.Series([x]), pd.Series([y])).iloc[0]
    if kind == "bng":
        return float(x), float(y)
    if kind in ("wgs84", "wgs84_swapped"):
        lon, lat = (x, y) if kind == "wgs84" else (y, x)
        e, n = wgs84_to_bng([lon], [lat])
        return float(e[0]), float(n[0])
    raise InputError(f"{where}: ({x}, {y}) is not a position in Great Britain (BNG metres or WGS84 degrees)")


def add_override(
    con: duckdb.DuckDBPyConnection,
    *,
    incident_id: str,
    role: str,
    easting: float,
    northing: float,
    note: str | None = None,
) -> tuple[float, float]:
    """Record an analyst's position for one episode location; it wins over every step.

    Coordinates may be BNG metres or WGS84 degrees (converted). The next
    :func:`geocode_episodes` applies it. Returns the stored BNG position.
    """
    if role not in ROLES:
        raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    exists = query_df(con, "geo/episode_exists.sql", {"incident_id": incident_id})
    if exists.empty:
        raise InputError(f"incident {incident_id!r} is not in the database (ingest it first)")
    e, n = _to_bng(easting, northing, f"incident {incident_id}, role {role}")
    run_sql(con, "geo/override_upsert.sql",
            {"incident_id": incident_id, "role": role, "easting": e, "northing": n, "note": note})
    return e, n


def import_overrides(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Load overrides from a CSV with columns ``incident_id, role, easting, northing[, note]``.

    Every row is checked first; any bad row refuses the whole file with its row and field.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot read as CSV: {exc}") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in ("incident_id", "role", "easting", "northing") if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    known = set(query_df(con, "geo/episode_ids.sql")["incident_id"])
    rows = []
    for i, r in frame.iterrows():
        where = f"{path}: row {i + 2}"
        if r["role"].strip() not in ROLES:
            raise InputError(f"{where}, field role: {r['role']!r} is not one of {', '.join(ROLES)}")
        if r["incident_id"].strip() not in known:
            raise InputError(f"{where}, field incident_id: {r['incident_id']!r} is not in the database")
        try:
            x, y = float(r["easting"]), float(r["northing"])
        except ValueError:
            raise InputError(f"{where}, field easting/northing: not a number") from None
        e, n = _to_bng(x, y, where + ", field easting/northing")
        rows.append({"incident_id": r["incident_id"].strip(), "role": r["role"].strip(), "easting": e,
                     "northing": n, "note": r.get("note", "") or None})
    if rows:
        with registered(con, "_geo_overrides_in", pd.DataFrame(rows)):
            run_sql(con, "geo/overrides_import.sql")
    return len(rows)


def remove_override(con: duckdb.DuckDBPyConnection, *, incident_id: str, role: str) -> bool:
    """Forget an override; the next run geocodes that location by the cascade again."""
    gone = query_df(con, "geo/override_delete.sql", {"incident_id": incident_id, "role": role})
    return bool(len(gone))


def apply_overrides(
    con: duckdb.DuckDBPyConnection,
    ids: pd.DataFrame,
    located: pd.DataFrame,
    settings: Settings,
    *,
    index: AreaIndex | None = None,
) -> pd.DataFrame:
    """Replace results by analysts' overrides where one exists for (incident_id, role)."""
    overrides = query_df(con, "geo/overrides_all.sql")
    if overrides.empty:
        return located
    keyed = ids.astype(str).merge(overrides, on=["incident_id", "role"], how="left")
    hit = keyed["easting"].notna().to_numpy()
    if not hit.any():
        return located
    located = located.copy()
    e = keyed.loc[hit, "easting"].to_numpy(float)
    n = keyed.loc[hit, "northing"].to_numpy(float)
    areas = (index or AreaIndex(con)).assign(e, n)
    lon, lat = bng_to_wgs84(e, n)
    rows = located.index[hit]
    located.loc[rows, "easting"] = e
    located.loc[rows, "northing"] = n
    located.loc[rows, "lon"] = lon
    located.loc[rows, "lat"] = lat
    located.loc[rows, "method"] = "override"
    located.loc[rows, "confidence"] = OVERRIDE_CONFIDENCE
    located.loc[rows, "precision_m"] = OVERRIDE_PRECISION_M
    located.loc[rows, "site_id"] = None
    for col in ("force_area", "lad_code", "ward_code", "lsoa_code"):
        located.loc[rows, col] = areas[col].values
    if "matched_text" in located.columns:
        located.loc[rows, "matched_text"] = keyed.loc[hit, "note"].fillna("override").values
    return located
