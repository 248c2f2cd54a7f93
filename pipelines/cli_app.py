"""The `misper` Typer application, its global options and error handling.

Command modules in ``pipelines/commands/`` add their commands to ``app``; a command
body only parses options and calls one function (or one flow). Errors derived from
``MisperError`` print as one clear line; anything else prints a short message and
the log file, never a traceback.
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console

from pipelines.progress_display import showing_progress
from profiles.config import Settings, load_settings
from profiles.errors import MisperError

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

app = typer.Typer(
    name="misper",
    help="Missing-person problem profiles: ingest, geocode, analyse, report, deliver.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
reference_app = typer.Typer(help="Reference data: postcodes, boundaries, gazetteers, sites.", no_args_is_help=True)
app.add_typer(reference_app, name="reference")


@dataclass
class State:
    """Global options, resolved once per invocation."""

    config_path: Path | None = None
    db_override: Path | None = None
    #: Show Prefect's INFO log lines (stderr) for commands that run a flow.
    verbose: bool = False
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def db_path(self) -> Path:
        return self.db_override or self.settings.db_path


state = State()


@app.callback()
def _global_options(
    db: Path = typer.Option(
        None, "--db", envvar="MISPER_DB", help="DuckDB database file [default: data/misper.duckdb]."
    ),
    config: Path = typer.Option(
        None, "--config", envvar="MISPER_CONFIG", help="Configuration YAML [default: config/misper.yaml]."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", help="Show Prefect's log lines for commands that run a flow (stderr)."
    ),
) -> None:
    state.config_path = config
    state.db_override = db
    state.verbose = verbose
    state._settings = None


ERROR_LOG = Path("data/misper-errors.log")


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Show the library's progress while ``func`` runs (stderr); turn exceptions into a
    message and exit code 2 (1 for unexpected ones)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with showing_progress(console):
                return func(*args, **kwargs)
        except typer.Exit:
            raise
        except MisperError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]")
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            try:
                ERROR_LOG.parent.mkdir(parents=True, exist_ok=True)
                with ERROR_LOG.open("a", encoding="utf-8") as fh:
                    fh.write(traceback.format_exc() + "\n")
                where = f" (details in {ERROR_LOG})"
            except OSError:
                where = ""
            console.print(
                f"[bold red]unexpected error:[/] {type(exc).__name__}: {exc}{where}", highlight=False
            )
            raise typer.Exit(1) from None

    return wrapper


def command(target: typer.Typer = app, name: str | None = None, **kwargs: Any):
    """Register a command on ``target`` with the error handling applied."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        return target.command(name=name, **kwargs)(handle_errors(func))

    return decorator


def quiet_logs() -> None:
    logging.getLogger("py.warnings").setLevel(logging.ERROR)


def main() -> None:  # pragma: no cover - thin entry point
    from pipelines import commands  # noqa: F401  (registers every command)

    quiet_logs()
    app(prog_name="misper")
    sys.exit(0)
