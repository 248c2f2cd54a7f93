"""Referrals, trigger plans with their "where to look first" pack, and the RFG score."""

from datetime import date

import pandas as pd
import pytest

from profiles.analysis import people
from profiles.config import ConfigError, RepeatConfig, RfgConfig, Settings
from profiles.periods import Month
from tests.factories import add_episodes, add_locations, add_sites

MARCH = Month.of(2024, 3)


# ---- referrals ----------------------------------------------------------------------------


def test_referral_list_is_threshold_crossings_and_significant_first_reports(con, settings):
    add_episodes(
        con,
        [
            # crosses the threshold in March (third report in 90 days)
            dict(incident_id="R1", person="CROSS", reported_at="2024-01-20 10:00"),
            dict(incident_id="R2", person="CROSS", reported_at="2024-02-20 10:00", looked_after=True),
            dict(incident_id="R3", person="CROSS", reported_at="2024-03-04 10:00", flag_cse=True),
            dict(incident_id="R4", person="CROSS", reported_at="2024-03-20 10:00"),
            # was already a repeat in February and stays one: referred then, not now
            dict(incident_id="S1", person="STAYS", reported_at="2024-02-01 10:00"),
            dict(incident_id="S2", person="STAYS", reported_at="2024-02-02 10:00"),
            dict(incident_id="S3", person="STAYS", reported_at="2024-02-03 10:00"),
            dict(incident_id="S4", person="STAYS", reported_at="2024-03-03 10:00"),
            # first ever report, graded high after review
            dict(incident_id="H1", person="HIGH", reported_at="2024-03-10 10:00", risk="medium", risk_highest="high"),
            # first ever report with CCE and trafficking flags
            dict(incident_id="F1", person="FLAGS", reported_at="2024-03-11 10:00", risk="low",
                 flag_cce=True, flag_trafficking=True, age=16),
            # high risk, but not the person's first report
            dict(incident_id="N1", person="SECOND", reported_at="2023-06-01 10:00", risk="low"),
            dict(incident_id="N2", person="SECOND", reported_at="2024-03-12 10:00", risk="high"),
            # first report with a mental-health flag only: not significant by default
            dict(incident_id="M1", person="MH", reported_at="2024-03-13 10:00", risk="medium", flag_mental_health=True),
            # a high-risk first report outside the period
            dict(incident_id="O1", person="APRIL", reported_at="2024-04-01 00:00", risk="high"),
        ],
    )
    frame = people.referral_list(con, settings, MARCH).set_index("person_key")
    assert frame.index.tolist() == ["CROSS", "HIGH", "FLAGS"]  # by time of the triggering report
    cross = frame.loc["CROSS"]
    assert (cross["reason_codes"], cross["reasons"], cross["incident_id"], cross["reports_in_window"]) == (
        "repeat_threshold", "reported 3 times in 90 days", "R3", 3,
    )
    # the person's picture over the window ending at the referral report
    assert (cross["flags"], bool(cross["looked_after"])) == ("cse", True)
    assert (frame.loc["HIGH", "reason_codes"], frame.loc["HIGH", "reasons"]) == (
        "first_report_high", "first report: high risk",
    )
    assert frame.loc["FLAGS", "reason_codes"] == "first_report_cce;first_report_trafficking"
    assert frame.loc["FLAGS", "reasons"] == "first report: CCE flag; first report: TRAFFICKING flag"
    assert bool(frame.loc["FLAGS", "is_child"])


def test_referral_rules_are_configuration(con):
    add_episodes(
        con,
        [
            dict(incident_id="M1", person="MH", reported_at="2024-03-13 10:00", flag_mental_health=True),
            dict(incident_id="C1", person="CCE", reported_at="2024-03-14 10:00", flag_cce=True),
            dict(incident_id="T1", person="TWO", reported_at="2024-03-01 10:00"),
            dict(incident_id="T2", person="TWO", reported_at="2024-03-02 10:00"),
        ],
    )
    local = Settings(repeat=RepeatConfig(threshold=2, referral_flags=["mental_health"], referral_risk_grades=[]))
    frame = people.referral_list(con, local, MARCH)
    assert dict(zip(frame["person_key"], frame["reason_codes"])) == {
        "TWO": "repeat_threshold",
        "MH": "first_report_mental_health",
    }
    with pytest.raises(ConfigError, match="repeat.referral_flags"):
        people.referral_list(con, Settings(repeat=RepeatConfig(referral_flags=["gangs"])), MARCH)


def test_a_person_who_drops_out_and_crosses_again_is_referred_again(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2023-09-01 10:00"),
            dict(incident_id="A2", person="P1", reported_at="2023-09-02 10:00"),
            dict(incident_id="A3", person="P1", reported_at="2023-09-03 10:00"),  # crossed in September
            dict(incident_id="A4", person="P1", reported_at="2024-03-01 10:00"),  # window count 1
            dict(incident_id="A5", person="P1", reported_at="2024-03-02 10:00"),
            dict(incident_id="A6", person="P1", reported_at="2024-03-03 10:00"),  # crosses again
        ],
    )
    frame = people.referral_list(con, settings, MARCH)
    assert frame[["person_key", "incident_id", "reason_codes"]].values.tolist() == [["P1", "A6", "repeat_threshold"]]


# ---- trigger plans ------------------------------------------------------------------------


def test_trigger_plan_list_new_and_review(con, settings):
    add_episodes(
        con,
        [
            # prior report 200 days before a March report: a plan is now due
            dict(incident_id="N1", person="NEW", reported_at="2023-08-20 10:00"),
            dict(incident_id="N2", person="NEW", reported_at="2024-03-07 10:00"),
            # prior report more than a year earlier: not likely to go missing again by this rule
            dict(incident_id="O1", person="OLD", reported_at="2023-01-01 10:00"),
            dict(incident_id="O2", person="OLD", reported_at="2024-03-07 10:00"),
            # already qualified in January (prior in December): the plan needs review
            dict(incident_id="V1", person="REVIEW", reported_at="2023-12-01 10:00"),
            dict(incident_id="V2", person="REVIEW", reported_at="2024-01-10 10:00"),
            dict(incident_id="V3", person="REVIEW", reported_at="2024-03-15 22:00"),
            # a repeat in March
            dict(incident_id="R1", person="REPEAT", reported_at="2024-03-01 10:00"),
            dict(incident_id="R2", person="REPEAT", reported_at="2024-03-02 10:00"),
            dict(incident_id="R3", person="REPEAT", reported_at="2024-03-03 10:00"),
            # a single report in March
            dict(incident_id="X1", person="ONCE", reported_at="2024-03-09 10:00"),
        ],
    )
    plans = people.trigger_plans(con, settings, MARCH)
    frame = plans.persons.set_index("person_key")
    assert sorted(frame.index) == ["NEW", "REPEAT", "REVIEW"]
    assert frame["plan_status"].to_dict() == {"NEW": "new", "REPEAT": "new", "REVIEW": "review"}
    assert frame.loc["NEW", "reasons"] == "prior_episode_within_365_days"
    assert frame.loc["REPEAT", "reasons"] == "repeat;prior_episode_within_365_days"
    assert (frame.loc["REPEAT", "reports_in_period"], frame.loc["REPEAT", "qualifying_reports"]) == (3, 2)
    assert frame.loc["REPEAT", "first_qualifying_incident_id"] == "R2"
    assert frame.loc["REVIEW", "reports_in_lookback"] == 3
    # new plans come first
    assert plans.persons["plan_status"].tolist() == ["new", "new", "review"]


def test_where_to_look_first_ranks_found_places_with_distance_and_direction(con, settings):
    add_sites(con, [dict(site_id="S1", name="Oak Street Flats", type="other")])
    rows, locations = [], []
    # found three times at Oak Street Flats, 300 m east and 400 m north of the home (500 m NE),
    # once at a postcode 1 km due south; once found with no location recorded
    for i, day in enumerate(["2024-01-05", "2024-02-02", "2024-03-01"], start=1):
        rows.append(dict(incident_id=f"A{i}", person="P1", reported_at=f"{day} 21:30",
                         found_at=f"{day} 23:50"))
        locations += [
            dict(incident_id=f"A{i}", role="missing_from", easting=380000.0, northing=400000.0),
            dict(incident_id=f"A{i}", role="found", easting=380300.0, northing=400400.0, site_id="S1"),
        ]
    rows.append(dict(incident_id="B1", person="P1", reported_at="2024-02-16 16:00", found_at="2024-02-16 20:00",
                     found_postcode="M1 1AA"))
    locations += [
        dict(incident_id="B1", role="missing_from", easting=380000.0, northing=400000.0),
        dict(incident_id="B1", role="found", easting=380000.0, northing=399000.0),
    ]
    rows.append(dict(incident_id="C1", person="P1", reported_at="2024-03-08 21:00", found_at="2024-03-09 01:00"))
    # found after the pack's cut-off: not used
    rows.append(dict(incident_id="D1", person="P1", reported_at="2024-03-31 21:00", found_at="2024-04-01 01:00",
                     found_postcode="M9 9ZZ"))
    add_episodes(con, rows)
    add_locations(con, locations)

    pack = people.where_to_look_first(con, settings, ["P1"], MARCH.end)
    places = pack.places
    assert places[["rank", "place", "times_found", "distance_m", "direction"]].values.tolist() == [
        [1, "Oak Street Flats", 3, 500.0, "NE"],
        [2, "M1 1AA", 1, 1000.0, "S"],
    ]
    assert places["share_of_finds"].tolist() == [0.75, 0.25]
    # days and hours count every report before the cut-off, found or not: five on Fridays
    # (5 Jan, 2 and 16 Feb, 1 and 8 Mar 2024), one on Sunday 31 March
    usual = pack.usual.set_index("person_key").loc["P1"]
    assert usual["usual_days"] == "Fri (5), Sun (1)"
    assert usual["usual_hours"] == "21:00-23:59 (5), 15:00-17:59 (1)"


def test_trigger_plans_carry_the_usual_times(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-02-03 23:00", last_seen_at="2024-02-03 19:30"),
            dict(incident_id="A2", person="P1", reported_at="2024-03-02 23:00", last_seen_at="2024-03-02 20:00"),
        ],
    )
    plans = people.trigger_plans(con, settings, MARCH)
    row = plans.persons.set_index("person_key").loc["P1"]
    # the time of going missing is when last seen, not when reported
    assert (row["usual_days"], row["usual_hours"]) == ("Sat (2)", "18:00-20:59 (2)")
    assert plans.pack.times[["day_of_week", "hour_band", "episodes"]].values.tolist() == [["Sat", "18-20", 2]]


# ---- recency, frequency, gravity ------------------------------------------------------------


def test_rfg_score_is_recency_times_frequency_times_mean_gravity(con, settings):
    add_episodes(
        con,
        [
            # last report exactly 30 days before the end of 31 January: recency 0.5
            dict(incident_id="A1", person="P1", reported_at="2023-12-01 00:00", risk="medium", flag_cse=True),
            dict(incident_id="A2", person="P1", reported_at="2024-01-02 00:00", risk="low"),
            # reported on the as-of day, high risk, harmed: gravity 3 + 2
            dict(incident_id="B1", person="P2", reported_at="2024-01-31 12:00", risk="high", outcome="harmed"),
            # outside the 365-day frequency window
            dict(incident_id="C1", person="P3", reported_at="2023-01-31 23:59", risk="high"),
            # after the as-of date
            dict(incident_id="D1", person="P4", reported_at="2024-02-01 00:00", risk="high"),
        ],
    )
    frame = people.rfg_scores(con, settings, date(2024, 1, 31)).set_index("person_key")
    assert sorted(frame.index) == ["P1", "P2"]
    p1 = frame.loc["P1"]
    # gravity: mean of (medium 2 + cse 2) and (low 1) = 2.5; score 0.5 x 2 x 2.5
    assert (p1["recency"], p1["frequency"], p1["gravity"], p1["score"]) == (0.5, 2, 2.5, 2.5)
    p2 = frame.loc["P2"]
    assert p2["days_since_last"] == 0.5
    assert p2["score"] == pytest.approx(0.5 ** (0.5 / 30) * 1 * 5.0, abs=1e-4)
    assert frame["rank"].to_dict() == {"P2": 1, "P1": 2}


def test_rfg_weights_are_configuration(con):
    add_episodes(con, [dict(incident_id="A1", person="P1", reported_at="2024-01-31 12:00", risk="low",
                            looked_after=True, flag_mental_health=True)])
    local = Settings(rfg=RfgConfig(gravity_weights={"low": 1.0, "looked_after": 4.0, "flag_mental_health": 0.5}))
    assert people.rfg_scores(con, local, date(2024, 1, 31))["gravity"].tolist() == [5.5]
    with pytest.raises(ConfigError, match="rfg.gravity_weights: unknown code"):
        people.rfg_scores(con, Settings(rfg=RfgConfig(gravity_weights={"very_high": 9.0})), date(2024, 1, 31))


def test_no_people_gives_empty_frames_with_their_columns(con, settings):
    assert people.repeat_list(con, settings, date(2024, 1, 31)).empty
    plans = people.trigger_plans(con, settings, MARCH)
    assert plans.persons.empty and "usual_days" in plans.persons.columns
    assert isinstance(people.referral_list(con, settings, MARCH), pd.DataFrame)
