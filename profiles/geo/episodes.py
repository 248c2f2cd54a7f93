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
from profiles.errors import MisperError
from profiles.geo.cascade import GeoContext, geocode_keys, online_for
from profiles.geo.normalise import prepare_inputs
from profiles.geo.overrides import ROLES, apply_overrides
from profiles.geo.sites import refresh_candidate_sites


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


#: What a location was given as: rows alike in these are normalised once.
RAW_INPUTS = ["address", "postcode", "easting", "northing", "site_ref"]


def prepare_distinct(locations: pd.DataFrame) -> pd.DataFrame:
    """:func:`prepare_inputs` row for row, normalising each distinct raw input only once."""
    group = locations.groupby(RAW_INPUTS, dropna=False, sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)   # group ids are in first-seen order
    once = prepare_inputs(locations.iloc[first].reset_index(drop=True))
    out = once.iloc[group]
    out.index = locations.index
    return out


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
        prepared = prepare_distinct(locations)
        ctx = GeoContext(con, settings, online=online_for(settings, con))
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
    run.candidate_sites = refresh_candidate_sites(con, settings)
    step.finish()
    return run


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
