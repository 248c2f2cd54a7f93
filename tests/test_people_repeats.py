"""Repeat missing: given these reports, these episodes are repeats and these people are on the list."""

from datetime import date

import pandas as pd

from profiles.analysis import people
from profiles.config import RepeatConfig, Settings
from tests.factories import add_episodes


def _counts(con, settings):
    frame = people.episode_repeats(con, settings)
    return dict(zip(frame["incident_id"], frame["reports_in_window"])), dict(
        zip(frame["incident_id"], frame["is_repeat"])
    )


def test_a_report_exactly_90_days_earlier_counts_and_one_a_minute_older_does_not(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-01-01 10:00"),
            dict(incident_id="A2", person="P1", reported_at="2024-02-15 10:00"),
            dict(incident_id="A3", person="P1", reported_at="2024-03-31 10:00"),  # 90 days after A1
            dict(incident_id="B1", person="P2", reported_at="2024-01-01 09:59"),
            dict(incident_id="B2", person="P2", reported_at="2024-02-15 10:00"),
            dict(incident_id="B3", person="P2", reported_at="2024-03-31 10:00"),  # 90 days + 1 minute
        ],
    )
    counts, repeat = _counts(con, settings)
    assert counts == {"A1": 1, "A2": 2, "A3": 3, "B1": 1, "B2": 2, "B3": 2}
    assert [k for k, v in repeat.items() if v] == ["A3"]


def test_the_window_is_counted_in_london_calendar_days_across_the_clock_change(con, settings):
    # 2024-03-31 10:00 BST minus 90 days is 2024-01-01 10:00 GMT (same local clock time),
    # not 09:00 GMT as 90 x 24 hours would give.
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-01-01 09:30"),
            dict(incident_id="A2", person="P1", reported_at="2024-03-31 10:00"),
        ],
    )
    counts, _ = _counts(con, settings)
    assert counts == {"A1": 1, "A2": 1}


def test_reports_at_the_same_instant_count_for_each_other(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-05-01 08:00"),
            dict(incident_id="A2", person="P1", reported_at="2024-05-20 23:15"),
            dict(incident_id="A3", person="P1", reported_at="2024-05-20 23:15"),
        ],
    )
    counts, repeat = _counts(con, settings)
    assert counts == {"A1": 1, "A2": 3, "A3": 3}
    assert repeat == {"A1": False, "A2": True, "A3": True}


def test_people_are_counted_apart(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-05-01 08:00"),
            dict(incident_id="B1", person="P2", reported_at="2024-05-02 08:00"),
            dict(incident_id="C1", person="P3", reported_at="2024-05-03 08:00"),
        ],
    )
    counts, repeat = _counts(con, settings)
    assert counts == {"A1": 1, "B1": 1, "C1": 1}
    assert not any(repeat.values())


def test_window_and_threshold_come_from_settings(con):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-01-01 10:00"),
            dict(incident_id="A2", person="P1", reported_at="2024-01-20 10:00"),
            dict(incident_id="A3", person="P1", reported_at="2024-02-25 10:00"),
        ],
    )
    tight = Settings(repeat=RepeatConfig(window_days=30, threshold=2))
    counts, repeat = _counts(con, tight)
    assert counts == {"A1": 1, "A2": 2, "A3": 1}
    assert repeat == {"A1": False, "A2": True, "A3": False}


def test_episode_mart_derives_highest_risk_flags_and_order(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A1", person="P1", reported_at="2024-01-01 10:00", risk="low",
                 risk_highest="high", flag_cce=True, flag_cse=True, age=15),
            dict(incident_id="A2", person="P1", reported_at="2024-01-02 10:00", risk="no_apparent_risk", age=19),
        ],
    )
    frame = people.episode_repeats(con, settings).set_index("incident_id")
    assert frame.loc["A1", "highest_risk"] == "high"
    assert frame.loc["A1", "flags"] == "cse;cce"
    assert frame.loc["A2", "flags"] == ""
    assert bool(frame.loc["A1", "is_child"]) and not bool(frame.loc["A2", "is_child"])
    assert frame["report_number"].tolist() == [1, 2]
    assert pd.isna(frame.loc["A1", "previous_reported_at"])


def _spread(person, days, **extra):
    """Reports for one person on the given dates (noon)."""
    return [
        dict(incident_id=f"{person}-{i}", person=person, reported_at=f"{d} 12:00", **extra)
        for i, d in enumerate(days, start=1)
    ]


def test_repeat_list_window_is_the_90_days_ending_on_the_as_of_date(con, settings):
    as_of = date(2024, 6, 30)  # window 2024-04-02 .. 2024-06-30
    add_episodes(
        con,
        [
            # exactly on the first and last day of the window: counted
            dict(incident_id="A1", person="IN", reported_at="2024-04-02 00:00"),
            dict(incident_id="A2", person="IN", reported_at="2024-05-10 12:00"),
            dict(incident_id="A3", person="IN", reported_at="2024-06-30 23:59"),
            # one just before the window and one just after: only two inside
            dict(incident_id="B1", person="EDGE", reported_at="2024-04-01 23:59"),
            dict(incident_id="B2", person="EDGE", reported_at="2024-05-10 12:00"),
            dict(incident_id="B3", person="EDGE", reported_at="2024-06-01 12:00"),
            dict(incident_id="B4", person="EDGE", reported_at="2024-07-01 00:00"),
        ],
    )
    frame = people.repeat_list(con, settings, as_of)
    assert frame["person_key"].tolist() == ["IN"]
    row = frame.iloc[0]
    assert row["reports_in_window"] == 3
    assert row["first_report_at"] == pd.Timestamp("2024-04-02 00:00", tz="Europe/London")
    assert row["last_report_at"] == pd.Timestamp("2024-06-30 23:59", tz="Europe/London")


def test_repeat_list_describes_the_person_over_the_window(con, settings):
    add_episodes(
        con,
        [
            dict(incident_id="A0", person="P1", reported_at="2024-01-05 12:00", risk="high", flag_trafficking=True),
            dict(incident_id="A1", person="P1", reported_at="2024-05-01 12:00", risk="low", flag_cce=True),
            dict(incident_id="A2", person="P1", reported_at="2024-05-10 12:00", risk="medium",
                 risk_highest="high", looked_after=True),
            dict(incident_id="A3", person="P1", reported_at="2024-06-01 12:00", risk="low", flag_cse=True,
                 looked_after=False),
            *_spread("P2", ["2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04"], risk="low"),
            *_spread("P3", ["2024-05-01", "2024-05-02"], risk="high"),
        ],
    )
    frame = people.repeat_list(con, settings, date(2024, 6, 30))
    assert frame["person_key"].tolist() == ["P2", "P1"]  # most reports first
    p1 = frame.set_index("person_key").loc["P1"]
    # the January report is outside the window: its high grade and trafficking flag do not count
    assert (p1["reports_in_window"], p1["highest_risk"], p1["flags"], bool(p1["looked_after"])) == (
        3, "high", "cse;cce", True,
    )
    p2 = frame.set_index("person_key").loc["P2"]
    assert (p2["reports_in_window"], p2["highest_risk"], p2["flags"], bool(p2["looked_after"])) == (
        4, "low", "", False,
    )


def test_police_repeat_list_carries_the_raw_reference_and_nothing_else_about_identity(con, settings):
    add_episodes(con, _spread("K1", ["2024-05-01", "2024-05-02", "2024-05-03"]))
    frame = people.repeat_list_police(con, settings, date(2024, 5, 31))
    assert frame.columns.tolist() == [
        "person_id", "reports_in_window", "first_report_at", "last_report_at", "looked_after",
        "highest_risk", "flags",
    ]
    assert frame["person_id"].tolist() == ["REF-K1"]
    # the analysis output itself is pseudonymised
    assert "person_id" not in people.repeat_list(con, settings, date(2024, 5, 31)).columns


def test_repeat_window_helper_names_the_days(settings):
    window = people.repeat_window(settings, date(2024, 6, 30))
    assert (window.first_day, window.last_day) == (date(2024, 4, 2), date(2024, 6, 30))


def test_episode_frame_leaves_out_free_text_and_date_of_birth(con, settings):
    add_episodes(con, [dict(incident_id="A1", person="P1", reported_at="2024-01-01 10:00",
                            reason="SYNTHETIC free text", date_of_birth="2009-01-01")])
    assert not {"reason", "date_of_birth"} & set(people.episode_repeats(con, settings).columns)


def _mixed_history(con):
    add_episodes(
        con,
        [
            # ties at one instant, a gap longer than the window, the clock change, a crossing
            dict(incident_id="A1", person="P1", reported_at="2024-01-01 10:00", risk="high"),
            dict(incident_id="A2", person="P1", reported_at="2024-01-20 10:00"),
            dict(incident_id="A3", person="P1", reported_at="2024-01-20 10:00"),
            dict(incident_id="A4", person="P1", reported_at="2024-06-01 10:00"),
            dict(incident_id="A5", person="P1", reported_at="2024-06-02 10:00"),
            dict(incident_id="A6", person="P1", reported_at="2024-06-03 10:00"),
            dict(incident_id="B1", person="P2", reported_at="2024-01-01 09:30", flag_cse=True),
            dict(incident_id="B2", person="P2", reported_at="2024-03-31 10:00"),
            dict(incident_id="C1", person="P3", reported_at="2024-05-05 12:00"),
        ],
    )


def test_the_cached_repeat_counts_are_the_marts_own(con, settings):
    """cached_repeat_counts keeps a copy of episode_repeat_counts(): every column of every
    episode is the same with and without it, and the people lists built on it too."""
    from profiles.analysis.people_common import cached_repeat_counts
    from profiles.periods import Month

    _mixed_history(con)
    month = Month.parse("2024-06")
    direct = people.episode_repeats(con, settings)
    referrals = people.referral_list(con, settings, month)
    plans = people.trigger_plans(con, settings, month).persons
    with cached_repeat_counts(con, settings):
        cached = people.episode_repeats(con, settings)
        pd.testing.assert_frame_equal(people.referral_list(con, settings, month), referrals)
        pd.testing.assert_frame_equal(people.trigger_plans(con, settings, month).persons, plans)
    pd.testing.assert_frame_equal(cached, direct)
    # A2 and A3 at one instant count for each other (3 in the window), so A3 follows a repeat
    assert {i: (None if pd.isna(v) else bool(v)) for i, v in zip(direct["incident_id"], direct["previous_is_repeat"])} == {
        "A1": None, "A2": False, "A3": True, "A4": True, "A5": False, "A6": False,
        "B1": None, "B2": False, "C1": None}
    # after the block the mart counts again (episodes added later are seen)
    add_episodes(con, [dict(incident_id="C2", person="P3", reported_at="2024-05-06 12:00")])
    assert "C2" in set(people.episode_repeats(con, settings)["incident_id"])


def test_the_cached_repeat_counts_refuse_another_rule(con, settings):
    import duckdb
    import pytest

    from profiles.analysis.people_common import cached_repeat_counts

    _mixed_history(con)
    other = settings.model_copy(update={"repeat": RepeatConfig(threshold=2)})
    with cached_repeat_counts(con, settings):
        with pytest.raises(duckdb.Error, match="another repeat rule"):
            people.episode_repeats(con, other)
    assert people.episode_repeats(con, other)["is_repeat"].sum() > people.episode_repeats(con, settings)["is_repeat"].sum()


def test_the_cached_facts_are_the_marts_own(con, settings):
    """cached_facts keeps a copy of episode_facts(): inside the block every mart reading the
    facts reads the copy (episodes added meanwhile are not seen), every column of every
    episode is the same as without it, and after the block the facts are computed again."""
    from profiles.db import cached_facts

    _mixed_history(con)
    query = "select * from episode_facts() order by incident_id"
    direct = con.execute(query).df()
    repeats = people.episode_repeats(con, settings)
    with cached_facts(con):
        pd.testing.assert_frame_equal(con.execute(query).df(), direct)
        pd.testing.assert_frame_equal(people.episode_repeats(con, settings), repeats)
        add_episodes(con, [dict(incident_id="C2", person="P3", reported_at="2024-05-06 12:00")])
        assert "C2" not in set(con.execute(query).df()["incident_id"])  # the copy is read
    assert "C2" in set(con.execute(query).df()["incident_id"])
    assert not con.execute("select * from duckdb_tables() where table_name = 'episode_facts_cache'").fetchall()
