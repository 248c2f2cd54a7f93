"""`misper send` (email reports to distribution lists) and `misper weed` (retention review)."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.cli_app import command, console, out, state


@command()
def send(
    period: str = typer.Option(..., "--period", help="Month to deliver, YYYY-MM."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write .eml files to the outbox instead of sending."),
    force: bool = typer.Option(False, "--force", help="Send again what the delivery log shows as already sent."),
    list_name: str = typer.Option(None, "--list", help="Only this distribution list."),
) -> None:
    """Email each distribution list its audience's report for a period, and log it."""
    from profiles.db import connect
    from profiles.delivery import deliver_period

    con = connect(state.db_path)
    try:
        run = deliver_period(con, state.settings, period, dry_run=dry_run, force=force, list_name=list_name)
    finally:
        con.close()
    out.print(run.summary_text(), highlight=False, markup=False, soft_wrap=True)
    if run.failed:
        console.print(
            f"[bold red]error:[/] {len(run.failed)} message(s) not sent (logged as failed); "
            "re-run `misper send` to retry them",
            highlight=False,
        )
        raise typer.Exit(3)


@command()
def weed(
    as_of: str = typer.Option(..., "--as-of", help="Review date, YYYY-MM-DD (not in the future)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would go; change nothing."),
    csv_path: Path = typer.Option(
        None, "--csv", help="Where to write the incident list [default: out/retention/weed_<date>[_dry_run].csv]."
    ),
) -> None:
    """Apply the retention policy: weed resolved episodes past review (never unresolved ones)."""
    from profiles.db import connect
    from profiles.retention import default_csv_path, parse_as_of, weed_policy, write_plan_csv
    from profiles.retention import weed as run_weed

    settings = state.settings
    policy = weed_policy(settings.retention, parse_as_of(as_of))
    con = connect(state.db_path)
    try:
        result = run_weed(con, policy, dry_run=dry_run)
    finally:
        con.close()
    result.csv_path = write_plan_csv(
        result.plan, csv_path or default_csv_path(settings.output_dir, policy.as_of, dry_run)
    )
    out.print(result.summary_text(), highlight=False, markup=False, soft_wrap=True)
