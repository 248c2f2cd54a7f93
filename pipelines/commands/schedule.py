"""`misper schedule`: each deployment, its cron and time zone, its next three runs in
London time, and its last run with its state."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from pipelines.cli_app import command, date_option, out, state
from pipelines.commands.orchestration import FORCE_CONFIGS, _config_paths, prefect_environment
from profiles.periods import LONDON


def _when(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%a %d %b %Y %H:%M %Z")


@command()
def schedule(
    force_configs: list[Path] = FORCE_CONFIGS,
    after: date = date_option("--after", "Show the runs due after this day, YYYY-MM-DD [default: now].", default=None),
) -> None:
    """Each deployment's cron and time zone, its next three runs (London time) and its last run.

    With a Prefect server (PREFECT_API_URL) the runs are the server's; without one, the
    next runs are computed from the configuration and the last from the local outputs."""
    prefect_environment()  # Prefect's environment, set once
    from prefect.settings import get_current_settings

    from pipelines.deployments import config_in_use, force_deployments, server_runs
    from profiles.config import load_settings
    from profiles.schedules import last_local_runs, next_runs

    forces = [(path, load_settings(config_in_use(path))) for path in _config_paths(force_configs)]
    now = datetime.combine(after, time(0), LONDON) if after else datetime.now(LONDON)
    url = get_current_settings().api.url
    if url:
        out.print(f"Prefect server {url}: runs as the server has them (times in London)", highlight=False)
    else:
        out.print("no Prefect server (PREFECT_API_URL not set): next runs computed from the configuration, "
                  "last runs from the local outputs and logs (times in London)", highlight=False)
    for path, settings in forces:
        local = last_local_runs(settings, state.db_override or settings.db_path)
        for deployment in force_deployments(path, db=state.db_override):
            name = f"{deployment.flow_name}/{deployment.name}"
            crons = [s.schedule for s in deployment.schedules]
            if not crons:
                out.print(f"{name}: no schedule (run by hand)", highlight=False, markup=False)
            for cron in crons:
                out.print(f"{name}: cron '{cron.cron}' ({cron.timezone})", highlight=False, markup=False)
            server = server_runs(deployment) if url else None
            if url and server is None:
                out.print("  not registered on this server (misper serve or misper deploy)", highlight=False)
            upcoming = [t for t in server[0] if t > now] if server else []
            if crons and len(upcoming) < 3:
                upcoming = next_runs(crons[0].cron, crons[0].timezone, after=now)
            if upcoming:
                out.print("  next: " + "; ".join(_when(t) for t in upcoming[:3]), highlight=False, markup=False)
            if server is not None:
                run = server[1]
                text = (f"{run.state.name} at {_when(run.start_time or run.expected_start_time)} (flow run {run.name})"
                        if run else "none yet")
            else:
                last = local.get(deployment.flow_name)
                text = f"{last.state} at {_when(last.when)} ({last.evidence})" if last else "none found locally"
            out.print(f"  last: {text}", highlight=False, markup=False)
