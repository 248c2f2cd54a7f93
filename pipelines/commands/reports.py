"""`misper ukmpu`, `misper share`, `misper profile`: render reports from the database.

Each command checks its options and runs its flow (pipelines/flows): the same code path
as a scheduled run, with the steps it does not ask for switched off (`misper profile`
renders without ingesting or sending). Rendering opens the database read-only. The run
date printed in a report is ``--run-date`` (default: today in London), never read from
the clock later.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from pipelines.cli_app import audience_option, command, date_option, out, parsed, period_option
from profiles.periods import LONDON, FinancialYear, Month


def _print_written(paths: list[Path]) -> None:
    for path in paths:
        out.print(f"wrote {path}", highlight=False)


def _day(run_date: date | None) -> date:
    return run_date or datetime.now(LONDON).date()


RUN_DATE = date_option("--run-date", "Date printed as 'produced', YYYY-MM-DD [default: today].", default=None)


@command()
def ukmpu(
    year: FinancialYear = typer.Option(..., "--year", metavar="YYYY", parser=parsed(FinancialYear.parse, "--year"),
                                       help="Financial year by the April it starts: 2024 = 2024/25."),
    out_dir: Path = typer.Option(None, "--out", help="Output folder [default: out/ukmpu/<year>]."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write ukmpu_return.pdf."),
    run_date: date = RUN_DATE,
) -> None:
    """The UKMPU annual return: ukmpu_return.csv, .xlsx and .html (checked before writing)."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import ukmpu_annual_return

    paths = run_flow(ukmpu_annual_return, year=year, run_date=_day(run_date),
                     out_dir=str(out_dir) if out_dir else None, pdf=pdf)
    _print_written(paths)


@command()
def share(
    period: Month = period_option(),
    out_dir: Path = typer.Option(None, "--out", help="Output folder [default: out/share/<period>]."),
    run_date: date = RUN_DATE,
) -> None:
    """Partner shares: per local authority, its children reported missing in the month (CSV + cover)."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import partner_shares

    paths = run_flow(partner_shares, period=period, run_date=_day(run_date),
                     out_dir=str(out_dir) if out_dir else None)
    _print_written(paths)


@command()
def profile(
    period: Month = period_option(),
    audience: str = audience_option("police, partner or public [default: all three]."),
    out_dir: Path = typer.Option(
        None, "--out", help="Output folder [default: out/profile/<period>/<audience>; with all three, one folder each]."
    ),
    pdf: bool = typer.Option(None, "--pdf/--no-pdf", help="Write problem_profile.pdf [default: reports.pdf]."),
    run_date: date = RUN_DATE,
) -> None:
    """The monthly problem profile: HTML, PDF, tables/*.csv, summary.html and manifest.json per audience."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import monthly_problem_profile
    from profiles.disclosure import AUDIENCES

    audiences = (audience,) if audience else AUDIENCES
    # the monthly flow with only its rendering step: no ingest, geocoding, shares or email
    run = run_flow(monthly_problem_profile, period=period, run_date=_day(run_date),
                   audiences=list(audiences), out_dir=str(out_dir) if out_dir else None, pdf=pdf,
                   ingest=False, geocode=False, shares=False, send=False)
    written = run.profile
    for who, paths in written.items():
        folder = paths[-1].parent
        out.print(f"{who}: {len(paths)} files in {folder}", highlight=False)
