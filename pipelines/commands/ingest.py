"""`misper ingest`: load extracts into the database."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pipelines.cli_app import command, console, out, state
from profiles.errors import InputError


@command()
def ingest(
    files: list[Path] = typer.Argument(..., help="Extract files: CSV, XLSX or Parquet."),
    mapping: str = typer.Option("canonical", "--mapping", help="Mapping name (config/mappings) or YAML path."),
    check: bool = typer.Option(False, "--check", help="Validate against the mapping without loading: per column, the header used and the share of rows that pass."),
    as_json: bool = typer.Option(False, "--json", help="Print the reconciliation as JSON."),
) -> None:
    """Validate and load extracts; bad rows go to quarantine with every reason."""
    from profiles.ingest.preflight import preflight  # light: a refusal costs under a second

    notes = preflight(files, mapping, state.settings, state.db_path)  # before DuckDB and Prefect
    if check:
        from profiles.ingest.check import check_files

        out.print(check_files(files, mapping, state.settings).text(), highlight=False, markup=False)
        return
    for note in notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import ingest_extracts

    (result,) = run_flow(ingest_extracts, files=[str(f) for f in files], mapping=mapping)
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))  # plain JSON, never coloured
    else:
        out.print(result.summary_text(), highlight=False)
    if result.all_quarantined:
        raise InputError(result.refusal_line())


@command()
def quarantine(
    load: int = typer.Option(None, "--load", help="Only this load (see the ingest summary)."),
    out_file: Path = typer.Option(None, "--out", help="Write every quarantined row with its reasons to this CSV."),
) -> None:
    """Quarantined rows: counts by problem, and optionally every row with its reasons (police only)."""
    from profiles.ingest.review import quarantine_report, quarantine_summary

    summary = quarantine_summary(state.db_path, load_id=load)
    if summary.empty:
        out.print("no quarantined rows")
    else:
        out.print(summary.to_string(index=False))
    if out_file is not None:
        n = quarantine_report(state.db_path, out_file, load_id=load)
        out.print(f"{n:,} quarantined rows written to {out_file}")
