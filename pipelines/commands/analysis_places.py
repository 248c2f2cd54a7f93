"""Places, demand and data-quality commands: sites, places, hotspots, demand, interventions,
quality. Each parses its options and calls one function of profiles.analysis.places_export.
"""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.cli_app import audience_option, command, out, period_option, state
from profiles.periods import Month

PERIOD = period_option("Last month of the window, YYYY-MM (reports made in it, London time).")
AUDIENCE = audience_option(
    "police (everything), partner or public (children's homes anonymised, small counts suppressed).",
    default="police",
)


def _done(paths: list[Path], what: str) -> None:
    out.print(what, highlight=False)
    for path in paths:
        out.print(f"  {path}", highlight=False)


@command()
def sites(
    period: Month = PERIOD,
    months: int = typer.Option(None, "--months", help="Months up to and including --period [default: sites.ranking_months, 12]."),
    audience: str = AUDIENCE,
    out_file: Path = typer.Option(..., "--out", help="CSV file to write."),
) -> None:
    """Sites ranked by incidents (episodes whose go-missing location matched the site).

    Columns: site_id, site_ref, name, type, postcode, easting, northing, lad_code, incidents,
    individuals, repeat_individuals, calls, estimated_cost_gbp, change_vs_previous (incidents
    minus those of the equal window before)."""
    from profiles.analysis.places_export import export_sites

    path, rows = export_sites(state.db_path, state.settings, period, out_file,
                              months=months, audience=audience)
    _done([path], f"{rows} site(s) with incidents ({audience} audience):")


@command()
def places(
    period: Month = PERIOD,
    months: int = typer.Option(None, "--months", help="Months up to and including --period [default: 12]."),
    audience: str = AUDIENCE,
    out_dir: Path = typer.Option(..., "--out", help="Folder to write."),
) -> None:
    """Persistent and emerging sites, clusters and hot spots of go-missing and found points,
    and where people are found (distance rings, directions, top places)."""
    from profiles.analysis.places_export import export_places

    paths = export_places(state.db_path, state.settings, period, out_dir, months=months, audience=audience)
    _done(paths, f"Places analysis for {period.label} ({audience} audience):")


@command()
def hotspots(
    period: Month = PERIOD,
    months: int = typer.Option(None, "--months", help="Months up to and including --period [default: 12]."),
    role: str = typer.Option("missing_from", "--role", help="missing_from or found."),
    unit: str = typer.Option("grid", "--unit", help="grid (BNG cells), lsoa or ward."),
    cell_m: float = typer.Option(None, "--cell-m", help="Grid cell size in metres [default: sites.hotspot_cell_m, 500]."),
    out_file: Path = typer.Option(..., "--out", help="CSV file to write."),
) -> None:
    """Getis-Ord Gi* hot spots with false-discovery-rate control (Benjamini-Hochberg)."""
    from profiles.analysis.places_export import export_hotspots

    path, hot = export_hotspots(state.db_path, state.settings, period, out_file,
                                months=months, role=role, unit=unit, cell_m=cell_m)
    _done([path], f"{hot} hot spot(s) of {role} points by {unit}:")


@command()
def demand(
    period: Month = PERIOD,
    months: int = typer.Option(1, "--months", help="Months to --period for breakdowns and cost [default: 1]."),
    audience: str = AUDIENCE,
    out_dir: Path = typer.Option(..., "--out", help="Folder to write."),
) -> None:
    """Demand and time: monthly trend with XmR control limits and last year, day-of-week by
    hour, demographics, risk, duration, found by, outcomes, flags, looked-after share, cost."""
    from profiles.analysis.places_export import export_demand

    paths = export_demand(state.db_path, state.settings, period, out_dir, months=months, audience=audience)
    _done(paths, f"Demand for {period.label} ({audience} audience):")


@command()
def interventions(
    file: Path = typer.Argument(..., help="Interventions CSV: intervention_id, target_type, target_ref, started_on, type, description."),
    period: Month = PERIOD,
    audience: str = AUDIENCE,
    out_file: Path = typer.Option(..., "--out", help="CSV file to write."),
) -> None:
    """Intervention impact: episodes in equal windows before and after each intervention,
    with an exact test; data up to the end of --period."""
    from profiles.analysis.places_export import export_interventions

    path, impact = export_interventions(state.db_path, state.settings, period, file, out_file,
                                        audience=audience)
    _done([path], f"{impact.summary_text()} {impact.caveat}")


@command()
def quality(
    period: Month = PERIOD,
    months: int = typer.Option(1, "--months", help="Months to --period [default: 1]."),
    audience: str = AUDIENCE,
    out_dir: Path = typer.Option(..., "--out", help="Folder to write."),
) -> None:
    """Data quality: completeness per field, geocoding by method, open episodes,
    late-recorded returns, rows refused at ingestion."""
    from profiles.analysis.places_export import export_quality

    paths = export_quality(state.db_path, state.settings, period, out_dir, months=months, audience=audience)
    _done(paths, f"Data quality for {period.label} ({audience} audience):")
