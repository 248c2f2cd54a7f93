"""Partner data shares: given these children's reports, each local authority gets these
rows with exactly the agreed fields, and nothing a partner may not see."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from profiles.config import ConfigError, Settings
from profiles.periods import Month
from profiles.reports.shares import share_fields, write_shares
from tests.factories import add_episodes, add_sites

MAY = Month.of(2024, 5)
BOLTON, MANCHESTER, WIGAN = "E08000001", "E08000003", "E08000010"

EPISODES = [
    # looked after by Manchester, placed in a Bolton home: in both shares
    dict(incident_id="I1", person="CHILD-0001", age=15, gender="female", reported_at="2024-05-03 21:15",
         found_at="2024-05-04 09:45", risk="high", missing_from_type="childrens_home", looked_after=True,
         responsible_la=BOLTON, placing_authority=MANCHESTER, date_of_birth="2008-11-30",
         reason="Argued with staff at Oak House about her phone", missing_from_address="1 Oak Lane, Bolton",
         flag_cse=True),
    # Bolton both responsible and placing: once, in the Bolton share
    dict(incident_id="I2", person="CHILD-0002", age=12, gender="male", reported_at="2024-05-31 23:59",
         found_at=None, responsible_la=BOLTON, placing_authority=BOLTON, date_of_birth="2012-01-02"),
    # the same child again in May
    dict(incident_id="I3", person="CHILD-0001", age=15, gender="female", reported_at="2024-05-20 10:00",
         found_at="2024-05-20 13:30", responsible_la=BOLTON, placing_authority=MANCHESTER),
    # not shared: an adult, a child in June, a child of unknown age, a child with no authority
    dict(incident_id="I4", person="ADULT-0001", age=18, reported_at="2024-05-10 10:00", responsible_la=WIGAN),
    dict(incident_id="I5", person="CHILD-0003", age=14, reported_at="2024-06-01 00:00", responsible_la=WIGAN),
    dict(incident_id="I6", person="CHILD-0004", age=None, reported_at="2024-05-11 10:00", responsible_la=WIGAN),
    dict(incident_id="I7", person="CHILD-0005", age=16, reported_at="2024-05-12 10:00"),
]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def loaded(con):
    add_episodes(con, EPISODES)
    add_sites(con, [dict(site_id="S1", name="Oak House Children's Home", type="childrens_home",
                         address="1 Oak Lane, Bolton", postcode="BL1 1AA")])
    con.execute(
        "insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values "
        "('lad', 'E08000001', 'Bolton', 'test', 1, ''::blob), ('lad', 'E08000003', 'Manchester', 'test', 1, ''::blob)"
    )
    return con


def test_each_authority_gets_its_children_with_exactly_the_agreed_fields(loaded, tmp_path):
    settings = Settings()
    write_shares(loaded, MAY, tmp_path, settings, date(2024, 6, 3))
    bolton = _read(tmp_path / "bolton.csv")
    manchester = _read(tmp_path / "manchester.csv")
    assert [r["incident_ref"] for r in bolton] == ["I1", "I3", "I2"]  # by time reported
    assert [r["incident_ref"] for r in manchester] == ["I1", "I3"]
    assert list(bolton[0]) == settings.disclosure.share_fields
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bolton.csv", "bolton.html", "care_home_summary.csv", "care_home_summary.html", "index.html",
        "manchester.csv", "manchester.html", "manifest.json"]
    first = bolton[0]
    assert first["person_ref"] == "CHILD-0001"  # the pseudonymised key (the factory's key), not REF-...
    assert first["reported_at"] == "2024-05-03T21:15:00+01:00"
    assert first["duration_hours"] == "12.5"
    assert (first["flag_cse"], first["looked_after"], first["flag_cce"]) == ("true", "true", "")
    assert bolton[2]["found_at"] == "" and bolton[2]["duration_hours"] == ""


def test_covers_name_the_authority_and_the_index_counts_what_no_share_carries(loaded, tmp_path):
    write_shares(loaded, MAY, tmp_path, Settings(), date(2024, 6, 3))
    cover = (tmp_path / "bolton.html").read_text()
    assert "Bolton" in cover and "May 2024" in cover and "3 episode(s) of 2 child(ren)" in cover
    assert "OFFICIAL" in cover and "OFFICIAL-SENSITIVE" not in cover and "SYNTHETIC" in cover
    index = (tmp_path / "index.html").read_text()
    assert "1 child episode(s) in the month had neither" in index  # I7
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (manifest["period"], manifest["audience"]) == ("2024-05", "partner")
    assert sorted(f["path"] for f in manifest["files"]) == [
        "bolton.csv", "bolton.html", "manchester.csv", "manchester.html"]


def test_no_share_contains_a_person_reference_date_of_birth_free_text_or_home_name(loaded, tmp_path):
    write_shares(loaded, MAY, tmp_path, Settings(), date(2024, 6, 3))
    forbidden = ["REF-CHILD", "2008-11-30", "30/11/2008", "2012-01-02", "Argued with staff",
                 "Oak House", "Oak Lane", "BL1 1AA"]
    for path in tmp_path.glob("[bm]*"):
        text = path.read_text()
        for value in forbidden:
            assert value not in text, (path.name, value)


def test_fields_are_configurable_and_police_only_fields_are_refused(loaded, tmp_path):
    settings = Settings()
    settings.disclosure.share_fields = ["person_ref", "reported_at", "risk"]
    write_shares(loaded, MAY, tmp_path, settings, date(2024, 6, 3))
    assert list(_read(tmp_path / "manchester.csv")[0]) == ["person_ref", "reported_at", "risk"]
    for bad, message in (("date_of_birth", "may not be shared"), ("person_id", "may not be shared"),
                         ("reason", "may not be shared"), ("shoe_size", "unknown field 'shoe_size'")):
        settings.disclosure.share_fields = ["person_ref", bad]
        with pytest.raises(ConfigError, match=message):
            share_fields(settings)


def test_a_month_with_no_children_writes_only_the_index_and_manifest(con, tmp_path):
    paths = write_shares(con, MAY, tmp_path, Settings(), date(2024, 6, 3))
    assert sorted(p.name for p in paths) == [
        "care_home_summary.csv", "care_home_summary.html", "index.html", "manifest.json"]


def test_cli_share(tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app
    from profiles.db import connect

    db_path = tmp_path / "m.duckdb"
    c = connect(db_path)
    add_episodes(c, EPISODES)
    c.close()
    result = CliRunner().invoke(app, ["--db", str(db_path), "share", "--period", "2024-05",
                                      "--out", str(tmp_path / "s"), "--run-date", "2024-06-03"])
    assert result.exit_code == 0, result.output
    # no boundaries imported: no authority is known, so no share; the values go to the police's list
    assert not (tmp_path / "s" / "e08000003.csv").exists()
    listed = _read(tmp_path / "s" / "unknown_authorities.csv")
    assert [(r["authority_as_recorded"], r["episodes"]) for r in listed] == [("E08000001", "3"), ("E08000003", "2")]


def test_a_share_file_is_never_named_from_an_input_value(loaded, tmp_path):
    """A responsible_la of '=HYPERLINK("http://x","la")' names no file; it is listed for the police."""
    loaded.execute("update episodes set responsible_la = '=HYPERLINK(\"http://x\",\"la\")' where incident_id = 'I2'")
    loaded.execute("update episodes set placing_authority = 'bolton ' where incident_id = 'I2'")
    paths = write_shares(loaded, MAY, tmp_path, Settings(), date(2024, 6, 3))
    names = sorted(p.name for p in paths)
    assert not any("hyperlink" in n for n in names)
    assert "bolton.csv" in names and "manchester.csv" in names
    # 'bolton ' is Bolton by its reference name: I2 is in the Bolton share once
    assert [r["incident_ref"] for r in _read(tmp_path / "bolton.csv")] == ["I1", "I3", "I2"]
    listed = (tmp_path / "unknown_authorities.csv").read_text(encoding="utf-8")
    assert listed.splitlines() == ["authority_as_recorded,episodes,children",
                                   '"\'=HYPERLINK(""http://x"",""la"")",1,1']
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert "unknown_authorities.csv" not in [f["path"] for f in manifest["files"]]


def test_a_share_that_would_carry_a_raw_person_reference_is_stopped(loaded, tmp_path):
    from profiles.errors import CheckFailed

    # as if pseudonymisation had been bypassed: the key is the force's own reference
    loaded.execute("update person_identity set person_id = person_key")
    with pytest.raises(CheckFailed, match="contains a person reference"):
        write_shares(loaded, MAY, tmp_path, Settings(), date(2024, 6, 3))
    assert list(tmp_path.iterdir()) == []  # nothing is left behind
