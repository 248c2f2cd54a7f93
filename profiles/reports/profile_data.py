"""Everything the monthly problem profile shows, measured once (police view).

``gather`` calls the analysis functions (profiles/analysis, profiles/geo) for one month
and keeps their frames as they return them, with the police audience's detail. The
builders in ``profiles.reports.profile`` then decide, per audience, what is shown,
labelled, withheld or left out: measuring once keeps the three audiences' numbers
the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import duckdb
import geopandas as gpd
import pandas as pd

from profiles import db
from profiles.analysis import clusters as clusters_mod
from profiles.analysis import demand, found, headline, hotspots, measures, places, quality
from profiles.analysis.interventions import CAVEAT, intervention_impact, read_interventions
from profiles.analysis.people_common import cached_repeat_counts
from profiles.analysis.people_profile import PeopleProfile, people_profile
from profiles.analysis.places_common import area_names, attribution_lines, table_exists
from profiles.config import Settings
from profiles.errors import MisperError
from profiles.periods import Month, Period
from profiles.register import Register, load_register
from profiles.reports.care_homes import care_home_summary


@dataclass
class ProfileData:
    month: Month
    settings: Settings
    places_window: Period
    pattern_window: Period
    # page 1: the headline figures, with last month and the same month last year
    headline: pd.DataFrame
    # demand and time
    year_on_year: demand.YearOnYear
    trend: pd.DataFrame
    day_hour: pd.DataFrame
    breakdowns: pd.DataFrame
    looked_after: pd.DataFrame
    cost: demand.CostOfDemand
    # places
    sites: pd.DataFrame
    sites_12m_incidents: int
    persistent: pd.DataFrame
    care_homes: pd.DataFrame
    care_homes_monthly: pd.DataFrame
    clusters_missing: pd.DataFrame
    clusters_found: pd.DataFrame
    hot_cells: pd.DataFrame
    ward_hotspots: pd.DataFrame | None
    points: pd.DataFrame
    found_places: pd.DataFrame
    rings: pd.DataFrame
    directions: pd.DataFrame
    # people
    people: PeopleProfile
    # issue 11 measures: the contract tables (police view), the top 20's looked-after share,
    # the force's rate beside the national benchmark
    measures: dict[str, pd.DataFrame]
    top_people: measures.TopPeople
    force_rate: pd.DataFrame
    # other
    interventions: pd.DataFrame | None
    interventions_caveat: str
    quality_completeness: pd.DataFrame
    quality_geocoding: pd.DataFrame
    quality_open: pd.DataFrame
    quality_late: quality.LateReturns
    quality_quarantine: pd.DataFrame
    # reference
    site_register: pd.DataFrame
    lad_names: dict[str, str]
    ward_names: dict[str, str]
    lads: gpd.GeoDataFrame | None
    wards: gpd.GeoDataFrame | None
    attribution: list[str] = field(default_factory=list)
    map_attribution: list[str] = field(default_factory=list)
    #: The board's recommendations register (``reports.recommendations_file``); None without one.
    register: Register | None = None


def _site_register(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.query_df(con, "reports/profile_site_register.sql")


def _force_areas(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """The force's local authorities and wards from the imported boundaries (None when absent)."""
    if not table_exists(con, "ref_boundaries") or not table_exists(con, "ref_lad_pfa"):
        return None, None
    from profiles.geo.boundaries import load_boundaries

    codes = db.query_df(con, "reports/profile_force_lads.sql", {"pfa_code": settings.force.pfa_code})["lad_code"].tolist()
    if not codes:
        return None, None
    lads = load_boundaries(con, "lad", codes=codes)
    if lads.empty:
        return None, None
    wards = load_boundaries(con, "ward")
    if not wards.empty:
        outline = lads.union_all()
        wards = wards[wards.geometry.representative_point().within(outline)].reset_index(drop=True)
    return lads.sort_values("code").reset_index(drop=True), (wards.sort_values("code").reset_index(drop=True) if len(wards) else None)


#: Fields of ``ProfileData`` that are one measure of the month, ``measure(con, settings, month)``.
_MONTH_MEASURES: dict[str, Callable[[duckdb.DuckDBPyConnection, Settings, Month], object]] = {
    "headline": headline.headline,
    "year_on_year": demand.same_month_last_year,
    "trend": demand.monthly_trend,
    "breakdowns": demand.breakdowns,
    "looked_after": demand.looked_after_share,
    "cost": demand.cost_of_demand,
    "persistent": places.persistent_and_emerging_sites,
    "quality_completeness": quality.completeness,
    "quality_geocoding": quality.geocoding_by_method,
    "quality_open": quality.open_episodes,
    "quality_late": quality.late_recorded_returns,
    "quality_quarantine": quality.quarantine_reasons,
}


def gather(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month, *, police_annex: bool = True) -> ProfileData:
    """Run every measure the profile shows for ``month`` (the facts and the repeat counts taken
    once). ``police_annex=False`` (no police folder is written) leaves out what only the
    police annex shows (``people_profile``)."""
    register = None  # read first: a mistake in the board's register stops the run before any work
    if settings.reports.recommendations_file is not None:
        register = load_register(settings.resolve(settings.reports.recommendations_file))
    places_window = month.trailing(settings.sites.ranking_months)
    # Two connections in two threads keep both cores busy (DuckDB lets go of the interpreter
    # while it works): the second measures the places, which need no cached mart, while the
    # first takes the caches; then each takes the next measure left (``_Measures``) until
    # none is, so that neither waits for the other.
    caches = _Caches()
    todo = _Measures(_measure_jobs(settings, month, register, places_window, police_annex))
    with db.side_connection(con) as side, ThreadPoolExecutor(1, thread_name_prefix="places") as pool:
        beside = pool.submit(_places_then_measures, side, settings, month, places_window, caches, todo)
        try:
            with db.cached_facts(con), cached_repeat_counts(con, settings):
                caches.taken = True
                caches.done.set()
                try:
                    todo.run(con)  # a failure empties the list: the second thread takes nothing more
                finally:
                    wait([beside])  # the second thread has ended before the caches go
                where = beside.result()
        finally:
            caches.done.set()  # never leave the second thread waiting
    return ProfileData(
        **todo.results,
        lads=where.lads,
        wards=where.wards,
        ward_hotspots=where.ward_hotspots,
        hot_cells=where.hot_cells,
        clusters_missing=where.missing_clusters.summary,
        clusters_found=where.found_clusters.summary,
        points=where.missing_clusters.points.drop(columns="cluster_id"),
        found_places=where.found_places,
    )


@dataclass
class _Caches:
    """Whether the first connection has taken the caches (``taken``), once ``done`` is set."""

    done: threading.Event = field(default_factory=threading.Event)
    taken: bool = False


class _Measures:
    """Measures of ``ProfileData`` for two connections to take in turn: each job (a function
    of a connection) gives one or more fields; the longest are first in the list."""

    def __init__(self, jobs: list[Callable[[duckdb.DuckDBPyConnection], dict]]):
        self._jobs = list(reversed(jobs))
        self._lock = threading.Lock()
        self.results: dict = {}

    def _next(self) -> Callable[[duckdb.DuckDBPyConnection], dict] | None:
        with self._lock:
            return self._jobs.pop() if self._jobs else None

    def run(self, con: duckdb.DuckDBPyConnection) -> None:
        """Take jobs until none is left (or ``stop``); a job's error ends the run and is raised."""
        try:
            while (job := self._next()) is not None:
                fields = job(con)
                with self._lock:
                    self.results.update(fields)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        with self._lock:
            self._jobs.clear()


def _places_then_measures(side: duckdb.DuckDBPyConnection, settings: Settings, month: Month, window: Period,
                          caches: _Caches, todo: _Measures) -> "_Places":
    where = _places(side, settings, month, window)
    caches.done.wait()
    if caches.taken:  # else the run failed: nothing more is asked for
        db.install_marts(side)  # now reading the caches the first connection took
        todo.run(side)
    return where


@dataclass(frozen=True)
class _Places:
    """The measures of where: they read the episodes and their points, not a cached mart."""

    lads: gpd.GeoDataFrame | None
    wards: gpd.GeoDataFrame | None
    ward_hotspots: pd.DataFrame | None
    hot_cells: pd.DataFrame
    missing_clusters: clusters_mod.Clusters
    found_clusters: clusters_mod.Clusters
    found_places: pd.DataFrame


def _places(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month, window: Period) -> _Places:
    lads, wards = _force_areas(con, settings)
    ward_hot = None
    if wards is not None and len(wards) > 1:
        ward_hot = hotspots.area_hotspots(con, settings, window, level="ward", areas=wards)
    return _Places(
        lads=lads,
        wards=wards,
        ward_hotspots=ward_hot,
        hot_cells=hotspots.grid_hotspots(con, settings, window),
        # the go-missing points of the window, clustered; the point map shows the same points
        missing_clusters=clusters_mod.location_clusters(con, settings, window, role="missing_from"),
        found_clusters=clusters_mod.location_clusters(con, settings, window, role="found"),
        found_places=found.top_found_places(con, settings, month, limit=settings.reports.top_rows),
    )


def _measure_jobs(settings: Settings, month: Month, register: Register | None, places_window: Period,
                  police_annex: bool) -> list[Callable[[duckdb.DuckDBPyConnection], dict]]:
    """Every field of ``ProfileData`` but ``_Places``'s, as jobs for ``_Measures`` (the
    longest first: the people, the care homes, the journeys, the sites ...)."""
    pattern_window = month.trailing(settings.demand.pattern_months)

    def people(con):
        return {"people": people_profile(con, settings, month, police_annex=police_annex)}

    def care_homes(con):
        care, care_monthly = care_home_summary(con, settings, month)
        return {"care_homes": care, "care_homes_monthly": care_monthly}

    def journeys(con):
        journeys = found.found_journeys(con, settings, month)  # read once for the rings and the directions
        return {"rings": found.distance_rings(journeys), "directions": found.directions(journeys)}

    def tables(con):
        tables = measures.all_measures(con, month=month, settings=settings)
        return {"measures": tables, "force_rate": measures.force_rate(tables["rates_by_la"], settings=settings),
                "top_people": measures.top_people_looked_after(
                    con, month=month, settings=settings, concentration=tables["repeat_concentration"])}

    def interventions(con):
        if settings.reports.interventions_file is None:
            return {"interventions": None}
        path = settings.resolve(settings.reports.interventions_file)
        return {"interventions": intervention_impact(con, settings, month, read_interventions(path), audience="police").table}

    def one(name, measure):
        return lambda con: {name: measure(con)}

    return [
        people,
        care_homes,
        journeys,
        one("sites", lambda con: places.site_ranking(con, settings, month, months=settings.sites.ranking_months)),
        tables,
        *(one(name, lambda con, m=measure: m(con, settings, month)) for name, measure in _MONTH_MEASURES.items()),
        one("day_hour", lambda con: demand.day_hour_pattern(con, settings, pattern_window)),
        one("sites_12m_incidents", lambda con: int(demand.monthly_counts(con, places_window)["incidents"].sum())),
        interventions,
        one("site_register", _site_register),
        one("lad_names", lambda con: area_names(con, "lad")),
        one("ward_names", lambda con: area_names(con, "ward")),
        one("attribution", attribution_lines),
        one("map_attribution", lambda con: attribution_lines(con, ["boundary"])),
        lambda con: dict(month=month, settings=settings, places_window=places_window, pattern_window=pattern_window,
                         interventions_caveat=CAVEAT, register=register),
    ]


__all__ = ["ProfileData", "gather", "MisperError"]
