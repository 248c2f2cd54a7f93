"""Geocoding the episodes: the pipeline step, analysts' overrides, the unmatched list.

:func:`geocode_episodes` geocodes the go-missing and found locations of every episode
that is new or changed since it was last geocoded (or whose overrides, reference data
or sites register changed) and writes ``episode_locations``; re-running changes
nothing. A role with no location given at all has no row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from profiles import progress
from profiles.config import Settings
from profiles.db import query_df, registered, run_sql, transaction
from profiles.errors import InputError, MisperError
from profiles.geo.boundaries import AreaIndex
from profiles.geo.cascade import GeoContext, _online_for, geocode_keys
from profiles.geo.crs import bng_to_wgs84, classify_coordinates, wgs84_to_bng
from profiles.geo.normalise import prepare_inputs

ROLES = ("missing_from", "found")
#: An analyst's position: fully trusted, precise to about a building.
OVERRIDE_CONFIDENCE = 1.0
OVERRIDE_PRECISION_M = 10.0


@dataclass
class GeocodeRun:
    """What one :func:`geocode_episodes` call did."""

    episodes: int = 0
    locations: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    candidate_sites: int = 0

    def summary_text(self) -> str:
        if not self.episodes:
            text = "Geocoding: nothing new or changed."
        else:
            methods = ", ".join(f"{m} {n:,}" for m, n in sorted(self.by_method.items(), key=lambda kv: -kv[1]))
            text = f"Geocoded {self.locations:,} location(s) of {self.episodes:,} episode(s): {methods}."
        return text + f" Candidate sites for review: {self.candidate_sites}."


def geo_version(con: duckdb.DuckDBPyConnection) -> str:
    """Reference import and sites register the current results depend on."""
    meta = query_df(con, "geo/geo_version.sql")
    return str(meta["version"].iloc[0]) if len(meta) else ""


def geocode_episodes(con: duckdb.DuckDBPyConnection, settings: Settings) -> GeocodeRun:
    """Geocode new or changed episodes into ``episode_locations``; refresh candidate sites."""
    version = geo_version(con)
    todo = query_df(con, "geo/episodes_to_geocode.sql", {"version": version})
    run = GeocodeRun(episodes=len(todo))
    step = progress.Stage("geocoding episodes (steps)", total=3)
    if len(todo):
        frames = []
        for role in ROLES:
            part = pd.DataFrame({
                "incident_id": todo["incident_id"], "role": role,
                "address": todo[f"{role}_address"], "postcode": todo[f"{role}_postcode"],
                "easting": todo[f"{role}_easting"], "northing": todo[f"{role}_northing"],
                "site_ref": todo["site_ref"] if role == "missing_from" else None,
            })
            frames.append(part)
        locations = pd.concat(frames, ignore_index=True)
        prepared = prepare_inputs(locations)
        ctx = GeoContext(con, settings, online=_online_for(settings, con))
        step.advance()
        results = geocode_keys(con, prepared, settings, ctx=ctx)
        step.advance()
        located = results.reindex(prepared["input_key"].values)
        located.index = locations.index
        located["input_key"] = prepared["input_key"].values
        located = apply_overrides(con, locations[["incident_id", "role"]], located, settings, index=ctx.index)
        keep = located["input_key"].ne("") | located["method"].eq("override")
        out = pd.concat([locations.loc[keep, ["incident_id", "role"]], located.loc[keep]], axis=1)
        out["outside_force"] = np.where(
            out["easting"].notna(), out["force_area"].fillna("") != settings.force.pfa_code, None
        )
        out["input_key"] = out["input_key"].replace("", None)
        state = todo[["incident_id", "record_hash", "overrides_hash"]].assign(import_id=version)
        with transaction(con), registered(con, "_geo_locations_in", out), registered(con, "_geo_state_in", state):
            run_sql(con, "geo/episode_locations_replace.sql")
        run.locations = len(out)
        run.by_method = out["method"].value_counts().to_dict()
    from profiles.geo.sites import refresh_candidate_sites

    run.candidate_sites = refresh_candidate_sites(con, settings)
    step.finish()
    return run


# ---- overrides --------------------------------------------------------------------------

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


# ---- outputs ----------------------------------------------------------------------------

def unmatched_locations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Locations no step could place, grouped by what was written, most frequent first.

    Police-restricted (address text as recorded). Columns: ``role, address, postcode,
    easting, northing, site_ref, incidents, first_reported_at, last_reported_at,
    example_incident_id``.
    """
    return query_df(con, "geo/unmatched_locations.sql")


def geocoding_report(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Share of go-missing and found locations by method, per role and overall.

    Columns ``role, method, locations, share`` (share of that role's locations with any
    input); the ``unmatched`` row's share is the unmatched rate.
    """
    return query_df(con, "geo/geocoding_report.sql")


def require_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to geocode before any reference import (everything would be unmatched)."""
    if not geo_version(con).split(":")[0]:
        raise MisperError("No reference data in this database: run `misper reference import` first")
