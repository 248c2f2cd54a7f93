"""`misper schedule`: each deployment, its cron and time zone, its next three runs in London
time and its last run, without a Prefect server (issue 13.4)."""

from __future__ import annotations

from datetime import datetime

import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.periods import LONDON
from profiles.schedules import next_runs
from tests.test_delivery_fixtures import make_bundle


def test_next_runs_keep_six_in_the_morning_in_london_across_the_clock_change():
    runs = next_runs("0 6 2 * *", "Europe/London", after=datetime(2026, 2, 10, tzinfo=LONDON))
    assert [t.strftime("%d %b %H:%M %Z") for t in runs] == ["02 Mar 06:00 GMT", "02 Apr 06:00 BST", "02 May 06:00 BST"]


def test_schedule_lists_each_deployment_with_its_next_runs_and_its_last_run(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config = tmp_path / "misper.yaml"
    config.write_text(yaml.safe_dump({
        "paths": {"db": str(tmp_path / "misper.duckdb"), "output_dir": str(tmp_path / "out")},
        "schedule": {"deployment_name": "test-force", "retention_review_cron": "30 2 1 * *"},
    }), encoding="utf-8")
    manifest = make_bundle(tmp_path / "out", "2026-10", "partner") / "manifest.json"

    result = CliRunner().invoke(app, ["--config", str(config), "schedule", "--after", "2026-03-01"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("no Prefect server (PREFECT_API_URL not set): next runs computed from the configuration")
    at = lines.index("monthly-problem-profile/test-force: cron '0 6 2 * *' (Europe/London)")
    assert lines[at + 1] == "  next: Mon 02 Mar 2026 06:00 GMT; Thu 02 Apr 2026 06:00 BST; Sat 02 May 2026 06:00 BST"
    assert lines[at + 2].startswith("  last: Completed at ")
    assert lines[at + 2].endswith(f"(problem profile 2026-10, {manifest})")
    at = lines.index("ukmpu-annual-return/test-force: cron '0 6 15 4 *' (Europe/London)")
    assert lines[at + 1] == "  next: Wed 15 Apr 2026 06:00 BST; Thu 15 Apr 2027 06:00 BST; Sat 15 Apr 2028 06:00 BST"
    assert lines[at + 2] == "  last: none found locally"
    at = lines.index("retention-review/test-force: cron '30 2 1 * *' (Europe/London)")
    assert lines[at + 1] == "  next: Sun 01 Mar 2026 02:30 GMT; Wed 01 Apr 2026 02:30 BST; Fri 01 May 2026 02:30 BST"
    assert "partner-shares/test-force: no schedule (run by hand)" in lines


def test_a_bad_cron_in_the_configuration_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config = tmp_path / "misper.yaml"
    config.write_text(yaml.safe_dump({"paths": {"output_dir": str(tmp_path / "out")},
                                      "schedule": {"monthly_profile_cron": "0 6 32 * *"}}), encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "--db", str(tmp_path / "m.duckdb"), "schedule"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"error: {config}: schedule.monthly_profile_cron: '0 6 32 * *' is not a cron expression "
        "(Bad day-of-month)")
