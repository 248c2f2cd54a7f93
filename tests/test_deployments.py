"""Deployments: Europe/London schedules and parameters per force, and a real Prefect server.

The last test does what the README's "Scheduling and scale-out" section says, with the
same commands: `prefect server start` on loopback (a free port, its own PREFECT_HOME),
`misper serve`, `prefect deployment run ... --watch`; then a process work pool with
`misper deploy --pool` and `prefect worker start --pool ... --run-once`. It sees each run
complete and write its files, then stops what it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.config import ConfigError
from tests.factories import add_episodes
from tests.test_delivery_fixtures import free_port

BIN = Path(sys.executable).parent


def write_config(folder: Path, name: str, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "force": {"name": f"{name} (SYNTHETIC)"},
        "paths": {"db": str(folder / "misper.duckdb"), "output_dir": str(folder / "out")},
        "schedule": {"deployment_name": name},
        **extra,
    }
    path = folder / "misper.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def schedules(deployment) -> list[tuple[str, str, dict]]:
    return [(s.schedule.cron, s.schedule.timezone, s.parameters) for s in deployment.schedules]


def test_the_monthly_and_ukmpu_deployments_run_on_london_schedules_with_their_parameters(tmp_path):
    from pipelines.deployments import build_deployments

    config = write_config(tmp_path, "north-force")
    by_flow = {d.flow_name: d for d in build_deployments([config])}
    assert sorted(by_flow) == ["monthly-problem-profile", "partner-shares", "retention-review", "ukmpu-annual-return"]
    assert all(d.name == "north-force" for d in by_flow.values())
    params = {"config": str(config.resolve())}
    # 06:00 London time on the 2nd of every month, for the month before (period left to the run)
    assert schedules(by_flow["monthly-problem-profile"]) == [
        ("0 6 2 * *", "Europe/London", {**params, "send": True, "dry_run": False})
    ]
    # 06:00 on 15 April, the financial year just ended
    assert schedules(by_flow["ukmpu-annual-return"]) == [("0 6 15 4 *", "Europe/London", params)]
    assert schedules(by_flow["partner-shares"]) == [] and schedules(by_flow["retention-review"]) == []
    assert by_flow["retention-review"].parameters == {**params, "dry_run": True}
    # a worker imports the flow by module path, wherever it runs
    assert by_flow["monthly-problem-profile"].entrypoint == "pipelines.flows.prefect_flows.monthly_problem_profile"


def test_schedules_come_from_the_configuration(tmp_path):
    from pipelines.deployments import build_deployments

    config = write_config(tmp_path, "east-force", schedule={
        "deployment_name": "east-force", "monthly_profile_cron": "30 5 3 * *",
        "retention_review_cron": "0 7 1 1 *", "monthly_send": False,
    })
    by_flow = {d.flow_name: d for d in build_deployments([config])}
    assert schedules(by_flow["monthly-problem-profile"])[0][:2] == ("30 5 3 * *", "Europe/London")
    assert by_flow["monthly-problem-profile"].parameters["send"] is False
    assert schedules(by_flow["retention-review"]) == [
        ("0 7 1 1 *", "Europe/London", {"config": str(config.resolve()), "dry_run": True})
    ]


def test_a_hub_gets_one_set_per_force_each_with_its_own_configuration_and_names_must_differ(tmp_path):
    from pipelines.deployments import build_deployments

    north = write_config(tmp_path / "north", "north-force")
    east = write_config(tmp_path / "east", "east-force")
    deployments = build_deployments([north, east])
    assert sorted({(d.name, d.parameters["config"]) for d in deployments}) == [
        ("east-force", str(east.resolve())), ("north-force", str(north.resolve()))
    ]
    clash = write_config(tmp_path / "clash", "north-force")
    with pytest.raises(ConfigError, match="deployment name 'north-force' is already used"):
        build_deployments([north, clash])
    with pytest.raises(ConfigError, match="--db names one database"):
        build_deployments([north, east], db=tmp_path / "one.duckdb")


def test_serve_refuses_clearly_without_a_prefect_server(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "no Prefect server configured" in result.output and "prefect server start" in result.output
    assert "Traceback" not in result.output


# ---- against a real server ---------------------------------------------------------------


def _wait_until(check, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what}: the process ended ({proc.returncode})")
        time.sleep(1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen, first: int = signal.SIGINT) -> None:
    if proc.poll() is None:
        proc.send_signal(first)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _run(args: list[str], env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


SCHEDULED = """
import sys
from zoneinfo import ZoneInfo
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterName, FlowFilter, FlowFilterName,
                                            FlowRunFilter, FlowRunFilterState, FlowRunFilterStateName)
with get_client(sync_client=True) as c:
    runs = c.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=["monthly-problem-profile"])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(name=FlowRunFilterStateName(any_=["Scheduled"]))),
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[sys.argv[1]])),
    )
    for r in runs:
        print(r.expected_start_time.astimezone(ZoneInfo("Europe/London")).strftime("%d %H:%M"))
"""


def _scheduled_monthly(env: dict, name: str) -> list[str]:
    """Day and London time of each scheduled run of the deployments called ``name``."""
    out = subprocess.run([sys.executable, "-c", SCHEDULED, name], env=env, capture_output=True, text=True,
                         timeout=60).stdout
    return out.split("\n")[:-1]


def _deployment(env: dict, name: str):
    """The deployment named ``flow/deployment`` on the server in ``env`` (or None)."""
    code = (
        "import sys\nfrom prefect.client.orchestration import get_client\n"
        "with get_client(sync_client=True) as c:\n"
        "    try:\n        d = c.read_deployment_by_name(sys.argv[1])\n"
        "    except Exception:\n        print('none'); raise SystemExit(0)\n"
        "    print(d.id, d.work_pool_name)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, name], env=env, capture_output=True, text=True,
                         timeout=60).stdout.strip()
    return None if out in ("", "none") else out.split()


@pytest.mark.prefect
@pytest.mark.slow
def test_a_real_server_serves_the_deployments_and_a_process_worker_runs_them(tmp_path):
    from profiles.db import connect

    config = write_config(tmp_path / "force", "test-force")
    con = connect(tmp_path / "force" / "misper.duckdb")
    add_episodes(con, [
        dict(incident_id=f"I{i}", person=f"P{i % 6}", reported_at=f"2025-{i % 12 + 1:02d}-05 10:00",
             found_at=f"2025-{i % 12 + 1:02d}-05 20:00", age=8 + i)
        for i in range(30)
    ])
    con.close()

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MISPER_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=api,
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serving = None
    try:
        _wait_until(lambda: _healthy(api), 180, "prefect server start", server)

        # misper serve: registers the deployments and runs what falls due
        serving = subprocess.Popen([str(BIN / "misper"), "--config", str(config), "serve"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _wait_until(lambda: _deployment(env, "ukmpu-annual-return/test-force"), 120, "misper serve", serving)
        # the server's scheduler books the monthly runs: 06:00 London time on the 2nd
        booked = _wait_until(lambda: _scheduled_monthly(env, "test-force"), 120, "scheduled runs", serving)
        assert booked and set(booked) == {"02 06:00"}
        run = _run([str(BIN / "prefect"), "deployment", "run", "ukmpu-annual-return/test-force",
                    "--param", "year=2025", "--param", "run_date=2026-11-02", "--watch"], env)
        assert "Completed" in run.stdout + run.stderr
        assert (tmp_path / "force" / "out" / "ukmpu" / "2025" / "ukmpu_return.csv").exists()
        # a run takes its period from when it was scheduled (here 2 February 2025: January)
        _run([str(BIN / "prefect"), "deployment", "run", "partner-shares/test-force",
              "--start-at", "2025-02-02 06:00", "--watch"], env)
        assert (tmp_path / "force" / "out" / "share" / "2025-01" / "index.html").exists()
        # misper schedule: what the server has, in London time
        shown = _run([str(BIN / "misper"), "--config", str(config), "schedule"], env).stdout.splitlines()
        assert shown[0] == f"Prefect server {api}: runs as the server has them (times in London)"
        at = shown.index("monthly-problem-profile/test-force: cron '0 6 2 * *' (Europe/London)")
        upcoming = shown[at + 1].removeprefix("  next: ").split("; ")
        assert len(upcoming) == 3 and all(" 02 " in t and "06:00" in t for t in upcoming), shown
        at = shown.index("ukmpu-annual-return/test-force: cron '0 6 15 4 *' (Europe/London)")
        assert shown[at + 2].startswith("  last: Completed at "), shown
        assert "partner-shares/test-force: no schedule (run by hand)" in shown
        _stop(serving)

        # the same deployments on a process work pool, run by a worker
        _run([str(BIN / "prefect"), "work-pool", "create", "misper-test", "--type", "process"], env)
        deployed = _run([str(BIN / "misper"), "--config", str(config), "deploy", "--pool", "misper-test"], env)
        assert "4 deployment(s) registered" in deployed.stdout
        assert _deployment(env, "retention-review/test-force")[1] == "misper-test"
        _run([str(BIN / "prefect"), "deployment", "run", "retention-review/test-force",
              "--param", "as_of=2026-11-02"], env)
        worker = _run([str(BIN / "prefect"), "worker", "start", "--pool", "misper-test", "--run-once"], env)
        assert "Finished in state Completed()" in worker.stdout + worker.stderr
        assert (tmp_path / "force" / "out" / "retention" / "weed_2026-11-02_dry_run.csv").exists()
    finally:
        if serving is not None:
            _stop(serving)
        _stop(server, signal.SIGTERM)
