"""`misper send` (email reports to distribution lists) and `misper weed` (retention review)."""

from __future__ import annotations

from pathlib import Path

import typer

from datetime import date

from pipelines.cli_app import command, console, date_option, out, period_option
from profiles.periods import Month


@command()
def send(
    period: Month = period_option("Month to deliver, YYYY-MM."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write .eml files to the outbox instead of sending."),
    force: bool = typer.Option(False, "--force", help="Send again what the delivery log shows as already sent."),
    list_name: str = typer.Option(None, "--list", help="Only this distribution list."),
) -> None:
    """Email each distribution list its audience's report for a period, and log it."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import DeliveryFailed, send_reports

    try:
        run = run_flow(send_reports, period=period, dry_run=dry_run, force=force, list_name=list_name)
    except DeliveryFailed as failed:
        out.print(failed.run.summary_text(), highlight=False, markup=False, soft_wrap=True)
        console.print(f"[bold red]error:[/] {failed}", highlight=False)
        raise typer.Exit(3) from None
    out.print(run.summary_text(), highlight=False, markup=False, soft_wrap=True)


def _as_of(text: str) -> date:
    from profiles.retention import parse_as_of

    return parse_as_of(text)


@command()
def weed(
    as_of: date = date_option("--as-of", "Review date, YYYY-MM-DD (not in the future).", parse=_as_of),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would go; change nothing."),
    csv_path: Path = typer.Option(
        None, "--csv", help="Where to write the incident list [default: out/retention/weed_<date>[_dry_run].csv]."
    ),
) -> None:
    """Apply the retention policy: weed resolved episodes past review (never unresolved ones)."""
    from pipelines.commands.orchestration import run_flow
    from pipelines.flows.runs import retention_review

    result = run_flow(retention_review, as_of=as_of.isoformat(), dry_run=dry_run,
                      csv_path=str(csv_path) if csv_path else None)
    out.print(result.summary_text(), highlight=False, markup=False, soft_wrap=True)
