"""The care-home summary: given these reports from these homes, each home's incidents,
repeat share, reporting delay, outcomes and trend are these."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.config import Settings
from profiles.periods import Month
from profiles.reports.care_homes import care_home_summary, write_care_home_summary
from tests.factories import add_episodes, add_locations, add_sites

MAY = Month.of(2024, 5)


@pytest.fixture
def loaded(con):
    add_sites(con, [
        dict(site_id="S1", name="Oak House", type="childrens_home", lad_code="E08000001"),
        dict(site_id="S2", name="Willow Court", type="adult_care_home", lad_code="E08000003", sensitive=False),
        dict(site_id="S3", name="Piccadilly Gardens", type="other", sensitive=False),
    ])
    rows = [
        # Oak House in May: P1 three times (the third makes P1 a repeat), P2 once
        dict(incident_id="M1", person="P1", age=15, reported_at="2024-05-02 22:00", last_seen_at="2024-05-02 20:00",
             found_at="2024-05-03 08:00", outcome="safe"),
        dict(incident_id="M2", person="P1", age=15, reported_at="2024-05-09 23:00", last_seen_at="2024-05-09 22:00",
             found_at="2024-05-10 02:00", outcome="harmed"),
        dict(incident_id="M3", person="P1", age=15, reported_at="2024-05-20 21:00", last_seen_at="2024-05-20 17:00",
             found_at=None),
        dict(incident_id="M4", person="P2", age=16, reported_at="2024-05-25 19:00", last_seen_at=None,
             found_at="2024-05-25 23:00", outcome="sexual_offence_victim"),
        # Oak House earlier: one in December, four in February-April (rising against Nov-Jan)
        dict(incident_id="H1", person="P3", age=14, reported_at="2023-12-05 10:00", found_at="2023-12-05 12:00"),
        dict(incident_id="H2", person="P3", age=14, reported_at="2024-02-05 10:00", found_at="2024-02-05 12:00"),
        dict(incident_id="H3", person="P4", age=14, reported_at="2024-03-05 10:00", found_at="2024-03-05 12:00"),
        dict(incident_id="H4", person="P4", age=14, reported_at="2024-04-05 10:00", found_at="2024-04-05 12:00"),
        dict(incident_id="H5", person="P5", age=14, reported_at="2024-04-15 10:00", found_at="2024-04-15 12:00"),
        # Willow Court in May: one resident found dead; last seen after the report is not a delay
        dict(incident_id="W1", person="P6", age=84, reported_at="2024-05-14 09:00", last_seen_at="2024-05-14 10:00",
             found_at="2024-05-15 09:00", outcome="found_dead"),
        # a public place is not a care setting
        dict(incident_id="G1", person="P7", age=30, reported_at="2024-05-14 09:00", found_at="2024-05-14 10:00"),
    ]
    add_episodes(con, rows)
    site_of = {"M": "S1", "H": "S1", "W": "S2", "G": "S3"}
    add_locations(con, [dict(incident_id=r["incident_id"], role="missing_from", site_id=site_of[r["incident_id"][0]])
                        for r in rows])
    return con


def test_each_care_setting_gets_its_measures(loaded):
    summary, monthly = care_home_summary(loaded, Settings(), MAY)
    assert summary["site_id"].tolist() == ["S1", "S2"]  # most incidents first; S3 is not a care setting
    oak = summary.iloc[0]
    assert (oak.incidents, oak.individuals, oak.repeat_individuals) == (4, 2, 1)
    assert oak.repeat_share == 0.5
    assert oak.reporting_delay_median_hours == 2.0  # delays 2, 1, 4 hours (M4 has no last seen)
    assert (oak.found_safe, oak.harmed, oak.crime_victim, oak.still_missing, oak.found_dead) == (1, 1, 1, 1, 0)
    assert (oak.incidents_12_months, oak.last_3_months, oak.previous_3_months, oak.trend) == (9, 7, 2, "rising")
    willow = summary.iloc[1]
    assert (willow.incidents, willow.found_dead, willow.trend) == (1, 1, "steady")
    assert willow.reporting_delay_median_hours != willow.reporting_delay_median_hours  # NaN: no usable delay
    assert len(monthly[monthly["site_id"] == "S1"]) == 12


def test_summary_files_are_police_only_and_name_the_homes(loaded, tmp_path):
    paths = write_care_home_summary(loaded, MAY, tmp_path, Settings(), date(2024, 6, 3))
    assert sorted(p.name for p in paths) == ["care_home_summary.csv", "care_home_summary.html"]
    html = (tmp_path / "care_home_summary.html").read_text()
    assert "Oak House" in html and "OFFICIAL-SENSITIVE" in html
    assert 'aria-label="Line chart of monthly incidents' in html
    csv = (tmp_path / "care_home_summary.csv").read_text().splitlines()
    assert csv[0].startswith("site_ref,name,type,local_authority,incidents,individuals")
    assert csv[1].split(",")[1] == "Oak House"
