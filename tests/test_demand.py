"""Demand and time: given these reports, the trend, pattern, breakdowns and cost are these."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from profiles.analysis.demand import (
    breakdowns,
    chart_signals,
    cost_of_demand,
    day_hour_pattern,
    looked_after_share,
    monthly_trend,
    same_month_last_year,
    xmr_limits,
)
from profiles.periods import Month
from tests.factories import add_episodes

JUNE = Month.parse("2024-06")


def _month_of_reports(con, month: str, n: int, prefix: str):
    add_episodes(con, [
        dict(incident_id=f"{prefix}{i}", person=f"{prefix}P{i % 3}", reported_at=f"{month}-{1 + i % 28:02d} 10:00",
             calls=2, age=15 if i % 2 else 30)
        for i in range(n)
    ])


def test_monthly_trend_with_xmr_limits_and_last_year(con, settings):
    _month_of_reports(con, "2023-06", 4, "Y")
    for month, n in {"2024-01": 10, "2024-02": 12, "2024-03": 11, "2024-04": 9, "2024-05": 10, "2024-06": 20}.items():
        _month_of_reports(con, month, n, month)
    trend = monthly_trend(con, settings, JUNE, months=6)
    assert trend["month"].tolist() == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert trend["incidents"].tolist() == [10, 12, 11, 9, 10, 20]
    # baseline Jan-May: mean 10.4, mean moving range (2+1+2+1)/4 = 1.5 -> limits 10.4 +/- 3.99
    assert trend.loc[0, ["centre", "ucl", "lcl"]].tolist() == [10.4, 14.39, 6.41]
    assert trend["signal"].tolist() == ["", "", "", "", "", "above_ucl"]
    june = trend.iloc[-1]
    assert (june["same_month_last_year"], june["change_vs_last_year"], june["pct_change_vs_last_year"]) == (4, 16, 400.0)
    assert np.isnan(trend.loc[0, "pct_change_vs_last_year"])  # January 2023 had none
    assert (june["calls"], june["individuals"], june["child_incidents"], june["adult_incidents"]) == (40, 3, 10, 10)


def test_a_month_with_no_reports_is_a_zero_not_a_gap(con, settings):
    _month_of_reports(con, "2024-04", 3, "A")
    _month_of_reports(con, "2024-06", 2, "B")
    trend = monthly_trend(con, settings, JUNE, months=3)
    assert trend["incidents"].tolist() == [3, 0, 2]


def test_same_month_last_year(con, settings):
    _month_of_reports(con, "2023-06", 4, "Y")
    _month_of_reports(con, "2024-06", 5, "N")
    yoy = same_month_last_year(con, settings, JUNE)
    assert (yoy.incidents, yoy.last_year_incidents, yoy.change, yoy.pct_change, yoy.calls) == (5, 4, 1, 25.0, 10)


def test_xmr_rules():
    assert np.isnan(xmr_limits(np.array([5.0]))).all()  # one month is no baseline: no limits
    centre, ucl, lcl = xmr_limits(np.array([2, 2, 2, 2]))
    assert (centre, ucl, lcl) == (2, 2, 2)
    # 8 months in a row above the centre line is a signal from the 8th
    signals = chart_signals(np.array([11] * 9 + [9]), 10.0, 20.0, 0.0)
    assert signals == [""] * 7 + ["run_above", "run_above", ""]
    assert chart_signals(np.array([1, 30]), 10.0, 20.0, 2.0) == ["below_lcl", "above_ucl"]


def test_day_of_week_by_hour_in_london_time(con, settings):
    add_episodes(con, [
        dict(incident_id="M", person="P1", reported_at="2024-06-03 09:30"),  # Monday, BST
        dict(incident_id="S", person="P2", reported_at="2024-06-09 23:30", last_seen_at="2024-06-09 21:00"),  # Sunday
        dict(incident_id="X", person="P3", reported_at="2024-05-31 23:30"),  # outside June
    ])
    grid = day_hour_pattern(con, settings, JUNE)
    assert len(grid) == 168 and grid["incidents"].sum() == 2
    busy = grid[grid["incidents"] > 0][["day_name", "hour", "incidents"]].values.tolist()
    assert busy == [["Monday", 9, 1], ["Sunday", 23, 1]]
    seen = day_hour_pattern(con, settings, JUNE, clock="last_seen")
    assert seen[seen["incidents"] > 0][["day_of_week", "hour"]].values.tolist() == [[1, 9], [7, 21]]


@pytest.fixture
def mixed(con):
    add_episodes(con, [
        dict(incident_id="E1", person="P1", age=15, gender="female", ethnicity="IC1", risk="medium",
             risk_highest="high", reported_at="2024-06-01 10:00", found_at="2024-06-01 17:00", found_by="police",
             outcome="safe", missing_from_type="childrens_home", looked_after=True, flag_cse=True, flag_cce=True),
        dict(incident_id="E2", person="P1", age=15, gender="female", ethnicity="IC1", risk="low",
             reported_at="2024-06-10 10:00", found_at="2024-06-11 16:00", looked_after=True, flag_cse=True),
        dict(incident_id="E3", person="P2", age=40, gender="male", ethnicity="IC3", risk="high",
             reported_at="2024-06-12 10:00", missing_from_type=None),
        dict(incident_id="E4", person="P3", age=None, gender="unknown", ethnicity="IC9", risk="no_apparent_risk",
             reported_at="2024-06-13 10:00", found_at="2024-06-13 18:00", found_by="own_accord", outcome="safe"),
        dict(incident_id="E5", person="P4", age=80, ethnicity="IC6", reported_at="2024-06-14 10:00",
             found_at="2025-06-14 10:00"),  # exactly 365 days
        dict(incident_id="E6", person="P5", age=85, ethnicity=None, reported_at="2024-06-15 10:00",
             found_at="2025-06-16 10:00"),  # 366 days
    ])
    return con


def _cell(frame, dimension, category, group="all", col="incidents"):
    row = frame[(frame["dimension"] == dimension) & (frame["category"] == category) & (frame["child_adult"] == group)]
    assert len(row) == 1, (dimension, category, group)
    return row[col].iat[0]


def test_breakdowns_by_dimension(mixed, settings):
    b = breakdowns(mixed, settings, JUNE)
    assert [_cell(b, "age_band", c) for c in ("15-17", "40-59", "80+", "unknown", "0-11")] == [2, 1, 2, 1, 0]
    assert [_cell(b, "duration_band", c) for c in
            ("0-8h", "8-24h", "24-48h", "28d-1y", "over_1y", "still_missing")] == [2, 0, 1, 1, 1, 1]
    assert [_cell(b, "risk_highest", c) for c in RISKS] == [2, 2, 1, 1]
    assert [_cell(b, "risk_initial", c) for c in RISKS] == [1, 3, 1, 1]
    assert [_cell(b, "found_by", c) for c in ("police", "own_accord", "not_recorded", "still_missing")] == [1, 1, 3, 1]
    assert [_cell(b, "outcome", c) for c in ("safe", "not_recorded", "still_missing")] == [2, 3, 1]
    assert [_cell(b, "ethnic_group", c) for c in ("white", "black", "middle_eastern", "other_unknown")] == [2, 1, 1, 2]
    assert [_cell(b, "missing_from_type", c) for c in ("childrens_home", "home", "not_recorded")] == [1, 4, 1]
    assert [_cell(b, "looked_after", c) for c in ("yes", "not_recorded")] == [2, 4]
    # one child, two incidents, both CSE: incidents and individuals are different grains
    assert (_cell(b, "vulnerability", "cse"), _cell(b, "vulnerability", "cse", col="individuals")) == (2, 1)
    assert _cell(b, "vulnerability", "cse", col="share_of_incidents") == pytest.approx(0.3333)
    assert _cell(b, "duration_band", "24-48h", "child", "share_of_incidents") == 0.5
    assert _cell(b, "age_band", "unknown", "unknown") == 1
    assert set(b["child_adult"]) == {"all", "child", "adult", "unknown"}


RISKS = ("high", "medium", "low", "no_apparent_risk")


def test_cost_of_demand_by_risk(mixed, settings):
    settings.costs.unit_cost_gbp = {"high": 3000.0, "medium": 2000.0, "low": 1000.0}
    settings.costs.officer_hours = {"high": 20.0, "medium": 8.0}
    cost = cost_of_demand(mixed, settings, JUNE)
    table = cost.table.set_index("risk")
    assert table["incidents"].tolist() == [1, 3, 1, 1, 6]
    assert table["cost_gbp"].tolist() == [3000.0, 6000.0, 1000.0, 0.0, 10000.0]
    assert pd.isna(table.loc["no_apparent_risk", "unit_cost_gbp"])
    assert table.loc["medium", "officer_hours"] == 24.0 and pd.isna(table.loc["low", "officer_hours"])
    assert (cost.total_cost_gbp, cost.total_officer_hours) == (10000.0, 44.0)


def test_default_cost_is_the_portsmouth_estimate_and_no_hours(mixed, settings):
    cost = cost_of_demand(mixed, settings, JUNE)
    assert cost.total_cost_gbp == pytest.approx(6 * 2415.80)
    assert cost.total_officer_hours is None and "2012" in cost.price_basis


def test_looked_after_share(mixed, settings):
    share = looked_after_share(mixed, settings, JUNE).set_index("child_adult")
    assert share.loc["all", ["incidents", "looked_after_incidents", "individuals", "looked_after_individuals"]].tolist() == [
        6, 2, 5, 1]
    assert share.loc["all", "share_individuals"] == 0.2
    assert share.loc["child", ["share_incidents", "share_individuals"]].tolist() == [1.0, 1.0]


def test_partner_breakdowns_protect_each_dimension_by_rows_and_columns(con, settings):
    from profiles.analysis.places_export import suppress_breakdowns

    ages = [15] * 12 + [30] * 3 + [50] * 5
    add_episodes(con, [dict(incident_id=f"E{i}", person=f"P{i}", age=a, reported_at="2024-06-10 10:00")
                       for i, a in enumerate(ages)])
    shown = suppress_breakdowns(breakdowns(con, settings, JUNE), settings)
    withheld = settings.disclosure.suppression_marker
    ages_table = shown[shown["dimension"] == "age_band"].pivot(index="category", columns="child_adult", values="incidents")
    # 22-39 (3 adults) is withheld in its column and row; the 40-59 cells go too, or the
    # adults' total and the all-ages total would give the 3 back
    assert ages_table.loc["22-39", ["all", "child", "adult"]].tolist() == [withheld, 0, withheld]
    assert ages_table.loc["40-59", ["all", "child", "adult"]].tolist() == [withheld, 0, withheld]
    assert ages_table.loc["15-17", ["all", "child", "adult"]].tolist() == [12, 12, 0]
    share = shown[(shown["dimension"] == "age_band") & (shown["category"] == "22-39") & (shown["child_adult"] == "all")]
    assert share["share_of_incidents"].iat[0] == withheld
    gender = shown[(shown["dimension"] == "gender") & (shown["category"] == "female")]
    assert gender["incidents"].tolist() == [20, 12, 8]
