"""Deployments: the flows with their Europe/London schedules and parameters, per force.

One set per force configuration, named ``schedule.deployment_name`` (default: made from
``force.name``):

- ``monthly-problem-profile/<name>``: ``schedule.monthly_profile_cron`` (default 06:00 on
  the 2nd), profiling the month before the scheduled date; ingests, geocodes, renders,
  shares and sends (``schedule.monthly_send``; ``schedule.monthly_dry_run`` writes .eml files).
- ``ukmpu-annual-return/<name>``: ``schedule.ukmpu_return_cron`` (default 06:00 on 15
  April), the financial year that ended on 31 March.
- ``partner-shares/<name>``: no schedule (the monthly run writes them); for re-runs.
- ``retention-review/<name>``: a dry run; scheduled only if ``schedule.retention_review_cron``.

Each deployment's parameters carry the absolute path of its configuration (and so its
own database), so one Prefect server or worker can run several forces side by side.
`misper serve` serves them from one process (each run in its own subprocess);
`misper deploy --pool` registers them on a work pool for workers. See docs/scheduling.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from pipelines.flows.prefect_flows import monthly_problem_profile, partner_shares, retention_review, ukmpu_annual_return
from pipelines.steps import PREFECT_ENTRY_MODULE
from profiles.config import DEFAULT_CONFIG_PATH, ConfigError, Settings, load_settings
from profiles.errors import MisperError


class ServerError(MisperError):
    """No Prefect server to register deployments with."""


def deployment_name(settings: Settings) -> str:
    if settings.schedule.deployment_name.strip():
        return settings.schedule.deployment_name.strip()
    return re.sub(r"[^a-z0-9]+", "-", settings.force.name.lower()).strip("-") or "misper"


def config_in_use(path: Path | None) -> Path | None:
    """The configuration file ``load_settings(path)`` reads, absolute (None: defaults only)."""
    if path is not None:
        return Path(path).resolve()
    env = os.environ.get("MISPER_CONFIG")
    if env:
        return Path(env).resolve()
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None


def force_deployments(config_path: Path | None, *, db: Path | None = None) -> list[RunnerDeployment]:
    """The deployments of one force configuration."""
    path = config_in_use(config_path)
    settings = load_settings(path)
    name = deployment_name(settings)
    tz = settings.schedule.timezone
    params: dict[str, object] = {"config": str(path) if path else None}
    if db is not None:
        params["db"] = str(Path(db).resolve())
    common = {"tags": ["misper", name], "entrypoint_type": EntrypointType.MODULE_PATH}
    monthly_params = {**params, "send": settings.schedule.monthly_send, "dry_run": settings.schedule.monthly_dry_run}
    retention_params = {**params, "dry_run": True}
    deployments = [
        monthly_problem_profile.to_deployment(
            name=name,
            schedules=[Cron(settings.schedule.monthly_profile_cron, timezone=tz, parameters=monthly_params)],
            parameters=monthly_params,
            description=f"{settings.force.name}: the problem profile for the month before each run.",
            **common,
        ),
        ukmpu_annual_return.to_deployment(
            name=name,
            schedules=[Cron(settings.schedule.ukmpu_return_cron, timezone=tz, parameters=params)],
            parameters=params,
            description=f"{settings.force.name}: the UKMPU return for the financial year just ended.",
            **common,
        ),
        partner_shares.to_deployment(
            name=name,
            parameters=params,
            description=f"{settings.force.name}: partner shares for a month (run by hand).",
            **common,
        ),
        retention_review.to_deployment(
            name=name,
            schedules=(
                [Cron(settings.schedule.retention_review_cron, timezone=tz, parameters=retention_params)]
                if settings.schedule.retention_review_cron.strip()
                else []
            ),
            parameters=retention_params,
            description=f"{settings.force.name}: retention review (dry run unless dry_run=false).",
            **common,
        ),
    ]
    for d in deployments:  # a worker imports the Prefect flow itself, not the job that builds it
        d.entrypoint = f"{PREFECT_ENTRY_MODULE}.{d.entrypoint.rsplit('.', 1)[1]}"
    return deployments


def build_deployments(config_paths: list[Path | None], *, db: Path | None = None) -> list[RunnerDeployment]:
    """Every force's deployments; names must differ between forces."""
    if db is not None and len(config_paths) > 1:
        raise ConfigError("--db names one database: give each force its own paths.db in its configuration")
    deployments: list[RunnerDeployment] = []
    seen: dict[str, Path | None] = {}
    for path in config_paths:
        batch = force_deployments(path, db=db)
        name = batch[0].name
        if name in seen:
            raise ConfigError(
                f"{path}: deployment name '{name}' is already used by {seen[name]}; "
                "set schedule.deployment_name in one of them"
            )
        seen[name] = path
        deployments += batch
    return deployments


def require_server() -> str:
    """The configured Prefect API URL, reachable; else a clear refusal."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        raise ServerError(
            "no Prefect server configured: start one (`prefect server start`) and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api; ad hoc runs without a server "
            "schedule nothing"
        )
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise ServerError(f"cannot reach the Prefect server at {url}: {problem}")
    return url


def serve_deployments(deployments: list[RunnerDeployment], *, limit: int | None = None) -> None:
    """Register and serve (blocks; each run in its own subprocess)."""
    from prefect import serve

    serve(*deployments, limit=limit, print_starting_message=False)


def deploy_to_pool(deployments: list[RunnerDeployment], *, pool: str, image: str | None = None) -> list:
    """Register on a work pool (module entry points: the worker's Python must have misper)."""
    from prefect import deploy

    try:
        return deploy(
            *deployments, work_pool_name=pool, image=image, build=False, push=False,
            print_next_steps_message=False, ignore_warnings=True,
        )
    except ValueError as exc:  # Prefect's "work pool not found" and the like
        raise ServerError(str(exc)) from None


# ---- what the server knows of a deployment (`misper schedule`) ----------------------------


def server_runs(deployment: RunnerDeployment, *, count: int = 3) -> tuple[list, object | None] | None:
    """The server's next scheduled runs of ``deployment`` (expected start times) and its
    last run that left the scheduled states (a flow run, or None); None if not registered."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.exceptions import ObjectNotFound

    waiting = [StateType.SCHEDULED, StateType.PENDING]
    with get_client(sync_client=True) as client:
        try:
            registered = client.read_deployment_by_name(f"{deployment.flow_name}/{deployment.name}")
        except ObjectNotFound:
            return None
        mine = DeploymentFilter(id=DeploymentFilterId(any_=[registered.id]))
        upcoming = client.read_flow_runs(
            deployment_filter=mine, sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=count,
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
        )
        last = client.read_flow_runs(
            deployment_filter=mine, sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=1,
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(not_any_=waiting))),
        )
    return [r.expected_start_time for r in upcoming], (last[0] if last else None)
