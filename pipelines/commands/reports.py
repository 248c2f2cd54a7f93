"""`misper ukmpu`, `misper share`, `misper profile`: render reports from the database.

Each command parses its options and calls one function of ``profiles.reports``; the
database is opened read-only (rendering never writes). The run date printed in a
report is ``--run-date`` (default: today in London), never read from the clock later.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from pipelines.cli_app import command, out, state


def _run_date(text: str | None) -> date:
    from profiles.periods import LONDON, parse_date

    return parse_date(text, "--run-date") if text else datetime.now(LONDON).date()


def _print_written(paths: list[Path]) -> None:
    for path in paths:
        out.print(f"wrote {path}", highlight=False)


RUN_DATE = typer.Option(None, "--run-date", help="Date printed as 'produced', YYYY-MM-DD [default: today].")


@command()
def ukmpu(
    year: str = typer.Option(..., "--year", help="Financial year by the April it starts: 2024 = 2024/25."),
    out_dir: Path = typer.Option(None, "--out", help="Output folder [default: out/ukmpu/<year>]."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write ukmpu_return.pdf."),
    run_date: str = RUN_DATE,
) -> None:
    """The UKMPU annual return: ukmpu_return.csv, .xlsx and .html (checked before writing)."""
    from profiles.db import connect
    from profiles.periods import FinancialYear
    from profiles.reports.ukmpu import write_return

    fy = FinancialYear.parse(year)
    settings = state.settings
    target = out_dir or settings.output_dir / "ukmpu" / str(fy.first_day.year)
    con = connect(state.db_path, read_only=True)
    try:
        paths = write_return(con, fy, target, settings, _run_date(run_date), pdf=pdf)
    finally:
        con.close()
    _print_written(paths)


@command()
def share(
    period: str = typer.Option(..., "--period", help="Month, YYYY-MM."),
    out_dir: Path = typer.Option(None, "--out", help="Output folder [default: out/share/<period>]."),
    run_date: str = RUN_DATE,
) -> None:
    """Partner shares: per local authority, its children reported missing in the month (CSV + cover)."""
    from profiles.db import connect
    from profiles.periods import Month
    from profiles.reports.shares import write_shares

    month = Month.parse(period)
    settings = state.settings
    target = out_dir or settings.output_dir / "share" / month.label
    con = connect(state.db_path, read_only=True)
    try:
        paths = write_shares(con, month, target, settings, _run_date(run_date))
    finally:
        con.close()
    _print_written(paths)


@command()
def profile(
    period: str = typer.Option(..., "--period", help="Month, YYYY-MM."),
    audience: str = typer.Option(None, "--audience", help="police, partner or public [default: all three]."),
    out_dir: Path = typer.Option(
        None, "--out", help="Output folder [default: out/profile/<period>/<audience>; with all three, one folder each]."
    ),
    pdf: bool = typer.Option(None, "--pdf/--no-pdf", help="Write problem_profile.pdf [default: reports.pdf]."),
    run_date: str = RUN_DATE,
) -> None:
    """The monthly problem profile: HTML, PDF, tables/*.csv, summary.html and manifest.json per audience."""
    from profiles.analysis.places_common import check_audience
    from profiles.db import connect
    from profiles.periods import Month
    from profiles.reports.objects import AUDIENCES
    from profiles.reports.profile import write_profile

    month = Month.parse(period)
    audiences = (check_audience(audience),) if audience else AUDIENCES
    con = connect(state.db_path, read_only=True)
    try:
        written = write_profile(con, state.settings, month, _run_date(run_date), audiences=audiences,
                                out_dir=out_dir, pdf=pdf)
    finally:
        con.close()
    for who, paths in written.items():
        folder = paths[-1].parent
        out.print(f"{who}: {len(paths)} files in {folder}", highlight=False)
