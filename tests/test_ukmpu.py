"""The UKMPU annual return, checked against rows counted by hand.

Financial year 2024/25 (1 April 2024 to 31 March 2025, London time). Nine people,
twelve reports, two of them outside the year.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from profiles.config import Settings
from profiles.errors import CheckFailed
from profiles.periods import FinancialYear
from profiles.reports.ukmpu import RETURN_COLUMNS, check_return, ukmpu_return, write_return
from tests.factories import add_episodes

FY = FinancialYear.of(2024)

EPISODES = [
    # A: a 15/16-year-old girl from a children's home, three reports
    dict(incident_id="E1", person="A", age=15, gender="female", ethnicity="IC3", risk="high",
         reported_at="2024-04-01 00:30", found_at="2024-04-01 08:30",  # exactly 8 h: 0-8h
         found_by="police", outcome="safe", flag_cse=True, flag_cce=True,
         missing_from_type="childrens_home", calls=2),
    dict(incident_id="E2", person="A", age=15, gender="female", ethnicity="IC3", risk="medium",
         reported_at="2024-05-10 10:00", found_at="2024-05-10 18:01",  # 8 h 1 min: 8-24h
         found_by="own_accord", outcome="harmed", flag_cse=True, missing_from_type="childrens_home", calls=1),
    dict(incident_id="E3", person="A", age=16, gender="female", ethnicity="IC3", risk="medium",
         reported_at="2024-06-01 12:00", found_at="2024-06-03 12:00",  # exactly 48 h: 24-48h
         found_by="carer", outcome=None, missing_from_type="childrens_home", calls=None),
    # B: a boy in foster care still missing, then reported again as an adult
    dict(incident_id="E4", person="B", age=17, gender="male", ethnicity="IC1", risk="low",
         reported_at="2024-07-01 09:00", found_at=None, flag_trafficking=True,
         missing_from_type="foster_care", calls=3),
    dict(incident_id="E10", person="B", age=18, gender="male", ethnicity="IC1", risk="medium",
         reported_at="2024-11-01 10:00", found_at="2025-12-01 10:00",  # 395 days: over_1y, open at year end
         found_by="police", outcome="safe", missing_from_type="home", calls=2),
    # C: 18 exactly is an adult
    dict(incident_id="E5", person="C", age=18, gender="male", ethnicity="IC2", risk="no_apparent_risk",
         reported_at="2024-08-01 09:00", found_at="2024-08-08 09:00",  # exactly 7 days: 2-7d
         found_by=None, outcome="safe", flag_mental_health=True, flag_suicidal=True,
         missing_from_type="home", calls=1),
    # D: age and ethnicity unknown, reported in the last half-hour of the year, found after it
    dict(incident_id="E6", person="D", age=None, gender="unknown", ethnicity=None, risk="high",
         reported_at="2025-03-31 23:30", found_at="2025-04-01 02:00",
         found_by="family", outcome="safe", missing_from_type="hospital", calls=1),
    # E: an 85-year-old with dementia from an adult care home, found dead after 62 days
    dict(incident_id="E7", person="E", age=85, gender="other", ethnicity="IC6", risk="medium",
         reported_at="2024-12-01 10:00", found_at="2025-02-01 10:00",
         found_by="police", outcome="found_dead", flag_dementia=True,
         missing_from_type="adult_care_home", calls=4),
    # G: an 11-year-old girl, twice
    dict(incident_id="E11", person="G", age=11, gender="female", ethnicity="IC4", risk="low",
         reported_at="2024-09-01 10:00", found_at="2024-09-20 10:00",  # 19 days: 7-28d
         found_by="friend", outcome="crime_victim", flag_learning_disability=True,
         missing_from_type="mental_health_unit", calls=1),
    dict(incident_id="E12", person="G", age=11, gender="female", ethnicity="IC4", risk="low",
         reported_at="2024-10-01 10:00", found_at="2024-10-01 11:00",
         found_by="police", outcome="safe", missing_from_type="home", calls=1),
    # outside the year: the minute before it starts and the instant it ends
    dict(incident_id="X1", person="F", age=30, reported_at="2024-03-31 23:59", found_at="2024-04-01 01:00"),
    dict(incident_id="X2", person="F", age=30, reported_at="2025-04-01 00:00", found_at="2025-04-01 01:00"),
]

EXPECTED = """\
table,child_adult,gender,category,calls,incidents,individuals
T01,child,all,all,8,6,3
T01,adult,all,all,7,3,3
T01,unknown,all,all,1,1,1
T02,child,male,all,3,1,1
T02,child,female,all,5,5,2
T02,adult,male,all,3,2,2
T02,adult,other,all,4,1,1
T02,unknown,unknown,all,1,1,1
T03,all,male,15-17,3,1,1
T03,all,male,18-21,3,2,2
T03,all,female,0-11,2,2,1
T03,all,female,15-17,3,3,1
T03,all,other,80+,4,1,1
T03,all,unknown,unknown,1,1,1
T04,child,all,white,3,1,1
T04,child,all,black,3,3,1
T04,child,all,asian,2,2,1
T04,adult,all,white,3,2,2
T04,adult,all,middle_eastern,4,1,1
T04,unknown,all,other_unknown,1,1,1
T05,child,male,low,3,1,1
T05,child,female,high,2,1,1
T05,child,female,medium,1,2,1
T05,child,female,low,2,2,1
T05,adult,male,medium,2,1,1
T05,adult,male,no_apparent_risk,1,1,1
T05,adult,other,medium,4,1,1
T05,unknown,unknown,high,1,1,1
T06,child,male,trafficking,3,1,1
T06,child,female,cse,3,2,1
T06,child,female,cce,2,1,1
T06,child,female,learning_disability,1,1,1
T06,adult,male,mental_health,1,1,1
T06,adult,male,suicidal,1,1,1
T06,adult,other,dementia,4,1,1
T07,child,all,safe,3,2,2
T07,child,all,harmed,1,1,1
T07,child,all,crime_victim,1,1,1
T07,child,all,not_recorded,0,1,1
T07,child,all,still_missing,3,1,1
T07,adult,all,safe,3,2,2
T07,adult,all,found_dead,4,1,1
T07,unknown,all,safe,1,1,1
T08,child,all,0-8h,3,2,2
T08,child,all,8-24h,1,1,1
T08,child,all,24-48h,0,1,1
T08,child,all,7-28d,1,1,1
T08,child,all,still_missing,3,1,1
T08,adult,all,2-7d,1,1,1
T08,adult,all,28d-1y,4,1,1
T08,adult,all,over_1y,2,1,1
T08,unknown,all,0-8h,1,1,1
T09,child,all,own_accord,1,1,1
T09,child,all,police,3,2,2
T09,child,all,friend,1,1,1
T09,child,all,carer,0,1,1
T09,child,all,still_missing,3,1,1
T09,adult,all,police,6,2,2
T09,adult,all,not_recorded,1,1,1
T09,unknown,all,family,1,1,1
T10,child,all,childrens_home,3,3,1
T10,child,all,foster_care,3,1,1
T10,child,all,mental_health_unit,1,1,1
T10,adult,all,adult_care_home,4,1,1
T10,unknown,all,hospital,1,1,1
T11,child,all,1,3,1,1
T11,child,all,2,2,2,1
T11,child,all,3-5,3,3,1
T11,adult,all,1,7,3,3
T11,unknown,all,1,1,1,1
T12,child,all,all,3,1,1
T12,adult,all,all,2,1,1
T12,unknown,all,all,1,1,1
"""


@pytest.fixture
def loaded(con):
    add_episodes(con, EPISODES)
    return con


def test_return_matches_the_hand_counted_rows_for_every_table(loaded):
    frame = ukmpu_return(loaded, FY)
    assert list(frame.columns) == RETURN_COLUMNS
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    assert buf.getvalue().splitlines() == EXPECTED.splitlines()


def test_repeat_bands_have_their_edges(con):
    # a child with 21 reports, an adult with 20, an adult with 6, one with 5
    rows = []
    for person, n, age in (("K", 21, 14), ("L", 20, 30), ("M", 6, 40), ("N", 5, 50)):
        rows += [dict(incident_id=f"{person}{i}", person=person, age=age, calls=None,
                      reported_at=f"2024-05-{1 + i % 28:02d} {i % 24:02d}:00") for i in range(n)]
    add_episodes(con, rows)
    t11 = ukmpu_return(con, FY).query("table == 'T11'")
    assert t11[["child_adult", "category", "incidents", "individuals", "calls"]].values.tolist() == [
        ["child", "21+", 21, 1, 0],
        ["adult", "3-5", 5, 1, 0],
        ["adult", "6-10", 6, 1, 0],
        ["adult", "11-20", 20, 1, 0],
    ]


def test_duration_is_elapsed_time_across_the_clock_change(con):
    # 21:30 BST to 05:00 GMT on 27 October 2024 is 8 h 30 min elapsed (7 h 30 min on the wall clock)
    add_episodes(con, [dict(incident_id="Z", person="Z", age=20, reported_at="2024-10-26 21:30",
                            found_at="2024-10-27 05:00", outcome="safe", found_by="police")])
    t08 = ukmpu_return(con, FY).query("table == 'T08'")
    assert t08["category"].tolist() == ["8-24h"]


def test_an_empty_year_gives_an_empty_but_valid_return(con):
    frame = ukmpu_return(con, FY)
    assert frame.empty and list(frame.columns) == RETURN_COLUMNS
    check_return(frame)


def test_the_checks_pass_on_a_correct_return_and_stop_a_wrong_one(loaded):
    frame = ukmpu_return(loaded, FY)
    check_return(frame)
    # a breakdown that no longer sums to T01
    broken = frame.copy()
    broken.loc[(broken["table"] == "T04") & (broken["category"] == "black"), "incidents"] = 2
    with pytest.raises(CheckFailed, match="T04 incidents for child sum to 5, T01 has 6"):
        check_return(broken)
    # more individuals than incidents
    broken = frame.copy()
    broken.loc[(broken["table"] == "T10") & (broken["category"] == "hospital"), "individuals"] = 2
    with pytest.raises(CheckFailed, match="T10 unknown/all/hospital: 2 individuals, 1 incidents"):
        check_return(broken)
    # a category the specification does not have
    broken = frame.copy()
    broken.loc[(broken["table"] == "T07") & (broken["category"] == "harmed"), "category"] = "hurt"
    with pytest.raises(CheckFailed, match="T07 has categories outside the specification: hurt"):
        check_return(broken)


def test_a_failed_check_writes_nothing(loaded, tmp_path, monkeypatch):
    import profiles.reports.ukmpu as ukmpu

    real = ukmpu.ukmpu_return

    def wrong(con, year):
        frame = real(con, year)
        frame.loc[0, "incidents"] += 1  # T01 child no longer matches its breakdowns
        return frame

    monkeypatch.setattr(ukmpu, "ukmpu_return", wrong)
    with pytest.raises(CheckFailed):
        write_return(loaded, FY, tmp_path / "out", Settings(), date(2025, 4, 15))
    assert not (tmp_path / "out").exists()


def test_written_files_agree(loaded, tmp_path):
    paths = write_return(loaded, FY, tmp_path, Settings(), date(2025, 4, 15))
    assert sorted(p.name for p in paths) == [
        "manifest.json", "ukmpu_return.csv", "ukmpu_return.html", "ukmpu_return.xlsx"]
    assert (tmp_path / "ukmpu_return.csv").read_text() == EXPECTED
    wb = load_workbook(tmp_path / "ukmpu_return.xlsx")
    assert wb.sheetnames == ["Definitions"] + [f"T{i:02d}" for i in range(1, 13)]
    t07 = pd.DataFrame(list(wb["T07"].values)[1:], columns=list(wb["T07"].values)[0])
    assert list(t07.columns) == RETURN_COLUMNS
    expected = pd.read_csv(io.StringIO(EXPECTED), dtype={"category": str}).query("table == 'T07'")
    assert t07.values.tolist() == expected.values.tolist()
    definitions = " ".join(str(c) for row in wb["Definitions"].values for c in row if c)
    assert "2024/25" in definitions and "SYNTHETIC" in definitions and "T12" in definitions
    html = (tmp_path / "ukmpu_return.html").read_text()
    assert "T11 Repeat" in html and "OFFICIAL-SENSITIVE" in html and "15 April 2025" in html


def test_the_same_return_gives_the_same_bytes(loaded, tmp_path):
    import time

    first = {p.name: p.read_bytes() for p in write_return(loaded, FY, tmp_path / "a", Settings(), date(2025, 4, 15))}
    time.sleep(1.1)  # a later save must not change the workbook's bytes
    second = {p.name: p.read_bytes() for p in write_return(loaded, FY, tmp_path / "b", Settings(), date(2025, 4, 15))}
    assert first == second


def test_cli_writes_the_return_from_a_database_file(tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app
    from profiles.db import connect

    db_path = tmp_path / "m.duckdb"
    con = connect(db_path)
    add_episodes(con, EPISODES)
    con.close()
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db_path), "ukmpu", "--year", "2024", "--out", str(tmp_path / "r"),
                                 "--run-date", "2025-04-15"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "ukmpu_return.csv").read_text() == EXPECTED
    bad = runner.invoke(app, ["--db", str(db_path), "ukmpu", "--year", "24/25", "--out", str(tmp_path / "r")])
    assert bad.exit_code == 2 and "--year: expected YYYY" in bad.output
