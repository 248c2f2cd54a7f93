"""Ad hoc commands without a Prefect server: the flow runs in the command's own process.

No Prefect import, no temporary server, nothing left running when the command is killed,
and the run still lands in the run log beside the database (profiles/runlog.py) with the
Markdown summary a Prefect artifact would carry (`misper runs`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from profiles import runlog
from profiles.config import PROJECT_ROOT

BIN = Path(sys.executable).parent
HEADER = "incident_id,person_id,reported_at,found_at,age,gender,risk\n"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), MISPER_DB=str(tmp_path / "misper.duckdb"))
    return env


def _misper(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "misper"), *args], capture_output=True, text=True, env=_env(tmp_path),
                          cwd=tmp_path, timeout=600)


def test_an_ad_hoc_ingest_runs_without_prefect_and_is_in_the_run_log_with_its_summary(tmp_path):
    extract = tmp_path / "x.csv"
    extract.write_text(HEADER + "I1,P1,2026-10-01 10:00,2026-10-01 18:00,15,female,medium\n"
                       "I2,P2,2026-10-02 10:00,,34,male,banana\n")
    probe = (
        "import sys\nfrom typer.testing import CliRunner\nfrom pipelines.cli import app\n"
        f"r = CliRunner().invoke(app, ['ingest', {str(extract)!r}, '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('prefect imported' if 'prefect' in sys.modules else 'no prefect')\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=_env(tmp_path),
                          cwd=PROJECT_ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "no prefect"

    (entry,) = runlog.read_runs(tmp_path / "misper.duckdb")
    assert (entry.flow, entry.mode, entry.state) == ("ingest-extracts", "direct", "completed")
    assert entry.parameters["files"] == [str(extract)] and entry.seconds > 0
    text = entry.summary_text("ingest-extracts")
    assert text.startswith("# Ingest extracts")
    assert "2 read = 1 loaded + 0 updated + 0 unchanged + 1 quarantined + 0 duplicates" in text
    assert "1 row(s) quarantined" in text

    listed = _misper(tmp_path, "runs")
    assert listed.returncode == 0, listed.stderr
    assert entry.id[:8] in listed.stdout and "completed" in listed.stdout and "ingest-extracts" in listed.stdout
    shown = _misper(tmp_path, "runs", "--show", entry.id[:8])
    assert shown.stdout.strip() == text.strip()


def test_a_failed_run_is_logged_as_failed_with_the_message_the_user_saw(tmp_path):
    import yaml

    from pipelines.flows.runs import ingest_extracts
    from profiles.errors import InputError

    config = tmp_path / "misper.yaml"
    config.write_text(yaml.safe_dump({
        "paths": {"db": str(tmp_path / "misper.duckdb")},
        "sources": {"extracts": [{"name": "rms", "files": [str(tmp_path / "gone.csv")]}], "read_retries": 0},
    }))
    with pytest.raises(InputError) as failed:
        ingest_extracts(config=str(config))
    (entry,) = runlog.read_runs(tmp_path / "misper.duckdb")
    assert (entry.flow, entry.mode, entry.state) == ("ingest-extracts", "direct", "failed")
    assert entry.error == str(failed.value) and "file not found" in entry.error
    assert entry.summaries == {}  # it failed before its summary


def _session_members(sid: int) -> list[int]:
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            members.append(int(name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find left-over processes")
def test_kill_9_of_a_command_leaves_no_process_behind_and_the_run_shows_as_killed(tmp_path):
    rows = "".join(f"I{i},P{i % 900},2026-10-01 10:00,,{i % 80},female,medium\n" for i in range(200_000))
    extract = tmp_path / "big.csv"
    extract.write_text(HEADER + rows)
    proc = subprocess.Popen([str(BIN / "misper"), "ingest", str(extract), "--json"], env=_env(tmp_path),
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while not runlog.read_runs(tmp_path / "misper.duckdb"):  # the run has started
        assert proc.poll() is None, "the command ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    time.sleep(0.5)
    assert _session_members(proc.pid) == []  # no server, worker or child outlives the command
    (entry,) = runlog.read_runs(tmp_path / "misper.duckdb")
    assert entry.state == "killed"
    assert json.loads(next((tmp_path / "misper.runs").glob("*.json")).read_text())["state"] == "running"
