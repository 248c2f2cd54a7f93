"""The people commands write the files an analyst asks for, and speak plainly when they cannot."""

import csv

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.db import connect
from tests.factories import add_episodes, add_locations

runner = CliRunner()


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "misper.duckdb"
    con = connect(path)
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-04-02 00:00", found_at="2024-04-02 03:00",
                 risk="low", flag_cce=True, age=15, responsible_la="Bolton"),
            dict(incident_id="A2", person="P1", reported_at="2024-05-10 12:00", found_at="2024-05-10 18:00",
                 risk="medium", risk_highest="high", looked_after=True, age=15, flag_cse=True),
            dict(incident_id="A3", person="P1", reported_at="2024-06-30 23:59", risk="low", age=15),
            dict(incident_id="B1", person="P2", reported_at="2024-06-01 09:00", risk="high", age=40),
            dict(incident_id="B2", person="P2", reported_at="2024-06-02 09:00", age=40),
        ],
    )
    add_locations(con, [
        dict(incident_id="A2", role="missing_from", easting=380000.0, northing=400000.0, lad_code="E08000001"),
        dict(incident_id="A2", role="found", easting=380000.0, northing=402000.0, lad_code="E08000006"),
    ])
    con.close()
    return path


def _invoke(db_file, *args):
    return runner.invoke(app, ["--db", str(db_file), *args])


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_repeats_writes_exactly_the_contract(db_file, tmp_path):
    out = tmp_path / "repeats.csv"
    result = _invoke(db_file, "repeats", "--as-of", "2024-06-30", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == [
        "person_id,reports_in_window,first_report_at,last_report_at,looked_after,highest_risk,flags",
        "REF-P1,3,2024-04-02T00:00:00+01:00,2024-06-30T23:59:00+01:00,true,high,cse;cce",
    ]
    assert "1 repeat missing person(s)" in result.output


def test_repeats_with_nobody_writes_the_header_only(db_file, tmp_path):
    out = tmp_path / "none.csv"
    assert _invoke(db_file, "repeats", "--as-of", "2023-01-01", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "person_id,reports_in_window,first_report_at,last_report_at,looked_after,highest_risk,flags"
    ]


def test_bad_options_and_missing_database_are_one_line_errors(db_file, tmp_path):
    result = _invoke(db_file, "repeats", "--as-of", "30/06/2024", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "--as-of: expected YYYY-MM-DD, got '30/06/2024'" in result.output
    assert "Traceback" not in result.output
    result = _invoke(db_file, "referrals", "--period", "2024-13", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "--period: expected YYYY-MM" in result.output
    result = runner.invoke(app, ["--db", str(tmp_path / "absent.duckdb"), "repeats", "--as-of", "2024-06-30",
                                 "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "Database not found" in result.output


def test_analyst_commands_write_their_files(db_file, tmp_path):
    june = ["--period", "2024-06"]
    assert _invoke(db_file, "referrals", *june, "--out", str(tmp_path / "ref.csv")).exit_code == 0
    assert [(r["person_id"], r["reason_codes"]) for r in _rows(tmp_path / "ref.csv")] == [
        ("REF-P2", "first_report_high"),
        ("REF-P1", "repeat_threshold"),
    ]

    result = _invoke(db_file, "trigger-plans", *june, "--out", str(tmp_path / "plans"))
    assert result.exit_code == 0, result.output
    plans = _rows(tmp_path / "plans" / "trigger_plans.csv")
    # P1 already qualified in May (a report within a year of April's): June's report means review
    assert [(r["person_id"], r["plan_status"]) for r in plans] == [("REF-P2", "new"), ("REF-P1", "review")]
    places = _rows(tmp_path / "plans" / "where_to_look_first.csv")
    assert [(r["person_id"], r["rank"], r["distance_m"], r["direction"]) for r in places] == [
        ("REF-P1", "1", "2000.0", "N"),
    ]
    assert (tmp_path / "plans" / "time_pattern.csv").exists()

    assert _invoke(db_file, "rfg", "--as-of", "2024-06-30", "--out", str(tmp_path / "rfg.csv")).exit_code == 0
    assert {r["person_id"] for r in _rows(tmp_path / "rfg.csv")} == {"REF-P1", "REF-P2"}

    assert _invoke(db_file, "cross-border", "--period", "2024-05", "--out", str(tmp_path / "cb")).exit_code == 0
    assert [r["person_id"] for r in _rows(tmp_path / "cb" / "cross_border_persons.csv")] == ["REF-P1"]

    assert _invoke(db_file, "return-interviews", "--period", "2024-04", "--out", str(tmp_path / "rhi.csv")).exit_code == 0
    assert [(r["responsible_la"], r["returns"], r["offered"]) for r in _rows(tmp_path / "rhi.csv")] == [
        ("Bolton", "1", "0"), ("all", "1", "0"),
    ]

    result = _invoke(db_file, "oversight", *june, "--as-of", "2024-06-30T12:00", "--out", str(tmp_path / "ov"))
    assert result.exit_code == 0, result.output
    open_rows = _rows(tmp_path / "ov" / "open_episodes.csv")
    assert [(r["person_id"], r["hours_since_report"]) for r in open_rows] == [("REF-P2", "699.0"), ("REF-P2", "675.0")]
    assert [r["incident_id"] for r in _rows(tmp_path / "ov" / "ukmpu_notifications.csv")] == ["B1", "B2"]
    assert _rows(tmp_path / "ov" / "intelligence_due.csv") == []

    assert _invoke(db_file, "absences", *june, "--out", str(tmp_path / "abs")).exit_code == 0
    assert (tmp_path / "abs" / "absences_by_home.csv").read_text().startswith("site_ref,site_id,site_name")


def test_csv_cells_are_written_plainly():
    import numpy as np
    import pandas as pd

    from profiles.files import csv_cells as to_csv_frame

    frame = pd.DataFrame(
        {
            "flag": pd.array([True, None], dtype="boolean"),
            "np_flag": np.array([False, True]),
            "at": pd.to_datetime(["2024-07-01 09:00", None]).tz_localize("Europe/London"),
            "codes": [["cse", "cce"], []],
            "n": [3, 4],
        }
    )
    assert to_csv_frame(frame).values.tolist() == [
        ["true", "false", "2024-07-01T09:00:00+01:00", "cse;cce", 3],
        ["", "true", "", "", 4],
    ]
