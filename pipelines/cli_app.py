"""The `misper` Typer application, its global options and error handling.

Command modules in ``pipelines/commands/`` add their commands to ``app``; a command
body only parses options and calls one function (or one flow). Errors derived from
``MisperError`` print as one clear line; anything else prints a short message and
the log file, never a traceback.
"""

from __future__ import annotations

import functools
import inspect
import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NoReturn, TypeVar

import typer
from rich.console import Console

from pipelines.progress_display import showing_progress
from profiles.config import Settings, load_settings
from profiles.errors import InvalidValue, MisperError
from profiles.periods import Month, parse_date

T = TypeVar("T")

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
    #: Where ``--db`` came from: "command line (--db)" or "environment (MISPER_DB)".
    db_source: str | None = None
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
    ctx: typer.Context,
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
    from_env = ctx.get_parameter_source("db") is not None and ctx.get_parameter_source("db").name == "ENVIRONMENT"
    state.db_source = None if db is None else ("environment (MISPER_DB)" if from_env else "command line (--db)")
    state.verbose = verbose
    state._settings = None


ERROR_LOG = Path("data/misper-errors.log")


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Show the library's progress while ``func`` runs (stderr); turn exceptions into a
    message and exit code 2 (1 for unexpected ones)."""

    options = options_of(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with showing_progress(console):
                return func(*args, **kwargs)
        except typer.Exit:
            raise
        except InvalidValue as exc:
            fail(options.get(exc.field, exc.field), exc)
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


def options_of(func: Callable[..., Any]) -> dict[str, str]:
    """A command's options by the field each gives (``as_of`` and ``as-of`` -> ``--as-of``)."""
    found: dict[str, str] = {}
    for name, param in inspect.signature(func).parameters.items():
        decls = [d for d in getattr(param.default, "param_decls", None) or () if d.startswith("--")]
        if decls:
            for key in (name, *(d.lstrip("-").replace("-", "_") for d in decls)):
                found.setdefault(key, decls[0])
    return found


def fail(option: str, exc: InvalidValue) -> NoReturn:
    """The library's domain error, worded with the command's option: one line, exit 2."""
    console.print(f"[bold red]error:[/] {option}: {exc.problem}", highlight=False)
    raise typer.Exit(2)


def parsed(parse: Callable[[str], T], option: str) -> Callable[[Any], T]:
    """A typer ``parser``: the option becomes a domain value (``Month``) once, where it is
    read; a bad value is the same one-line error as any other, never a usage panel."""

    def parser(value: Any) -> T:
        if not isinstance(value, str):  # a default that is already a domain value
            return value
        try:
            return parse(value)
        except InvalidValue as exc:
            fail(option, exc)

    parser.__name__ = getattr(parse, "__name__", "parse")
    return parser


def _audience(text: str) -> str:
    from profiles.audiences import check_audience

    return check_audience(text)


#: ``--out`` of a command that writes one CSV file, and of one that writes a folder of files.
OUT_FILE = typer.Option(..., "--out", help="CSV file to write.")
OUT_DIR = typer.Option(..., "--out", help="Folder to write.")


def period_option(help: str = "Month, YYYY-MM.", default: Any = ...) -> Any:
    """``--period YYYY-MM``, read as a :class:`~profiles.periods.Month`."""
    return typer.Option(default, "--period", help=help, metavar="YYYY-MM", parser=parsed(Month.parse, "--period"))


def audience_option(help: str, default: Any = None) -> Any:
    """``--audience police|partner|public``, checked where it is read."""
    return typer.Option(default, "--audience", help=help, metavar="AUDIENCE", parser=parsed(_audience, "--audience"))


def date_option(option: str, help: str, default: Any = ..., parse: Callable[[str], Any] | None = None) -> Any:
    """A ``YYYY-MM-DD`` option read as a date (``parse`` for another reading of it)."""
    field = option.lstrip("-").replace("-", "_")
    return typer.Option(default, option, help=help, metavar="YYYY-MM-DD",
                        parser=parsed(parse or (lambda text: parse_date(text, field)), option))


def command(target: typer.Typer = app, name: str | None = None, **kwargs: Any):
    """Register a command on ``target`` with the error handling applied."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        return target.command(name=name, **kwargs)(handle_errors(func))

    return decorator


def quiet_logs() -> None:
    logging.getLogger("py.warnings").setLevel(logging.ERROR)
