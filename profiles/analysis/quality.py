"""Data quality: completeness per field, geocoding by method, open episodes, late-recorded
returns and rows refused at ingestion. Each is a query that returns the rows to look at
(sql/reports/quality_*.sql); docs/methods.md says what each measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from profiles.analysis.places_common import require_tables
from profiles.categories import OPEN_BANDS
from profiles.config import Settings
from profiles.db import query_df
from profiles.periods import Period


def completeness(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """How completely each field is recorded on episodes reported in ``period``.

    Columns: field, applies_to ('all episodes', 'found episodes', 'children',
    'looked-after episodes', 'children found'), applicable, recorded, pct_recorded
    (empty when nothing applies). Ethnicity counts as recorded only with an IC code other
    than IC9 (unknown); gender only when not 'unknown'; a location when any of address,
    postcode or coordinates is given.
    """
    require_tables(con, "episodes")
    return query_df(con, "reports/quality_completeness.sql", period.params())


def geocoding_by_method(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """How the go-missing and found locations of episodes reported in ``period`` were placed.

    Columns: role ('missing_from' | 'found'), method (override, coordinates, site,
    postcode, place, partial_postcode, online, unmatched; 'not_geocoded' when the
    geocoder has not run on the episode), locations, share (of the role), mean_confidence,
    median_precision_m. Found locations are expected for found episodes only.
    """
    require_tables(con, "episodes", "episode_locations")
    return query_df(con, "reports/quality_geocoding.sql", period.params())


def open_episodes(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Episodes open at the end of ``period`` (the one definition, ``open_episodes_at``), by
    initial risk and time open.

    Columns: risk, open_episodes, then ``open_<band>`` for each band of
    ``profiles.categories.OPEN_BANDS`` (open_0-24h ... open_over_1y, time open measured to the
    end of the period), oldest_reported_at; a final ``total`` row. Empty when none are open.
    """
    require_tables(con, "episodes")
    long = query_df(con, "reports/quality_open_episodes.sql", {"period_end": period.end})
    if long.empty:
        return pd.DataFrame(columns=["risk", "open_episodes", *(f"open_{b}" for b in OPEN_BANDS), "oldest_reported_at"])
    risks = list(dict.fromkeys(long["risk"]))
    wide = long.pivot_table(index="risk", columns="open_band", values="open_episodes", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=risks, columns=list(OPEN_BANDS), fill_value=0).astype(int)
    table = pd.DataFrame({"risk": risks, "open_episodes": wide.sum(axis=1).to_numpy()})
    for band in OPEN_BANDS:
        table[f"open_{band}"] = wide[band].to_numpy()
    table["oldest_reported_at"] = long.groupby("risk", sort=False)["oldest_reported_at"].min().reindex(risks).to_numpy()
    counts = [c for c in table.columns if c.startswith("open_")]
    total = {"risk": "total", **{c: int(table[c].sum()) for c in counts},
             "oldest_reported_at": table["oldest_reported_at"].min()}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


@dataclass(frozen=True)
class LateReturns:
    """``episodes``: one row per late-recorded return (police detail: incident_id,
    person_key, reported_at, found_at, still_open_in_load_at, hours_late).
    ``found``: found episodes of the period; ``late``: how many were recorded late;
    ``median_hours_late``: None when none were."""

    episodes: pd.DataFrame
    found: int
    late: int
    median_hours_late: float | None

    @property
    def share_late(self) -> float | None:
        return round(self.late / self.found, 4) if self.found else None


def late_recorded_returns(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> LateReturns:
    """Returns recorded late among episodes reported in ``period``.

    A return is late-recorded when a load made more than
    ``settings.demand.late_return_tolerance_hours`` after the person was found still
    carried the episode as open (the database keeps every earlier version of an episode
    and the time of each load). Loads of old extracts made long after the fact would
    count too: the measure assumes each extract is loaded when it is taken.
    """
    require_tables(con, "episodes", "episode_history", "load_log")
    late = query_df(
        con,
        "reports/quality_late_returns.sql",
        {**period.params(), "tolerance_hours": float(settings.demand.late_return_tolerance_hours)},
    )
    found = query_df(con, "reports/quality_found_count.sql", period.params())["found"].iat[0]
    median = float(late["hours_late"].median()) if len(late) else None
    return LateReturns(late, int(found), len(late), median)


def quarantine_reasons(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Rows refused at ingestion by loads made since ``period`` began (a month's extract is
    usually loaded after the month ends): record_type, reason (the kind of problem, without
    the refused value), rows."""
    require_tables(con, "quarantine", "load_log")
    return query_df(con, "reports/quality_quarantine.sql", {"period_start": period.start})
