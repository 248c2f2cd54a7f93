"""Ingestion: every row is loaded, updated, unchanged, quarantined or a duplicate.

Given small extracts written here, the database holds exactly these episodes and the
quarantine holds exactly these rows with these reasons.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from profiles.canonical import COLUMN_NAMES
from profiles.config import Settings
from profiles.db import connect
from profiles.errors import InputError
from profiles.ingest.load import ingest_files

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)

BASE = {
    "incident_id": "I1",
    "person_id": "P1",
    "reported_at": "2024-01-05 10:00",
    "found_at": "2024-01-05 18:00",
    "age": "15",
    "gender": "female",
    "risk": "medium",
}


def write_csv(path: Path, rows: list[dict], *, encoding="utf-8", delimiter=",", columns=None) -> Path:
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, delimiter=delimiter)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
    return path


def row(**changes) -> dict:
    return {**BASE, **changes}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "misper.duckdb"


def load(files, db, mapping="canonical", now=NOW):
    files = files if isinstance(files, list) else [files]
    return ingest_files(files, mapping=mapping, settings=Settings(), db_path=db, now=now)


def person_key(person_id: str, key: str) -> str:
    """The pseudonym as the docs define it, through Python's own HMAC (independent of the SQL)."""
    return "PK-" + hmac.new(key.encode("utf-8"), person_id.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def episodes(db) -> pd.DataFrame:
    con = connect(db, read_only=True)
    try:
        return con.execute("select * from episodes order by incident_id").df()
    finally:
        con.close()


def quarantined(db) -> dict[int, list[str]]:
    con = connect(db, read_only=True)
    try:
        return {r: list(reasons) for r, reasons in con.execute(
            "select row_number, reasons from quarantine order by row_number").fetchall()}
    finally:
        con.close()


# ---------------------------------------------------------------------------------- typing


def test_values_are_typed_and_normalised(tmp_path, db):
    f = write_csv(tmp_path / "x.csv", [
        row(incident_id="I1", reported_at="2024-07-01 10:00", found_at="", missing_from_postcode="m11ae",
            flag_cse="Y", looked_after="true", calls="2.0", ethnicity="ic3"),
        row(incident_id="I2", reported_at="2024-07-01T10:00:00Z", risk="absent", age="",
            date_of_birth="2008-07-02", found_at="", risk_highest="high", missing_from_postcode="M1 1"),
        row(incident_id="I3", risk="high", risk_highest="low", flag_cse="0"),
    ])
    result = load(f, db)
    assert (result.total("loaded"), result.total("quarantined")) == (3, 0)
    e = episodes(db).set_index("incident_id")
    con = connect(db, read_only=True)
    hours = dict(con.execute("select incident_id, hour(reported_at) from episodes").fetchall())
    con.close()
    assert hours["I1"] == 10  # local time as given
    assert hours["I2"] == 11  # 10:00 UTC is 11:00 BST
    assert e.loc["I1", "missing_from_postcode"] == "M1 1AE"
    assert e.loc["I2", "missing_from_postcode"] == "M1 1"  # a sector is kept as given
    assert bool(e.loc["I1", "flag_cse"]) is True and bool(e.loc["I3", "flag_cse"]) is False
    assert bool(e.loc["I1", "looked_after"]) is True
    assert e.loc["I1", "calls"] == 2 and e.loc["I1", "ethnicity"] == "IC3"
    assert e.loc["I2", "risk"] == "no_apparent_risk"  # legacy 'absent' is mapped, never dropped
    assert e.loc["I2", "age_at_report"] == 15  # from date of birth: 16th birthday is the next day
    assert pd.isna(e.loc["I2", "found_at"])
    assert e.loc["I2", "risk_highest"] == "high"
    assert e.loc["I3", "risk_highest"] == "high"  # never below the initial grade


def test_person_references_are_pseudonymised(tmp_path, db):
    f = write_csv(tmp_path / "x.csv", [row(incident_id="I1", person_id="SYN-P9"),
                                       row(incident_id="I2", person_id="SYN-P9", reported_at="2024-02-01 09:00")])
    load(f, db)
    e = episodes(db)
    key, _ = Settings().pseudonym_key()
    assert set(e["person_key"]) == {person_key("SYN-P9", key)}
    assert "person_id" not in e.columns
    con = connect(db, read_only=True)
    assert con.execute("select person_id from person_identity").fetchall() == [("SYN-P9",)]
    con.close()


def test_the_pseudonym_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MISPER_PSEUDONYM_KEY", "force-secret")
    assert Settings().pseudonym_key() == ("force-secret", False)
    monkeypatch.delenv("MISPER_PSEUDONYM_KEY")
    assert Settings().pseudonym_key()[1] is True  # the demo key, flagged as such


@pytest.mark.parametrize("key", ["force-secret", "k" * 64, "a much longer key than one block of SHA-256, " * 3, "clé-ü"])
def test_pseudonyms_are_hmac_sha256_of_the_reference(tmp_path, monkeypatch, key):
    # computed in SQL over the whole load (sql/staging/person_keys.sql); the key may be shorter
    # than a block, exactly one, longer (hashed first) or not ASCII, and so may the reference
    monkeypatch.setenv("MISPER_PSEUDONYM_KEY", key)
    people = ["SYN-P1", "SYN-P2", "Zoë-7", "李-3", "x" * 80]
    rows = [row(incident_id=f"I{i}", person_id=p) for i, p in enumerate(people)]
    db = tmp_path / "k.duckdb"
    load(write_csv(tmp_path / "x.csv", rows), db)
    con = connect(db, read_only=True)
    held = dict(con.execute("select person_id, person_key from person_identity").fetchall())
    con.close()
    assert held == {p: person_key(p, key) for p in people}
    assert set(episodes(db)["person_key"]) == set(held.values())
    assert person_key("P1", key) != person_key("P1", key + "x")


# ---------------------------------------------------------------------------------- validation

REASON_CASES = [
    (dict(incident_id=""), "incident_id: required"),
    (dict(person_id=" "), "person_id: required"),
    (dict(reported_at=""), "reported_at: required"),
    (dict(gender=""), "gender: required"),
    (dict(risk=""), "risk: required"),
    (dict(age=""), "date_of_birth/age: one of them is required"),
    (dict(reported_at="32/13/2024"), "reported_at: not a date-time ('32/13/2024')"),
    (dict(found_at="yesterday"), "found_at: not a date-time ('yesterday')"),
    (dict(found_at="2024-01-05 09:00"), "found_at: before reported_at"),
    (dict(reported_at="2027-01-01 10:00", found_at=""), "reported_at: in the future"),
    (dict(age="130"), "age: implausible (130)"),
    (dict(age="-1"), "age: implausible (-1)"),
    (dict(age="", date_of_birth="2025-01-01"), "date_of_birth: after reported_at"),
    (dict(age="fifteen"), "age: not a whole number ('fifteen')"),
    (dict(gender="dragon"), "gender: unknown code 'dragon'"),
    (dict(risk="extreme"), "risk: unknown code 'extreme'"),
    (dict(ethnicity="W1"), "ethnicity: unknown code 'W1'"),
    (dict(missing_from_type="castle"), "missing_from_type: unknown code 'castle'"),
    (dict(found_by="owl"), "found_by: unknown code 'owl'"),
    (dict(outcome="fine"), "outcome: unknown code 'fine'"),
    (dict(flag_cce="maybe"), "flag_cce: not Y/N ('maybe')"),
    (dict(missing_from_postcode="ABC 123"), "missing_from_postcode: not a postcode ('ABC 123')"),
    (dict(found_postcode="M1 1AEX"), "found_postcode: not a postcode ('M1 1AEX')"),
    (dict(missing_from_easting="383000"), "missing_from_easting/northing: one given without the other"),
    (dict(found_easting="900000", found_northing="100"), "found_easting/northing: outside Great Britain (900000, 100)"),
    (dict(missing_from_easting="2.35", missing_from_northing="48.85"),
     "missing_from_easting/northing: outside Great Britain (2.35, 48.85)"),
    (dict(calls="-2"), "calls: not a count ('-2')"),
]


@pytest.mark.parametrize(("changes", "reason"), REASON_CASES, ids=[r for _, r in REASON_CASES])
def test_each_rule_quarantines_with_its_reason(tmp_path, db, changes, reason):
    f = write_csv(tmp_path / "x.csv", [row(incident_id="OK"), row(**{"incident_id": "BAD", **changes})],
                  columns=COLUMN_NAMES)
    result = load(f, db)
    assert (result.total("loaded"), result.total("quarantined")) == (1, 1)
    assert quarantined(db) == {2: [reason]}
    assert list(episodes(db)["incident_id"]) == ["OK"]


def test_every_reason_of_a_row_is_kept(tmp_path, db):
    f = write_csv(tmp_path / "x.csv", [row(gender="dragon", risk="", age="200", found_postcode="??")])
    load(f, db)
    assert quarantined(db) == {1: [
        "risk: required", "age: implausible (200)", "gender: unknown code 'dragon'",
        "found_postcode: not a postcode ('??')",
    ]}


def test_good_values_that_look_odd_are_accepted(tmp_path, db):
    f = write_csv(tmp_path / "x.csv", [
        row(incident_id="A", missing_from_easting="-2.24", missing_from_northing="53.48"),  # WGS84
        row(incident_id="B", found_easting="383849", found_northing="398594", found_postcode="M1"),
        row(incident_id="C", reported_at="2024-03-31T01:30:00+01:00", found_at="2024-03-31 04:00"),
        row(incident_id="D", gender="UNKNOWN", risk="No_Apparent_Risk"),
    ])
    assert load(f, db).total("loaded") == 4


# ---------------------------------------------------------------------------------- reconciliation


def test_reconciliation_accounts_for_every_row(tmp_path, db):
    rows = [
        row(incident_id="I1"),
        row(incident_id="I1"),                               # exact duplicate
        row(incident_id="I2", reported_at="2024-02-01 10:00", found_at=""),
        row(incident_id="I2", reported_at="2024-02-02 10:00", found_at=""),  # conflicts with the line above
        row(incident_id="I3", gender=""),                    # invalid
        row(incident_id="I3", gender=""),                    # duplicate of an invalid row
    ]
    f = write_csv(tmp_path / "x.csv", rows)
    with f.open("a") as fh:
        fh.write("I9,P9\n")                                  # too few fields
    r = load(f, db).as_json()
    assert {k: r[k] for k in ("rows_read", "loaded", "updated", "unchanged", "stale", "quarantined", "duplicates")} == {
        "rows_read": 7, "loaded": 1, "updated": 0, "unchanged": 0, "stale": 0, "quarantined": 4, "duplicates": 2}
    assert set(r) == {"rows_read", "loaded", "updated", "unchanged", "stale", "quarantined", "duplicates", "files"}
    q = quarantined(db)
    assert set(q) == {3, 4, 5, 7}
    assert q[3] == ["incident_id: conflicting versions in this load ('I2' appears 2 times with different values)"]
    assert q[7] == ["row has 2 fields; the header has 7"]


def test_reload_changes_nothing(tmp_path, db):
    f = write_csv(tmp_path / "x.csv", [row(incident_id="I1"), row(incident_id="I2", risk="bad")])
    first = load(f, db)
    before = episodes(db)
    second = load(f, db)
    assert (first.total("loaded"), first.total("quarantined")) == (1, 1)
    assert (second.total("loaded"), second.total("unchanged"), second.total("quarantined")) == (0, 1, 1)
    pd.testing.assert_frame_equal(before, episodes(db))
    con = connect(db, read_only=True)
    assert con.execute("select count(*) from quarantine").fetchone() == (1,)  # not added twice
    assert con.execute("select count(*) from episode_history").fetchone() == (0,)
    con.close()


def test_a_later_extract_updates_and_keeps_history(tmp_path, db):
    load(write_csv(tmp_path / "a.csv", [row(incident_id="I1", found_at="", risk="low")]), db)
    r = load(write_csv(tmp_path / "b.csv", [row(incident_id="I1", found_at="2024-01-06 08:00", risk_highest="high",
                                                 risk="low")]), db)
    assert (r.total("updated"), r.total("loaded")) == (1, 0)
    e = episodes(db).iloc[0]
    assert e["risk_highest"] == "high" and not pd.isna(e["found_at"])
    assert (e["first_load_id"], e["last_load_id"]) == (1, 2)
    con = connect(db, read_only=True)
    hist = con.execute("select found_at, risk_highest, superseded_by_load from episode_history").fetchall()
    con.close()
    assert hist == [(None, "low", 2)]


def test_one_load_of_several_files_is_one_reconciliation(tmp_path, db):
    a = write_csv(tmp_path / "a.csv", [row(incident_id="I1"), row(incident_id="I2")])
    b = write_csv(tmp_path / "b.csv", [row(incident_id="I2"), row(incident_id="I3")])
    r = load([a, b], db)
    assert (r.rows_read, r.total("loaded"), r.total("duplicates")) == (4, 3, 1)
    assert [f["rows_read"] for f in r.as_json()["files"]] == [2, 2]
    con = connect(db, read_only=True)
    assert con.execute("select count(*), min(length(sha256)) from load_files").fetchone() == (2, 64)
    assert con.execute("select rows_read, loaded, duplicates from load_log").fetchone() == (4, 3, 1)
    con.close()


# ---------------------------------------------------------------------------------- refusal


def test_a_missing_required_column_refuses_the_file(tmp_path, db):
    good = write_csv(tmp_path / "good.csv", [row()])
    bad = write_csv(tmp_path / "bad.csv", [{k: v for k, v in row().items() if k != "risk"}])
    with pytest.raises(InputError, match=r"bad\.csv: required column 'risk'"):
        load([good, bad], db)
    assert not db.exists() or episodes(db).empty  # nothing loaded, not even the good file


def test_age_or_date_of_birth_column_is_needed(tmp_path, db):
    f = write_csv(tmp_path / "x.csv", [{k: v for k, v in row().items() if k != "age"}])
    with pytest.raises(InputError, match="needs one of the columns 'date_of_birth', 'age'"):
        load(f, db)


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage\xff\xfe" * 10])
def test_unreadable_files_are_refused(tmp_path, db, content):
    f = tmp_path / "x.csv"
    f.write_bytes(content)
    with pytest.raises(InputError, match="x.csv"):
        load(f, db)


def test_a_crash_mid_load_leaves_the_database_as_it_was(tmp_path, db, monkeypatch):
    load(write_csv(tmp_path / "a.csv", [row(incident_id="I1", found_at="")]), db)
    before = episodes(db)
    import profiles.ingest.load as ingest_module

    real = ingest_module._count

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "_count", crash)
    with pytest.raises(RuntimeError):
        load(write_csv(tmp_path / "b.csv", [row(incident_id="I1"), row(incident_id="I2")]), db)
    pd.testing.assert_frame_equal(before, episodes(db))
    con = connect(db, read_only=True)
    assert con.execute("select count(*) from episode_history").fetchone() == (0,)
    assert con.execute("select count(*) from load_log").fetchone() == (1,)
    con.close()


# ---------------------------------------------------------------------------------- formats


def test_encodings_delimiters_and_file_types_give_the_same_episodes(tmp_path):
    rows = [row(incident_id="I1", reason="Left after row about £5 at café"),
            row(incident_id="I2", reported_at="2024-03-02 23:15", found_at="")]
    utf8 = write_csv(tmp_path / "utf8.csv", rows)
    bom = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    cp = write_csv(tmp_path / "cp1252.csv", rows, encoding="cp1252", delimiter=";")
    utf16 = write_csv(tmp_path / "utf16.csv", rows, encoding="utf-16", delimiter="\t")
    pipe = write_csv(tmp_path / "pipe.csv", rows, delimiter="|")
    frame = pd.DataFrame(rows)
    xlsx = tmp_path / "x.xlsx"
    frame.to_excel(xlsx, index=False)
    parquet = tmp_path / "x.parquet"
    frame.to_parquet(parquet, index=False)
    results = {}
    for f in (utf8, bom, cp, utf16, pipe, xlsx, parquet):
        db = tmp_path / f"{f.suffix[1:]}-{f.stem}.duckdb"
        assert load(f, db).total("loaded") == 2, f
        results[f.name] = episodes(db).drop(columns=["source_file", "version_at"])
    first = results.pop("utf8.csv")
    assert first.loc[0, "reason"] == "Left after row about £5 at café"
    for name, frame in results.items():
        pd.testing.assert_frame_equal(first, frame, obj=name)


def test_a_mapping_renames_recodes_and_parses_local_formats(tmp_path, db):
    mapping = tmp_path / "rms.yaml"
    mapping.write_text(
        "name: test_rms\n"
        "datetime_formats: ['%d/%m/%Y %H:%M']\n"
        "date_formats: ['%d/%m/%Y']\n"
        "columns: {incident_id: Occ Ref, person_id: Nominal, reported_at: Reported,"
        " date_of_birth: DOB, gender: Sex, risk: Risk Grade, missing_from_address: [Street, Town]}\n"
        "codes: {gender: {M: male, F: female}, risk: {HI: high, MED: medium}}\n"
    )
    f = write_csv(tmp_path / "rms.csv", [
        {"Occ Ref": "X1", "Nominal": "N1", "Reported": "05/01/2024 10:00", "DOB": "06/01/2008",
         "Sex": "F", "Risk Grade": "HI", "Street": "1 Example Road", "Town": "Bolton", "Extra": "x"},
        {"Occ Ref": "X2", "Nominal": "N2", "Reported": "05/01/2024 10:00", "DOB": "06/01/2008",
         "Sex": "F", "Risk Grade": "MED", "Street": "", "Town": "Wigan", "Extra": "x"},
    ])
    r = load(f, db, mapping=str(mapping))
    assert r.total("loaded") == 2 and r.files[0].ignored_columns == ["Extra"]
    e = episodes(db).set_index("incident_id")
    assert list(e["risk"]) == ["high", "medium"]
    assert e.loc["X1", "age_at_report"] == 15
    assert list(e["missing_from_address"]) == ["1 Example Road, Bolton", "Wigan"]


def test_a_mapping_column_missing_from_the_file_is_named(tmp_path, db):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: m\ncolumns: {incident_id: Occ Ref}\n")
    f = write_csv(tmp_path / "x.csv", [row()])
    with pytest.raises(InputError, match=r"x\.csv: column 'Occ Ref' \(mapped to 'incident_id'"):
        load(f, db, mapping=str(mapping))


# ---------------------------------------------------------------------------------- absences


def test_absences_load_through_the_same_machinery(tmp_path, db):
    f = write_csv(tmp_path / "abs.csv", [
        {"absence_id": "A1", "person_id": "P1", "site_ref": "CH1", "started_at": "2024-01-05 20:00",
         "ended_at": "2024-01-05 23:00", "reported_to_police": "N", "incident_id": ""},
        {"absence_id": "A2", "person_id": "P1", "site_ref": "CH1", "started_at": "2024-01-06 20:00",
         "ended_at": "2024-01-06 19:00", "reported_to_police": "Y", "incident_id": "I1"},
    ])
    mapping = tmp_path / "abs.yaml"
    mapping.write_text("name: abs\nrecord_type: absence\n")
    r = load(f, db, mapping=str(mapping))
    assert (r.total("loaded"), r.total("quarantined")) == (1, 1)
    assert quarantined(db) == {2: ["ended_at: before started_at"]}


# ---------------------------------------------------------------------------------- real extract


def test_the_namus_register_loads_with_every_row_accounted_for(tmp_path, db):
    from tests.conftest import require_shared

    path = require_shared("reference", "missing_persons_namus_us_deid", "namus_missing_persons_us_deidentified.csv")
    r = load(path, db, mapping="namus").as_json()
    assert r["rows_read"] == 25743
    assert r["rows_read"] == r["loaded"] + r["updated"] + r["unchanged"] + r["stale"] + r["quarantined"] + r["duplicates"]
    # age ranges and blank ages ("21 - 22 Years") have no single age: quarantined, not guessed
    assert r["quarantined"] == 43
    assert set(json.loads(json.dumps(quarantined(db))).keys())  # every quarantined row has its number
    again = load(path, db, mapping="namus").as_json()
    assert (again["loaded"], again["unchanged"]) == (0, r["loaded"])


def test_the_texas_register_through_the_mapping_written_with_check(tmp_path, db):
    """docs/mappings.md's worked example: the mapping it ends with loads all but the 5 known
    impossible ages, and --check foresaw exactly that."""
    from profiles.ingest.check import check_files
    from tests.conftest import require_shared

    path = require_shared("reference", "missing_persons_texas_charley_deid",
                          "texas_missing_persons_charley_deidentified.csv")
    report = check_files([path], "texas", Settings())
    assert (report.rows, report.valid_rows) == (841, 836)
    assert {c.column: c.passed for c in report.columns if c.passed < c.rows} == {"age": 836}
    r = load(path, db, mapping="texas").as_json()
    assert (r["rows_read"], r["loaded"], r["quarantined"]) == (841, 836, 5)
    assert set(sum(quarantined(db).values(), [])) == {"age: implausible (3334)", "age: implausible (4243)",
                                                      "age: implausible (4142)", "age: implausible (2324)"}


def test_an_episode_weeded_under_retention_is_not_loaded_again(tmp_path, db):
    from datetime import date

    from profiles.config import RetentionConfig
    from profiles.retention import weed, weed_policy

    f = write_csv(tmp_path / "x.csv", [row(incident_id="OLD", reported_at="2015-01-05 10:00", found_at="2015-01-05 18:00"),
                                       row(incident_id="NEW")])
    load(f, db)
    con = connect(db)
    weed(con, weed_policy(RetentionConfig(), date(2026, 11, 1), today=date(2026, 11, 28)), dry_run=False)
    con.close()
    assert list(episodes(db)["incident_id"]) == ["NEW"]
    r = load(f, db)
    assert (r.total("loaded"), r.total("unchanged"), r.total("quarantined")) == (0, 1, 1)
    assert quarantined(db)[1] == ["incident_id: weeded under the retention policy; not loaded again"]
    con = connect(db, read_only=True)
    assert con.execute("select raw from quarantine where record_key = 'OLD'").fetchone() == (None,)
    con.close()


# ---------------------------------------------------------------------------------- versions


def _set_mtime(path: Path, when: str) -> Path:
    import os

    t = datetime.fromisoformat(when).replace(tzinfo=timezone.utc).timestamp()
    os.utime(path, (t, t))
    return path


def test_an_older_extract_never_reopens_a_found_episode(tmp_path, db):
    # the found version comes from the newer extract; the older one (still missing, lower risk)
    # arrives afterwards: it is stale, kept in history as stale, and the episode stays found
    newer = _set_mtime(write_csv(tmp_path / "newer.csv", [row(found_at="2024-01-06 08:00", risk="high")]),
                       "2024-01-07T06:00")
    older = _set_mtime(write_csv(tmp_path / "older.csv", [row(found_at="", risk="low"), row(incident_id="I9")]),
                       "2024-01-05T20:00")
    load(newer, db)
    r = load(older, db)
    assert (r.total("stale"), r.total("updated"), r.total("loaded")) == (1, 0, 1)
    assert r.as_json()["stale"] == 1 and r.as_json()["files"][0]["extracted_from"] == "the file's modification time"
    assert "1 stale" in r.summary_text()
    e = episodes(db).set_index("incident_id").loc["I1"]
    assert e["risk"] == "high" and not pd.isna(e["found_at"])
    con = connect(db, read_only=True)
    assert con.execute("select risk, found_at, history_status, superseded_by_load from episode_history").fetchall() \
        == [("low", None, "stale", 2)]
    assert con.execute("select stale, loaded from load_log where load_id = 2").fetchone() == (1, 1)
    assert con.execute("select count(*) from load_files where extracted_at is not null").fetchone() == (2,)
    con.close()
    # loading the newer extract again changes nothing; the stale version stays out
    again = load(newer, db)
    assert (again.total("unchanged"), again.total("updated")) == (1, 0)


def test_the_date_in_a_file_name_outranks_its_modification_time(tmp_path, db):
    newer = _set_mtime(write_csv(tmp_path / "rms_2024-02-01.csv", [row(found_at="2024-01-06 08:00")]),
                       "2020-01-01T00:00")
    older = _set_mtime(write_csv(tmp_path / "rms_20240110.csv", [row(found_at="")]), "2030-01-01T00:00")
    load(newer, db)
    r = load(older, db)
    assert r.total("stale") == 1 and r.files[0].extracted_from == "the date in the file name"
    assert not pd.isna(episodes(db).iloc[0]["found_at"])


def test_a_modified_column_decides_per_row(tmp_path, db):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: m\nmodified_column: Last Updated\ndatetime_formats: ['%d/%m/%Y %H:%M']\n")
    load(write_csv(tmp_path / "a.csv", [row(incident_id="I1", found_at="2024-01-06 08:00", **{"Last Updated": "06/01/2024 09:00"}),
                                        row(incident_id="I2", found_at="", **{"Last Updated": "05/01/2024 11:00"})]),
         db, mapping=str(mapping))
    r = load(write_csv(tmp_path / "b.csv", [row(incident_id="I1", found_at="", **{"Last Updated": "05/01/2024 12:00"}),
                                            row(incident_id="I2", found_at="2024-01-06 10:00", **{"Last Updated": "06/01/2024 10:00"}),
                                            row(incident_id="I3", **{"Last Updated": "yesterday"})]),
             db, mapping=str(mapping))
    assert (r.total("stale"), r.total("updated"), r.total("quarantined")) == (1, 1, 1)
    assert quarantined(db) == {3: ["modified time: not a date-time ('yesterday')"]}
    assert episodes(db)["found_at"].notna().all()


# ---------------------------------------------------------------------------------- text files


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path, db, encoding):
    text = "incident_id,person_id,reported_at,age,gender,risk\nI1,P1,2024-01-05 10:00,15,female,medium\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "x.csv"
    path.write_bytes(raw)
    r = load(path, db)
    assert r.total("loaded") == 1 and episodes(db).iloc[0]["risk"] == "medium"


def test_a_one_column_file_is_a_file_and_letters_are_never_delimiters(tmp_path):
    from profiles.csvtext import sniff_delimiter
    from profiles.geo.files import read_table

    assert sniff_delimiter("postcode") == ","
    assert sniff_delimiter("a|b|c") == "|" and sniff_delimiter("a\tb") == "\t"
    path = tmp_path / "pc.csv"
    path.write_text("postcode\nBL5 3XX\nM1 1AA\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["postcode"] and frame["postcode"].tolist() == ["BL5 3XX", "M1 1AA"]
