"""The `misper ingest` command: exact JSON keys, clear refusals, no traceback."""

import json

from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()

HEADER = "incident_id,person_id,reported_at,age,gender,risk\n"


def test_ingest_json_prints_exactly_the_reconciliation(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(HEADER + "I1,P1,2024-01-05 10:00,15,male,low\nI1,P1,2024-01-05 10:00,15,male,low\nI2,P2,,15,male,low\n")
    result = runner.invoke(app, ["--db", str(tmp_path / "db.duckdb"), "ingest", str(f), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates", "files"]
    assert [data[k] for k in list(data)[:6]] == [3, 1, 0, 0, 1, 1]
    assert data["files"][0]["file"] == str(f)


def test_a_refused_file_is_one_clear_line_and_exit_2(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("incident_id,person_id,reported_at,age,gender\nI1,P1,2024-01-05 10:00,15,male\n")
    result = runner.invoke(app, ["--db", str(tmp_path / "db.duckdb"), "ingest", str(f)])
    assert result.exit_code == 2
    assert "bad.csv: required column 'risk'" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_mapping_lists_the_known_ones(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(HEADER)
    result = runner.invoke(app, ["--db", str(tmp_path / "db.duckdb"), "ingest", str(f), "--mapping", "nope"])
    assert result.exit_code == 2
    assert "Unknown mapping 'nope'" in result.output and "canonical" in result.output


def test_quarantine_command_writes_rows_with_reasons(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(HEADER + "I1,P1,2024-01-05 10:00,15,dragon,low\n")
    db = str(tmp_path / "db.duckdb")
    runner.invoke(app, ["--db", db, "ingest", str(f)])
    out = tmp_path / "q.csv"
    result = runner.invoke(app, ["--db", db, "quarantine", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "gender: unknown code" in result.output
    text = out.read_text()
    assert "gender: unknown code 'dragon'" in text and ",1,I1," in text
