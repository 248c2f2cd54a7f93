"""`misper send` (email reports to distribution lists) and `misper weed` (retention review)."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.cli_app import command, console, out


@command()
def send(
    period: str = typer.Option(..., "--period", help="Month to deliver, YYYY-MM."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write .eml files to the outbox instead of sending."),
    force: bool = typer.Option(False, "--force", help="Send again what the delivery log shows as already sent."),
    list_name: str = typer.Option(None, "--list", help="Only this distribution list."),
) -> None:
    """Email each distribution list its audience's report for a period, and log it."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import DeliveryFailed, send_reports
    from profiles.periods import Month

    month = Month.parse(period)
    try:
        run = run_flow(send_reports, period=month, dry_run=dry_run, force=force, list_name=list_name)
    except DeliveryFailed as failed:
        out.print(failed.run.summary_text(), highlight=False, markup=False, soft_wrap=True)
        console.print(f"[bold red]error:[/] {failed}", highlight=False)
        raise typer.Exit(3) from None
    out.print(run.summary_text(), highlight=False, markup=False, soft_wrap=True)


@command()
def weed(
    as_of: str = typer.Option(..., "--as-of", help="Review date, YYYY-MM-DD (not in the future)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would go; change nothing."),
    csv_path: Path = typer.Option(
        None, "--csv", help="Where to write the incident list [default: out/retention/weed_<date>[_dry_run].csv]."
    ),
) -> None:
    """Apply the retention policy: weed resolved episodes past review (never unresolved ones)."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import retention_review
    from profiles.retention import parse_as_of

    parse_as_of(as_of)  # a bad date is refused before anything starts
    result = run_flow(retention_review, as_of=as_of, dry_run=dry_run,
                      csv_path=str(csv_path) if csv_path else None)
    out.print(result.summary_text(), highlight=False, markup=False, soft_wrap=True)
