"""`misper config show`: the settings in effect, where each came from, each path resolved."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from pipelines.cli_app import app, command, out, state
from profiles.config import describe

config_app = typer.Typer(help="The configuration in effect.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@command(config_app, name="show")
def show() -> None:
    """Print every setting with its source (default, file, environment) and each path resolved.

    Relative paths named in a configuration file are taken from that file's folder; those
    given in the environment or on the command line, from the current folder."""
    settings = state.settings
    source = settings.source or "defaults"
    where = "defaults only (no configuration file)" if source == "defaults" else str(Path(source).resolve())
    out.print(f"configuration: {where}", highlight=False, markup=False)
    lines = describe(settings)
    if state.db_override is not None:
        lines = [line if line.name != "paths.db" else replace(line, value=str(state.db_override.absolute()),
                                                              source=state.db_source) for line in lines]
    width = max(len(line.name) for line in lines)
    for line in lines:
        out.print(f"{line.name:<{width}}  {line.value}  [{line.source}]", highlight=False, markup=False)
