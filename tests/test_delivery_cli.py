"""`misper send` and `misper weed` as a user runs them: options, output, exit codes, files."""

from __future__ import annotations

import csv
from email import message_from_bytes, policy

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from tests.factories import add_episodes
from tests.test_delivery_fixtures import (
    PARTNER_LIST,
    POLICE_LIST,
    SmtpServer,
    free_port,
    make_bundle,
    sha256,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_smtp_credentials(monkeypatch):
    monkeypatch.delenv("MISPER_SMTP_USER", raising=False)
    monkeypatch.delenv("MISPER_SMTP_PASSWORD", raising=False)


def write_config(tmp_path, port: int, **smtp) -> str:
    config = {
        "paths": {"output_dir": str(tmp_path / "out")},
        "delivery": {
            "outbox_dir": str(tmp_path / "outbox"),
            "smtp": {"host": "127.0.0.1", "port": port, "starttls": False, "retries": 1,
                     "retry_delay_seconds": 0, "timeout_seconds": 5, **smtp},
            "lists": [POLICE_LIST, PARTNER_LIST],
        },
        "retention": {"resolved_review_years": 6, "keep_locations_years": 10},
    }
    path = tmp_path / "misper.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return str(path)


def misper(tmp_path, config, *args):
    return runner.invoke(app, ["--db", str(tmp_path / "misper.duckdb"), "--config", config, *args])


def test_send_delivers_to_the_loopback_server_and_a_rerun_sends_nothing(tmp_path):
    make_bundle(tmp_path / "out", "2024-03", "police", pdf=b"%PDF police")
    make_bundle(tmp_path / "out", "2024-03", "partner", pdf=b"%PDF partner")
    with SmtpServer() as server:
        config = write_config(tmp_path, server.port)

        first = misper(tmp_path, config, "send", "--period", "2024-03")
        second = misper(tmp_path, config, "send", "--period", "2024-03")

    assert first.exit_code == 0, first.output
    assert "Delivery for 2024-03: 2 sent, 0 dry run, 0 skipped, 0 failed" in first.output
    assert second.exit_code == 0, second.output
    assert "0 sent, 0 dry run, 2 skipped, 0 failed" in second.output
    assert len(server.received) == 2
    assert {sha256(r.attachment("problem_profile.pdf")) for r in server.received} == {
        sha256(b"%PDF police"), sha256(b"%PDF partner")
    }
    with duckdb.connect(str(tmp_path / "misper.duckdb"), read_only=True) as con:
        assert con.execute("select result, count(*) from delivery_log group by all").fetchall() == [("sent", 2)]


def test_send_dry_run_writes_eml_files(tmp_path):
    make_bundle(tmp_path / "out", "2024-03", "partner", pdf=b"%PDF partner")
    config = write_config(tmp_path, free_port())

    result = misper(tmp_path, config, "send", "--period", "2024-03", "--dry-run",
                    "--list", PARTNER_LIST["name"])

    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    assert str(eml) in result.output
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"].startswith("OFFICIAL: ") and "2024-03" in msg["Subject"]


def test_send_failure_is_reported_and_exits_non_zero(tmp_path):
    make_bundle(tmp_path / "out", "2024-03", "partner")
    config = write_config(tmp_path, free_port())  # nothing listening

    result = misper(tmp_path, config, "send", "--period", "2024-03", "--list", PARTNER_LIST["name"])

    assert result.exit_code == 3
    assert "FAILED" in result.output and "ConnectionRefusedError" in result.output
    assert "1 message(s) not sent (logged as failed)" in result.output
    assert "Traceback" not in result.output


def test_send_without_a_rendered_report_is_one_clear_line(tmp_path):
    config = write_config(tmp_path, free_port())

    result = misper(tmp_path, config, "send", "--period", "2024-03")

    assert result.exit_code == 2
    assert "error:" in result.output and "profile/2024-03/police: no report folder" in result.output
    assert "Traceback" not in result.output


def test_weed_dry_run_then_weed(tmp_path):
    config = write_config(tmp_path, free_port())
    con = duckdb.connect(str(tmp_path / "misper.duckdb"))
    from profiles.db import apply_schema

    apply_schema(con)
    con.execute("SET TimeZone = 'Europe/London'")
    add_episodes(
        con,
        [
            dict(incident_id="OLD", person="P1", reported_at="2010-01-01 10:00", found_at="2010-01-02 10:00"),
            dict(incident_id="OPEN", person="P2", reported_at="2009-01-01 10:00", found_at=None),
            dict(incident_id="NEW", person="P3", reported_at="2023-01-01 10:00", found_at="2023-01-01 18:00"),
        ],
    )
    con.close()

    dry = misper(tmp_path, config, "weed", "--as-of", "2024-01-01", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "dry run, nothing changed" in dry.output
    assert "would remove: 1 episode(s)" in dry.output
    dry_csv = tmp_path / "out" / "retention" / "weed_2024-01-01_dry_run.csv"
    with dry_csv.open(newline="") as fh:
        assert [r["incident_id"] for r in csv.DictReader(fh)] == ["OLD"]

    real = misper(tmp_path, config, "weed", "--as-of", "2024-01-01")
    assert real.exit_code == 0, real.output
    assert "removed: 1 episode(s)" in real.output
    with duckdb.connect(str(tmp_path / "misper.duckdb"), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("select incident_id from episodes").fetchall()) == ["NEW", "OPEN"]
        assert con.execute("select count(*) from weed_log").fetchone() == (1,)


def test_weed_rejects_a_bad_date(tmp_path):
    config = write_config(tmp_path, free_port())

    result = misper(tmp_path, config, "weed", "--as-of", "01/01/2024")

    assert result.exit_code == 2
    assert "--as-of: expected a date YYYY-MM-DD, got '01/01/2024'" in result.output
