"""The `misper ingest` command: exact JSON keys, clear refusals, no traceback."""

import json
import re

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
    assert list(data) == ["rows_read", "loaded", "updated", "unchanged", "stale", "quarantined", "duplicates", "files"]
    assert [data[k] for k in list(data)[:7]] == [3, 1, 0, 0, 0, 1, 1]
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


def test_a_wrong_header_names_the_files_headers_and_the_closest(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("Incident Ref,person_id,reported_at,age,gender,risk\nI1,P1,2024-01-05 10:00,15,male,low\n")
    m = tmp_path / "m.yaml"
    m.write_text("name: m\ncolumns:\n  incident_id: Incident Reference\n")
    result = runner.invoke(app, ["--db", str(tmp_path / "db.duckdb"), "ingest", str(f), "--mapping", str(m)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "column 'Incident Reference' (mapped to 'incident_id' by mapping 'm') not found" in result.output
    assert "closest: 'Incident Ref'" in result.output and "the file's headers are 'Incident Ref', 'person_id'" in result.output
    assert not (tmp_path / "db.duckdb").exists()  # refused before anything started


def test_check_validates_without_loading_and_shows_codes_and_formats_only(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(HEADER + "I1,Alice Smith,05/01/2024 10:00,15,M,low\n"
                 "I2,Bob Jones,2024-01-06 10:00,15,male,low\nI3,Carol King,2024-01-07 10:00,15,F,low\n")
    db = tmp_path / "db.duckdb"
    result = runner.invoke(app, ["--db", str(db), "ingest", str(f), "--check"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "3 rows, 1 would load (33.3%); nothing was loaded" in out
    assert re.search(r"gender +gender +33.3% \(1 of 3\)", out)
    assert re.search(r"reported_at +reported_at +66.7% \(2 of 3\)", out)
    assert "values: 'F' x1, 'M' x1" in out and "allowed: male, female, other, unknown" in out
    assert "reported_at" in out and "'99/99/9999 99:99' x1" in out  # the shape, not the date
    assert "Alice" not in out and "05/01/2024" not in out  # no person data, no values of dates
    assert not db.exists()


def test_a_load_where_every_row_is_quarantined_exits_non_zero_with_the_top_reasons(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(HEADER + "I1,P1,2024-01-05 10:00,15,M,low\nI2,P2,2024-01-05 10:00,15,F,low\n")
    result = runner.invoke(app, ["--db", str(tmp_path / "db.duckdb"), "ingest", str(f)])
    assert result.exit_code == 2, result.output
    last = [ln for ln in result.output.splitlines() if ln.strip()][-1]
    assert "every one of the 2 rows of load 1 was quarantined; top reasons: gender: unknown code (2)" in last
    assert "gender allows male, female, other, unknown (map other values under codes: in the mapping)" in last
    assert "gender allows male, female, other, unknown" in result.stdout  # in the summary too


def test_an_extract_older_than_the_last_load_says_so_before_loading(tmp_path):
    db = str(tmp_path / "db.duckdb")
    newer = tmp_path / "rms_2024-02-01.csv"
    newer.write_text(HEADER + "I1,P1,2024-01-05 10:00,15,male,high\n")
    older = tmp_path / "rms_2024-01-10.csv"
    older.write_text(HEADER + "I1,P1,2024-01-05 10:00,15,male,low\n")
    assert runner.invoke(app, ["--db", db, "ingest", str(newer)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "ingest", str(older), "--json"])
    assert result.exit_code == 0, result.output
    assert "before the last load's (2024-02-01 00:00)" in result.stderr
    assert json.loads(result.stdout)["stale"] == 1


def test_a_refused_header_answers_before_the_data_stack_loads(tmp_path):
    """Issue 13: a refusal costs under a second, so it must come before DuckDB, Arrow, pandas
    and Prefect are imported (they take seconds). The real command, in a fresh interpreter."""
    import subprocess
    import sys

    f = tmp_path / "bad.csv"
    f.write_text("Incident Ref,person_id\nI1,P1\n")
    probe = (
        "import sys\n"
        "from pipelines.cli import app\n"
        "try:\n"
        f"    app(['--db', {str(tmp_path / 'db.duckdb')!r}, 'ingest', {str(f)!r}], prog_name='misper')\n"
        "except SystemExit as e:\n"
        "    print('exit', e.code)\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'duckdb', 'pyarrow', 'prefect') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "required column 'incident_id'" in result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["exit 2", "[]"], result.stdout + result.stderr
