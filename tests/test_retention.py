"""Retention review: given these episodes and this policy, the weed removes exactly these."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, datetime, timezone

import pytest
from pydantic import ValidationError

from profiles.config import RetentionConfig
from profiles.errors import MisperError
from profiles.retention import weed, weed_policy, write_plan_csv, years_before
from tests.factories import add_episodes, add_locations

POLICY = RetentionConfig(resolved_review_years=6, keep_locations_years=10)
AS_OF = date(2025, 6, 30)  # review cut-off 2019-06-30 00:00 London; locations cut-off 2015-06-30


def _episodes(con):
    add_episodes(
        con,
        [
            # P1: an old resolved episode (weeded, locations kept) and a recent one (stays).
            dict(incident_id="OLD1", person="P1", reported_at="2018-01-10 21:00", found_at="2018-01-11 09:00"),
            dict(incident_id="RECENT", person="P1", reported_at="2024-02-01 18:00", found_at="2024-02-02 08:00"),
            # P2: resolved before the locations horizon too: everything goes.
            dict(incident_id="OLD2", person="P2", reported_at="2014-03-01 20:00", found_at="2014-03-02 07:00"),
            # P3: missing since 2005 and never found: never weeded.
            dict(incident_id="OPEN", person="P3", reported_at="2005-05-05 12:00", found_at=None),
            # P4: resolved 2017, no geocoded locations.
            dict(incident_id="OLD3", person="P4", reported_at="2017-08-01 23:00", found_at="2017-08-03 10:00"),
            # Either side of the review cut-off (2019-06-30 00:00 London, BST).
            dict(incident_id="EDGE_IN", person="P6", reported_at="2019-06-29 20:00", found_at="2019-06-29 23:59:59"),
            dict(incident_id="EDGE_OUT", person="P7", reported_at="2019-06-29 20:00", found_at="2019-06-30 00:00:00"),
        ],
    )
    add_locations(
        con,
        [
            dict(incident_id=i, role=role, easting=380000.0, northing=398000.0)
            for i in ("OLD1", "OLD2", "RECENT", "OPEN")
            for role in ("missing_from", "found")
        ],
    )
    # Earlier versions (the episodes were first loaded while still open).
    con.execute(
        "insert into episode_history by name select *, 2 as superseded_by_load, now() as superseded_at "
        "from episodes where incident_id in ('OLD1', 'RECENT', 'OPEN')"
    )
    con.execute(
        """
        insert into quarantine (load_id, record_type, file, file_sha256, row_number, record_key, reasons, raw)
        values
            (1, 'episode', 'extract_2018.csv', 'aa', 14, 'OLD1', ['found_at before reported_at'], '{}'),
            (1, 'episode', 'extract_2018.csv', 'aa', 15, 'OPEN', ['unknown risk code'], '{}'),
            (1, 'absence', 'absences_2015.csv', 'bb', 3, 'ABS1', ['unknown site'], '{}')
        """
    )
    con.execute(
        """
        insert into absences
            (absence_id, person_key, started_at, ended_at, reported_to_police, incident_id,
             record_hash, first_load_id, last_load_id)
        values
            ('ABS1', 'P5', '2015-02-01 20:00', '2015-02-01 23:00', false, null, 'h', 1, 1),
            ('ABS2', 'P3', '2010-01-01 20:00', null,                 false, null, 'h', 1, 1),
            ('ABS3', 'P1', '2018-01-10 20:00', '2018-01-11 09:00', true,  'RECENT', 'h', 1, 1),
            ('ABS4', 'P1', '2018-01-10 20:00', '2018-01-11 09:00', true,  'OLD1', 'h', 1, 1)
        """
    )
    con.execute("insert into person_identity values ('P5', 'REF-P5')")


def _ids(con, sql):
    return sorted(r[0] for r in con.execute(sql).fetchall())


def test_policy_cut_offs_are_whole_years_before_the_review_date():
    policy = weed_policy(POLICY, AS_OF, today=AS_OF)
    assert policy.review_cutoff.isoformat() == "2019-06-30T00:00:00+01:00"
    assert policy.locations_cutoff_day == date(2015, 6, 30)
    assert years_before(date(2024, 2, 29), 6) == date(2018, 2, 28)


def test_resolved_episodes_past_review_are_weeded_and_unresolved_never(con):
    _episodes(con)

    result = weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False)

    assert result.plan.incident_ids == ["EDGE_IN", "OLD1", "OLD2", "OLD3"]
    assert _ids(con, "select incident_id from episodes") == ["EDGE_OUT", "OPEN", "RECENT"]
    assert _ids(con, "select incident_id from episode_history") == ["OPEN", "RECENT"]
    assert _ids(con, "select record_key from quarantine") == ["OPEN"]


def test_unresolved_episodes_survive_any_policy(con):
    add_episodes(con, [dict(incident_id="OPEN", person="P3", reported_at="1990-01-01 12:00", found_at=None)])

    weed(con, weed_policy(RetentionConfig(resolved_review_years=1, keep_locations_years=0),
                          date(2025, 1, 1), today=date(2025, 1, 1)), dry_run=False)

    assert _ids(con, "select incident_id from episodes") == ["OPEN"]
    assert _ids(con, "select person_key from person_identity") == ["P3"]


def test_locations_of_weeded_episodes_follow_keep_locations_years(con):
    _episodes(con)

    weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False)

    # OLD1 (resolved 2018) keeps its locations, linked only to the pseudonymised person;
    # OLD2 (resolved 2014, before the 2015-06-30 horizon) loses them.
    assert _ids(con, "select distinct incident_id from episode_locations") == ["OLD1", "OPEN", "RECENT"]
    assert con.execute("select incident_id, person_key, resolved_on from weeded_episodes").fetchall() == [
        ("OLD1", "P1", date(2018, 1, 11))
    ]

    # Ten years after OLD1 was resolved its locations go too.
    later = weed(con, weed_policy(POLICY, date(2028, 6, 30), today=date(2028, 6, 30)), dry_run=False)

    assert later.plan.location_incident_ids == ["OLD1"]
    assert later.plan.incident_ids == ["EDGE_OUT"]  # review cut-off now 2022-06-30; RECENT stays
    assert _ids(con, "select distinct incident_id from episode_locations") == ["OPEN", "RECENT"]
    assert _ids(con, "select incident_id from weeded_episodes") == []


def test_person_reference_goes_only_when_nothing_of_theirs_is_left(con):
    _episodes(con)

    weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False)

    # P1 keeps RECENT, P3 is still missing, P7 is inside the review period.
    # P2, P4, P6 had only weeded episodes; P5 only an old ended absence.
    assert _ids(con, "select person_key from person_identity") == ["P1", "P3", "P7"]


def test_absences_follow_the_review_period_unless_tied_to_an_episode_that_stays(con):
    _episodes(con)

    weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False)

    # ABS1 ended 2015 (weeded), ABS2 never ended (kept), ABS3 belongs to RECENT (kept),
    # ABS4 belongs to the weeded OLD1.
    assert _ids(con, "select absence_id from absences") == ["ABS2", "ABS3"]


def test_every_weed_is_logged_with_counts_and_a_hash_of_the_incident_ids(con):
    _episodes(con)
    run_at = datetime(2025, 6, 30, 9, 0, tzinfo=timezone.utc)

    result = weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False, run_at=run_at)

    row = con.execute(
        "select weed_id, as_of, episodes, episode_history, quarantine, absences, person_identity, "
        "locations_kept, locations_removed, incident_ids, incident_ids_sha256, "
        "location_incident_ids, policy->>'resolved_review_years' from weed_log"
    ).fetchall()
    ids = ["EDGE_IN", "OLD1", "OLD2", "OLD3"]
    assert row == [
        (result.weed_id, AS_OF, 4, 1, 2, 2, 4, 2, 2, ids,
         hashlib.sha256("\n".join(ids).encode()).hexdigest(), ["OLD2"], "6")
    ]


def test_dry_run_lists_what_would_go_and_changes_nothing(con, tmp_path):
    _episodes(con)
    tables = ["episodes", "episode_history", "episode_locations", "quarantine", "absences",
              "person_identity", "weeded_episodes", "weed_log"]

    def snapshot():
        return {t: sorted(map(str, con.execute(f"select * from {t}").fetchall())) for t in tables}

    before = snapshot()

    result = weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=True)
    path = write_plan_csv(result.plan, tmp_path / "weed.csv")

    assert snapshot() == before
    assert result.weed_id is None
    assert result.plan.counts == {
        "episodes": 4, "episode_history": 1, "quarantine": 2, "absences": 2, "absence_history": 0,
        "person_identity": 4, "locations_kept": 2, "locations_removed": 2,
    }
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [
        {"incident_id": "EDGE_IN", "resolved_on": "2019-06-29", "episode": "weeded", "locations": "none"},
        {"incident_id": "OLD1", "resolved_on": "2018-01-11", "episode": "weeded", "locations": "kept"},
        {"incident_id": "OLD2", "resolved_on": "2014-03-02", "episode": "weeded", "locations": "removed"},
        {"incident_id": "OLD3", "resolved_on": "2017-08-03", "episode": "weeded", "locations": "none"},
    ]
    # The real weed then does exactly what the dry run said.
    real = weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False)
    assert real.plan.counts == result.plan.counts
    assert real.plan.incidents == result.plan.incidents


def test_a_failure_part_way_leaves_the_database_as_it_was(con, monkeypatch):
    import profiles.retention as retention

    _episodes(con)
    before = con.execute("select count(*) from episodes").fetchone()
    real_run_sql = retention.run_sql

    def failing_run_sql(c, name, params=None):
        cursor = real_run_sql(c, name, params)
        if name == "retention/apply.sql":  # every delete has run: now fail before commit
            raise RuntimeError("disk full")
        return cursor

    monkeypatch.setattr(retention, "run_sql", failing_run_sql)
    with pytest.raises(RuntimeError, match="disk full"):
        weed(con, weed_policy(POLICY, AS_OF, today=AS_OF), dry_run=False)

    assert con.execute("select count(*) from episodes").fetchone() == before
    assert con.execute("select count(*) from weed_log").fetchone() == (0,)
    assert con.execute("select count(*) from person_identity").fetchone() == (7,)


def test_a_future_review_date_and_a_policy_under_a_year_are_refused():
    with pytest.raises(MisperError, match="^as_of: 2030-01-01 is in the future"):
        weed_policy(POLICY, date(2030, 1, 1), today=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="resolved_review_years"):  # refused where settings are read
        RetentionConfig(resolved_review_years=0)
