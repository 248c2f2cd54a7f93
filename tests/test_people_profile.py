"""The profile's people section in one call: every measure for the month and its headline figures."""

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
