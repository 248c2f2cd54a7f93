"""Places, demand and data-quality commands: sites, places, hotspots, demand, interventions,
quality. Each parses its options and calls one function of profiles.analysis.places_export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from pipelines.cli_app import OUT_DIR, OUT_FILE, audience_option, command, out, period_option, state
from profiles.periods import Month

PERIOD = period_option("Last month of the window, YYYY-MM (reports made in it, London time).")
AUDIENCE = audience_option(
    "police (everything), partner or public (children's homes anonymised, small counts suppressed).",
    default="police",
)
#: ``--months`` of the windowed analyses (places, hot spots), and of the demand and quality breakdowns.
WINDOW = typer.Option(None, "--months", help="Months up to and including --period [default: 12].")
DEMAND_MONTHS = typer.Option(1, "--months", help="Months to --period for breakdowns and cost [default: 1].")
QUALITY_MONTHS = typer.Option(1, "--months", help="Months to --period [default: 1].")


def _done(paths: list[Path], what: str) -> None:
    out.print(what, highlight=False)
    for path in paths:
        out.print(f"  {path}", highlight=False)


def _folder(export: Callable[..., list[Path]], what: str, period: Month, months: int | None, audience: str,
            out_dir: Path) -> None:
    """A folder of tables for the months to ``period`` written by ``export`` (one function of
    profiles.analysis.places_export), then where they are."""
    paths = export(state.db_path, state.settings, period, out_dir, months=months, audience=audience)
    _done(paths, f"{what} for {period.label} ({audience} audience):")


@command()
def sites(
    period: Month = PERIOD,
    months: int = typer.Option(None, "--months", help="Months up to and including --period [default: sites.ranking_months, 12]."),
    audience: str = AUDIENCE,
    out_file: Path = OUT_FILE,
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
def places(period: Month = PERIOD, months: int = WINDOW, audience: str = AUDIENCE, out_dir: Path = OUT_DIR) -> None:
    """Persistent and emerging sites, clusters and hot spots of go-missing and found points,
    and where people are found (distance rings, directions, top places)."""
    from profiles.analysis.places_export import export_places

    _folder(export_places, "Places analysis", period, months, audience, out_dir)


@command()
def hotspots(
    period: Month = PERIOD,
    months: int = WINDOW,
    role: str = typer.Option("missing_from", "--role", help="missing_from or found."),
    unit: str = typer.Option("grid", "--unit", help="grid (BNG cells), lsoa or ward."),
    cell_m: float = typer.Option(None, "--cell-m", help="Grid cell size in metres [default: sites.hotspot_cell_m, 500]."),
    out_file: Path = OUT_FILE,
) -> None:
    """Getis-Ord Gi* hot spots with false-discovery-rate control (Benjamini-Hochberg)."""
    from profiles.analysis.places_export import export_hotspots

    path, hot = export_hotspots(state.db_path, state.settings, period, out_file,
                                months=months, role=role, unit=unit, cell_m=cell_m)
    _done([path], f"{hot} hot spot(s) of {role} points by {unit}:")


@command()
def demand(period: Month = PERIOD, months: int = DEMAND_MONTHS, audience: str = AUDIENCE, out_dir: Path = OUT_DIR) -> None:
    """Demand and time: monthly trend with XmR control limits and last year, day-of-week by
    hour, demographics, risk, duration, found by, outcomes, flags, looked-after share, cost."""
    from profiles.analysis.places_export import export_demand

    _folder(export_demand, "Demand", period, months, audience, out_dir)


@command()
def interventions(
    file: Path = typer.Argument(..., help="Interventions CSV: intervention_id, target_type, target_ref, started_on, type, description."),
    period: Month = PERIOD,
    audience: str = AUDIENCE,
    out_file: Path = OUT_FILE,
) -> None:
    """Intervention impact: episodes in equal windows before and after each intervention,
    with an exact test; data up to the end of --period."""
    from profiles.analysis.places_export import export_interventions

    path, impact = export_interventions(state.db_path, state.settings, period, file, out_file,
                                        audience=audience)
    _done([path], f"{impact.summary_text()} {impact.caveat}")


@command()
def quality(period: Month = PERIOD, months: int = QUALITY_MONTHS, audience: str = AUDIENCE, out_dir: Path = OUT_DIR) -> None:
    """Data quality: completeness per field, geocoding by method, open episodes,
    late-recorded returns, rows refused at ingestion."""
    from profiles.analysis.places_export import export_quality

    _folder(export_quality, "Data quality", period, months, audience, out_dir)
