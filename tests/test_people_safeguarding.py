"""Cross-border lists, return home interviews, oversight lists and unauthorised absences."""

from datetime import datetime

import pandas as pd
import pytest

from profiles.analysis import people_safeguarding as sg
from profiles.config import SafeguardingConfig, Settings
from profiles.periods import LONDON, Month
from tests.factories import add_episodes, add_locations, add_sites

MARCH = Month.of(2024, 3)
OWN = "E23000005"  # the default force (Greater Manchester)
BOLTON, SALFORD = "E08000001", "E08000006"


def _at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Europe/London")


# ---- cross-border -------------------------------------------------------------------------


def _points(incident, from_lad, found_lad, from_pfa=OWN, found_pfa=OWN):
    return [
        dict(incident_id=incident, role="missing_from", easting=370000.0, northing=410000.0,
             lad_code=from_lad, force_area=from_pfa),
        dict(incident_id=incident, role="found", easting=380000.0, northing=400000.0,
             lad_code=found_lad, force_area=found_pfa),
    ]


def test_cross_border_lists_people_whose_episodes_span_areas(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="SPANS_LA", reported_at="2024-03-02 10:00", responsible_la="Bolton"),
            dict(incident_id="B1", person="OTHER_FORCE", reported_at="2024-03-03 10:00"),
            dict(incident_id="C1", person="TWO_EPISODES", reported_at="2024-03-04 10:00"),
            dict(incident_id="C2", person="TWO_EPISODES", reported_at="2024-03-20 10:00"),
            dict(incident_id="D1", person="STAYS", reported_at="2024-03-05 10:00"),
            dict(incident_id="E1", person="FEBRUARY", reported_at="2024-02-28 10:00"),
        ],
    )
    add_locations(
        con,
        [
            *_points("A1", BOLTON, SALFORD),
            *_points("B1", BOLTON, "E06000049", found_pfa="E23000006"),  # found in Cheshire
            *_points("C1", BOLTON, BOLTON),
            *_points("C2", SALFORD, SALFORD),
            *_points("D1", BOLTON, BOLTON),
            *_points("E1", BOLTON, SALFORD),
        ],
    )
    persons = sg.cross_border(con, settings, MARCH).persons.set_index("person_key")
    assert sorted(persons.index) == ["OTHER_FORCE", "SPANS_LA", "TWO_EPISODES"]
    spans = persons.loc["SPANS_LA"]
    assert (spans["lad_codes"], bool(spans["spans_la"]), bool(spans["spans_pfa"]), spans["other_forces"]) == (
        f"{BOLTON};{SALFORD}", True, False, "",
    )
    assert (spans["episodes_crossing_la"], spans["authorities_recorded"]) == (1, "Bolton")
    other = persons.loc["OTHER_FORCE"]
    assert (bool(other["spans_pfa"]), other["other_forces"], other["episodes_crossing_pfa"]) == (
        True, "E23000006", 1,
    )
    # no single episode crosses, but the person moved between authorities within the month
    two = persons.loc["TWO_EPISODES"]
    assert (two["episodes"], two["episodes_crossing_la"], bool(two["spans_la"])) == (2, 0, True)


def test_out_of_area_placements_compare_placing_and_host_authority(con, settings):
    con.execute(
        "insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) "
        "values ('lad', ?, 'Bolton', 'test', 1, ''::blob)",
        [BOLTON],
    )
    child = dict(reported_at="2024-03-10 10:00", looked_after=True, age=14, missing_from_type="childrens_home")
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="PLACED_BY_SALFORD", placing_authority="Salford", **child),
            dict(incident_id="B1", person="BOLTON_BY_NAME", placing_authority="  bolton ", **child),
            dict(incident_id="C1", person="BOLTON_BY_CODE", placing_authority=BOLTON, **child),
            dict(incident_id="D1", person="NOT_LOOKED_AFTER", placing_authority="Salford",
                 **{**child, "looked_after": False}),
            dict(incident_id="E1", person="ADULT", placing_authority="Salford", **{**child, "age": 19}),
            dict(incident_id="F1", person="NOT_GEOCODED", placing_authority="Salford", **child),
            # no placing authority recorded: the responsible authority placed the child
            dict(incident_id="G1", person="RESPONSIBLE_ONLY", responsible_la="Wigan", **child),
            dict(incident_id="H1", person="NOTHING_RECORDED", **child),
        ],
    )
    add_locations(con, [
        dict(incident_id=i, role="missing_from", easting=370000.0, northing=410000.0, lad_code=BOLTON)
        for i in ["A1", "B1", "C1", "D1", "E1", "G1", "H1"]
    ])
    out_of_area = sg.cross_border(con, settings, MARCH).out_of_area
    assert out_of_area[["incident_id", "placing_authority", "host_lad_code", "host_authority"]].values.tolist() == [
        ["A1", "Salford", BOLTON, "Bolton"],
        ["G1", "Wigan", BOLTON, "Bolton"],
    ]


def test_out_of_area_works_before_any_reference_import(con, settings):
    con.execute("delete from ref_boundaries")  # the schema creates it; an import fills it
    add_episodes(con, [dict(incident_id="A1", person="P1", reported_at="2024-03-10 10:00", looked_after=True,
                            age=14, placing_authority="Salford")])
    add_locations(con, [dict(incident_id="A1", role="missing_from", easting=1.0, northing=1.0, lad_code=BOLTON)])
    assert sg.cross_border(con, settings, MARCH).out_of_area["incident_id"].tolist() == ["A1"]


# ---- return home interviews ---------------------------------------------------------------


def test_return_interview_rates_by_responsible_authority(con, settings):
    found = "2024-03-10 10:00"
    child = dict(reported_at="2024-03-10 08:00", found_at=found, age=15)
    add_episodes(
        con,
        [
            # offered exactly 72 hours after return and done within it
            dict(incident_id="A1", responsible_la="Bolton", return_interview_offered_at="2024-03-13 10:00",
                 return_interview_done_at="2024-03-12 15:00", **child),
            # offered one minute late, done later still
            dict(incident_id="A2", responsible_la="Bolton", return_interview_offered_at="2024-03-13 10:01",
                 return_interview_done_at="2024-03-20 10:00", **child),
            # never offered
            dict(incident_id="A3", responsible_la="Bolton", **child),
            # no responsible authority recorded
            dict(incident_id="B1", return_interview_offered_at="2024-03-11 09:00", **child),
            # not counted: an adult, a child still missing, a child found dead, a February report
            dict(incident_id="X1", responsible_la="Bolton", **{**child, "age": 18}),
            dict(incident_id="X2", responsible_la="Bolton", **{**child, "found_at": None}),
            dict(incident_id="X3", responsible_la="Bolton", outcome="found_dead", **child),
            dict(incident_id="X4", responsible_la="Bolton", found_at="2024-03-01 10:00", reported_at="2024-02-29 22:00",
                 age=15),
        ],
    )
    frame = sg.return_interviews(con, settings, MARCH).set_index("responsible_la")
    assert frame.index.tolist() == ["Bolton", "unknown", "all"]
    bolton = frame.loc["Bolton"]
    assert bolton[["returns", "offered", "offered_within_limit", "done", "done_within_limit"]].tolist() == [
        3, 2, 1, 2, 1,
    ]
    assert (bolton["offered_within_limit_rate"], bolton["done_within_limit_rate"]) == (0.333, 0.333)
    assert frame.loc["all", ["returns", "offered_within_limit"]].tolist() == [4, 2]
    assert frame.loc["all", "offered_within_limit_rate"] == 0.5


def test_return_interview_limit_is_configuration(con):
    add_episodes(con, [dict(incident_id="A1", reported_at="2024-03-10 08:00", found_at="2024-03-10 10:00", age=15,
                            return_interview_offered_at="2024-03-12 10:00")])
    strict = Settings(safeguarding=SafeguardingConfig(return_interview_hours=24))
    assert sg.return_interviews(con, strict, MARCH)["offered_within_limit"].tolist() == [0, 0]


# ---- oversight ----------------------------------------------------------------------------


def test_open_episodes_as_of_a_moment_most_serious_first(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="LOW", reported_at="2024-03-20 09:00", risk="low"),
            dict(incident_id="RAISED", reported_at="2024-03-21 09:00", risk="medium", risk_highest="high"),
            dict(incident_id="MED", reported_at="2024-03-01 12:00", risk="medium"),
            dict(incident_id="FOUND_LATER", reported_at="2024-03-21 10:00", found_at="2024-03-22 10:00", risk="low"),
            dict(incident_id="FOUND_BEFORE", reported_at="2024-03-20 10:00", found_at="2024-03-21 11:00"),
            dict(incident_id="AFTER", reported_at="2024-03-21 12:30", risk="high"),
        ],
    )
    as_of = datetime(2024, 3, 21, 12, 0, tzinfo=LONDON)
    lists = sg.oversight(con, settings, MARCH, as_of)
    frame = lists.open_episodes
    assert frame["incident_id"].tolist() == ["RAISED", "MED", "LOW", "FOUND_LATER"]
    assert frame["hours_since_report"].tolist() == [3.0, 480.0, 27.0, 2.0]
    assert frame["over_notify_limit"].tolist() == [False, True, False, False]


def test_ukmpu_notifications_fall_due_after_72_hours_missing(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="OPEN", reported_at="2024-03-01 10:00"),
            dict(incident_id="AT_72H", reported_at="2024-03-01 10:00", found_at="2024-03-04 10:00"),
            dict(incident_id="AT_73H", reported_at="2024-03-01 10:00", found_at="2024-03-04 11:00"),
            dict(incident_id="FROM_FEB", reported_at="2024-02-28 20:00"),  # due 2 March
            dict(incident_id="DUE_APRIL", reported_at="2024-03-30 10:00"),  # due 2 April
            dict(incident_id="DUE_FEB", reported_at="2024-02-20 10:00"),  # notified in February
        ],
    )
    frame = sg.oversight(con, settings, MARCH).ukmpu_notifications.set_index("incident_id")
    assert frame.index.tolist() == ["FROM_FEB", "AT_73H", "OPEN"]  # by due time, then incident
    assert frame.loc["OPEN", "notify_due_at"] == _at("2024-03-04 10:00")
    assert frame["still_missing"].to_dict() == {"FROM_FEB": True, "OPEN": True, "AT_73H": False}
    assert frame.loc["AT_73H", "hours_missing"] == 73.0
    # as of the moment the notification fell due nothing is listed yet; an hour later it is
    early = sg.oversight(con, settings, MARCH, datetime(2024, 3, 2, 20, 0, tzinfo=LONDON)).ukmpu_notifications
    assert early.empty
    later = sg.oversight(con, settings, MARCH, datetime(2024, 3, 2, 21, 0, tzinfo=LONDON)).ukmpu_notifications
    assert later["incident_id"].tolist() == ["FROM_FEB"]


def test_intelligence_report_due_for_exploitation_flags_in_the_period(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="CSE", reported_at="2024-03-02 10:00", flag_cse=True, flag_mental_health=True),
            dict(incident_id="A2", person="CSE", reported_at="2024-03-09 10:00", flag_trafficking=True),
            dict(incident_id="A3", person="CSE", reported_at="2024-03-10 10:00"),
            dict(incident_id="B1", person="MH_ONLY", reported_at="2024-03-02 10:00", flag_mental_health=True),
            dict(incident_id="C1", person="FEBRUARY", reported_at="2024-02-02 10:00", flag_cce=True),
        ],
    )
    frame = sg.oversight(con, settings, MARCH).intelligence_due
    assert frame[["person_key", "flagged_episodes", "flags"]].values.tolist() == [["CSE", 2, "cse;trafficking"]]
    assert frame.loc[0, "last_flagged_at"] == _at("2024-03-09 10:00")


def test_oversight_wants_an_aware_moment(con, settings):
    with pytest.raises(ValueError, match="timezone-aware"):
        sg.oversight(con, settings, MARCH, datetime(2024, 3, 2, 20, 0))


# ---- unauthorised absences ----------------------------------------------------------------


def _add_absences(con, rows):
    defaults = dict(site_ref=None, site_name=None, ended_at=None, incident_id=None)
    frame = pd.DataFrame.from_records([{**defaults, **r} for r in rows])
    con.register("_absences", frame)
    con.execute(
        """
        insert into absences by name
        select absence_id, person_key, site_ref, site_name,
               timezone('Europe/London', started_at::timestamp) as started_at,
               timezone('Europe/London', try_cast(ended_at as timestamp)) as ended_at,
               reported_to_police, incident_id, md5(absence_id) as record_hash,
               0 as first_load_id, 0 as last_load_id
        from _absences
        """
    )
    con.unregister("_absences")


def test_absences_per_home_and_per_person_beside_police_reports(con, settings):
    add_sites(con, [dict(site_id="S1", site_ref="H1", name="Oak House", type="childrens_home")])
    add_episodes(
        con,
        [
            dict(incident_id="I1", person="P1", reported_at="2024-03-03 22:00", site_ref="H1"),
            dict(incident_id="I2", person="P3", reported_at="2024-03-12 22:00"),
            dict(incident_id="I3", person="P1", reported_at="2024-03-25 22:00"),
        ],
    )
    add_locations(con, [dict(incident_id="I2", role="missing_from", easting=1.0, northing=1.0, site_id="S1")])
    _add_absences(
        con,
        [
            dict(absence_id="X1", person_key="P1", site_ref="H1", started_at="2024-03-03 21:00",
                 reported_to_police=True, incident_id="I1"),
            dict(absence_id="X2", person_key="P1", site_ref="H1", started_at="2024-03-05 21:00",
                 reported_to_police=False),
            dict(absence_id="X3", person_key="P2", site_ref="H1", started_at="2024-03-06 21:00",
                 reported_to_police=False),
            dict(absence_id="X4", person_key="P2", site_ref="H1", started_at="2024-03-07 21:00",
                 reported_to_police=True, incident_id="NOT_IN_POLICE_DATA"),
            dict(absence_id="Y1", person_key="P2", site_name="Birch Lodge", started_at="2024-03-08 21:00",
                 reported_to_police=False),
            # reported, and the police report names no site: the absence links it to the home
            dict(absence_id="Y2", person_key="P1", site_name="Birch Lodge", started_at="2024-03-25 21:30",
                 reported_to_police=True, incident_id="I3"),
            dict(absence_id="Z1", person_key="P1", site_ref="H1", started_at="2024-02-27 21:00",
                 reported_to_police=False),
        ],
    )
    pattern = sg.absence_pattern(con, settings, MARCH)
    homes = pattern.by_home.set_index("site_name")
    assert homes.index.tolist() == ["Oak House", "Birch Lodge"]
    oak = homes.loc["Oak House"]
    assert oak[["absences", "individuals", "reported_to_police", "not_reported", "reported_without_episode",
                "police_episodes"]].tolist() == [4, 2, 2, 2, 1, 2]
    assert (oak["reported_share"], oak["site_id"], bool(oak["sensitive"])) == (0.5, "S1", True)
    assert homes.loc["Birch Lodge", ["absences", "individuals", "not_reported", "police_episodes"]].tolist() == [
        2, 2, 1, 1,
    ]

    persons = pattern.by_person.set_index("person_key")
    assert persons.loc["P1", ["absences", "reported_to_police", "not_reported", "police_episodes",
                              "total_occasions", "homes"]].tolist() == [3, 2, 1, 2, 3, 2]
    assert persons.loc["P2", ["absences", "not_reported", "police_episodes", "total_occasions", "homes"]].tolist() == [
        3, 2, 0, 2, 2,
    ]
    assert "P3" not in persons.index  # no absences shared for P3
