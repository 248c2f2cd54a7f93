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

from pipelines.cli_app import command, out


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
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import ukmpu_annual_return
    from profiles.periods import FinancialYear

    fy = FinancialYear.parse(year)
    day = _run_date(run_date)
    paths = run_flow(ukmpu_annual_return, year=fy, run_date=day,
                     out_dir=str(out_dir) if out_dir else None, pdf=pdf)
    _print_written(paths)


@command()
def share(
    period: str = typer.Option(..., "--period", help="Month, YYYY-MM."),
    out_dir: Path = typer.Option(None, "--out", help="Output folder [default: out/share/<period>]."),
    run_date: str = RUN_DATE,
) -> None:
    """Partner shares: per local authority, its children reported missing in the month (CSV + cover)."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import partner_shares
    from profiles.periods import Month

    month = Month.parse(period)
    day = _run_date(run_date)
    paths = run_flow(partner_shares, period=month, run_date=day,
                     out_dir=str(out_dir) if out_dir else None)
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
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import monthly_problem_profile
    from profiles.analysis.places_common import check_audience
    from profiles.periods import Month
    from profiles.reports.objects import AUDIENCES

    month = Month.parse(period)
    audiences = (check_audience(audience),) if audience else AUDIENCES
    day = _run_date(run_date)
    # the monthly flow with only its rendering step: no ingest, geocoding, shares or email
    run = run_flow(monthly_problem_profile, period=month, run_date=day,
                   audiences=list(audiences), out_dir=str(out_dir) if out_dir else None, pdf=pdf,
                   ingest=False, geocode=False, shares=False, send=False)
    written = run.profile
    for who, paths in written.items():
        folder = paths[-1].parent
        out.print(f"{who}: {len(paths)} files in {folder}", highlight=False)
