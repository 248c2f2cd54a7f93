"""Intervention impact: given these episodes around these interventions, these counts and tests."""

from __future__ import annotations

import pandas as pd
import pytest

from profiles.analysis.interventions import (
    CAVEAT,
    InterventionFileError,
    intervention_impact,
    read_interventions,
)
from profiles.periods import Month
from tests.factories import add_episodes, add_locations, add_sites

HEADER = "intervention_id,target_type,target_ref,started_on,type,description\n"


def _write(tmp_path, text, name="interventions.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def history(con):
    add_sites(con, [dict(site_id="S1", site_ref="CH-01", name="Oak House", type="childrens_home")])
    site_rows = [f"2024-{m:02d}-{d:02d} 21:00" for m, d in
                 [(1, 5), (1, 20), (2, 1), (2, 10), (2, 20), (3, 1), (3, 10), (3, 20), (3, 25), (3, 31)]]
    site_rows += ["2024-04-01 00:00", "2024-01-01 12:00"]  # the start itself counts after; Jan 1 is before the window
    add_episodes(con, [dict(incident_id=f"S{i}", person=f"C{i % 3}", reported_at=t) for i, t in enumerate(site_rows)])
    add_locations(con, [dict(incident_id=f"S{i}", role="missing_from", site_id="S1") for i in range(len(site_rows))])
    add_episodes(con, [
        dict(incident_id="P1", person="P9", reported_at="2024-10-01 10:00"),  # 50 days before: outside
        dict(incident_id="P2", person="P9", reported_at="2024-10-20 10:00"),
        dict(incident_id="P3", person="P9", reported_at="2024-11-10 10:00"),
        dict(incident_id="P4", person="P9", reported_at="2024-12-01 10:00"),
    ])
    return con


def test_before_and_after_counts_and_exact_test(history, settings, tmp_path):
    path = _write(tmp_path, HEADER + "\n".join([
        "I1,site,CH-01,2024-04-01,cawn,Notice served on the associate",
        "I2,person,REF-P9,2024-11-20,multi_agency_meeting,Strategy meeting",
        "I3,site,CH-01,2024-12-20,multi_agency_meeting,",
        "I4,site,NOPE,2024-03-01,cawn,",
    ]) + "\n")
    result = intervention_impact(history, settings, Month.parse("2024-12"), read_interventions(path))
    t = result.table.set_index("intervention_id")
    # I1: 90-day windows; 10 episodes in [2024-01-02, 2024-04-01), 1 from 2024-04-01 00:00
    assert t.loc["I1", ["window_days", "episodes_before", "episodes_after", "change", "status"]].tolist() == [
        90, 10, 1, -9, "tested"]
    assert str(t.loc["I1", "before_start"]) == "2024-01-02" and str(t.loc["I1", "after_end"]) == "2024-06-30"
    # two-sided exact binomial: 2 * P(X <= 1 | n=11, p=1/2) = 2 * 12 / 2048
    assert t.loc["I1", "p_value"] == pytest.approx(24 / 2048, abs=1e-5)
    assert t.loc["I1", "significant"] and t.loc["I1", "rate_ratio"] == 0.1 and t.loc["I1", "pct_change"] == -90.0
    assert t.loc["I1", "target"] == "Oak House"
    # I2: December 2024 ends 42 days after the start, so both windows are 42 days
    assert t.loc["I2", ["window_days", "episodes_before", "episodes_after", "p_value", "significant"]].tolist() == [
        42, 2, 1, 1.0, False]
    assert t.loc["I3", "status"] == "too_recent" and pd.isna(t.loc["I3", "p_value"])
    assert t.loc["I4", "status"] == "target_not_found" and not t.loc["I4", "significant"]
    assert result.caveat == CAVEAT and "regression to the mean" in CAVEAT


def test_window_length_is_configuration(history, settings, tmp_path):
    settings.demand.intervention_window_days = 30
    path = _write(tmp_path, HEADER + "I1,site,CH-01,2024-04-01,cawn,\n")
    t = intervention_impact(history, settings, Month.parse("2024-12"), read_interventions(path)).table
    # [2024-03-02, 2024-04-01): 10, 20, 25 and 31 March
    assert t[["window_days", "episodes_before", "episodes_after"]].values.tolist() == [[30, 4, 1]]


def test_partner_view_has_no_reference_or_free_text(history, settings, tmp_path):
    path = _write(tmp_path, HEADER + "I1,site,CH-01,2024-04-01,cawn,Notice served\nI2,person,REF-P9,2024-11-20,cawn,x\n")
    t = intervention_impact(history, settings, Month.parse("2024-12"), read_interventions(path), audience="partner").table
    assert t["target"].tolist()[0].startswith("Children's home A")
    assert t["target_ref"].isna().all() and t["description"].isna().all()
    assert "REF-P9" not in t.to_csv() and "Oak House" not in t.to_csv()


def test_file_with_bom_and_spaces_is_read(tmp_path):
    path = _write(tmp_path, "\ufeff" + HEADER + " I1 , Site ,CH-01, 2024-04-01 ,cawn, text \n")
    frame = read_interventions(path)
    assert frame.loc[0, ["intervention_id", "target_type", "target_ref", "type"]].tolist() == ["I1", "site", "CH-01", "cawn"]
    assert str(frame.loc[0, "started_on"]) == "2024-04-01"


@pytest.mark.parametrize(
    "body, message",
    [
        ("I1,place,X,2024-04-01,cawn,\n", "row 1, target_type: expected site or person, got 'place'"),
        ("I1,site,X,01/04/2024,cawn,\n", "row 1, started_on: expected YYYY-MM-DD, got '01/04/2024'"),
        ("I1,site,X,2024-02-30,cawn,\n", "row 1, started_on"),
        ("I1,site,X,2024-04-01,cawn,\nI1,site,Y,2024-04-01,cawn,\n", "row 2, intervention_id: 'I1' repeats row 1"),
        ("I1,site,,2024-04-01,cawn,\n", "row 1, target_ref: empty"),
    ],
)
def test_bad_rows_are_named_by_file_row_and_field(tmp_path, body, message):
    path = _write(tmp_path, HEADER + body)
    with pytest.raises(InterventionFileError) as err:
        read_interventions(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_column_is_named(tmp_path):
    path = _write(tmp_path, "intervention_id,target_type,target_ref,type\nI1,site,X,cawn\n")
    with pytest.raises(InterventionFileError, match="missing column\\(s\\) started_on, description"):
        read_interventions(path)
