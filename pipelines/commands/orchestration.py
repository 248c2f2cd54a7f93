"""`misper demo`, `misper serve`, `misper deploy`, `misper runs`, and how every command runs its flow.

Commands that do a flow's job (`ingest`, `profile`, `ukmpu`, `share`, `send`, `weed`)
call :func:`run_flow` with the flow itself, so an ad hoc run and a scheduled run are one
code path. Without a Prefect server configured the flow runs directly in the command's
process (pipelines/steps.py: no server to start, nothing left behind) and is recorded in
misper's run log; with ``PREFECT_API_URL`` it runs under Prefect. Prefect is imported only
then, after its environment is set (no analytics, log lines at WARNING unless
``--verbose``), and its console output never carries a traceback for an error the CLI
reports itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from pipelines.cli_app import command, out, state
from pipelines.steps import Job, prefect_in_charge


def prefect_environment() -> None:
    """Prefect's environment for this invocation, set before Prefect is imported, and its
    console quietened after (only when Prefect is in charge: a server is configured)."""
    from pipelines.flows.environment import prefect_defaults, quiet_console

    prefect_defaults(verbose=state.verbose)
    import prefect  # noqa: F401 - sets up its logging, which quiet_console then adjusts

    quiet_console(verbose=state.verbose)


def run_flow(flow: Job, **parameters: Any) -> Any:
    """Run ``flow`` (a job of pipelines.flows.runs) with the global ``--config``/``--db``.

    Without a Prefect server configured (``PREFECT_API_URL``) it runs directly, recorded in
    the run log beside the database; with one, under Prefect.
    """
    from profiles.db import check_database  # with the flows: not on every command's start-up

    # a damaged or busy database is said in one line before the flow starts
    check_database(state.db_path, lock_wait_s=state.settings.db.lock_wait_s)
    if prefect_in_charge():
        prefect_environment()
    parameters.setdefault("config", str(state.config_path) if state.config_path else None)
    parameters.setdefault("db", str(state.db_path))
    return flow(**parameters)


# ---- misper demo -------------------------------------------------------------------------


@command()
def demo() -> None:
    """The monthly job on the bundled SYNTHETIC sample, then print where everything is.

    Reference import (if the database has none), ingest, geocode, the problem profile for
    all three audiences, the partner shares, a dry-run send (.eml files in the outbox) and
    the UKMPU return, in one process. Running it again changes no data.
    """
    from pipelines.flows import runs
    run = run_flow(runs.demo)
    out.print(demo_text(run, state.db_path), highlight=False, markup=False, soft_wrap=True)


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def demo_text(run, db_path: Path) -> str:  # noqa: ANN001 - pipelines.flows.DemoRun
    """Where the demo's outputs are, as a few lines."""
    from pipelines.flows import runs
    m = run.monthly
    lines = [f"misper demo on the SYNTHETIC sample: database {_rel(db_path)}"]
    for load in m.loads:
        lines.append(
            f"  ingested {load.record_type}s ({load.mapping}): {load.rows_read:,} rows read = "
            f"{load.total('loaded'):,} loaded + {load.total('updated'):,} updated + "
            f"{load.total('unchanged'):,} unchanged + {load.total('quarantined'):,} quarantined + "
            f"{load.total('duplicates'):,} duplicates"
        )
    if not m.loads:
        lines.append("  extracts: nothing new to load (every configured file was loaded before)")
    if m.reference_note:
        lines.append(f"  {m.reference_note}")
    if m.geocoding is not None:
        lines.append(f"  {m.geocoding.summary_text()}")
    for path in m.review_lists:
        lines.append(f"  for an analyst (police): {_rel(path)}")
    if m.figures is not None:
        lines.append(f"  {m.period}: {m.figures.incidents:,} reports of {m.figures.individuals:,} people")
    lines.append(f"Problem profile {m.period} (produced {m.run_date.isoformat()}):")
    for audience, paths in m.profile.items():
        html = next((p for p in paths if p.name == "problem_profile.html"), paths[0])
        lines.append(f"  {audience:<8} {_rel(html)}  ({len(paths)} files in {_rel(html.parent)})")
    if m.shares:
        index = next((p for p in m.shares if p.name == "index.html"), m.shares[0])
        lines.append(f"Partner shares {m.period}: {_rel(index)}  ({len(m.shares)} files)")
    if run.ukmpu:
        from profiles.periods import FinancialYear

        html = next((p for p in run.ukmpu if p.suffix == ".html"), run.ukmpu[0])
        year = FinancialYear.of(run.settings.demo.ukmpu_year).label
        lines.append(f"UKMPU return {year}: {_rel(html)}  (and .csv, .xlsx)")
    if m.delivery is not None:
        emls = [o.eml_path for o in m.delivery.outcomes if o.eml_path]
        if emls:
            lines.append(f"Emails (dry run, nothing sent): {len(emls)} .eml file(s) in {_rel(Path(emls[0]).parent)}")
        else:
            lines.append("Emails: no distribution lists configured (delivery.lists)")
    lines.append("Run summaries (figures, files with SHA-256, deliveries): `misper runs`")
    return "\n".join(lines)


# ---- misper serve / misper deploy --------------------------------------------------------

FORCE_CONFIGS = typer.Option(
    None,
    "--force-config",
    help="One set of deployments per force configuration (repeat for a hub) [default: --config].",
)


def _config_paths(force_configs: list[Path] | None) -> list[Path | None]:
    if force_configs:
        return [Path(p).resolve() for p in force_configs]
    return [Path(state.config_path).resolve() if state.config_path else None]


@command()
def serve(
    force_configs: list[Path] = FORCE_CONFIGS,
    limit: int = typer.Option(None, "--limit", help="Most flow runs at once [default: no limit]."),
) -> None:
    """Register the scheduled deployments with the Prefect server and run them as they fall due.

    Needs a real server (`prefect server start`, then PREFECT_API_URL); blocks until
    stopped (Ctrl-C pauses the schedules).
    """
    prefect_environment()
    from pipelines.deployments import build_deployments, require_server, serve_deployments

    url = require_server()
    deployments = build_deployments(_config_paths(force_configs), db=state.db_override)
    for d in deployments:
        out.print(f"deployment {d.flow_name}/{d.name}: {_schedule_text(d)}", highlight=False, markup=False)
    out.print(f"serving {len(deployments)} deployment(s) from {url} (Ctrl-C to stop)", highlight=False)
    serve_deployments(deployments, limit=limit)


@command()
def deploy(
    pool: str = typer.Option(..., "--pool", help="Work pool the deployments run on (`prefect work-pool create`)."),
    image: str = typer.Option(None, "--image", help="Image with misper installed (Docker or Kubernetes pools)."),
    force_configs: list[Path] = FORCE_CONFIGS,
) -> None:
    """Register the deployments on a work pool; a worker (`prefect worker start --pool NAME`) runs them."""
    from pipelines.flows import runs
    prefect_environment()
    from pipelines.deployments import build_deployments, deploy_to_pool, require_server

    require_server()
    deployments = build_deployments(_config_paths(force_configs), db=state.db_override)
    ids = deploy_to_pool(deployments, pool=pool, image=image)
    for d in deployments:
        out.print(f"deployment {d.flow_name}/{d.name} on pool {pool}: {_schedule_text(d)}", highlight=False,
                  markup=False)
    out.print(f"{len(ids)} deployment(s) registered; start a worker: prefect worker start --pool {pool}",
              highlight=False, markup=False)


def _schedule_text(deployment) -> str:  # noqa: ANN001 - RunnerDeployment
    if not deployment.schedules:
        return "no schedule (run by hand)"
    parts = []
    for s in deployment.schedules:
        sched = s.schedule
        parts.append(f"cron '{sched.cron}' ({sched.timezone})")
    return ", ".join(parts)


# ---- misper runs -------------------------------------------------------------------------


@command(name="runs")
def runs_command(
    last: int = typer.Option(20, "--last", min=1, help="How many of the latest runs to list."),
    show: str = typer.Option(None, "--show", help="Print this run's Markdown summary (its id, or the start of it)."),
) -> None:
    """The run log: every flow run on this database, ad hoc or scheduled, with its summary."""
    from pipelines.flows import runs
    from profiles import runlog

    if show:
        entry = runlog.find_run(state.db_path, show)
        text = entry.summary_text()
        out.print(text or f"run {entry.id}: {entry.state}, no summary published", highlight=False, markup=False)
        return
    entries = runlog.read_runs(state.db_path, last=last)
    if not entries:
        out.print(f"no runs recorded in {runlog.folder_for(state.db_path)}", highlight=False)
        return
    for e in entries:
        took = f"{e.seconds:7.1f} s" if e.seconds is not None else "      -  "
        nested = "  " if e.parent_id else ""
        line = f"{e.started_at[:19]}Z  {e.id[:8]}  {e.state:<9} {took}  {e.mode:<7} {nested}{e.flow}"
        if e.error:
            line += f"  ({e.error})"
        out.print(line, highlight=False, markup=False, soft_wrap=True)


__all__ = ["demo_text", "prefect_environment", "run_flow"]
