"""`misper reference import` and `misper geocode ...`: reference data and geocoding.

- ``misper reference import [--from DIR]``
- ``misper geocode --input FILE.csv --out FILE.csv``  (the analyst's command)
- ``misper geocode episodes``                          (the pipeline step, incremental)
- ``misper geocode override --incident ID --role found --easting E --northing N [--note TEXT]``
  or ``misper geocode override --from overrides.csv``, ``--remove`` to forget one
- ``misper geocode unmatched --out FILE.csv``
- ``misper geocode report [--out FILE.csv]``
"""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.cli_app import app, command, handle_errors, out, reference_app, state

geocode_app = typer.Typer(
    help="Geocode locations offline: a CSV (--input/--out), the episodes, overrides, the unmatched list.",
    invoke_without_command=True,
)
app.add_typer(geocode_app, name="geocode")


@command(reference_app, name="import")
def reference_import(
    source: Path = typer.Option(
        None, "--from", help="Folder to search for reference files [default: MISPER_REFERENCE_DIR or the sample's]."
    ),
) -> None:
    """Build the reference tables from the open-data files found (by shape) under a folder."""
    from profiles.db import connect
    from profiles.geo.reference import import_reference

    con = connect(state.db_path)
    result = import_reference(con, source or state.settings.reference_dir, settings=state.settings)
    out.print(result.summary_text(), highlight=False)


@geocode_app.callback(invoke_without_command=True)
@handle_errors
def geocode(
    ctx: typer.Context,
    input: Path = typer.Option(None, "--input", help="CSV with some of: address, postcode, place, easting, northing, site_ref."),
    out_file: Path = typer.Option(None, "--out", help="Where to write the CSV with the geocoded columns."),
) -> None:
    """Geocode a CSV (--input/--out), or run a subcommand."""
    from profiles.db import connect
    if ctx.invoked_subcommand is not None:
        return
    if input is None or out_file is None:
        out.print(ctx.get_help())
        raise typer.Exit(0 if input is None and out_file is None else 2)
    from profiles.errors import InputError
    from profiles.geo.files import ensure_reference, geocode_csv

    if not input.is_file():  # before any reference import: say what is wrong first
        raise InputError(f"{input}: file not found")
    con = connect(state.db_path)
    note = ensure_reference(con, state.settings)
    if note:
        out.print(note, highlight=False)
    result = geocode_csv(con, input, out_file, state.settings)
    out.print(result.summary_text(), highlight=False)


@command(geocode_app, name="episodes")
def geocode_episodes_command() -> None:
    """Geocode new or changed episodes into episode_locations (re-running changes nothing)."""
    from profiles.db import connect
    from profiles.geo.episodes import geocode_episodes
    from profiles.geo.files import ensure_reference

    con = connect(state.db_path)
    note = ensure_reference(con, state.settings)
    if note:
        out.print(note, highlight=False)
    out.print(geocode_episodes(con, state.settings).summary_text(), highlight=False)


@command(geocode_app, name="override")
def override(
    incident: str = typer.Option(None, "--incident", help="Incident id."),
    role: str = typer.Option(None, "--role", help="missing_from or found."),
    easting: float = typer.Option(None, "--easting", help="BNG easting (or WGS84 longitude)."),
    northing: float = typer.Option(None, "--northing", help="BNG northing (or WGS84 latitude)."),
    note: str = typer.Option(None, "--note", help="Why (kept with the override)."),
    from_file: Path = typer.Option(None, "--from", help="CSV of overrides: incident_id, role, easting, northing[, note]."),
    remove: bool = typer.Option(False, "--remove", help="Forget the override for --incident/--role."),
) -> None:
    """Enter an analyst's position for a location; it wins over everything on every run."""
    from profiles.db import connect
    from profiles.errors import InputError
    from profiles.geo.overrides import add_override, import_overrides, remove_override

    con = connect(state.db_path)
    if from_file is not None:
        n = import_overrides(con, from_file)
        out.print(f"Recorded {n} override(s) from {from_file}. Run `misper geocode episodes` to apply.")
        return
    if incident is None or role is None:
        raise InputError("give --incident and --role (or --from FILE)")
    if remove:
        done = remove_override(con, incident_id=incident, role=role)
        out.print("Override removed." if done else "No such override.")
        return
    if easting is None or northing is None:
        raise InputError("give --easting and --northing")
    e, n = add_override(con, incident_id=incident, role=role, easting=easting, northing=northing, note=note)
    out.print(f"Override recorded for {incident} {role} at {e:.0f}, {n:.0f}. Run `misper geocode episodes` to apply.")


@command(geocode_app, name="unmatched")
def unmatched(
    out_file: Path = typer.Option(..., "--out", help="CSV to write (police-restricted: address text)."),
) -> None:
    """List the locations no step could place, with how many incidents each."""
    from profiles.db import connect
    from profiles.geo.files import write_unmatched

    con = connect(state.db_path)
    out.print(write_unmatched(con, out_file).summary_text(), highlight=False)


@command(geocode_app, name="report")
def report(
    out_file: Path = typer.Option(None, "--out", help="Also write the table as CSV."),
) -> None:
    """Share of go-missing and found locations by method, and the unmatched rate."""
    from profiles.db import connect
    from profiles.geo.files import report_text, write_report

    con = connect(state.db_path)
    out.print(report_text(write_report(con, out_file)), highlight=False)


@command(geocode_app, name="accuracy")
def accuracy(
    onspd: Path = typer.Option(..., "--onspd", help="ONSPD extract CSV (postcode, lsoa_code, lon, lat)."),
) -> None:
    """Measure positions and LSOAs against the ONS Postcode Directory."""
    from profiles.db import connect
    from profiles.geo.accuracy import onspd_accuracy
    from profiles.geo.files import ensure_reference

    con = connect(state.db_path)
    note = ensure_reference(con, state.settings)
    if note:
        out.print(note, highlight=False)
    out.print(onspd_accuracy(con, onspd, state.settings).summary_text(), highlight=False)
