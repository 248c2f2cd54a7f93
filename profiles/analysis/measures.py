"""Measures published force, partnership and national reports carry (issue 11), each defined
once in SQL over the facts layer (sql/marts/episode_facts.sql) and in docs/methods.md.

Every function returns the exact contract of its table (``tables/NAME.csv``):

- ``open_at_period_end``: child_adult, risk, open_band, incidents, individuals
- ``placements``: placement_type, placed_by, incidents, individuals
- ``placing_authorities``: placing_authority_code, placing_authority_name, placed_by, incidents, individuals
- ``repeat_concentration``: top_n, incidents, share_of_incidents, all_incidents
- ``rhi_themes``: theme, child_adult, looked_after, incidents, individuals
- ``rates_by_la``: lad_code, lad_name, population, incidents, individuals, incidents_per_10k,
  child_population, child_incidents, child_incidents_per_10k_children

The counts are the police view; the disclosure layer suppresses them for partner and public.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from profiles.config import Settings
from profiles.db import query_df
from profiles.periods import Month, Period

#: The tables these functions fill, in the order the profile shows them.
TABLES: tuple[str, ...] = (
    "open_at_period_end", "placements", "placing_authorities", "repeat_concentration", "rhi_themes", "rates_by_la",
)


def open_at_period_end(con: duckdb.DuckDBPyConnection, *, period: Period) -> pd.DataFrame:
    """Episodes still open at the end of ``period`` (00:00 London on the next month's first day),
    however long ago they were reported, by child/adult at the report, first risk grade and time
    open (sql/reports/open_at_period_end.sql)."""
    return query_df(con, "reports/open_at_period_end.sql", {"period_end": period.end})


def placements(con: duckdb.DuckDBPyConnection, *, period: Period, settings: Settings) -> pd.DataFrame:
    """Looked-after children reported missing in ``period``, by placement type and by who placed
    them (in_area, out_of_area, not_recorded) (sql/reports/placements.sql)."""
    return query_df(con, "reports/placements.sql", {**period.params(), "pfa_code": settings.force.pfa_code})


def placing_authorities(con: duckdb.DuckDBPyConnection, *, period: Period, settings: Settings) -> pd.DataFrame:
    """The same episodes by the authority that placed the child (sql/reports/placing_authorities.sql)."""
    return query_df(con, "reports/placing_authorities.sql", {**period.params(), "pfa_code": settings.force.pfa_code})


def concentration_window(month: Month, settings: Settings) -> Period:
    """The months of the site-ranking window ending with ``month`` (12 by default)."""
    return month.trailing(settings.sites.ranking_months)


def repeat_concentration(con: duckdb.DuckDBPyConnection, *, month: Month, settings: Settings) -> pd.DataFrame:
    """The share of the window's reports made by the 10, 20 and 50 people reported most often
    (settings.demand.concentration_top_n) (sql/reports/repeat_concentration.sql)."""
    window = concentration_window(month, settings)
    return query_df(con, "reports/repeat_concentration.sql", {
        "window_start": window.start, "window_end": window.end,
        "top_ns": [int(n) for n in settings.demand.concentration_top_n],
    })


@dataclass(frozen=True)
class TopPeople:
    """The ``people`` reported most often in the window and how many of them were looked after.

    Ties at the cut are broken by the pseudonymised person key: ``tied_at_cut`` people share
    the report count of the last one in."""

    people: int
    incidents: int
    looked_after_people: int
    looked_after_incidents: int
    tied_at_cut: int
    all_incidents: int


def top_people_looked_after(con: duckdb.DuckDBPyConnection, *, month: Month, settings: Settings,
                            concentration: pd.DataFrame | None = None) -> TopPeople:
    """How many of the top ``settings.demand.concentration_looked_after_n`` people were looked
    after, and their reports (sql/reports/repeat_concentration_people.sql). Every report of the
    window is read from ``concentration`` (``repeat_concentration`` of the same month) when it
    has a row, else counted again."""
    window = concentration_window(month, settings)
    params = {"window_start": window.start, "window_end": window.end}
    row = query_df(con, "reports/repeat_concentration_people.sql",
                   {**params, "top_n": int(settings.demand.concentration_looked_after_n)}).iloc[0]
    if concentration is not None and len(concentration):
        every = concentration["all_incidents"].iat[0]
    else:
        every = query_df(con, "reports/repeat_concentration.sql", {**params, "top_ns": [0]})["all_incidents"].iat[0]
    return TopPeople(int(row["people"]), int(row["incidents"]), int(row["looked_after_people"]),
                     int(row["looked_after_incidents"]), int(row["tied_at_cut"]), int(every))


def rhi_themes(con: duckdb.DuckDBPyConnection, *, period: Period) -> pd.DataFrame:
    """Return home interview themes of the episodes reported in ``period``, by child/adult and
    looked-after (sql/reports/rhi_themes.sql)."""
    return query_df(con, "reports/rhi_themes.sql", period.params())


def rates_window(month: Month) -> Period:
    """The twelve months ending with ``month``: rates are yearly, as the national figure is."""
    return month.trailing(12)


def rates_by_la(con: duckdb.DuckDBPyConnection, *, month: Month, settings: Settings) -> pd.DataFrame:
    """Incidents per 10,000 residents and per 10,000 children by local authority of the go-missing
    point, over the twelve months ending with ``month`` (sql/reports/rates_by_la.sql); population
    from the imported ONS mid-year estimates (empty rates without them)."""
    window = rates_window(month)
    return query_df(con, "reports/rates_by_la.sql", {**window.params(), "pfa_code": settings.force.pfa_code})


def force_rate(rates: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """The force's own rate beside the national benchmark: one row each (area, incidents,
    population, incidents_per_10k, year, source). The force row sums the force's LADs with a
    population; it is empty when no population has been imported."""
    bench = settings.demand.benchmark
    known = rates[rates["population"].notna()]
    population = int(known["population"].sum()) if len(known) else None
    incidents = int(known["incidents"].sum()) if len(known) else None
    own = round(10_000 * incidents / population, 1) if population else None
    return pd.DataFrame([
        {"area": "force", "incidents": incidents, "population": population, "incidents_per_10k": own,
         "year": None, "source": "this force, twelve months to the period"},
        {"area": "england_and_wales", "incidents": bench.incidents, "population": bench.population,
         "incidents_per_10k": bench.incidents_per_10k, "year": bench.year, "source": bench.source},
    ])


def all_measures(con: duckdb.DuckDBPyConnection, *, month: Month, settings: Settings) -> dict[str, pd.DataFrame]:
    """Every contract table for ``month``, by table name (police view, before disclosure)."""
    return {
        "open_at_period_end": open_at_period_end(con, period=month),
        "placements": placements(con, period=month, settings=settings),
        "placing_authorities": placing_authorities(con, period=month, settings=settings),
        "repeat_concentration": repeat_concentration(con, month=month, settings=settings),
        "rhi_themes": rhi_themes(con, period=month),
        "rates_by_la": rates_by_la(con, month=month, settings=settings),
    }
