"""Hand-written rows for tests that read as specifications.

``add_episodes(con, [dict(incident_id="I1", person="P1", reported_at="2024-01-05 10:00"), ...])``
inserts episodes with sensible defaults for every column not given. Times without an
offset are Europe/London local time, as in the canonical model. ``person`` is a
shortcut: person_key = person, and person_identity gets a raw reference for it.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from profiles.canonical import FLAG_COLUMNS

EPISODE_DEFAULTS: dict[str, Any] = {
    "last_seen_at": None,
    "found_at": None,
    "date_of_birth": None,
    "age_at_report": 30,
    "gender": "female",
    "ethnicity": "IC1",
    "risk": "medium",
    "risk_highest": None,
    "missing_from_type": "home",
    "missing_from_address": None,
    "missing_from_postcode": None,
    "missing_from_easting": None,
    "missing_from_northing": None,
    "found_address": None,
    "found_postcode": None,
    "found_easting": None,
    "found_northing": None,
    "found_by": None,
    "outcome": None,
    **{flag: None for flag in FLAG_COLUMNS},
    "placing_authority": None,
    "responsible_la": None,
    "return_interview_offered_at": None,
    "return_interview_done_at": None,
    "calls": 1,
    "site_ref": None,
    "reason": None,
    "rhi_themes": None,
}

_TS_COLUMNS = (
    "reported_at",
    "last_seen_at",
    "found_at",
    "return_interview_offered_at",
    "return_interview_done_at",
)


def add_episodes(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Insert episodes; returns the frame inserted (before typing)."""
    records = []
    for i, row in enumerate(rows, start=1):
        row = dict(row)
        person = row.pop("person", None)
        rec = {**EPISODE_DEFAULTS, **row}
        rec.setdefault("incident_id", f"INC{i:05d}")
        rec.setdefault("person_key", person or f"P{i:05d}")
        if "age" in rec:
            rec["age_at_report"] = rec.pop("age")
        if rec["risk_highest"] is None:
            rec["risk_highest"] = rec["risk"]
        records.append(rec)
    frame = pd.DataFrame.from_records(records)
    for col in _TS_COLUMNS:
        frame[col] = frame[col].astype("string")
    con.register("_factory_rows", frame)
    ts = ", ".join(
        f"timezone('Europe/London', try_cast({c} as timestamp))::timestamptz as {c}" for c in _TS_COLUMNS
    )
    con.execute(
        f"""
        insert into episodes by name
        select * exclude ({", ".join(_TS_COLUMNS)}, date_of_birth), {ts},
               try_cast(date_of_birth as date) as date_of_birth,
               md5(incident_id) as record_hash, 0 as first_load_id, 0 as last_load_id,
               'factory' as source_file, 0 as source_row
        from _factory_rows
        """
    )
    con.execute(
        """
        insert into person_identity
        select distinct person_key, 'REF-' || person_key from _factory_rows
        on conflict do nothing
        """
    )
    con.unregister("_factory_rows")
    return frame


def add_locations(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """Insert geocoded locations (episode_locations); defaults: a postcode match in force."""
    defaults = {
        "input_key": None,
        "lat": None,
        "lon": None,
        "method": "postcode",
        "confidence": 0.9,
        "precision_m": 10.0,
        "force_area": "E23000005",
        "lad_code": None,
        "ward_code": None,
        "lsoa_code": None,
        "site_id": None,
        "outside_force": False,
        "geocoded_at": None,
    }
    frame = pd.DataFrame.from_records([{**defaults, **r} for r in rows])
    con.register("_factory_locations", frame)
    con.execute(
        "insert into episode_locations by name select * exclude (geocoded_at), "
        "now() as geocoded_at from _factory_locations"
    )
    con.unregister("_factory_locations")


def add_sites(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """Insert sites into the register."""
    defaults = {
        "site_ref": None,
        "name": None,
        "type": "childrens_home",
        "cqc_location_id": None,
        "address": None,
        "postcode": None,
        "easting": None,
        "northing": None,
        "lat": None,
        "lon": None,
        "lad_code": None,
        "ward_code": None,
        "lsoa_code": None,
        "sensitive": None,
        "source": "test",
        "status": "register",
    }
    records = []
    for r in rows:
        rec = {**defaults, **r}
        if rec["sensitive"] is None:
            rec["sensitive"] = rec["type"] == "childrens_home"
        records.append(rec)
    frame = pd.DataFrame.from_records(records)
    con.register("_factory_sites", frame)
    con.execute("insert into sites by name select * from _factory_sites")
    con.unregister("_factory_sites")
