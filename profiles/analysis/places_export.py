"""Files for the places, demand, intervention and data-quality commands.

Each ``export_*`` opens the database read-only, calls the measures and writes CSV files
(the project's one CSV writer, profiles.files), with the
OS/ONS/CQC attribution beside any file that uses reference data. Partner and public
files are built from the audience's own view (children's homes anonymised, counts
suppressed, no person-level rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from profiles import files
from profiles.analysis import clusters, demand, found, hotspots, interventions, places, quality
from profiles.analysis.places_common import attribution_lines, table_exists, trailing_window
from profiles.config import Settings
from profiles.db import connect
from profiles.disclosure import check_audience, suppress_counts, suppress_long
from profiles.errors import MisperError
from profiles.periods import Month

#: Reference data behind the maps and place tables (all imported kinds).
GEO_KINDS: Sequence[str] | None = None


def write_table(frame: pd.DataFrame, path: Path, *, attribution: Sequence[str] = ()) -> Path:
    """Write ``frame`` as CSV (folders created); attribution goes to ``<name>.attribution.txt``."""
    path = Path(path)
    files.write_csv(files.csv_cells(frame), path)
    if attribution:
        files.write_text(path.with_name(path.stem + ".attribution.txt"),
                         "This file uses open reference data:\n" + "\n".join(attribution) + "\n")
    return path


def _for(audience: str, frame: pd.DataFrame, counts: Sequence[str], settings: Settings,
         derived: dict[str, str] | None = None) -> pd.DataFrame:
    """Suppress ``counts`` for partner and public audiences."""
    if audience == "police" or frame.empty:
        return frame
    return suppress_counts(frame, [c for c in counts if c in frame.columns], settings, derived=derived)


def _grid_for(audience: str, settings: Settings) -> dict[str, float]:
    """Partner and public grids are no finer than the kilometre their cluster centres are
    rounded to: a busy 500 m cell can point at a children's home."""
    cell = settings.sites.hotspot_cell_m
    if audience == "police" or cell >= clusters.COARSE_GRID_M:
        return {}
    scale = clusters.COARSE_GRID_M / cell
    return {"cell_m": clusters.COARSE_GRID_M, "neighbour_distance_m": settings.sites.hotspot_neighbour_distance_m * scale}


# ---- misper sites -------------------------------------------------------------------------


def export_sites(
    db_path: Path, settings: Settings, period: Month, out: Path, *, months: int | None = None, audience: str = "police"
) -> tuple[Path, int]:
    """`misper sites`: the ranked sites CSV; returns the file and its row count."""
    with connect(db_path, read_only=True) as con:
        ranked = places.site_ranking(con, settings, period, months=months, audience=audience)
        lines = attribution_lines(con, places.SITE_ATTRIBUTION_KINDS)
    return write_table(ranked, out, attribution=lines), len(ranked)


# ---- misper places ------------------------------------------------------------------------


def export_places(
    db_path: Path, settings: Settings, period: Month, out_dir: Path, *, months: int | None = None,
    audience: str = "police",
) -> list[Path]:
    """`misper places`: persistent/emerging sites, clusters, grid (and LSOA) hot spots and
    where people are found, over the ``months`` months to ``period``."""
    audience = check_audience(audience)
    months = settings.sites.ranking_months if months is None else months
    window = trailing_window(period, months)
    out_dir = Path(out_dir)
    written: list[Path] = []
    with connect(db_path, read_only=True) as con:
        lines = attribution_lines(con, GEO_KINDS)
        trend = places.persistent_and_emerging_sites(con, settings, period, months=months, audience=audience)
        written.append(write_table(trend, out_dir / "sites_persistent_emerging.csv", attribution=lines))
        for role in clusters.ROLES:
            summary = clusters.location_clusters(con, settings, window, role=role, audience=audience).summary
            summary = _for(audience, summary, ["incidents", "individuals"], settings)
            written.append(write_table(summary, out_dir / f"clusters_{role}.csv", attribution=lines))
            grid = hotspots.grid_hotspots(con, settings, window, role=role, **_grid_for(audience, settings))
            grid = _for(audience, grid, ["incidents", "neighbourhood_incidents"], settings)
            written.append(write_table(grid, out_dir / f"hotspots_grid_{role}.csv", attribution=lines))
            if table_exists(con, "ref_boundaries"):
                try:
                    lsoa = hotspots.area_hotspots(con, settings, window, role=role, level="lsoa")
                except MisperError:
                    lsoa = None  # no LSOA boundaries imported: the grid stands alone
                if lsoa is not None:
                    lsoa = _for(audience, lsoa, ["incidents", "neighbourhood_incidents"], settings)
                    written.append(write_table(lsoa, out_dir / f"hotspots_lsoa_{role}.csv", attribution=lines))
        rings = found.found_distance_rings(con, settings, window)
        ring_cols = [c for c in rings.columns if c.startswith("p") and c.endswith("_m")]
        rings = _for(audience, rings, ["found"], settings, derived={c: "found" for c in ring_cols})
        written.append(write_table(rings, out_dir / "found_distance_rings.csv", attribution=lines))
        directions = _for(audience, found.found_directions(con, settings, window), ["found"], settings,
                          derived={"median_distance_m": "found", "share": "found"})
        written.append(write_table(directions, out_dir / "found_directions.csv", attribution=lines))
        top = found.top_found_places(con, settings, window, audience=audience)
        top = _for(audience, top, ["incidents", "individuals"], settings,
                   derived={"share_of_found": "incidents", "median_distance_m": "incidents"})
        written.append(write_table(top, out_dir / "found_places.csv", attribution=lines))
    return written


def export_hotspots(
    db_path: Path, settings: Settings, period: Month, out: Path, *, months: int | None = None,
    role: str = "missing_from", unit: str = "grid", cell_m: float | None = None,
) -> tuple[Path, int]:
    """`misper hotspots`: Gi* hot spots over a grid or LSOAs/wards (police audience)."""
    window = trailing_window(period, settings.sites.ranking_months if months is None else months)
    with connect(db_path, read_only=True) as con:
        if unit == "grid":
            table = hotspots.grid_hotspots(con, settings, window, role=role, cell_m=cell_m)
        else:
            table = hotspots.area_hotspots(con, settings, window, role=role, level=unit)
        lines = attribution_lines(con, GEO_KINDS)
    return write_table(table, out, attribution=lines), int((table["hotspot"] == "hot").sum()) if len(table) else 0


# ---- misper demand ------------------------------------------------------------------------


def export_demand(
    db_path: Path, settings: Settings, period: Month, out_dir: Path, *, months: int = 1, audience: str = "police"
) -> list[Path]:
    """`misper demand`: trend, time pattern, breakdowns, looked-after share and cost.

    Breakdowns, looked-after share and cost cover the ``months`` months to ``period``; the
    trend ``settings.demand.trend_months``; the pattern ``settings.demand.pattern_months``."""
    audience = check_audience(audience)
    window = trailing_window(period, months)
    out_dir = Path(out_dir)
    with connect(db_path, read_only=True) as con:
        trend = demand.monthly_trend(con, settings, period)
        pattern = demand.day_hour_pattern(con, settings, trailing_window(period, settings.demand.pattern_months))
        breakdowns = demand.breakdowns(con, settings, window)
        looked_after = demand.looked_after_share(con, settings, window)
        cost = demand.cost_of_demand(con, settings, window)
    trend_counts = ["incidents", "individuals", "calls", "child_incidents", "adult_incidents", "same_month_last_year"]
    tables = {
        "demand_trend.csv": _for(audience, trend, trend_counts, settings,
                                 derived={"change_vs_last_year": "incidents", "pct_change_vs_last_year": "incidents"}),
        "demand_day_hour.csv": _for(audience, pattern, ["incidents"], settings),
        "demand_breakdowns.csv": breakdowns if audience == "police" else suppress_breakdowns(breakdowns, settings),
        "demand_looked_after.csv": _for(
            audience, looked_after,
            ["incidents", "looked_after_incidents", "individuals", "looked_after_individuals"], settings,
            derived={"share_incidents": "looked_after_incidents", "share_individuals": "looked_after_individuals"}),
        "demand_cost.csv": _for(audience, cost.table.assign(price_basis=cost.price_basis), ["incidents"], settings,
                                derived={"cost_gbp": "incidents", "officer_hours": "incidents"}),
    }
    return [write_table(frame, out_dir / name) for name, frame in tables.items()]


def suppress_breakdowns(breakdowns: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Small-number suppression of ``demand.breakdowns`` for partner and public files.

    Each dimension is a table of categories (rows) by age group (columns: all, child,
    adult, unknown): ``profiles.disclosure.suppress_long`` protects both lines, with
    ``all`` as the row total. Incidents and individuals are suppressed apart; a share
    goes with its incidents.
    """
    return suppress_long(breakdowns, settings, table="dimension", row="category", column="child_adult",
                         columns=demand.CHILD_ADULT, total_column="all", measures=("incidents", "individuals"),
                         derived={"share_of_incidents": "incidents"})


# ---- misper interventions -----------------------------------------------------------------


def export_interventions(
    db_path: Path, settings: Settings, period: Month, file: Path, out: Path, *, audience: str = "police"
) -> tuple[Path, interventions.InterventionImpact]:
    """`misper interventions`: before/after counts and tests; the caveat goes beside the CSV."""
    given = interventions.read_interventions(file)
    with connect(db_path, read_only=True) as con:
        impact = interventions.intervention_impact(con, settings, period, given, audience=audience)
    table = impact.table
    if audience == "public":  # aggregates only: no row about one person
        table = table[table["target_type"] != "person"]
    table = _for(audience, table, ["episodes_before", "episodes_after"], settings,
                 derived={"change": "episodes_after", "pct_change": "episodes_after", "rate_ratio": "episodes_after"})
    path = write_table(table, out)
    files.write_text(path.with_name(path.stem + ".caveat.txt"), impact.caveat + "\n")
    return path, impact


# ---- misper quality -----------------------------------------------------------------------


def export_quality(
    db_path: Path, settings: Settings, period: Month, out_dir: Path, *, months: int = 1, audience: str = "police"
) -> list[Path]:
    """`misper quality`: completeness, geocoding by method, open episodes, late-recorded
    returns (the episode list for the police audience only) and quarantine reasons."""
    audience = check_audience(audience)
    window = trailing_window(period, months)
    out_dir = Path(out_dir)
    with connect(db_path, read_only=True) as con:
        late = quality.late_recorded_returns(con, settings, window)
        tables = {
            "quality_completeness.csv": quality.completeness(con, settings, window),
            "quality_geocoding.csv": quality.geocoding_by_method(con, settings, window),
            "quality_open_episodes.csv": quality.open_episodes(con, settings, window),
            "quality_late_returns_summary.csv": pd.DataFrame(
                [{"found": late.found, "late_recorded": late.late, "share_late": late.share_late,
                  "median_hours_late": late.median_hours_late,
                  "tolerance_hours": settings.demand.late_return_tolerance_hours}]
            ),
            "quality_quarantine.csv": quality.quarantine_reasons(con, settings, window),
        }
        if audience == "police":
            tables["quality_late_returns.csv"] = late.episodes.drop(columns=["person_key"])
    if audience != "police":
        tables["quality_open_episodes.csv"] = tables["quality_open_episodes.csv"].drop(
            columns=["oldest_reported_at"], errors="ignore")
    return [write_table(frame, out_dir / name) for name, frame in tables.items()]
