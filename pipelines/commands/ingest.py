"""`misper ingest`: load extracts into the database."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pipelines.cli_app import command, out, state


@command()
def ingest(
    files: list[Path] = typer.Argument(..., help="Extract files: CSV, XLSX or Parquet."),
    mapping: str = typer.Option("canonical", "--mapping", help="Mapping name (config/mappings) or YAML path."),
    as_json: bool = typer.Option(False, "--json", help="Print the reconciliation as JSON."),
) -> None:
    """Validate and load extracts; bad rows go to quarantine with every reason."""
    from profiles.ingest import ingest_files

    result = ingest_files(files, mapping=mapping, settings=state.settings, db_path=state.db_path,
                          progress=not as_json)
    if as_json:
        out.print_json(json.dumps(result.as_json()))
    else:
        out.print(result.summary_text(), highlight=False)
