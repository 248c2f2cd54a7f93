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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import geopandas as gpd
import pandas as pd

from profiles import db
from profiles.analysis import clusters as clusters_mod
from profiles.analysis import demand, found, headline, hotspots, measures, places, quality
from profiles.analysis.interventions import CAVEAT, intervention_impact, read_interventions
from profiles.analysis.people_common import cached_repeat_counts, identify
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
    identities: dict[str, str]
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


def gather(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month) -> ProfileData:
    """Run every measure the profile shows for ``month`` (the facts and the repeat counts taken once)."""
    register = None  # read first: a mistake in the board's register stops the run before any work
    if settings.reports.recommendations_file is not None:
        register = load_register(settings.resolve(settings.reports.recommendations_file))
    places_window = month.trailing(settings.sites.ranking_months)
    # Two connections in two threads keep both cores busy (DuckDB lets go of the interpreter
    # while it works): the second measures the places, which need no cached mart, while the
    # first takes the caches; then the second measures the people from the caches while the
    # first measures the rest.
    caches = _Caches()
    with db.side_connection(con) as side, ThreadPoolExecutor(1, thread_name_prefix="places") as pool:
        beside = pool.submit(_places_then_people, side, settings, month, places_window, caches)
        try:
            with db.cached_facts(con), cached_repeat_counts(con, settings):
                caches.taken = True
                caches.done.set()
                data = _measures(con, settings, month, register, places_window)
                where, people = beside.result()  # before the caches go
        finally:
            caches.done.set()  # never leave the second thread waiting
    return ProfileData(
        **data,
        **_people_fields(con, people),
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


def _places_then_people(side: duckdb.DuckDBPyConnection, settings: Settings, month: Month, window: Period,
                        caches: _Caches) -> tuple["_Places", PeopleProfile | None]:
    where = _places(side, settings, month, window)
    caches.done.wait()
    if not caches.taken:  # the run failed: nothing more is asked for
        return where, None
    db.install_marts(side)  # now reading the caches the first connection took
    return where, people_profile(side, settings, month)


def _people_fields(con: duckdb.DuckDBPyConnection, people: PeopleProfile) -> dict:
    """``people`` and the references of the people it lists (``identities``)."""
    keys = sorted(
        set(people.repeats["person_key"]) | set(people.referrals["person_key"])
        | set(people.trigger_plans.persons["person_key"]) | set(people.oversight.intelligence_due["person_key"])
    )
    identities = {}
    if keys:
        ids = identify(con, pd.DataFrame({"person_key": keys}))
        identities = dict(zip(keys, ids["person_id"]))
    return {"people": people, "identities": identities}


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


def _measures(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month, register: Register | None,
              places_window: Period) -> dict:
    """Every field of ``ProfileData`` but ``_Places``'s and the people's."""
    pattern_window = month.trailing(settings.demand.pattern_months)
    sites = places.site_ranking(con, settings, month, months=settings.sites.ranking_months)
    care, care_monthly = care_home_summary(con, settings, month)
    interventions = None
    if settings.reports.interventions_file is not None:
        path = settings.resolve(settings.reports.interventions_file)
        impact = intervention_impact(con, settings, month, read_interventions(path), audience="police")
        interventions = impact.table
    tables = measures.all_measures(con, month=month, settings=settings)
    journeys = found.found_journeys(con, settings, month)  # read once for the rings and the directions
    return dict(
        **{name: measure(con, settings, month) for name, measure in _MONTH_MEASURES.items()},
        month=month,
        rings=found.distance_rings(journeys),
        directions=found.directions(journeys),
        measures=tables,
        top_people=measures.top_people_looked_after(con, month=month, settings=settings),
        force_rate=measures.force_rate(tables["rates_by_la"], settings=settings),
        settings=settings,
        places_window=places_window,
        pattern_window=pattern_window,
        day_hour=demand.day_hour_pattern(con, settings, pattern_window),
        sites=sites,
        sites_12m_incidents=int(demand.monthly_counts(con, places_window)["incidents"].sum()),
        care_homes=care,
        care_homes_monthly=care_monthly,
        interventions=interventions,
        interventions_caveat=CAVEAT,
        site_register=_site_register(con),
        lad_names=area_names(con, "lad"),
        ward_names=area_names(con, "ward"),
        attribution=attribution_lines(con),
        map_attribution=attribution_lines(con, ["boundary"]),
        register=register,
    )


__all__ = ["ProfileData", "gather", "MisperError"]
