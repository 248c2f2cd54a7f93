"""The profile's people section in one call: every measure for the month and its headline figures."""

from profiles.analysis import people
from profiles.analysis.people_profile import people_profile
from profiles.periods import Month
from tests.factories import add_episodes


def test_people_profile_gathers_the_month_and_its_figures(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="CHILD", reported_at="2024-03-01 20:00", found_at="2024-03-02 01:00",
                 age=14, looked_after=True, responsible_la="Bolton", return_interview_offered_at="2024-03-03 10:00"),
            dict(incident_id="A2", person="CHILD", reported_at="2024-03-08 20:00", found_at="2024-03-09 01:00",
                 age=14, responsible_la="Bolton"),
            dict(incident_id="A3", person="CHILD", reported_at="2024-03-15 20:00", age=14, flag_cse=True),
            dict(incident_id="B1", person="ADULT", reported_at="2024-03-20 09:00", found_at="2024-03-20 12:00",
                 risk="high", age=44),
            dict(incident_id="C1", person="LATER", reported_at="2024-04-02 09:00", risk="high"),
        ],
    )
    profile = people_profile(con, settings, Month.of(2024, 3))
    assert profile.repeats["person_key"].tolist() == ["CHILD"]
    assert set(profile.referrals["person_key"]) == {"CHILD", "ADULT"}
    assert profile.figures == {
        "repeat_people": 1,
        "repeat_children": 1,
        "repeat_looked_after": 1,
        "referrals": 2,
        "trigger_plans_new": 1,
        "trigger_plans_review": 0,
        "cross_border_people": 0,
        "out_of_area_episodes": 0,
        "open_episodes": 1,
        "ukmpu_notifications": 1,
        "intelligence_due": 1,
        "child_returns": 2,
        "return_interviews_offered_within_limit_rate": 0.5,
        "absences": 0,
        "absences_not_reported": 0,
    }


#: Every people output and its columns: a rename shows here in review (the report layer reads them).
COLUMNS = {
    "repeats": "person_key reports_in_window first_report_at last_report_at looked_after highest_risk flags any_child latest_age",
    "referrals": "person_key reason_codes reasons incident_id reported_at reports_in_window highest_risk flags looked_after age_at_report is_child responsible_la",
    "trigger_plans.persons": "person_key plan_status reasons first_qualifying_incident_id first_qualifying_at reports_in_period qualifying_reports last_report_at max_reports_in_window reports_in_lookback highest_risk flags looked_after any_child usual_days usual_hours",
    "trigger_plans.pack.places": "person_key rank place place_kind site_type times_found share_of_finds last_found_at easting northing distance_m direction",
    "cross_border.persons": "person_key episodes episodes_crossing_la episodes_crossing_pfa lad_codes force_areas spans_la spans_pfa other_forces authorities_recorded is_repeat looked_after any_child last_report_at",
    "cross_border.out_of_area": "incident_id person_key reported_at found_at placing_authority host_lad_code host_authority responsible_la missing_from_type age_at_report is_repeat reports_in_window",
    "return_interviews": "responsible_la returns offered offered_within_limit done done_within_limit offered_within_limit_rate done_within_limit_rate",
    "oversight.open_episodes": "incident_id person_key reported_at hours_since_report over_notify_limit risk highest_risk age_at_report is_child looked_after flags missing_from_type responsible_la is_repeat reports_in_window",
    "oversight.ukmpu_notifications": "incident_id person_key reported_at notify_due_at found_at still_missing hours_missing risk risk_highest age_at_report looked_after missing_from_type",
    "oversight.intelligence_due": "person_key flagged_episodes flags first_flagged_at last_flagged_at highest_risk looked_after any_child is_repeat",
    "absences.by_person": "person_key absences reported_to_police not_reported police_episodes total_occasions homes last_absence_at",
    "absences.by_home": "site_ref site_id site_name site_type sensitive absences individuals reported_to_police not_reported reported_share reported_without_episode police_episodes",
}


def test_people_outputs_keep_their_names_and_carry_no_raw_identity(con, settings):
    profile = people_profile(con, settings, Month.of(2024, 3))
    frames = {
        "repeats": profile.repeats,
        "referrals": profile.referrals,
        "trigger_plans.persons": profile.trigger_plans.persons,
        "trigger_plans.pack.places": profile.trigger_plans.pack.places,
        "cross_border.persons": profile.cross_border.persons,
        "cross_border.out_of_area": profile.cross_border.out_of_area,
        "return_interviews": profile.return_interviews,
        "oversight.open_episodes": profile.oversight.open_episodes,
        "oversight.ukmpu_notifications": profile.oversight.ukmpu_notifications,
        "oversight.intelligence_due": profile.oversight.intelligence_due,
        "absences.by_person": profile.absences.by_person,
        "absences.by_home": profile.absences.by_home,
    }
    assert {name: " ".join(frame.columns) for name, frame in frames.items()} == COLUMNS
    for frame in frames.values():
        assert not {"person_id", "date_of_birth", "reason"} & set(frame.columns)


def test_the_profile_measures_only_the_pack_parts_the_police_annex_shows(con, settings):
    """The annex shows the places and the usual days and hours; the time pattern is the analyst
    command's (misper trigger-plans). Without the annex, no part of the pack is measured, and
    every figure is the same."""
    add_episodes(con, [dict(incident_id=f"R{i}", person="REPEAT", reported_at=f"2024-03-{i + 1:02d} 20:00",
                            found_at=f"2024-03-{i + 1:02d} 23:00", found_postcode="BL1 1AA", age=15)
                           for i in range(4)])
    full = people_profile(con, settings, Month.of(2024, 3))
    pack = full.trigger_plans.pack
    assert pack.places["person_key"].tolist() == ["REPEAT"] and pack.usual["person_key"].tolist() == ["REPEAT"]
    assert pack.times is None
    # the list and the places are the analyst command's (misper trigger-plans: every part)
    analyst = people.trigger_plans(con, settings, Month.of(2024, 3))
    assert full.trigger_plans.persons.equals(analyst.persons)
    assert pack.places.equals(analyst.pack.places) and analyst.pack.times is not None

    lean = people_profile(con, settings, Month.of(2024, 3), police_annex=False)
    assert (lean.trigger_plans.pack.places, lean.trigger_plans.pack.times, lean.trigger_plans.pack.usual) == (None,) * 3
    assert lean.figures == full.figures
    assert lean.trigger_plans.persons.equals(full.trigger_plans.persons.drop(columns=["usual_days", "usual_hours"]))
