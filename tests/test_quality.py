"""Data quality: given these records, loads and geocodes, these gaps are reported."""

from __future__ import annotations

import pytest

from profiles.analysis.quality import (
    completeness,
    geocoding_by_method,
    late_recorded_returns,
    open_episodes,
    quarantine_reasons,
)
from profiles.periods import Month
from tests.factories import add_episodes, add_locations

JUNE = Month.parse("2024-06")


@pytest.fixture
def three(con):
    add_episodes(con, [
        dict(incident_id="A1", person="P1", age=15, ethnicity="IC9", reported_at="2024-06-01 10:00",
             found_at="2024-06-01 20:00", found_by="police", looked_after=True, placing_authority="E08000001",
             return_interview_offered_at="2024-06-02 10:00"),
        dict(incident_id="A2", person="P2", age=30, ethnicity="IC1", reported_at="2024-06-02 10:00",
             found_at="2024-06-02 20:00", outcome="safe", missing_from_postcode="M1 1AA"),
        dict(incident_id="A3", person="P3", age=None, ethnicity=None, reported_at="2024-06-03 10:00"),
        dict(incident_id="OLD", person="P4", reported_at="2024-05-03 10:00"),
    ])
    return con


def test_completeness_per_field(three, settings):
    got = completeness(three, settings, JUNE).set_index("field")
    cols = ["applies_to", "applicable", "recorded", "pct_recorded"]
    assert got.loc["age_at_report", cols].tolist() == ["all episodes", 3, 2, 66.7]
    assert got.loc["ethnicity (not IC9)", cols].tolist() == ["all episodes", 3, 1, 33.3]
    assert got.loc["missing_from location", cols].tolist() == ["all episodes", 3, 1, 33.3]
    assert got.loc["found_by", cols].tolist() == ["found episodes", 2, 1, 50.0]
    assert got.loc["outcome", cols].tolist() == ["found episodes", 2, 1, 50.0]
    assert got.loc["return_interview_offered_at", cols].tolist() == ["children found", 1, 1, 100.0]
    assert got.loc["return_interview_done_at", cols].tolist() == ["children found", 1, 0, 0.0]
    assert got.loc["placing_authority", cols].tolist() == ["looked-after episodes", 1, 1, 100.0]
    assert got.loc["responsible_la", cols].tolist() == ["children", 1, 0, 0.0]


def test_geocoding_by_method(three, settings):
    add_locations(three, [
        dict(incident_id="A1", role="missing_from", method="postcode", easting=1.0, northing=1.0),
        dict(incident_id="A1", role="found", method="site", easting=1.0, northing=1.0, confidence=0.95),
        dict(incident_id="A2", role="missing_from", method="unmatched", confidence=0.0, precision_m=None),
    ])
    got = geocoding_by_method(three, settings, JUNE)
    assert got[["role", "method", "locations"]].values.tolist() == [
        ["missing_from", "not_geocoded", 1], ["missing_from", "postcode", 1], ["missing_from", "unmatched", 1],
        ["found", "not_geocoded", 1], ["found", "site", 1],
    ]
    assert got["share"].tolist() == [0.3333, 0.3333, 0.3333, 0.5, 0.5]


def test_open_episodes_by_risk_and_time_open(con, settings):
    add_episodes(con, [
        dict(incident_id="O1", person="A", risk="high", reported_at="2024-06-29 10:00"),
        dict(incident_id="O2", person="B", risk="medium", reported_at="2024-06-10 10:00"),
        dict(incident_id="O3", person="C", risk="medium", reported_at="2024-01-01 10:00"),
        dict(incident_id="O4", person="D", risk="low", reported_at="2023-01-01 10:00"),
        dict(incident_id="O5", person="E", risk="low", reported_at="2024-07-05 10:00"),  # after the period
        dict(incident_id="F1", person="F", risk="high", reported_at="2024-06-01 10:00", found_at="2024-06-01 12:00"),
    ])
    got = open_episodes(con, settings, JUNE).set_index("risk")
    cols = ["open_episodes", "open_up_to_72h", "open_72h_to_28d", "open_28d_to_1y", "open_over_1y"]
    assert got.loc["high", cols].tolist() == [1, 1, 0, 0, 0]
    assert got.loc["medium", cols].tolist() == [2, 0, 1, 1, 0]
    assert got.loc["low", cols].tolist() == [1, 0, 0, 0, 1]
    assert got.loc["total", cols].tolist() == [4, 1, 1, 1, 1]
    assert str(got.loc["total", "oldest_reported_at"])[:10] == "2023-01-01"


def _load(con, load_id, started_at):
    con.execute(
        "insert into load_log (load_id, record_type, started_at, status) "
        "values ($id, 'episode', timezone('Europe/London', cast($at as timestamp)), 'committed')",
        {"id": load_id, "at": started_at},
    )


def _open_version(con, incident_id, load_id):
    con.execute(
        "insert into episode_history by name select * replace (null::timestamptz as found_at, $load as last_load_id), "
        "$load + 1 as superseded_by_load, now() as superseded_at from episodes where incident_id = $id",
        {"id": incident_id, "load": load_id},
    )


def test_late_recorded_returns(con, settings):
    add_episodes(con, [
        dict(incident_id="Q1", person="A", reported_at="2024-06-01 10:00", found_at="2024-06-02 12:00"),
        dict(incident_id="Q2", person="B", reported_at="2024-06-10 10:00", found_at="2024-06-19 23:00"),
        dict(incident_id="Q3", person="C", reported_at="2024-06-03 10:00", found_at="2024-06-15 10:00"),
        dict(incident_id="Q4", person="D", reported_at="2024-06-04 10:00", found_at="2024-06-04 12:00"),
        dict(incident_id="Q5", person="E", reported_at="2024-06-05 10:00"),
    ])
    _load(con, 1, "2024-06-05 12:00")
    _load(con, 2, "2024-06-20 10:00")
    _open_version(con, "Q1", 1)   # load 1 still showed Q1 open 72 h after the return: late
    _open_version(con, "Q2", 2)   # 11 h after the return: within the 24 h tolerance
    _open_version(con, "Q3", 1)   # before the return: fine ...
    _open_version(con, "Q3", 2)   # ... but load 2 still had it open 120 h after: late
    late = late_recorded_returns(con, settings, JUNE)
    assert late.episodes[["incident_id", "hours_late"]].values.tolist() == [["Q3", 120.0], ["Q1", 72.0]]
    assert (late.found, late.late, late.median_hours_late, late.share_late) == (4, 2, 96.0, 0.5)
    settings.demand.late_return_tolerance_hours = 6
    assert late_recorded_returns(con, settings, JUNE).late == 3


def test_quarantine_reasons_of_loads_in_the_period(con, settings):
    _load(con, 6, "2024-05-05 12:00")  # before June: not counted
    _load(con, 7, "2024-06-05 12:00")
    _load(con, 8, "2024-07-02 12:00")  # June's extract, loaded after the month: counted
    con.execute(
        "insert into quarantine (load_id, record_type, file, file_sha256, row_number, reasons) values "
        "(7, 'episode', 'x.csv', 'aa', 1, $r1), (7, 'episode', 'x.csv', 'aa', 2, $r2), "
        "(8, 'episode', 'y.csv', 'bb', 1, $r3), (6, 'episode', 'z.csv', 'cc', 1, $r4)",
        {
            "r1": ["date_of_birth: not a date ('31/02/2011')", "gender: unknown code 'm'"],
            "r2": ["gender: unknown code 'boy'"],
            "r3": ["gender: unknown code 'x'"],
            "r4": ["risk: required"],
        },
    )
    got = quarantine_reasons(con, settings, JUNE)
    # counted by kind of problem; the refused values themselves are not carried
    assert got[["reason", "rows"]].values.tolist() == [["gender: unknown code", 3], ["date_of_birth: not a date", 1]]
